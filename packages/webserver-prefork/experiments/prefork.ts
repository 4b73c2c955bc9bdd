/**
 * Beyond the article, webserver-prefork: a fixed set of children accept on the one listening
 * socket they share; which child serves each connection is the kernel's choice; a child that
 * dies is reaped and replaced.
 */
import { HELLO_REQUEST, openConnection } from '../../../scripts/lib/clients.js';
import { holderOfConnection } from '../../../scripts/lib/connections.js';
import { children, listenersOf, stat } from '../../../scripts/lib/procfs.js';
import type { Context } from '../../../scripts/experiments/framework/context.js';
import { type Experiment, optionsOf } from '../../../scripts/experiments/framework/experiment.js';
import { tidy } from '../../../scripts/experiments/framework/output.js';
import { observe, psChildren } from '../../../scripts/experiments/framework/ps.js';

export interface PreforkOptions {
  /** Connections whose child is noted, spread over `concurrency` clients at a time. */
  requests: number;
  concurrency: number;
}

export interface PreforkOutcome {
  /** The server (parent) process. */
  server: number;
  /** The children the server had once it listened, by PID. */
  childrenAtStart: number[];
  /** Whether each of them holds the listening socket (it inherited it). */
  childrenListen: boolean;
  /** The first requests, one at a time: the PID of the process that held each connection. */
  oneAtATime: Array<number | null>;
  /** `requests` connections, `concurrency` at a time: how many each process held. */
  spread: Record<string, number>;
  /** Connections no process of the server held within 5 s, and those not answered "Hello, World!". */
  unheld: number;
  unanswered: number;
  /** The child killed with SIGKILL, the children after, and the zombies left. */
  killed: number | null;
  childrenAfter: number[];
  replaced: boolean;
  zombiesAfter: number;
  /** What a connection got once the child was replaced. */
  responseAfter: string;
}

/** Connects, notes which process of the server holds the connection, sends the request, reads the answer. */
async function served(ctx: Context, server: number): Promise<{ holder: number | null; response: string }> {
  const conn = await openConnection(ctx.port);
  try {
    const holder = await ctx
      .until(
        'a process to accept the connection',
        () => holderOfConnection(server, ctx.port, conn.localPort) ?? undefined,
        15_000,
      )
      .catch(() => null);
    conn.send(HELLO_REQUEST(ctx.port));
    await ctx.until('the answer', () => conn.ended || undefined, 10_000).catch(() => undefined);
    return { holder, response: conn.received };
  } finally {
    conn.close();
  }
}

export const prefork: Experiment<PreforkOutcome, PreforkOptions> = {
  name: 'prefork',
  stage: 'webserver-prefork',
  summary: 'four children share one listening socket; a killed child is replaced',
  article: 'beyond the article: UNP 30.6, TCP preforked server, no locking around accept (serv02)',
  params: {
    requests: { description: 'connections whose serving child is noted', default: 200 },
    concurrency: { description: 'how many of them at a time', default: 8 },
  },
  async run(ctx, options = {}) {
    const { say } = ctx;
    const { requests, concurrency } = optionsOf(prefork, options);
    say.title('prefork: a fixed set of children share the accept() loop, webserver-prefork');
    say.step('Terminal 1: start the server');
    say.cmd(ctx.command('webserver-prefork'));
    const stage = await say.wait('compiling and starting', ctx.start('webserver-prefork'));
    say.show(tidy(stage.output));
    const server = stage.requireServerPid();
    const childrenAtStart = await ctx
      .until('its children', () => (children(server).length >= 2 ? children(server) : undefined), 10_000)
      .catch(() => children(server));
    say.step('Terminal 2: its processes, before any client came');
    say.cmd(`ps -o pid,ppid,stat,cmd --ppid ${server}`);
    say.show(psChildren(server));
    const listeners = listenersOf(ctx.port);
    const childrenListen = childrenAtStart.length > 0 && childrenAtStart.every((pid) => listeners.includes(pid));
    say.note(
      `${childrenAtStart.length} children, forked before the first client: each inherited the listening ` +
        `socket${childrenListen ? ' (/proc/PID/fd shows it in every one)' : ''} and waits in accept() on it. ` +
        'The parent accepts nothing: it waits for a child to die.',
    );

    say.step(`Meanwhile, in another terminal: pnpm observe ${ctx.port} (one snapshot)`);
    say.view(observe(server, 4));

    say.step('Terminal 2: one request at a time; which process holds each connection (/proc/PID/fd)');
    const oneAtATime: Array<number | null> = [];
    for (let i = 0; i < 8; i++) oneAtATime.push((await served(ctx, server)).holder);
    say.show(
      oneAtATime.map((pid, i) => `request ${i + 1}: ${pid === null ? 'no process held it' : `PID ${pid}`}`).join('\n'),
    );

    say.step(`Terminal 2: ${requests} requests, ${concurrency} at a time: how many each child served`);
    const spread: Record<string, number> = {};
    let unheld = 0;
    let unanswered = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests) {
        next++;
        const { holder, response } = await served(ctx, server);
        if (holder === null) unheld++;
        else spread[holder] = (spread[holder] ?? 0) + 1;
        if (!response.includes('Hello, World!')) unanswered++;
      }
    };
    await say.wait('sending them', Promise.all(Array.from({ length: concurrency }, worker)));
    const counts = Object.values(spread);
    const [most, least] = counts.length === 0 ? [0, 0] : [Math.max(...counts), Math.min(...counts)];
    say.show(
      Object.entries(spread)
        .map(([pid, n]) => `PID ${pid}: ${n}`)
        .join('\n'),
    );
    say.note(
      `The kernel handed each connection to one of the children waiting in accept(): the busiest served ` +
        `${most}, the least busy ${least}. How even that is depends on how ` +
        "the children wait: Node's cluster module once let every worker accept like this, and balances " +
        'connections itself since (round-robin in the primary) because, in its words, "distribution tends to ' +
        'be very unbalanced due to operating system scheduler vagaries".',
    );

    const killed = childrenAtStart[0] ?? null;
    say.step(`Terminal 2: kill a child; the parent's SIGCHLD handler reaps it, and the parent forks another`);
    say.cmd(`kill -9 ${killed ?? '?'}`);
    if (killed !== null) process.kill(killed, 'SIGKILL');
    const target = childrenAtStart.length;
    const replaced = await ctx
      .until(
        'a new child in its place',
        () => {
          const now = children(server).filter((p) => stat(p)?.state !== 'Z');
          return now.length >= target && killed !== null && !now.includes(killed) ? true : undefined;
        },
        10_000,
      )
      .catch(() => false);
    const childrenAfter = children(server);
    const zombiesAfter = childrenAfter.filter((p) => stat(p)?.state === 'Z').length;
    say.cmd(`ps -o pid,ppid,stat,cmd --ppid ${server}`);
    say.show(psChildren(server));
    const born = childrenAfter.filter((p) => !childrenAtStart.includes(p));
    say.note(
      replaced
        ? `${killed} is gone (reaped: no zombie) and ${born.join(', ')} took its place: ` +
            `${childrenAfter.length} children again.`
        : `unexpected: ${childrenAfter.length} children, ${zombiesAfter} zombies, the killed one ` +
            `${childrenAfter.includes(killed ?? -1) ? 'still there' : 'not replaced'}`,
    );
    const after = await served(ctx, server);
    say.cmd(`curl ${ctx.url}`);
    say.show(after.response.replace(/^HTTP[^\n]*\n\n?/, ''));

    say.result(
      'A pre-forked server pays for fork() once per child, not once per connection: the children share the ' +
        'listening socket and the kernel gives each connection to one of them; the parent only keeps their ' +
        'number up, reaping and replacing a child that dies.',
    );
    return {
      server,
      childrenAtStart,
      childrenListen,
      oneAtATime,
      spread,
      unheld,
      unanswered,
      killed,
      childrenAfter,
      replaced,
      zombiesAfter,
      responseAfter: after.response,
    };
  },
};

export default prefork;
