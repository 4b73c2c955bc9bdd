/** 3d, part 3: with `ulimit -n 256`, the descriptors 3d never closes run out: accept() fails with EMFILE. */
import { type Experiment, optionsOf } from '../../../scripts/experiments/framework/experiment.js';
import { client3Lines, client3UntilCrash } from '../../../scripts/experiments/framework/crash-run.js';
import { exitOf, tidy } from '../../../scripts/experiments/framework/output.js';

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
  /** How it ended (its exit status), or null while it runs. */
  exitStatus: string | null;
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
  params: {
    limit: { description: 'ulimit -n: the open-descriptors limit (the article: 256)', default: 256 },
    clients: { description: 'client3 --max-clients (the article: 300)', default: 300 },
  },
  async run(ctx, options = {}) {
    const { say } = ctx;
    const { limit, clients } = optionsOf(outOfDescriptors, options);
    say.title('out-of-descriptors: too many open files, webserver3d');
    say.step(`Terminal 1: limit the server to ${limit} open descriptors, then start it`);
    say.cmd(`ulimit -n ${limit}`);
    say.cmd(ctx.command('webserver3d'));
    const stage = await say.wait('starting', ctx.start('webserver3d', { limits: `ulimit -n ${limit}` }));
    say.show(tidy(stage.output));

    const run = await client3UntilCrash(ctx, stage, clients, 'until the server dies');
    const { numbers, last, crash, ended } = run;
    say.step('Terminal 1: the server counted the connections it keeps, then exploded');
    const afterCount = stage.output.slice(stage.output.lastIndexOf(`\n${last}\n`) + 1);
    const before =
      numbers.length >= 3 ? `${numbers.length > 3 ? '...\n' : ''}${numbers.slice(-3, -1).join('\n')}\n` : '';
    say.show(tidy(`${before}${afterCount}`, 16));
    say.note(
      crash?.code === 'EMFILE'
        ? `${crash.code}: the server held ${last} connections, and ${limit - last} descriptors were ` +
            `open before the first one (stdin, stdout, stderr, the runtime's own, the listening ` +
            `socket): ${limit} in all, the limit. The next accept() had no descriptor left to give.`
        : `unexpected: the server ` +
            `${ended ? `exited${crash ? ` with ${crash.code}` : ' without the expected error'}` : 'did not crash'}`,
    );
    say.step('Terminal 2: client3');
    say.show(client3Lines(run));
    say.note(
      `${run.connected} clients connected and sent their request ("0"); ${run.failed} failed` +
        (ended
          ? ` once the server was gone (refused, or reset when their ` +
            `connection was still waiting in the dead server's listen queue).`
          : '.'),
    );
    say.result(
      'A server that does not close duplicate descriptors runs out of ' +
        'them: accept() fails with EMFILE (Too many open files).',
    );
    return {
      limit,
      exitStatus: exitOf(stage),
      crashed: crash?.code ?? null,
      error: crash?.line ?? null,
      connectionsHeld: last,
      serverExited: ended,
      clientsConnected: run.connected,
      clientsFailed: run.failed,
      clientErrors: Object.fromEntries(run.errors),
    };
  },
};

export default outOfDescriptors;
