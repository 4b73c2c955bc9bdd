/**
 * The load generator: ApacheBench (ab) against 127.0.0.1, bounded in requests and in time,
 * with its own CPU time measured (on a 2-core machine it competes with the server).
 */
import { spawn } from 'node:child_process';
import { must } from '../lib/must.js';
import { killGroup } from '../lib/stage.js';

export interface LoadResult {
  requests: number;
  complete: number;
  /** ab's "Failed requests" (connect, receive, length, exceptions) + non-2xx + never completed. */
  failed: number;
  non2xx: number;
  requestsPerSecond: number;
  /** ab's mean time per request across all concurrent requests, ms. */
  meanMs: number;
  /** 50th and 99th percentile of the time to serve a request, ms. */
  p50Ms: number;
  p99Ms: number;
  /** CPU seconds ab itself used (user + system). */
  abCpuSeconds: number;
  /** ab's own complaint when it stopped early (timeout, refused...), or null. */
  error: string | null;
}

export interface LoadOptions {
  requests: number;
  concurrency: number;
  socketTimeout: number;
  /** Pin ab to this CPU (taskset -c), or null. */
  cpu: number | null;
}

/** The load of each measured run from the options, and the warm-up before it (at most 200 requests, not counted). */
export function loadsOf(o: { requests: number; concurrency: number; socketTimeout: number; abCpu: number | null }): {
  load: LoadOptions;
  warmUp: LoadOptions;
} {
  const load = { requests: o.requests, concurrency: o.concurrency, socketTimeout: o.socketTimeout, cpu: o.abCpu };
  return { load, warmUp: { ...load, requests: Math.min(200, o.requests) } };
}

const number = (re: RegExp, text: string): number | undefined => {
  const m = re.exec(text);
  return m === null ? undefined : Number(m[1]);
};

/** Parses ab's report. Exported for the tests. */
export function parseAb(text: string, requests: number, abCpuSeconds: number, error: string | null): LoadResult {
  const complete = number(/^Complete requests:\s+(\d+)/m, text) ?? 0;
  const abFailed = number(/^Failed requests:\s+(\d+)/m, text) ?? 0;
  const non2xx = number(/^Non-2xx responses:\s+(\d+)/m, text) ?? 0;
  return {
    requests,
    complete,
    failed: abFailed + non2xx + (requests - complete),
    non2xx,
    requestsPerSecond: number(/^Requests per second:\s+([\d.]+)/m, text) ?? 0,
    meanMs: number(/^Time per request:\s+([\d.]+) \[ms\] \(mean\)$/m, text) ?? Number.NaN,
    p50Ms: number(/^\s+50%\s+(\d+)/m, text) ?? Number.NaN,
    p99Ms: number(/^\s+99%\s+(\d+)/m, text) ?? Number.NaN,
    abCpuSeconds,
    error,
  };
}

/** "0m1.234s 0m0.567s": bash's `times` line for the children (ab), in seconds. */
function parseTimes(line: string | undefined): number {
  const t = [...(line ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  const [user, system, ...more] = t;
  return user !== undefined && system !== undefined && more.length === 0 ? user + system : Number.NaN;
}

/**
 * `ab -n N -c C -s T -r http://127.0.0.1:PORT/hello`, killed if it outlives a generous
 * deadline. Never rejects: a run that went wrong is a result with failures and an error.
 */
export function runAb(port: number, o: LoadOptions): Promise<LoadResult> {
  const ab = [
    'ab',
    '-n',
    String(o.requests),
    '-c',
    String(o.concurrency),
    '-s',
    String(o.socketTimeout),
    '-r',
    `http://127.0.0.1:${port}/hello`,
  ];
  const pinned = o.cpu === null ? ab : ['taskset', '-c', String(o.cpu), ...ab];
  // bash reports ab's CPU time with `times` (second line: the children's user and system time)
  const script = `${pinned.map((a) => `'${a}'`).join(' ')} 2>&3; status=$?; times >&4; exit $status`;
  const deadline = 30_000 + o.requests * 50 + o.socketTimeout * 1000;
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    let times = '';
    must(child.stdout, "a pipe for ab's stdout").on('data', (c: Buffer) => (out += c.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (c: Buffer) => (err += c.toString()));
    (child.stdio[4] as NodeJS.ReadableStream).on('data', (c: Buffer) => (times += c.toString()));
    must(child.stderr, "a pipe for ab's stderr").on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => {
      err += `\nab did not finish within ${deadline} ms; killed`;
      killGroup(child.pid);
    }, deadline);
    child.on('close', (code) => {
      clearTimeout(timer);
      const problem =
        code === 0
          ? null
          : (err
              .trim()
              .split('\n')
              .filter((l) => !/^(Benchmarking|Completed|Finished)/.test(l))
              .pop() ?? `ab exited with ${code}`);
      resolve(parseAb(out, o.requests, parseTimes(times.trim().split('\n')[1]), problem));
    });
  });
}
