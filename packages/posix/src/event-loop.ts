/**
 * Node's libuv event loop, as the blocking calls and fork() need it. JavaScript signal handlers
 * run when the loop turns (libuv's C handler only notes the signal and wakes the loop), so a
 * call that a signal may interrupt waits for the loop as well as for its descriptor.
 */
import { setImmediate } from 'node:timers/promises';
import { platform } from './platform/index.js';
import { call, strerror } from './libc.js';
import { OSError } from './errors.js';

/** libuv's default loop, Node's main loop: the same address in every child. */
const defaultLoop = call('uv_default_loop').value;
/** The loop's epoll descriptor (uv_backend_fd), readable when libuv has work; -1 until asked (a child has its own). */
let backendFd = -1;

const { EINTR } = platform.errno;
const { size, fdOffset, eventsOffset, reventsOffset, POLLIN } = platform.pollfd;
/** The two pollfds, written and read within one synchronous stretch: one buffer serves every wait. */
const fds = Buffer.alloc(2 * size);

/**
 * Waits in a row that may skip turning the event loop when it has nothing to do: after this many,
 * the loop turns anyway, so that what does not wake its descriptor (timers, process.nextTick and
 * immediates queued by JavaScript) still runs while connections keep coming.
 */
const TURN_AT_LEAST_EVERY = 16;
let waitsWithoutTurn = TURN_AT_LEAST_EVERY - 1; // the first wait turns the loop

/**
 * The next wait turns the loop before it polls. A signal watcher that libuv has just started
 * (process.on for a signal) only delivers once the loop has turned after it was started: without
 * that turn, the handler of a signal that interrupts the wait would not run before EINTR is thrown.
 */
export function turnBeforeNextWait(): void {
  waitsWithoutTurn = TURN_AT_LEAST_EVERY - 1;
}

/** poll(2) on fd and on the loop's descriptor; returns poll's result and errno, revents in `fds`. */
function pollBoth(fd: number, timeout: number): { value: number; errno: number } {
  if (backendFd === -1) backendFd = call('uv_backend_fd', defaultLoop).value as number;
  fds.fill(0);
  fds.writeInt32LE(fd, fdOffset);
  fds.writeInt16LE(POLLIN, eventsOffset);
  fds.writeInt32LE(backendFd, size + fdOffset);
  fds.writeInt16LE(POLLIN, size + eventsOffset);
  return call('poll', fds, 2, timeout) as { value: number; errno: number };
}

/**
 * poll(2) until fd is readable, letting the event loop turn whenever its own descriptor
 * (uv_backend_fd) says it has work, such as a signal libuv caught: the handler runs then,
 * whichever thread took the signal. A signal that interrupts the wait throws OSError EINTR
 * for `syscall` after its handler has run, as the blocking call would fail in C. The loop
 * turns only when it has work (or every TURN_AT_LEAST_EVERY waits): a server under load
 * goes from one connection to the next without a turn of the loop in between.
 */
export async function waitReadable(fd: number, syscall: string): Promise<void> {
  for (;;) {
    if (++waitsWithoutTurn >= TURN_AT_LEAST_EVERY) {
      waitsWithoutTurn = 0;
      await setImmediate();
    }
    const { value, errno } = pollBoth(fd, -1);
    if (value === -1) {
      waitsWithoutTurn = 0;
      if (errno === EINTR) await setImmediate(); // the interrupting signal's handler runs first
      throw new OSError(errno, strerror(errno), syscall);
    }
    if (fds.readInt16LE(size + reventsOffset) !== 0) {
      waitsWithoutTurn = 0;
      await setImmediate(); // the loop has work (a signal libuv caught): handlers that are due run now
      continue; // and the descriptor is looked at again, after them
    }
    if (fds.readInt16LE(reventsOffset) !== 0) return; // readable (or in error: the call will say)
  }
}

/** In the child, right after fork(): a libuv loop of its own (new epoll instance, new signal pipe). */
export function reinitEventLoopInChild(): void {
  const err = call('uv_loop_fork', defaultLoop).value as number;
  if (err !== 0) throw new Error(`@lsbaws/posix: uv_loop_fork failed in the child (libuv error ${err})`);
  backendFd = -1;
}
