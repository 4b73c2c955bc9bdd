/** 3a: the iterative server answers one request, then waits for the next. */
import { children } from '../../../scripts/lib/procfs.js';
import { HELLO_REQUEST, openConnection } from '../../../scripts/lib/clients.js';
import { type Experiment } from '../../../scripts/experiments/framework/experiment.js';
import { printedRequest, seconds, tidy } from '../../../scripts/experiments/framework/output.js';

export interface IterativeOutcome {
  /** What curl printed. */
  response: string;
  /** curl ended by itself once the answer came (the server closed the connection). */
  curlEnded: boolean;
  /** The request line the server printed. */
  serverPrinted: string | null;
  /** How many server processes there were while it served: 1. */
  processes: number;
  /**
   * While another client held the server (connected, request not sent), curl waited; once it sent, both were answered.
   */
  oneAtATime: { waited: boolean; servedNext: boolean };
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
    say.cmd(ctx.command('webserver3a'));
    const stage = await say.wait('starting', ctx.start('webserver3a'));
    say.show(tidy(stage.output));
    const server = stage.serverPid();

    say.step('Terminal 2: send it a request');
    say.cmd(`curl ${ctx.url}`);
    let mark = stage.output.length;
    const c = ctx.curl(10);
    const result = await c.done;
    say.show(c.stdout);
    say.note(
      result.code === 0
        ? `curl got its answer after ${seconds(c.firstByteAt)} and ended after ` +
            `${seconds(c.endedAt)}: the server closed the connection after sending it.`
        : result.timedOut
          ? `unexpected: ` +
            `${c.firstByteAt === null ? 'no answer' : `an answer after ${seconds(c.firstByteAt)}`}, but ` +
            `curl did not end within its 10 s: the server did not close the connection.`
          : `unexpected: curl failed (exit ${result.code}): ${c.stderr.trim()}`,
    );

    const printed = await printedRequest(ctx, stage, mark);
    say.step('Terminal 1: the server printed the request it read from the connection');
    say.show(tidy(printed));
    mark = stage.output.length;

    const processes = server === null ? 0 : 1 + children(server).length;
    say.note(`One process does everything: the server (PID ${server}) has ${processes - 1} children.`);
    await ctx.alive(stage, server, 'after its first request');

    say.step(`Terminal 2: curl telnet://localhost:${ctx.port}, and type nothing yet; Terminal 3: curl ${ctx.url}`);
    const held = await openConnection(ctx.port);
    ctx.defer(() => held.close());
    const second = ctx.curl(30);
    await ctx.pause(2_000);
    const waited = second.firstByteAt === null;
    say.note(
      waited
        ? 'curl gets nothing: the server accepted the connection of Terminal 2 and ' +
            'waits in recv() for its request; curl waits in the listen queue.'
        : `unexpected: curl was answered ` +
            `(${JSON.stringify(second.stdout)}) while the server was busy with another client.`,
    );
    say.note('Now the request in Terminal 2:');
    held.send(HELLO_REQUEST(ctx.port));
    await ctx
      .until('the answer to Terminal 2', () => held.received.includes('Hello') || undefined, 10_000)
      .catch(() => undefined);
    await ctx.until('the answer to curl', () => second.firstByteAt !== null, 20_000).catch(() => undefined);
    say.show(second.stdout);
    const servedNext = held.received.includes('Hello') && second.stdout.includes('Hello');
    say.note(
      servedNext
        ? 'Terminal 2 got its answer, and only then curl: one client at a time.'
        : `unexpected: ${held.received.includes('Hello') ? 'curl' : 'Terminal 2'} was never answered.`,
    );
    say.result('The iterative server accepts a connection, answers, closes it, and only then accepts the next one.');
    return {
      response: c.stdout,
      curlEnded: result.code === 0,
      serverPrinted: /GET \/hello[^\n]*/.exec(printed)?.[0]?.trim() ?? null,
      processes,
      oneAtATime: { waited, servedNext },
    };
  },
};

export default iterative;
