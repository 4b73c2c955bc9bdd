/** 3c: fork() per connection; every client is answered at once by its own child process. */
import { stat } from '../../../scripts/lib/procfs.js';
import type { WatchedCurl } from '../../../scripts/lib/clients.js';
import type { Snapshot } from '../../../scripts/lib/observe-model.js';
import type { Context } from '../../../scripts/experiments/framework/context.js';
import { type Experiment, optionsOf } from '../../../scripts/experiments/framework/experiment.js';
import { observe, psChildren } from '../../../scripts/experiments/framework/ps.js';
import { outputSince, seconds, tidy } from '../../../scripts/experiments/framework/output.js';

export interface ConcurrentOptions {
  /** How many curls (the article: two, "as many as you want"). */
  clients: number;
  /** Seconds each child sleeps after answering (LSBAWS_SLEEP). */
  sleep: number;
}

export interface ConcurrentOutcome {
  /** Seconds each child was to sleep after answering (LSBAWS_SLEEP). */
  sleep: number;
  /** ms each curl waited for its answer. */
  answerTimes: Array<number | null>;
  responses: string[];
  /** None of them ended while the children slept. */
  stillOpen: number;
  /** ms after its start when each curl ended by itself (the connection closed), or null when it did not. */
  ends: Array<number | null>;
  /** The server's PID, and the PID it printed as "Parent PID (PPID)". */
  serverPid: number;
  printedParentPid: number | null;
  /** The children /proc showed while they slept, and the ones the server printed ("Child PID: N. Parent PID M"). */
  children: number[];
  printedChildren: Array<{ pid: number; ppid: number }>;
  /** State letters of the children (S: sleeping). */
  childStates: string[];
  /** Who holds each connection: the parent closed its copy, so only the child (reference count 1). */
  connectionHolders: number[][];
  /** The children closed their copy of the listening socket: how many processes hold it (1, the parent). */
  listeningHolders: number;
}

export const concurrent: Experiment<ConcurrentOutcome, ConcurrentOptions> = {
  name: 'concurrent',
  stage: 'webserver3c',
  summary: 'fork() per connection: every curl is answered at once',
  article: 'Here is the code of your new shiny concurrent server webserver3c.py',
  params: {
    clients: { description: 'how many curls (the article: two, "as many as you want")', default: 2 },
    sleep: { description: 'seconds each child sleeps after answering (the article: 60)', default: 20 },
  },
  async run(ctx, options = {}) {
    const { say } = ctx;
    const { clients: n, sleep } = optionsOf(concurrent, options);
    say.title('concurrent: fork() per connection, webserver3c');
    say.step(`Terminal 1: start the concurrent server (each child sleeps ${sleep} s after answering; the article: 60)`);
    say.cmd(`LSBAWS_SLEEP=${sleep} ${ctx.command('webserver3c')}`);
    const stage = await say.wait(
      'starting',
      ctx.start('webserver3c', { ready: /Parent PID \(PPID\): \d+/, env: { LSBAWS_SLEEP: String(sleep) } }),
    );
    say.show(tidy(stage.output));
    const server = stage.serverPid() ?? 0;
    const printedParentPid = Number(/Parent PID \(PPID\): (\d+)/.exec(stage.output)?.[1] ?? NaN);
    const mark = stage.output.length;

    const curls: WatchedCurl[] = [];
    for (let i = 0; i < n; i++) {
      say.step(`Terminal ${i + 2}: curl`);
      say.cmd(`curl ${ctx.url}`);
      curls.push(await answered(ctx, sleep));
      narrateAnswer(ctx, curls[i], sleep);
    }
    // what the kernel shows while the children sleep, before anything else takes time
    const seen = whileSleeping(server, curls);
    await ctx
      .until('the children to print their PIDs', () => /Child PID/.test(outputSince(stage, mark)), 1_000)
      .catch(() => undefined);
    const printed = outputSince(stage, mark);
    const printedChildren = [...printed.matchAll(/Child PID: (\d+)\. Parent PID (\d+)/g)].map((m) => ({
      pid: Number(m[1]),
      ppid: Number(m[2]),
    }));
    narrateWhileSleeping(ctx, server, printed, seen, sleep);

    say.step(`Then, once each child has slept its ${sleep} s: it closes its copy of the connection and exits`);
    const ends = await say.wait(
      `waiting for the curls to end`,
      Promise.all(curls.map((c) => c.done.then((r) => (r.code === 0 ? c.endedAt : null)))),
    );
    narrateEnds(ctx, ends, seen.children.length, sleep);
    return {
      sleep,
      answerTimes: curls.map((c) => c.firstByteAt),
      responses: curls.map((c) => c.stdout),
      stillOpen: seen.stillOpen,
      ends,
      serverPid: server,
      printedParentPid: Number.isNaN(printedParentPid) ? null : printedParentPid,
      children: seen.children,
      printedChildren,
      childStates: seen.childStates,
      connectionHolders: seen.snap.connections.map((c) => c.heldBy.map((h) => h.pid)),
      listeningHolders: seen.snap.processes.filter((p) => p.fds.some((f) => f.kind === 'listening')).length,
    };
  },
};

/** A curl, once it has been answered (or 10 s have passed). */
async function answered(ctx: Context, sleep: number): Promise<WatchedCurl> {
  const c = ctx.curl(sleep + 20);
  await ctx.until('the answer', () => c.firstByteAt !== null, 10_000).catch(() => undefined);
  return c;
}

/** The server's children, their states and descriptors, and the curls still open: one reading of /proc. */
function whileSleeping(
  server: number,
  curls: WatchedCurl[],
): { children: number[]; childStates: string[]; stillOpen: number; snap: Snapshot; view: string; ps: string } {
  const view = observe(server);
  const kids = view.snap.processes.filter((p) => p.role === 'child').map((p) => p.pid);
  return {
    children: kids,
    childStates: kids.map((k) => stat(k)?.state ?? '?'),
    stillOpen: curls.filter((c) => c.endedAt === null).length,
    snap: view.snap,
    view: view.text,
    ps: psChildren(server),
  };
}

function narrateAnswer(ctx: Context, c: WatchedCurl | undefined, sleep: number): void {
  ctx.say.show(c?.stdout ?? '');
  ctx.say.note(
    c?.firstByteAt === null || c === undefined
      ? 'unexpected: no answer within 10 s.'
      : c.endedAt === null
        ? `answered after ${seconds(c.firstByteAt)}; curl keeps waiting: its child sleeps ${sleep} s before closing.`
        : `answered after ${seconds(c.firstByteAt)}, and curl ended at once.`,
  );
}

function narrateWhileSleeping(
  ctx: Context,
  server: number,
  printed: string,
  seen: ReturnType<typeof whileSleeping>,
  sleep: number,
): void {
  const { say } = ctx;
  say.step('Terminal 1: each request was handled by a child');
  const lines = printed.split('\n').filter((l) => /Child PID|GET /.test(l));
  say.show(lines.length > 0 ? tidy(lines.join('\n')) : '(it printed nothing)');
  say.step(`Another terminal: the children of the server`);
  say.cmd(`ps -o pid,ppid,stat,cmd --ppid ${server}`);
  say.show(seen.ps);
  const asleep = seen.childStates.filter((s) => s === 'S').length;
  say.note(
    seen.children.length === 0
      ? `No child in /proc, with ${seen.stillOpen} of the curls still open: ` +
          (seen.stillOpen === 0
            ? 'every curl had already ended, so nothing sleeps after answering.'
            : 'the server holds the connections itself.')
      : `${seen.children.length} children, ${asleep === seen.children.length ? 'all' : asleep} sleeping (S) ` +
          `their ${sleep} s (the article's time.sleep(60)), each holding one client's connection.`,
  );
  say.step(`pnpm observe ${ctx.port}: the descriptors after fork()`);
  say.view({ snap: seen.snap, text: seen.view });
  if (seen.children.length === 0) return;
  say.note(
    `Each child got a copy of all its parent's descriptors at fork(). Then the child closed its ` +
      `copy of the listening socket, and the parent closed its copy of the connection: so each ` +
      `connection is held by one process only (reference count 1), and the listening socket by the ` +
      `parent only. When the child closes its copy and exits, the kernel closes the connection.`,
  );
}

function narrateEnds(ctx: Context, ends: Array<number | null>, kids: number, sleep: number): void {
  const n = ends.length;
  const ended = ends.filter((e) => e !== null).length;
  ctx.say.note(
    ended === n
      ? `The ${n} curls ended after ${ends.map((e) => seconds(e)).join(', ')}: ` +
          (kids === 0
            ? 'the last descriptor of each connection was closed, so the kernel ended it.'
            : 'each child closed the last descriptor of its connection, so the kernel ended it.')
      : `unexpected: ${n - ended} of the ${n} curls never saw the end of ` +
          `their connection (another process still holds a copy of it).`,
  );
  ctx.say.result(
    kids === 0
      ? `No child was seen while the curls were open: the ${n} clients were not served by processes of their own.`
      : `Every curl got "Hello, World!" at once, although each child ` +
          `sleeps ${sleep} s: the ${n} clients are served by ${kids} independent processes.`,
  );
}

export default concurrent;
