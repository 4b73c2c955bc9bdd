/** 3a: the iterative server answers one request, then waits for the next. */
import { children } from '../lib/procfs.js';
import { type Experiment, outputSince, seconds, tidy } from './framework.js';

export interface IterativeOutcome {
  /** What curl printed. */
  response: string;
  /** curl ended by itself once the answer came (the server closed the connection). */
  curlEnded: boolean;
  /** The request line the server printed. */
  serverPrinted: string | null;
  /** How many server processes there were while it served: 1. */
  processes: number;
}

export const iterative: Experiment<IterativeOutcome> = {
  name: 'iterative',
  stage: 'webserver3a',
  summary: 'one curl, one "Hello, World!", one process',
  article: 'Here is the code of the iterative server webserver3a.py',
  async run(ctx) {
    const { say } = ctx;
    say.title('iterative: the iterative server, webserver3a');
    say.step('Terminal 1: start the server');
    say.cmd(`${ctx.portEnv}pnpm --filter webserver3a start`);
    const stage = await say.wait('compiling and starting', ctx.start('webserver3a'));
    say.show(tidy(stage.output));
    const server = stage.serverPid();

    say.step('Terminal 2: send it a request');
    say.cmd(`curl ${ctx.url}`);
    let mark = stage.output.length;
    const c = ctx.curl(10);
    const result = await c.done;
    say.show(c.stdout);
    say.note(
      `curl got its answer after ${seconds(c.firstByteAt)} and ended: the server closed the connection after sending it.`,
    );

    await ctx
      .until('the server to print the request', () => /GET \/hello/.test(outputSince(stage, mark)), 5_000)
      .catch(() => undefined);
    say.step('Terminal 1: the server printed the request it read from the connection');
    const printed = outputSince(stage, mark);
    say.show(tidy(printed));
    mark = stage.output.length;

    const processes = server === null ? 0 : 1 + children(server).length;
    say.note(`One process does everything: the server (PID ${server}) has ${processes - 1} children.`);
    say.result('The iterative server accepts a connection, answers, closes it, and only then accepts the next one.');
    return {
      response: c.stdout,
      curlEnded: result.code === 0,
      serverPrinted: /GET \/hello[^\n]*/.exec(printed)?.[0]?.trim() ?? null,
      processes,
    };
  },
};
