/**
 * Python's signal module on Node's event loop. signal(SIGCHLD, handler) registers the handler
 * with process.on (libuv's async-signal-safe C handler catches the signal; the JavaScript
 * handler runs when the event loop next turns) and clears SA_RESTART, so that a blocking
 * accept() fails with EINTR the way it did in C and in the Python 2 the article ran.
 * Standard signals are not queued: children exiting together may give one handler call.
 */
import { platform } from './platform/index.js';
import type { SignalName } from './platform/types.js';
import { call, check } from './libc.js';
import { turnBeforeNextWait } from './event-loop.js';

export const { SIGCHLD } = platform.signals;

/** The default action, and "ignore": the values of C's SIG_DFL and SIG_IGN. */
export const SIG_DFL = 0;
export const SIG_IGN = 1;

export type Handler = (signum: number, frame: null) => void;
type Disposition = Handler | typeof SIG_DFL | typeof SIG_IGN;

const names = new Map(Object.entries(platform.signals).map(([name, num]) => [num, name as SignalName]));
const installed = new Map<number, { handler: Disposition; listener?: () => void }>();
/** The pause() calls waiting for a handler to run. */
const paused: Array<() => void> = [];

/** sigaction(2), Python style: sets the handler for signalnum and returns the previous one. */
export function signal(signalnum: number, handler: Disposition): Disposition {
  const name = names.get(signalnum);
  if (name === undefined) throw new RangeError(`signal number ${signalnum} is not one @lsbaws/posix knows`);
  const previous = installed.get(signalnum);
  if (previous?.listener) process.off(name, previous.listener);
  if (typeof handler === 'function') {
    const listener = (): void => {
      handler(signalnum, null);
      for (const resume of paused.splice(0)) resume();
    };
    process.on(name, listener);
    siginterrupt(signalnum, true);
    turnBeforeNextWait(); // libuv's watcher delivers only after a turn of the loop
    installed.set(signalnum, { handler, listener });
  } else {
    call('signal', signalnum, BigInt(handler));
    installed.set(signalnum, { handler });
  }
  return previous?.handler ?? SIG_DFL;
}

/** siginterrupt(3): whether the signal interrupts blocking calls (clears SA_RESTART) or not. */
function siginterrupt(signalnum: number, flag: boolean): void {
  check('siginterrupt', signalnum, flag ? 1 : 0);
}

/** pause(2), Python's signal.pause(): waits (with the event loop) until a signal's handler has run. */
export async function pause(): Promise<void> {
  const alive = setInterval(() => {}, 2 ** 30); // a signal listener alone does not keep Node running
  try {
    await new Promise<void>((resolve) => paused.push(resolve));
  } finally {
    clearInterval(alive);
  }
}
