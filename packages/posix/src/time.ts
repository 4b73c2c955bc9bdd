/** Python's time module: a sleep that blocks the whole process. */
import { platform } from './platform/index.js';
import { checkRestarting } from './libc.js';

const { size, secOffset, nsecOffset } = platform.timespec;

/** nanosleep(2) for secs seconds; a signal does not cut it short (the time left is slept again). */
export function sleep(secs: number): void {
  const ts = Buffer.alloc(size); // request and, when interrupted, the time remaining
  ts.writeBigInt64LE(BigInt(Math.floor(secs)), secOffset);
  ts.writeBigInt64LE(BigInt(Math.round((secs % 1) * 1e9)), nsecOffset);
  checkRestarting('nanosleep', ts, ts);
}
