/** Ctrl-C, SIGTERM and SIGHUP during `pnpm experiment` and `pnpm check`. */
import type { Context } from './context.js';

/**
 * What `pnpm experiment` and `pnpm check` do on Ctrl-C, SIGTERM or SIGHUP: say so, stop
 * everything the running context started, and exit 130. Returns whether that has begun.
 * Their package scripts run `node --import tsx`, not the `tsx` command: that one relays a
 * signal to its node child and SIGKILLs it when the child has not acknowledged within 30 ms
 * twice, which a busy machine's event loop (reading /proc) misses: nothing was then stopped.
 */
export function stopOnSignals(current: () => Context | null, what: string): () => boolean {
  let interrupted = false;
  const stop = async (signal: string): Promise<void> => {
    if (interrupted) return;
    interrupted = true;
    process.stdout.write(`\n${signal}: stopping everything the ${what} started...\n`);
    await current()?.cleanup();
    process.stdout.write('stopped.\n');
    process.exit(130);
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
  return () => interrupted;
}
