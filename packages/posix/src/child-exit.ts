/**
 * How a forked child ends when it does not call os._exit itself: process.exit(), the end of the
 * program, or an uncaught exception (a client3 child that cannot connect). Node's own exit
 * joins libuv's threadpool threads, which the child does not have, and dies of SIGSEGV there
 * (docs/fork-in-node.md, fact 6); so the child leaves through _exit(2), with the same code.
 */
import { inspect } from 'node:util';
import { call } from './libc.js';

/** The exception that is ending the child, if one is: Node would print it only after 'exit'. */
let fatal: { error: unknown } | null = null;

/** In the child, right after fork(): every way out goes through _exit(2). */
export function leaveThroughExitInChild(): void {
  process.on('uncaughtExceptionMonitor', noteFatal);
  process.on('exit', leave);
}

function noteFatal(error: unknown): void {
  if (process.listenerCount('uncaughtException') === 0) fatal = { error }; // nothing will catch it
}

/** _exit(2) with the exit code, after printing the uncaught exception as Node does. */
function leave(code: number): void {
  if (fatal !== null) process.stderr.write(`${inspect(fatal.error)}\n\nNode.js ${process.version}\n`);
  call('_exit', code);
}
