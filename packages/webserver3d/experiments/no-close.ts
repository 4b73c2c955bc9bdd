/** 3d, part 1: the parent keeps its copy of every connection, so curl never sees the end of the answer. */
import {
  HELLO_REQUEST,
  openConnection,
  type CurlResult,
  type OpenConnection,
  type WatchedCurl,
} from '../../../scripts/lib/clients.js';
import type { Connection, ProcessInfo } from '../../../scripts/lib/observe-model.js';
import type { Context } from '../../../scripts/experiments/framework/context.js';
import { type Experiment } from '../../../scripts/experiments/framework/experiment.js';
import { observe } from '../../../scripts/experiments/framework/ps.js';
import { outputSince, seconds, tidy } from '../../../scripts/experiments/framework/output.js';

export interface NoCloseOutcome {
  /** A connection whose request is not sent yet: the child waits in recv; parent and child both hold it. */
  beforeRequest: { holders: number[]; referenceCount: number; childBlockedIn: string | null };
  /** After the request: the child answered, closed its copy and exited; the parent still holds it. */
  afterRequest: {
    received: string;
    clientSawEnd: boolean;
    holders: number[];
    referenceCount: number;
    childState: string | null;
  };
  /** The article's curl: it prints Hello, World! and does not terminate. */
  curl: { response: string; answerAt: number | null; ended: boolean; waitedMs: number };
  /** What the server printed per connection: the length of its clients list. */
  serverPrinted: string[];
}

export const noClose: Experiment<NoCloseOutcome> = {
  name: 'no-close',
  stage: 'webserver3d',
  summary: 'duplicates not closed: curl prints "Hello, World!" and hangs',
  article: "Let's see what is going to happen if you don't close duplicate socket descriptors ... webserver3d.py",
  async run(ctx) {
    const { say } = ctx;
    say.title('no-close: the parent keeps its copy of every connection, webserver3d');
    say.step('Terminal 1: start the server');
    say.cmd(ctx.command('webserver3d'));
    const stage = await say.wait('starting', ctx.start('webserver3d'));
    say.show(tidy(stage.output));
    const server = stage.serverPid() ?? 0;
    const mark = stage.output.length;
    const { conn, before, waitingChild } = await connected(ctx, server);
    const { after, child } = await answered(ctx, server, conn, waitingChild?.pid);
    const { c, curlResult } = await curlHangs(ctx);
    say.step('Terminal 1: the server printed the number of connections it keeps');
    const printed = outputSince(stage, mark);
    say.show(tidy(printed));
    say.result(
      'The child closed its descriptor and exited, but the connection stays open: ' +
        'the parent holds a copy (reference count 1, not 0), so the kernel sends no ' +
        'FIN and the client waits for ever. Close the duplicate descriptors.',
    );
    return {
      beforeRequest: {
        holders: [...new Set(before?.heldBy.map((h) => h.pid) ?? [])],
        referenceCount: before?.heldBy.length ?? 0,
        childBlockedIn: waitingChild?.blockedIn ?? null,
      },
      afterRequest: {
        received: conn.received,
        clientSawEnd: conn.ended,
        holders: [...new Set(after?.heldBy.map((h) => h.pid) ?? [])],
        referenceCount: after?.heldBy.length ?? 0,
        childState: child?.state ?? null,
      },
      curl: {
        response: c.stdout,
        answerAt: c.firstByteAt,
        ended: curlResult.code === 0,
        waitedMs: c.endedAt ?? 0,
      },
      serverPrinted: printed
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== ''),
    };
  },
};

/** A connection whose request is not sent yet: the child waits in recv(), and parent and child both hold it. */
async function connected(
  ctx: Context,
  server: number,
): Promise<{ conn: OpenConnection; before: Connection | undefined; waitingChild: ProcessInfo | undefined }> {
  const { say } = ctx;
  say.step('First, slowly: connect, but do not send the request yet');
  say.note(
    `(like typing the request by hand in \`curl telnet://localhost:${ctx.port}\`: the ` +
      `server accepts and forks, and the child waits in recv() for the request)`,
  );
  const conn = await openConnection(ctx.port);
  ctx.defer(() => conn.close());
  const isMine = (c: { remote: [string, number] }): boolean => c.remote[1] === conn.localPort;
  await ctx
    .until(
      'the child to wait in recv',
      () => {
        const c = observe(server).snap;
        const mine = c.connections.find(isMine);
        return (
          mine !== undefined &&
          new Set(mine.heldBy.map((h) => h.pid)).size === 2 &&
          c.processes.some((p) => p.role === 'child' && p.blockedIn === 'recv')
        );
      },
      10_000,
    )
    .catch(() => undefined);
  const view = observe(server);
  say.cmd(`pnpm observe ${ctx.port}`);
  say.view(view);
  const before = view.snap.connections.find(isMine);
  const waitingChild = view.snap.processes.find((p) => p.role === 'child' && p.state !== 'Z');
  const holders = new Set(before?.heldBy.map((h) => h.pid) ?? []).size;
  say.note(
    holders === 2
      ? `The connection (client port ${conn.localPort}) is open in two processes: the parent's copy, which 3d no ` +
          `longer closes, and the child's, inherited at fork(). Reference count ${before?.heldBy.length ?? '?'}.`
      : `unexpected: the connection (client port ${conn.localPort}) is ` +
          `open in ${holders} process${holders === 1 ? '' : 'es'}.`,
  );
  return { conn, before, waitingChild };
}

/** The request sent: the child answers, closes its copy and exits; the parent's copy keeps the connection open. */
async function answered(
  ctx: Context,
  server: number,
  conn: OpenConnection,
  childPid: number | undefined,
): Promise<{ after: Connection | undefined; child: ProcessInfo | undefined }> {
  const { say } = ctx;
  const isMine = (c: { remote: [string, number] }): boolean => c.remote[1] === conn.localPort;
  say.step('Now send the request on that connection');
  conn.send(HELLO_REQUEST(ctx.port));
  await ctx.until('the answer', () => conn.received.includes('Hello'), 5_000).catch(() => undefined);
  await ctx
    .until('the child to exit', () => (observe(server).snap.zombies >= 1 ? true : undefined), 5_000)
    .catch(() => undefined);
  await ctx.pause(300);
  const view = observe(server);
  const after = view.snap.connections.find(isMine);
  const child = view.snap.processes.find((p) => p.pid === childPid);
  say.show(conn.received);
  say.note(
    `The child answered, closed its descriptor and exited ` +
      `(${child?.state === 'Z' ? 'it is a zombie now' : `state ${child?.stateWord ?? 'gone'}`}). But the client ` +
      (conn.ended ? 'saw the end of the connection (unexpected)' : 'never sees the end of the connection') +
      ': ' +
      `the parent still holds it (reference count ${after?.heldBy.length ?? 0}), so the kernel does not close it ` +
      'and sends no FIN.',
  );
  say.cmd(`pnpm observe ${ctx.port}`);
  say.view(view);
  return { after, child };
}

/** The article's way: curl prints the answer and hangs. */
async function curlHangs(ctx: Context): Promise<{ c: WatchedCurl; curlResult: CurlResult }> {
  const { say } = ctx;
  say.step("The article's way: curl");
  say.cmd(`curl ${ctx.url}`);
  const wait = 3;
  const c = ctx.curl(wait);
  const curlResult = await say.wait(`watching curl for ${wait} s`, c.done);
  say.show(c.stdout);
  say.note(
    c.endedAt !== null &&
      c.stdout.includes('Hello') &&
      c.firstByteAt !== null &&
      c.endedAt - c.firstByteAt > (wait - 1) * 1000
      ? `curl printed "Hello, World!" after ${seconds(c.firstByteAt)} and then ` +
          `hung, until its --max-time of ${wait} s here (Ctrl-C in the article).`
      : `curl: answer after ${seconds(c.firstByteAt)}, ended after ${seconds(c.endedAt)}`,
  );
  return { c, curlResult };
}

export default noClose;
