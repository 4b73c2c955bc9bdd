/** Python's os module, the part the article uses: processes, wait statuses, raw descriptors. */
import { platform } from './platform/index.js';
import { call, check, checkRestarting } from './libc.js';
import { forkWithSteps } from './fork/steps.js';

export { register_at_fork } from './fork/at-fork.js';

export const { WNOHANG } = platform.os;

/**
 * fork(2): a copy of this process; returns 0 in the child and the child's PID in the parent. The
 * steps that make it work in Node (fork/steps.ts) run around it; one of them may refuse, in one line.
 */
export function fork(): number {
  return forkWithSteps();
}

/** _exit(2): ends the process at once, with no exit handlers and no 'exit' event. */
export function _exit(n: number): never {
  call('_exit', n);
  throw new Error('_exit returned'); // unreachable
}

/** wait(2): waits for any child; returns [pid, status]. */
export function wait(): [number, number] {
  return waitpid(-1, 0);
}

/** waitpid's out-parameter, filled and read within one synchronous call: one serves every call. */
const status = Buffer.alloc(4);

/** waitpid(2): returns [pid, status], or [0, 0] with WNOHANG while no child has changed state. */
export function waitpid(pid: number, options: number): [number, number] {
  status.writeInt32LE(0, 0);
  const reaped = checkRestarting('waitpid', pid, status, options);
  return [reaped, status.readInt32LE(0)];
}

/** getpid(2). */
export function getpid(): number {
  return check('getpid');
}

/** getppid(2). */
export function getppid(): number {
  return check('getppid');
}

/** kill(2): sends signal sig to process pid. */
export function kill(pid: number, sig: number): void {
  check('kill', pid, sig);
}

/** write(2): writes to a raw descriptor, returns the number of bytes written. */
export function write(fd: number, data: Uint8Array | string): number {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  return checkRestarting('write', fd, bytes, bytes.length);
}

/** wait(2) status macros (sys/wait.h). */
export const WIFEXITED = (status: number): boolean => (status & 0x7f) === 0;
export const WEXITSTATUS = (status: number): number => (status >> 8) & 0xff;
export const WIFSIGNALED = (status: number): boolean => ((status & 0x7f) + 1) >> 1 > 0;
export const WTERMSIG = (status: number): number => status & 0x7f;
