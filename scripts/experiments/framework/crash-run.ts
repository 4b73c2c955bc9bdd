/** client3 against a server meant to crash under it (3d's out-of-descriptors and out-of-processes). */
import type { Launched } from '../../lib/stage.js';
import { crashOf } from '../../lib/crashes.js';
import type { Context } from './context.js';
import { countLines, errorsOf } from './output.js';

/** What client3 --max-clients=N did to a server meant to crash under it (out-of-descriptors, out-of-processes). */
export interface CrashRun {
  /** The server exited (within a minute). */
  ended: boolean;
  /** The last number the server printed (3d prints how many connections it keeps). */
  last: number;
  /** The numbers it printed, in order. */
  numbers: number[];
  crash: ReturnType<typeof crashOf>;
  /** client3's clients that connected and sent the request ("0"). */
  connected: number;
  /** Each distinct error line of the clients, with how many printed it, and their total. */
  errors: Map<string, number>;
  failed: number;
}

/**
 * Terminal 2 of the 3d crashes: client3 --max-clients=N against stage until the server dies
 * (at most a minute), then until every client has finished; sample runs every 20 ms meanwhile.
 */
export async function client3UntilCrash(
  ctx: Context,
  stage: Launched,
  clients: number,
  until: string,
  sample?: () => void,
): Promise<CrashRun> {
  const { say } = ctx;
  say.step(`Terminal 2: ${clients} clients at once`);
  say.cmd(`${ctx.portEnv}pnpm --filter client3 start -- --max-clients=${clients}`);
  const client = ctx.client3([`--max-clients=${clients}`]);
  const watch = sample ? setInterval(sample, 20) : undefined;
  ctx.defer(() => clearInterval(watch));
  const ended = await say.wait(until, ctx.within(stage.exited, 60_000));
  clearInterval(watch);
  const clientDone = await say.wait('until every client has finished', ctx.within(client.done, 60_000));
  if (!clientDone) client.stop();
  const numbers = stage.output
    .split('\n')
    .filter((l) => /^\d+$/.test(l.trim()))
    .map(Number);
  const errors = errorsOf(client.output);
  return {
    ended,
    numbers,
    last: numbers.at(-1) ?? 0,
    crash: crashOf(stage.output),
    connected: countLines(client.output, /^0$/),
    errors,
    failed: [...errors.values()].reduce((a, b) => a + b, 0),
  };
}

/** client3's output as the article shows it: its "0" lines, then each error line with its count. */
export function client3Lines(run: CrashRun): string {
  const errors = [...run.errors].map(([line, count]) => `${line}  (x${count})`).join('\n');
  return `0\n0\n...  (${run.connected} lines "0")\n${errors}`;
}
