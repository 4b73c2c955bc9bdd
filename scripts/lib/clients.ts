/**
 * The clients the article uses: curl, a raw socket, and client3. Each is bounded in time.
 */
import { execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { ROOT } from './stage.js';

export interface RawResult {
  /** Everything the server sent. */
  data: string;
  /** true when the server closed the connection; false when we gave up waiting. */
  closed: boolean;
}

/** Sends request on a fresh connection to 127.0.0.1:port and collects the answer until close or timeout. */
export function rawRequest(port: number, request: string | Buffer, timeout = 5_000): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ data: Buffer.concat(chunks).toString(), closed: false });
    }, timeout);
    sock.on('connect', () => sock.write(request));
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

/** The article's request, as curl sends it. */
export const HELLO_REQUEST = (port: number): string => `GET /hello HTTP/1.1\r\nHost: localhost:${port}\r\nUser-Agent: curl\r\nAccept: */*\r\n\r\n`;

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
    execFile('curl', ['--silent', '--show-error', '--max-time', String(maxTime), ...args], { timeout: (maxTime + 5) * 1000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr, timedOut: code === 28 });
    });
  });
}

/** `pnpm --filter client3 start -- args` against port; resolves with its output when it exits. */
export function client3(port: number, args: string[], timeout = 120_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['--silent', '--filter', 'client3', 'start', '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`client3 ${args.join(' ')} did not finish in ${timeout} ms; output:\n${output}`));
    }, timeout);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
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
