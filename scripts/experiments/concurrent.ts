/** 3c: fork() per connection; every client is answered at once by its own child process. */
import { children, stat } from '../lib/procfs.js';
import { type Experiment, observe, optionsOf, outputSince, psChildren, seconds, tidy } from './framework.js';

export interface ConcurrentOptions {
  /** How many curls (the article: two, "as many as you want"). */
  clients: number;
  /** Seconds each child sleeps after answering (LSBAWS_SLEEP). */
  sleep: number;
}

export interface ConcurrentOutcome {
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
  /** The children /proc showed, and the ones the server printed ("Child PID: N. Parent PID M"). */
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
      'compiling and starting',
      ctx.start('webserver3c', { ready: /Parent PID \(PPID\): \d+/, env: { LSBAWS_SLEEP: String(sleep) } }),
    );
    say.show(tidy(stage.output));
    const server = stage.serverPid() ?? 0;
    const printedParentPid = Number(/Parent PID \(PPID\): (\d+)/.exec(stage.output)?.[1] ?? NaN);
    const mark = stage.output.length;

    const curls = [];
    for (let i = 0; i < n; i++) {
      say.step(`Terminal ${i + 2}: curl`);
      say.cmd(`curl ${ctx.url}`);
      const c = ctx.curl(sleep + 20);
      curls.push(c);
      await ctx.until(`answer ${i + 1}`, () => c.firstByteAt !== null, 10_000).catch(() => undefined);
      say.show(c.stdout);
      say.note(
        c.firstByteAt === null
          ? 'unexpected: no answer within 10 s.'
          : c.endedAt === null
            ? `answered after ${seconds(c.firstByteAt)}; curl keeps ` +
              `waiting: its child sleeps ${sleep} s before closing.`
            : `answered after ${seconds(c.firstByteAt)}, and curl ended at once.`,
      );
    }
    await ctx
      .until(
        'the children to print their PIDs',
        () => (outputSince(stage, mark).match(/Child PID/g) ?? []).length >= n,
        5_000,
      )
      .catch(() => undefined);

    say.step('Terminal 1: each request was handled by a child');
    const printed = outputSince(stage, mark);
    say.show(
      tidy(
        printed
          .split('\n')
          .filter((l) => /Child PID|GET /.test(l))
          .join('\n'),
      ),
    );
    const printedChildren = [...printed.matchAll(/Child PID: (\d+)\. Parent PID (\d+)/g)].map((m) => ({
      pid: Number(m[1]),
      ppid: Number(m[2]),
    }));

    say.step(`Another terminal: the children of the server`);
    say.cmd(`ps -o pid,ppid,stat,cmd --ppid ${server}`);
    say.show(psChildren(server));
    const kids = children(server);
    say.note(`${kids.length} children, all sleeping (S) in time.sleep(60), each holding one client's connection.`);

    say.step(`pnpm observe ${ctx.port}: the descriptors after fork()`);
    const view = observe(server);
    say.view(view);
    say.note(
      `Each child got a copy of all its parent's descriptors at fork(). Then the child closed its ` +
        `copy of the listening socket, and the parent closed its copy of the connection: so each ` +
        `connection is held by one process only (reference count 1), and the listening socket by the ` +
        `parent only. When the child closes its copy and exits, the kernel closes the connection.`,
    );
    const conns = view.snap.connections;
    const stillOpen = curls.filter((c) => c.endedAt === null).length;
    const childStates = kids.map((k) => stat(k)?.state ?? '?');

    say.step(`Then, once each child has slept its ${sleep} s: it closes its copy of the connection and exits`);
    const ends = await say.wait(
      `waiting for the curls to end`,
      Promise.all(curls.map((c) => c.done.then((r) => (r.code === 0 ? c.endedAt : null)))),
    );
    const ended = ends.filter((e) => e !== null).length;
    say.note(
      ended === n
        ? `The ${n} curls ended after ${ends.map((e) => seconds(e)).join(', ')}: each ` +
            `child closed the last descriptor of its connection, so the kernel ended it.`
        : `unexpected: ${n - ended} of the ${n} curls never saw the end of ` +
            `their connection (another process still holds a copy of it).`,
    );
    say.result(
      `Every curl got "Hello, World!" at once, although each child ` +
        `sleeps ${sleep} s: the ${n} clients are served by ${kids.length} independent processes.`,
    );
    return {
      answerTimes: curls.map((c) => c.firstByteAt),
      responses: curls.map((c) => c.stdout),
      stillOpen,
      ends,
      serverPid: server,
      printedParentPid: Number.isNaN(printedParentPid) ? null : printedParentPid,
      children: kids,
      printedChildren,
      childStates,
      connectionHolders: conns.map((c) => c.heldBy.map((h) => h.pid)),
      listeningHolders: view.snap.processes.filter((p) => p.fds.some((f) => f.kind === 'listening')).length,
    };
  },
};
