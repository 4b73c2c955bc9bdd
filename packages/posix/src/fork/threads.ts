/**
 * Who runs JavaScript in this process (docs/fork-in-node.md, facts 2 and 5): fork() copies only
 * the thread that calls it.
 * - node runs with --single-threaded: a V8 that waits for its GC helper threads would hang in the
 *   child for ever (--single-threaded-gc alone once left a child hanging on Node 24, so it is not
 *   enough). Checked when the package is imported.
 * - No other thread runs JavaScript: a lock one of them held at the instant of fork() (V8's
 *   process-wide ones included) would stay locked in the child. Checked before every fork().
 */
import { statSync } from 'node:fs';
import { platform } from '../platform/index.js';
import { call } from '../libc.js';

/** Throws at once, with the reason, unless node was started with --single-threaded. */
export function requireSingleThreadedNode(): void {
  const flags = process.execArgv.map((arg) => arg.replace(/_/g, '-'));
  if (flags.includes('--single-threaded')) return;
  throw new Error(
    '@lsbaws/posix needs node to be started with --single-threaded: ' +
      "a forked child has only the thread that called fork(), and V8's parallel garbage collector " +
      'would wait for its helper threads there for ever. The flag has to be on the node command ' +
      'line (NODE_OPTIONS refuses it, and setting it at run time is too late), e.g. ' +
      '`node --single-threaded dist/webserver3g.js`.',
  );
}

/** How many threads the process had when it was last found to run JavaScript on one only. */
let threadsWhenChecked = -1;

/** stat(2)'s out-parameter, filled and read within one call; null where libc has no stat symbol (glibc < 2.33). */
let statBuffer: Buffer | null = platform.forkSafety === null ? null : Buffer.alloc(platform.forkSafety.stat.size);

/**
 * This process's threads: procfs counts a directory's threads in its links, so one stat(2) of
 * /proc/self/task, through libc into a buffer kept for it (fs.statSync would build a Stats object
 * on every fork(), and every page of the parent written between two forks is copied again after
 * the next); -1 when it cannot tell.
 */
function countThreads(): number {
  const layout = platform.forkSafety?.stat;
  try {
    if (statBuffer !== null && layout !== undefined) {
      if (call('stat', '/proc/self/task', statBuffer).value !== 0) return -1;
      const at = layout.nlinkOffset;
      return (layout.nlinkBytes === 8 ? Number(statBuffer.readBigUInt64LE(at)) : statBuffer.readUInt32LE(at)) - 2;
    }
  } catch {
    statBuffer = null; // no stat in this libc: Node's
  }
  try {
    return statSync('/proc/self/task').nlink - 2;
  } catch {
    return -1;
  }
}

/**
 * Throws unless the main thread is the only one running JavaScript: no worker_threads Worker,
 * no module loader hooks thread (what `--import`/`--loader` with `module.register()` start,
 * from the command line or from NODE_OPTIONS). Asks Node (process.report) only when the
 * number of threads has changed since the last time it said so.
 */
export function requireOneJavaScriptThread(): void {
  const counted = countThreads();
  if (counted === -1 && threadsWhenChecked !== -1) return; // cannot tell now: the last answer stands
  const threads = Math.max(counted, 0);
  if (threads === threadsWhenChecked) return;
  const report = process.report as typeof process.report & { excludeNetwork: boolean }; // Node ≥ 20.13
  const { excludeNetwork } = report;
  report.excludeNetwork = true; // only the workers are wanted: no address lookups
  let workers: unknown[];
  try {
    ({ workers } = report.getReport() as { workers: unknown[] });
  } finally {
    report.excludeNetwork = excludeNetwork;
  }
  if (workers.length > 0) {
    throw new Error(
      `@lsbaws/posix: fork() refused: ${workers.length} other thread(s) of this process run JavaScript (a ` +
        `worker_threads Worker, or the thread where module loader hooks run: --import or --loader with ` +
        `module.register(), on the command line or in ` +
        `NODE_OPTIONS${process.env.NODE_OPTIONS ? `="${process.env.NODE_OPTIONS}"` : ''}). The child would have ` +
        `none of them, and a lock one of them held at that instant (V8 has process-wide ones) would stay locked ` +
        `in the child for ever. Run node with neither, as the stages' start scripts do.`,
    );
  }
  threadsWhenChecked = threads;
}
