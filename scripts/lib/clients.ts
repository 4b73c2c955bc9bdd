/**
 * The clients the article uses: curl, a raw socket, and client3. Each is bounded in time.
 */
import { execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { ROOT, killGroup, withoutNodeOptions } from './stage.js';
import { childStates, children } from './procfs.js';

export interface RawResult {
  /** Everything the server sent. */
  data: string;
  /** true when the server closed the connection; false when we gave up waiting. */
  closed: boolean;
}

export interface RawOptions {
  /** Half-close (shutdown SHUT_WR) after sending the request, as `printf ... | nc -N` would. */
  end?: boolean;
}

/** Sends request on a fresh connection to 127.0.0.1:port and collects the answer until close or timeout. */
export function rawRequest(
  port: number,
  request: string | Buffer,
  timeout = 5_000,
  options: RawOptions = {},
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ data: Buffer.concat(chunks).toString(), closed: false });
    }, timeout);
    sock.on('connect', () => (options.end ? sock.end(request) : sock.write(request)));
    sock.on('data', (chunk) => chunks.push(chunk));
    sock.on('end', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ data: Buffer.concat(chunks).toString(), closed: true });
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      if (chunks.length > 0) resolve({ data: Buffer.concat(chunks).toString(), closed: true });
      else reject(e);
    });
  });
}

/** Connects, sends data (maybe nothing) and hangs up at once without reading: a client that goes away early. */
export function hangUp(port: number, data: string | Buffer = ''): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    sock.on('connect', () => {
      if (data.length > 0) sock.write(data);
      sock.destroy();
      resolve();
    });
    sock.on('error', reject);
  });
}

/** The article's request, as curl (7.88.1, Debian 12's) sends it to localhost. */
export const HELLO_REQUEST = (port: number): string =>
  `GET /hello HTTP/1.1\r\nHost: localhost:${port}\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n`;

export interface CurlResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** true when curl gave up at --max-time (exit 28). */
  timedOut: boolean;
}

/** curl with a time limit; never rejects. */
export function curl(args: string[], maxTime = 10): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['--silent', '--show-error', '--max-time', String(maxTime), ...args],
      { timeout: (maxTime + 5) * 1000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, timedOut: code === 28 });
      },
    );
  });
}

/** Splits a raw HTTP response into its status line, headers (lower-case names) and body. */
export function parseResponse(raw: string): { status: string; headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const [status = '', ...lines] = raw.slice(0, end === -1 ? raw.length : end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  return { status, headers, body: end === -1 ? '' : raw.slice(end + 4) };
}

/** Runs client3 to the end (it and every client it forked), stopping them all after timeout ms. */
export async function client3(
  port: number,
  args: string[],
  timeout = 120_000,
): Promise<{ code: number | null; output: string }> {
  const running = startClient3(port, args);
  const timer = setTimeout(() => running.stop(), timeout);
  try {
    return await running.done;
  } finally {
    clearTimeout(timer);
  }
}

/** Whether promise settles within ms: true if it does, false once wait(ms) has ended first. */
export function settlesWithin(
  promise: Promise<unknown>,
  ms: number,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<boolean> {
  return Promise.race([promise.then(() => true), wait(ms).then(() => false)]);
}

/** Polls check every 50 ms until it returns a value that is not undefined/false, or throws after timeout. */
export async function eventually<T>(what: string, check: () => T | undefined | false, timeout = 10_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits up to timeout ms for pid to have no child left, every one exited and reaped; then
 * returns 'PID STATE' for each child still there ('1234 Z' for a zombie), [] when none.
 */
export async function childrenLeft(pid: number, timeout: number): Promise<string[]> {
  await eventually('every child to exit and be reaped', () => children(pid).length === 0, timeout).catch(
    () => undefined,
  );
  return childStates(pid);
}

export interface WatchedCurl {
  /** What curl printed so far. */
  stdout: string;
  stderr: string;
  /** ms after the start when the first byte of the answer arrived, or null. */
  firstByteAt: number | null;
  /** ms after the start when curl exited, or null while it runs. */
  endedAt: number | null;
  /** curl's own timing once it has exited (-w): seconds to the first byte of the answer, and in all. */
  timing: { firstByte: number; total: number } | null;
  /** Resolves when curl exits (at the latest at maxTime). */
  done: Promise<CurlResult>;
  /** Kills curl now (it then ends with code null). */
  stop(): void;
}

const TIMING = 'lsbaws-curl-timing:';

/** curl in the background, recording when its answer came and when it ended (the hanging clients of 3b and 3d). */
export function startCurl(args: string[], maxTime = 10): WatchedCurl {
  const started = Date.now();
  const write = `%{stderr}${TIMING} %{time_starttransfer} %{time_total}\n`;
  const child = spawn(
    'curl',
    ['--silent', '--show-error', '--no-buffer', '--max-time', String(maxTime), '--write-out', write, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const watched: WatchedCurl = {
    stdout: '',
    stderr: '',
    firstByteAt: null,
    endedAt: null,
    timing: null,
    done: new Promise((resolve) => {
      child.on('close', (code) => {
        watched.endedAt = Date.now() - started;
        const m = new RegExp(`^${TIMING} ([\\d.]+) ([\\d.]+)\\n?`, 'm').exec(watched.stderr);
        if (m) {
          watched.timing = { firstByte: Number(m[1]), total: Number(m[2]) };
          watched.stderr = watched.stderr.replace(m[0], '');
        }
        resolve({ code, stdout: watched.stdout, stderr: watched.stderr, timedOut: code === 28 });
      });
    }),
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  child.stdout.on('data', (c: Buffer) => {
    watched.firstByteAt ??= Date.now() - started;
    watched.stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => (watched.stderr += c.toString()));
  return watched;
}

export interface OpenConnection {
  /** The client's ephemeral port. */
  localPort: number;
  /** What the server sent so far. */
  received: string;
  /** true once the server has closed its end (FIN) */
  ended: boolean;
  send(data: string | Buffer): void;
  close(): void;
}

/** Connects to 127.0.0.1:port and sends nothing yet: the server accepts (and forks) but its child waits in recv. */
export function openConnection(port: number, timeout = 5_000): Promise<OpenConnection> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`could not connect to port ${port} within ${timeout} ms`));
    }, timeout);
    const conn: OpenConnection = {
      localPort: 0,
      received: '',
      ended: false,
      send: (data) => sock.write(data),
      close: () => sock.destroy(),
    };
    sock.on('data', (c: Buffer) => (conn.received += c.toString()));
    sock.on('end', () => (conn.ended = true));
    sock.on('error', (e) => {
      clearTimeout(timer);
      conn.ended = true;
      reject(e);
    });
    sock.on('connect', () => {
      clearTimeout(timer);
      conn.localPort = sock.localPort ?? 0;
      resolve(conn);
    });
  });
}

export interface RunningClient3 {
  /** Everything client3 and its children printed so far. */
  output: string;
  /** Resolves when client3 and every client it forked have finished (their output is closed). */
  done: Promise<{ code: number | null; output: string }>;
  /** Kills client3 and all its children (their own process group). */
  stop(): void;
}

/**
 * `pnpm --filter client3 start -- args` in a process group of its own, so that stop() also ends
 * the clients it forked; done waits for those clients, not only for client3's parent.
 */
export function startClient3(port: number, args: string[], onOutput?: (chunk: string) => void): RunningClient3 {
  const [command, ...argv] = withoutNodeOptions(['pnpm', '--silent', '--filter', 'client3', 'start', '--', ...args]);
  const child = spawn(command, argv, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const running: RunningClient3 = {
    output: '',
    done: new Promise((resolve) => child.on('close', (code) => resolve({ code, output: running.output }))),
    stop: () => killGroup(child.pid),
  };
  const take = (c: Buffer): void => {
    running.output += c.toString();
    onOutput?.(c.toString());
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  return running;
}

/** Resolves after ms milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
