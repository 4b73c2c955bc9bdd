/**
 * How a forked child ends when it does not call os._exit itself: process.exit(), the end of the
 * program, or an uncaught exception (a client3 child that cannot connect). Node's own exit
 * joins libuv's threadpool threads, which the child does not have, and dies of SIGSEGV there
 * (docs/fork-in-node.md, fact 6); so the child leaves through _exit(2), with the same code.
 *
 * The end of the program needs one more step. When its event loop runs dry, Node first waits
 * for the platform's worker threads to finish the tasks V8 gave them (NodePlatform::DrainTasks),
 * and only then emits 'beforeExit' and exits. The child has none of those threads: once it has
 * collected garbage (every scavenge posts a task from Node 26 on), it would wait there for ever.
 * So the child's loop never runs dry: a timer of its own keeps it turning, and when nothing but
 * that timer is left, it does what Node does then: emits 'beforeExit', and exits unless a
 * listener gave the loop more to do.
 */
import { inspect } from 'node:util';
import { call } from '../libc.js';
import { eventLoopAlive } from '../event-loop.js';

/** The exception that is ending the child, if one is: Node would print it only after 'exit'. */
let fatal: { error: unknown } | null = null;

/** Whether this process was made by os.fork(): the listeners below act only then. */
let forked = false;

/**
 * Before fork(), in the parent, once: the listeners through which a child leaves. They are
 * registered here rather than in each child, which then has nothing to add to its own heap; in a
 * process that fork() did not make they do nothing.
 */
export function listenForChildExit(): void {
  if (process.listeners('exit').includes(leave)) return;
  process.on('uncaughtExceptionMonitor', noteFatal);
  process.on('exit', leave);
}

/** The timer that keeps a child's loop from running dry (a grandchild inherits its parent's). */
let end: NodeJS.Timeout | null = null;
/** The timer is to start when this process next gives control back to Node. */
let endPending = false;

/**
 * In the child, right after fork(): every way out goes through _exit(2). The timer starts when the
 * child first gives control back to Node (the end of the code that called fork(), or its first
 * await): a child that calls os._exit before then, as the article's children do, never needs it.
 */
export function leaveThroughExitInChild(): void {
  forked = true;
  fatal = null;
  if (endPending) return; // a child that forks before its own timer started: the grandchild starts its own
  endPending = true;
  process.nextTick(startEndTimer);
}

function startEndTimer(): void {
  endPending = false;
  if (end !== null) clearInterval(end); // a child of a child: the timer it inherited is replaced by its own
  let emitted = false; // 'beforeExit' was emitted at the last look, and the loop is still dry
  const timer = setInterval(() => {
    if (!onlyThisTimerLeft()) {
      emitted = false;
      return;
    }
    if (!emitted) {
      emitted = true;
      process.emit('beforeExit', Number(process.exitCode ?? 0));
      return;
    }
    clearInterval(timer);
    process.exit();
  }, END_POLL_MS);
  end = timer;
}

/** How often a child looks whether its event loop has anything left to do. */
const END_POLL_MS = 20;

/**
 * Whether nothing but this timer is left: no other timer or immediate (Node counts them), and no
 * other active handle or request (libuv counts them; in a timer's callback its timer is stopped).
 */
function onlyThisTimerLeft(): boolean {
  const resources = process.getActiveResourcesInfo();
  const timers = resources.filter((r) => r === 'Timeout').length;
  return timers === 1 && !resources.includes('Immediate') && !eventLoopAlive();
}

function noteFatal(error: unknown): void {
  if (!forked) return;
  if (process.listenerCount('uncaughtException') === 0) fatal = { error }; // nothing will catch it
}

/**
 * In a forked child: the 'exit' listeners after this one (registered since the first fork; one that
 * throws is printed, as Node prints an exception, and the rest still run), then the uncaught
 * exception printed as Node does, then _exit(2) with the exit code (process.exitCode if a listener set it).
 */
function leave(code: number): void {
  if (!forked) return;
  const exitCode = process.exitCode;
  try {
    const listeners = process.listeners('exit');
    for (const listener of listeners.slice(listeners.indexOf(leave) + 1)) {
      try {
        listener.call(process, code);
      } catch (error) {
        process.stderr.write(`${inspect(error)}\n`);
      }
    }
    if (fatal !== null) process.stderr.write(`${inspect(fatal.error)}\n\nNode.js ${process.version}\n`);
  } finally {
    call('_exit', process.exitCode !== exitCode ? Number(process.exitCode ?? code) : code);
  }
}
