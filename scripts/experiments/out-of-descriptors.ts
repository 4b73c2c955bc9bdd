/** 3d, part 3: with `ulimit -n 256`, the descriptors 3d never closes run out: accept() fails with EMFILE. */
import { type Experiment, countLines, crashOf, errorsOf, tidy } from './framework.js';

export interface OutOfDescriptorsOptions {
  /** The open-files limit (the article: 256). */
  limit: number;
  /** client3 --max-clients (the article: 300). */
  clients: number;
}

export interface OutOfDescriptorsOutcome {
  limit: number;
  /** 'EMFILE' when the server died the way the article shows. */
  crashed: string | null;
  /** The exception line, e.g. OSError: [Errno 24] Too many open files (accept). */
  error: string | null;
  /** The last number the server printed: the connections it held when accept failed. */
  connectionsHeld: number;
  serverExited: boolean;
  /** client3's clients that connected and sent the request ("0"), and those refused after the crash. */
  clientsConnected: number;
  clientsFailed: number;
  /** Each distinct error line of the clients, with how many clients printed it. */
  clientErrors: Record<string, number>;
}

export const outOfDescriptors: Experiment<OutOfDescriptorsOutcome, OutOfDescriptorsOptions> = {
  name: 'out-of-descriptors',
  stage: 'webserver3d',
  summary: 'ulimit -n 256, client3 --max-clients=300: accept() fails with EMFILE',
  article: 'ulimit -n 256 ... python client3.py --max-clients=300 ... Soon enough your server will explode',
  async run(ctx, options = {}) {
    const { say } = ctx;
    const limit = options.limit ?? 256;
    const clients = options.clients ?? 300;
    say.title('out-of-descriptors: too many open files, webserver3d');
    say.step(`Terminal 1: limit the server to ${limit} open descriptors, then start it`);
    say.cmd(`ulimit -n ${limit}`);
    say.cmd(`${ctx.portEnv}pnpm --filter webserver3d start`);
    const stage = await say.wait('compiling and starting', ctx.start('webserver3d', { limits: `ulimit -n ${limit}` }));
    say.show(tidy(stage.output));

    say.step(`Terminal 2: ${clients} clients at once`);
    say.cmd(`${ctx.portEnv}pnpm --filter client3 start -- --max-clients=${clients}`);
    const client = ctx.client3([`--max-clients=${clients}`]);
    const ended = await say.wait('until the server dies', ctx.within(stage.exited, 60_000));
    const clientDone = await say.wait('until every client has finished', ctx.within(client.done, 60_000));
    if (!clientDone) client.stop();

    say.step('Terminal 1: the server counted the connections it keeps, then exploded');
    const numbers = stage.output
      .split('\n')
      .filter((l) => /^\d+$/.test(l.trim()))
      .map(Number);
    const last = numbers.length ? numbers[numbers.length - 1]! : 0;
    const afterCount = stage.output.slice(stage.output.lastIndexOf(`\n${last}\n`) + 1);
    say.show(
      tidy(
        `${numbers.length > 3 ? '...\n' : ''}${numbers.length >= 3 ? numbers[numbers.length - 3] + '\n' + numbers[numbers.length - 2] + '\n' : ''}${afterCount}`,
        16,
      ),
    );
    const crash = crashOf(stage.output);
    say.note(
      crash
        ? `${crash.code}: the server held ${last} connections, and ${limit - last} descriptors were open before the first one ` +
            `(stdin, stdout, stderr, Node's event loop, the listening socket): ${limit} in all, the limit. The next accept() had no descriptor left to give.`
        : `the server ${ended ? 'exited without the expected error' : 'did not crash'}`,
    );
    say.step('Terminal 2: client3');
    const connected = countLines(client.output, /^0$/);
    const errors = errorsOf(client.output);
    const failed = [...errors.values()].reduce((a, b) => a + b, 0);
    say.show(
      `0\n0\n...  (${connected} lines "0")\n${[...errors].map(([line, count]) => `${line}  (x${count})`).join('\n')}`,
    );
    say.note(
      `${connected} clients connected and sent their request ("0"); ${failed} failed once the server was gone ` +
        "(refused, or reset when their connection was still waiting in the dead server's listen queue).",
    );
    say.result(
      'A server that does not close duplicate descriptors runs out of them: accept() fails with EMFILE (Too many open files).',
    );
    return {
      limit,
      crashed: crash?.code ?? null,
      error: crash?.line ?? null,
      connectionsHeld: last,
      serverExited: ended,
      clientsConnected: connected,
      clientsFailed: failed,
      clientErrors: Object.fromEntries(errors),
    };
  },
};
