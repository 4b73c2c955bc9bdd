/**
 * Node's libuv event loop, as the blocking calls and fork() need it. JavaScript signal handlers
 * run when the loop turns (libuv's C handler only notes the signal and wakes the loop), so a
 * call that a signal may interrupt waits for the loop as well as for its descriptor.
 */
import { setImmediate } from 'node:timers/promises';
import { platform } from './platform/index.js';
import { call, strerror } from './libc.js';
import { OSError } from './errors.js';

/** libuv's default loop, Node's main loop (the same address in every child): asked the first time it is needed. */
let uvLoop: unknown = null;
const defaultLoop = (): unknown => (uvLoop ??= call('uv_default_loop').value);
/** The loop's epoll descriptor (uv_backend_fd), readable when libuv has work; -1 until asked (a child has its own). */
let backendFd = -1;

const { EINTR } = platform.errno;
const { size, fdOffset, eventsOffset, reventsOffset, POLLIN } = platform.pollfd;
/** waitReadable's two pollfds, kept between waits (a wait that starts while another waits makes its own). */
let spareFds: Buffer | null = Buffer.alloc(2 * size);

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

/**
 * poll(2) until fd is readable, letting the event loop turn meanwhile (pollWithEventLoop).
 * A signal that interrupts the wait throws OSError EINTR for `syscall` after its handler has
 * run, as the blocking call would fail in C.
 */
export async function waitReadable(fd: number, syscall: string): Promise<void> {
  const fds = spareFds ?? Buffer.alloc(2 * size);
  spareFds = null;
  try {
    fds.fill(0);
    fds.writeInt32LE(fd, fdOffset);
    fds.writeInt16LE(POLLIN, eventsOffset);
    await pollWithEventLoop(fds, 1, -1, syscall);
  } finally {
    spareFds = fds;
  }
}

/**
 * poll(2) on the first nfds struct pollfd of fds (which has room for one more), for at most timeout
 * ms (-1: until one is ready), letting the event loop turn whenever its own descriptor
 * (uv_backend_fd) says it has work, such as a signal libuv caught: the handler runs then,
 * whichever thread took the signal. Returns how many of the nfds have events (0: time ran out);
 * throws OSError EINTR after the interrupting signal's handler has run. The loop turns only when
 * it has work (or every TURN_AT_LEAST_EVERY waits): a server under load goes from one connection
 * to the next without a turn of the loop in between.
 */
export async function pollWithEventLoop(fds: Buffer, nfds: number, timeout: number, syscall: string): Promise<number> {
  const deadline = timeout < 0 ? Infinity : Date.now() + timeout;
  const loop = nfds * size;
  for (;;) {
    if (++waitsWithoutTurn >= TURN_AT_LEAST_EVERY) {
      waitsWithoutTurn = 0;
      await setImmediate();
    }
    if (backendFd === -1) backendFd = call('uv_backend_fd', defaultLoop()).value as number;
    fds.fill(0, loop, loop + size);
    fds.writeInt32LE(backendFd, loop + fdOffset);
    fds.writeInt16LE(POLLIN, loop + eventsOffset);
    const left = deadline === Infinity ? -1 : Math.max(0, Math.ceil(deadline - Date.now()));
    const { value, errno } = call('poll', fds, nfds + 1, left);
    if (value === -1) {
      waitsWithoutTurn = 0;
      if (errno === EINTR) await setImmediate(); // the interrupting signal's handler runs first
      throw new OSError(errno, strerror(errno), syscall);
    }
    const loopHasWork = fds.readInt16LE(loop + reventsOffset) !== 0;
    if (loopHasWork) {
      waitsWithoutTurn = 0;
      await setImmediate(); // a signal libuv caught, or other work: handlers that are due run now
    }
    const ready = (value as number) - (loopHasWork ? 1 : 0);
    if (ready > 0 || Date.now() >= deadline) return ready; // readable (or in error: the call will say)
  }
}

/** uv_loop_alive(3): whether the loop has referenced handles or requests that are active. */
export function eventLoopAlive(): boolean {
  return call('uv_loop_alive', defaultLoop()).value !== 0;
}

/** Before fork(), in the parent: the default loop's address known, so that the child does not ask for it. */
export function findDefaultLoop(): void {
  defaultLoop();
}

/** In the child, right after fork(): a libuv loop of its own (new epoll instance, new signal pipe). */
export function reinitEventLoopInChild(): void {
  const err = call('uv_loop_fork', defaultLoop()).value as number;
  if (err !== 0) throw new Error(`@lsbaws/posix: uv_loop_fork failed in the child (libuv error ${err})`);
  backendFd = -1;
}
