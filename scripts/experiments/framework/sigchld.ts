/**
 * What 3f and 3g are run with: one curl, the article's 128 clients, and a deterministic
 * version of "many children exit while the parent cannot take the signal": N connections
 * whose children wait in recv, the parent stopped (SIGSTOP), the N requests answered and the
 * N children exited, so their N SIGCHLDs merge into one pending signal; then SIGCONT.
 *
 * Each part counts the zombies once things have settled (settle()). The handler runs on
 * Node's event loop, and @lsbaws/posix's accept() lets the loop turn whenever libuv has caught
 * a signal, so no further connection is needed: after SIGCONT, 3f's one handler run for the
 * merged signal reaps one child and leaves N-1 zombies; 3g's waitpid loop reaps all N.
 */
import { readFileSync } from 'node:fs';
import { children, fds, stat, zombies } from '../../lib/procfs.js';
import { HELLO_REQUEST, openConnection, type OpenConnection } from '../../lib/clients.js';
import { blockedIn } from '../../lib/observe-model.js';
import type { Launched } from '../../lib/stage.js';
import { type Context } from './context.js';
import { countLines, tidy } from './output.js';
import { observe, psChildren, psChildrenShort } from './ps.js';

export interface SigchldOutcome {
  curl: {
    response: string;
    ended: boolean;
    /** curl's own time_total, in seconds. */
    seconds: number | null;
    /** The server survived the SIGCHLD (3e did not). */
    serverAlive: boolean;
    /** Zombies once the child had exited and the server was back in accept(). */
    zombies: number;
    /** The parent's open descriptors before the curl and once it was over: one more when it kept its copy. */
    fdsBefore: number;
    fdsAfter: number;
  };
  /** client3 --max-clients N. */
  article: {
    clients: number;
    connected: number;
    /** Zombies once every child had exited and the server was back in accept() (what ps shows). */
    zombies: number;
    /** The parent's open descriptors before the clients and once they were done: the same when it closes its copies. */
    fdsBefore: number;
    fdsAfter: number;
  };
  /** N children exited while the parent was stopped. */
  merged: {
    connections: number;
    /** The server's live children while the N clients waited in recv (N: one per client; 0: it does not fork). */
    childrenWhileWaiting: number;
    /** Clients that got "Hello, World!". */
    answered: number;
    /** Children that were zombies while the parent was stopped (all N). */
    zombiesWhileStopped: number;
    /** Whether SIGCHLD was pending for the process while it was stopped. */
    sigchldPending: boolean;
    /** Zombies once things settled after SIGCONT: N-1 with 3f (one wait() for one signal), 0 with 3g. */
    zombiesLeft: number;
  };
}

export interface SigchldOptions {
  /** client3 --max-clients (the article: 128). */
  clients: number;
  /** Connections in the deterministic part (default 10). */
  connections: number;
}

/**
 * The article's test: `clients` clients at once (client3), then, once the server has settled,
 * how many connected and how many zombies are left. `before` runs just before client3 starts.
 */
export async function clientBurst(
  ctx: Context,
  server: number,
  clients: number,
  before: () => void = () => {},
): Promise<{ connected: number; zombies: number }> {
  const { say } = ctx;
  say.step(`Terminal 2: ${clients} clients at once`);
  say.cmd(`${ctx.portEnv}pnpm --filter client3 start -- --max-clients ${clients}`);
  before();
  const client = ctx.client3(['--max-clients', String(clients)]);
  const done = await say.wait(`${clients} clients`, ctx.within(client.done, 90_000));
  if (!done) client.stop();
  const zombies = await say.wait(
    'until every child has exited and the server is back in accept()',
    settle(ctx, server),
  );
  return { connected: countLines(client.output, /^0$/), zombies };
}

/**
 * Waits until the server has no running child, is blocked in accept() (so the handler of any
 * signal libuv caught has run: the wait returns as soon as the event loop has work), and the
 * number of zombies has not changed for quiet ms while both held. Returns that number.
 */
export async function settle(ctx: Context, server: number, quiet = 1000, timeout = 30_000): Promise<number> {
  let last = -1;
  let since = Date.now();
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (stat(server) === null || stat(server)?.state === 'Z') break; // the server is gone: nothing will change
    const kids = children(server);
    const z = kids.filter((k) => stat(k)?.state === 'Z').length;
    const alive = kids.length - z;
    if (z !== last || alive > 0 || !WAITING_FOR_A_CONNECTION.includes(blockedIn(server) ?? '')) {
      last = z;
      since = Date.now();
    } else if (Date.now() - since >= quiet) return z;
    await ctx.pause(50);
  }
  return zombies(server).length;
}

/** Where a server waits for a connection: accept(2), or poll(2) as @lsbaws/posix's accept() does. */
const WAITING_FOR_A_CONNECTION = ['accept', 'poll'];

/** The options of zombies-again and no-zombies. */
export const SIGCHLD_PARAMS = {
  clients: { description: 'client3 --max-clients (the article: 128)', default: 128 },
  connections: { description: 'children exiting while the parent is stopped', default: 10 },
};

const defunct = (server: number): string => `ps -o pid,ppid,stat,cmd --ppid ${server} | grep -c defunct`;

export async function sigchldScenario(
  ctx: Context,
  stageName: 'webserver3f' | 'webserver3g',
  options: Partial<SigchldOptions> = {},
): Promise<SigchldOutcome> {
  const { say } = ctx;
  const clients = options.clients ?? SIGCHLD_PARAMS.clients.default;
  const n = options.connections ?? SIGCHLD_PARAMS.connections.default;
  say.step('Terminal 1: start the server');
  say.cmd(ctx.command(stageName));
  const stage = await say.wait('starting', ctx.start(stageName));
  say.show(tidy(stage.output));
  const server = stage.serverPid() ?? 0;
  const curl = await oneCurl(ctx, stage, server);
  await ctx.alive(stage, server, 'after its first request');
  const article = await articleClients(ctx, stage, server, clients);
  const merged = await mergedExits(ctx, stage, stageName, n);
  return { curl, article, merged };
}

/** 1. one curl: no EINTR crash any more, no zombie. */
async function oneCurl(ctx: Context, stage: Launched, server: number): Promise<SigchldOutcome['curl']> {
  const { say } = ctx;
  const alive = (): boolean => stage.launcher.exitCode === null && stat(server) !== null && stat(server)?.state !== 'Z';
  say.step('Terminal 2: one request');
  say.cmd(`curl ${ctx.url}`);
  const fdsBefore = fds(server).size;
  const c = ctx.curl(10);
  const r = await c.done;
  say.show(c.stdout);
  const afterCurl = await settle(ctx, server, 500);
  const fdsAfter = fds(server).size;
  say.cmd(`ps -o pid,ppid,stat,cmd --ppid ${server}`);
  say.show(psChildren(server));
  say.note(
    (alive()
      ? 'The server is still running: the SIGCHLD interrupted accept(), and the loop called it again.'
      : 'unexpected: the server died.') +
      ' ' +
      (afterCurl === 0
        ? 'No zombie: the SIGCHLD handler waited for the child.'
        : `unexpected: ${afterCurl} zombie${afterCurl === 1 ? '' : 's'}.`),
  );
  return {
    response: c.stdout,
    ended: r.code === 0,
    seconds: c.timing?.total ?? null,
    serverAlive: alive(),
    zombies: afterCurl,
    fdsBefore,
    fdsAfter,
  };
}

/** 2. the article's clients at once (client3), and the parent's descriptors before and after. */
async function articleClients(
  ctx: Context,
  stage: Launched,
  server: number,
  clients: number,
): Promise<SigchldOutcome['article']> {
  const { say } = ctx;
  let fdsBefore = 0;
  const { connected, zombies: articleZombies } = await clientBurst(ctx, server, clients, () => {
    fdsBefore = fds(server).size;
  });
  await ctx.alive(stage, server, `during client3 --max-clients ${clients}`);
  const fdsAfter = fds(server).size;
  say.cmd(`ps -o pid,ppid,stat,cmd --ppid ${server}`);
  say.show(psChildrenShort(server));
  say.note(
    articleZombies === 0
      ? `No zombies after ${connected} connections.`
      : `${articleZombies} zombie${articleZombies === 1 ? '' : 's'} after ${connected} connections. The ` +
          `children exited at almost the same time, their SIGCHLDs merged, and each handler run reaped one ` +
          `child only. How many merged depends on timing: the number changes from run to run.`,
  );
  say.cmd(`ls /proc/${server}/fd | wc -l`);
  say.show(String(fdsAfter));
  say.note(
    fdsAfter === fdsBefore
      ? `The parent has ${fdsAfter} descriptors open, as many as ` +
          `before the clients: it closed its copy of each connection.`
      : `The parent had ${fdsBefore} descriptors open before the clients and has ${fdsAfter} now: ` +
          `${fdsAfter > fdsBefore ? 'it keeps copies of connections it should have closed' : 'unexpected'}.`,
  );
  return { clients, connected, zombies: articleZombies, fdsBefore, fdsAfter };
}

/** 3. the same on purpose: n children exit while the parent is stopped (on a fresh server). */
async function mergedExits(
  ctx: Context,
  previous: Launched,
  stageName: 'webserver3f' | 'webserver3g',
  n: number,
): Promise<SigchldOutcome['merged']> {
  const { say } = ctx;
  say.step(`Now on purpose: ${n} children exit while the parent cannot take signals`);
  say.note("First a fresh server, so that the counts below are only this part's. Terminal 1: Ctrl-C, then again:");
  await previous.stop();
  say.cmd(ctx.command(stageName));
  const stage = await say.wait('starting', ctx.start(stageName));
  const server = stage.serverPid() ?? 0;
  say.note(
    `${n} clients connect but do not send their request yet: the server forks ${n} children that wait in recv().`,
  );
  const conns: OpenConnection[] = [];
  for (let i = 0; i < n; i++) {
    const conn = await openConnection(ctx.port);
    ctx.defer(() => conn.close());
    conns.push(conn);
  }
  const live = (): number[] => children(server).filter((k) => stat(k)?.state !== 'Z');
  // up to 20 s for a child per client; given up on once their number has not grown for 3 s
  let seen = { count: -1, at: Date.now() };
  const waiting = await ctx
    .until(
      `${n} children waiting in recv`,
      () => {
        const kids = live();
        if (kids.length >= n) return kids;
        if (kids.length !== seen.count) seen = { count: kids.length, at: Date.now() };
        return Date.now() - seen.at >= 3_000 ? kids : undefined;
      },
      20_000,
    )
    .catch(() => live());
  if (waiting.length < n) {
    say.cmd(`ps -o pid,ppid,stat,cmd --ppid ${server}`);
    say.show(psChildren(server));
    say.note(
      `${waiting.length} children while the ${n} clients waited: ` +
        (waiting.length === 0
          ? 'this server does not fork; it handles the clients itself, one at a time.'
          : 'not one per client.'),
    );
    const none = { answered: 0, zombiesWhileStopped: 0, sigchldPending: false, zombiesLeft: 0 };
    return { connections: n, childrenWhileWaiting: waiting.length, ...none };
  }
  say.cmd(`kill -STOP ${server}        # the parent stops: signals stay pending`);
  process.kill(server, 'SIGSTOP');
  ctx.defer(() => {
    try {
      process.kill(server, 'SIGCONT');
    } catch {
      // gone
    }
  });
  // T, or t when a tracer (pnpm observe --events) follows it
  await ctx.until('the parent to stop', () => /^[Tt]$/.test(stat(server)?.state ?? ''), 5_000);
  say.note(
    `The ${n} clients send their requests; the children answer and exit, and each exit sends the parent a SIGCHLD.`,
  );
  for (const conn of conns) conn.send(HELLO_REQUEST(ctx.port));
  await ctx
    .until(`the ${n} answers`, () => conns.every((x) => x.received.includes('Hello')), 10_000)
    .catch(() => undefined);
  const answered = conns.filter((x) => x.received.includes('Hello')).length;
  await ctx.until(`${n} zombies`, () => waiting.every((k) => stat(k)?.state === 'Z'), 10_000).catch(() => undefined);
  const zombiesWhileStopped = zombies(server).length;
  say.cmd(defunct(server));
  say.show(String(zombiesWhileStopped));
  say.cmd(`grep -E 'SigPnd|ShdPnd' /proc/${server}/status`);
  const pending = pendingLines(server);
  say.show(pending);
  const shared = /^ShdPnd:\s+([0-9a-f]+)/m.exec(pending)?.[1];
  const sigchldPending = shared !== undefined && (BigInt(`0x${shared}`) & (1n << 16n)) !== 0n; // bit signum-1
  say.note(
    `${zombiesWhileStopped} children exited, ${zombiesWhileStopped} SIGCHLDs were sent. ` +
      `ShdPnd, the signals pending for the process, has one bit per signal, signal N at bit ` +
      `N-1 (SIGCHLD, 17, is bit 16: 0x10000): they are one pending signal now.`,
  );
  say.cmd(`kill -CONT ${server}`);
  process.kill(server, 'SIGCONT');
  const left = await say.wait('until the server is back in accept() and the count stays the same', settle(ctx, server));
  await ctx.alive(stage, server, `when ${n} children exited together`);
  say.cmd(defunct(server));
  say.show(String(left));
  say.cmd(`pnpm observe ${ctx.port}`);
  say.view(observe(server, 4));
  say.note(
    left === 0
      ? 'The handler ran once for the merged SIGCHLD, and its ' +
          'waitpid(-1, WNOHANG) loop reaped every exited child: no zombie is left.'
      : `The handler ran once for the ${zombiesWhileStopped} merged exits, and its single ` +
          `os.wait() reaped one child: ${left} ${left === 1 ? 'is' : 'are'} left as zombies.`,
  );
  return {
    connections: n,
    childrenWhileWaiting: waiting.length,
    answered,
    zombiesWhileStopped,
    sigchldPending,
    zombiesLeft: left,
  };
}

/** The SigPnd and ShdPnd lines of /proc/PID/status: the signals pending for the thread, and for the whole process. */
function pendingLines(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .filter((l) => /^(SigPnd|ShdPnd):/.test(l))
      .join('\n');
  } catch {
    return '?';
  }
}
