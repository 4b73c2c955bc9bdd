/** 3b: the sleeping iterative server: a second client waits until the first one is done. */
import { children } from '../../../scripts/lib/procfs.js';
import { type Experiment, optionsOf } from '../../../scripts/experiments/framework/experiment.js';
import { observe } from '../../../scripts/experiments/framework/ps.js';
import { outputSince, seconds, tidy } from '../../../scripts/experiments/framework/output.js';

export interface SleepingOptions {
  /** Seconds the server sleeps after each answer (LSBAWS_SLEEP); the article's 60 by default in the stage, 10 here. */
  sleep: number;
}

export interface SleepingOutcome {
  sleep: number;
  /** ms since the first curl started, for each event. */
  first: { answerAt: number | null; endedAt: number | null; response: string };
  second: { startedAt: number; answerAt: number | null; endedAt: number | null; response: string };
  /**
   * While the server slept: how many requests it had printed (1),
   * and how many connections waited in its listen queue (1).
   */
  whileSleeping: { requestsPrinted: number; queued: number; serverBlockedIn: string | null; children: number };
}

export const sleeping: Experiment<SleepingOutcome, SleepingOptions> = {
  name: 'sleeping',
  stage: 'webserver3b',
  summary: 'a second curl hangs until the server has finished with the first',
  article: 'To observe your server handling only one client request at a time ... webserver3b.py',
  params: { sleep: { description: 'seconds the server sleeps after each answer (the article: 60)', default: 10 } },
  async run(ctx, options = {}) {
    const { say } = ctx;
    const { sleep } = optionsOf(sleeping, options);
    say.title('sleeping: one client at a time, webserver3b');
    say.step('Terminal 1: start the server that sleeps after each answer');
    say.note(
      `The article sleeps 60 s; LSBAWS_SLEEP=${sleep} makes ` +
        `it ${sleep} s (pnpm experiment sleeping --sleep 60 for the real thing).`,
    );
    say.cmd(`LSBAWS_SLEEP=${sleep} ${ctx.command('webserver3b')}`);
    const stage = await say.wait('starting', ctx.start('webserver3b', { env: { LSBAWS_SLEEP: String(sleep) } }));
    say.show(tidy(stage.output));
    const server = stage.serverPid() ?? 0;

    say.step('Terminal 2: the first curl');
    say.cmd(`curl ${ctx.url}`);
    const t0 = Date.now();
    let mark = stage.output.length;
    const first = ctx.curl(sleep * 3 + 20);
    await ctx.until('the first answer', () => first.firstByteAt !== null, 10_000);
    say.show(first.stdout);
    say.note(
      first.endedAt === null
        ? `"Hello, World!" came after ${seconds(first.firstByteAt)}, but curl ` +
            `does not end: the server sleeps before it closes the connection.`
        : `"Hello, World!" came after ${seconds(first.firstByteAt)}, and curl ` +
            `ended at once: this server does not sleep after answering.`,
    );

    say.step('Terminal 3, without delay: the second curl');
    say.cmd(`curl ${ctx.url}`);
    const secondStart = Date.now() - t0;
    const second = ctx.curl(sleep * 3 + 20);
    await ctx.pause(1500);
    const requestsPrinted = (outputSince(stage, mark).match(/GET \/hello/g) ?? []).length;
    say.note(
      second.firstByteAt === null
        ? 'Nothing: the second curl hangs. The server printed only the first request:'
        : `unexpected: the second curl already got ${JSON.stringify(second.stdout)}`,
    );
    say.show(tidy(outputSince(stage, mark), 6));

    say.step(`Meanwhile, in another terminal: pnpm observe ${ctx.port} (one snapshot)`);
    const view = observe(server);
    say.view(view);
    const blockedIn = view.snap.processes[0]?.blockedIn;
    say.note(
      `The server is ${blockedIn ? `blocked in ${blockedIn}()` : view.snap.processes[0]?.stateWord}, holding the ` +
        `first connection. The second one is already connected (the kernel completed it) and waits in the ` +
        `listening socket's queue until the server calls accept() again: that is the BACKLOG argument of ` +
        `listen().`,
    );

    await say.wait(`waiting for the server to wake up (${sleep} s after the first answer)`, first.done);
    await ctx.until('the second answer', () => second.firstByteAt !== null, (sleep + 10) * 1000);
    const firstEnded = first.endedAt === null ? null : first.endedAt - (first.firstByteAt ?? 0);
    say.note(`The first curl ended ${seconds(firstEnded)} after its answer, and then the second printed:`);
    say.show(second.stdout);
    mark = stage.output.length;
    await say.wait(`and the second curl hangs in turn for ${sleep} s`, second.done);
    say.note(
      second.endedAt === null || second.firstByteAt === null
        ? 'unexpected: the second curl did not end.'
        : `The second curl ended ${seconds(second.endedAt - second.firstByteAt)} after its answer.`,
    );

    say.result(
      'An iterative server serves one client at a time: the second client is connected at once (the listen queue), ' +
        'but it is served only when the server has finished with the first one.',
    );
    return {
      sleep,
      first: { answerAt: first.firstByteAt, endedAt: first.endedAt, response: first.stdout },
      second: {
        startedAt: secondStart,
        answerAt: second.firstByteAt === null ? null : secondStart + second.firstByteAt,
        endedAt: second.endedAt === null ? null : secondStart + second.endedAt,
        response: second.stdout,
      },
      whileSleeping: {
        requestsPrinted,
        queued: view.snap.queued.length,
        serverBlockedIn: view.snap.processes[0]?.blockedIn ?? null,
        children: children(server).length,
      },
    };
  },
};

export default sleeping;
