/**
 * What 3f and 3g are run with: one curl, the article's 128 clients, and a deterministic
 * version of "many children exit while the parent cannot take the signal": N connections
 * whose children wait in recv, the parent stopped (SIGSTOP), the N requests answered and the
 * N children exited, so their N SIGCHLDs merge into one pending signal; then SIGCONT.
 *
 * One Node detail matters for the counts. The JavaScript handler does not run inside the
 * signal: libuv's C handler notes the signal, and the handler runs when the event loop next
 * turns. If the signal interrupts the blocking accept(), that is at once. But a signal that
 * arrives just before the parent enters accept() (the parent is between its event-loop turn
 * and the call), or that one of Node's other threads takes (after SIGCONT), leaves the handler
 * waiting for the next connection, and the zombie with it. So "what is left" is counted after
 * one more request sent only once the parent is back, blocked in accept(): its child's
 * SIGCHLD interrupts accept() and is handled at once, and the turn of the event loop that
 * this request causes runs any handler call still waiting.
 */
import { readFileSync } from 'node:fs';
import { children, stat, zombies } from '../lib/procfs.js';
import { openConnection, type OpenConnection } from '../lib/clients.js';
import { blockedIn } from '../lib/observe-model.js';
import { type Context, HELLO, countLines, observe, psChildren, tidy } from './framework.js';

export interface SigchldOutcome {
  curl: {
    response: string;
    ended: boolean;
    /** The server survived the SIGCHLD (3e did not). */
    serverAlive: boolean;
    /** Zombies once the child had exited. */
    zombies: number;
    /** Zombies after one more request, sent once the parent was back in accept(). */
    zombiesAfterNextRequest: number;
  };
  /** client3 --max-clients N. */
  article: {
    clients: number;
    connected: number;
    /** Zombies once every child had exited (what ps shows). */
    zombies: number;
    /** After one more request, sent once the parent was back in accept() (handler calls that were still waiting have run). */
    zombiesAfterNextRequest: number;
  };
  /** N children exited while the parent was stopped. */
  merged: {
    connections: number;
    /** Clients that got "Hello, World!". */
    answered: number;
    /** Children that were zombies while the parent was stopped (all N). */
    zombiesWhileStopped: number;
    /** Whether SIGCHLD was pending for the process while it was stopped. */
    sigchldPending: boolean;
    /** Still zombies 1 s after SIGCONT (N when another thread took the signal and the handler waits for the next connection). */
    zombiesRightAfterCont: number;
    /** Zombies left once one more request let the handler run: N-1 with 3f (one wait() for one signal), 0 with 3g. */
    zombiesLeft: number;
  };
}

export interface SigchldOptions {
  /** client3 --max-clients (the article: 128). */
  clients: number;
  /** Connections in the deterministic part (default 10). */
  connections: number;
}

/** Waits until the server has no running child and the number of zombies has not changed for quiet ms. */
export async function settle(ctx: Context, server: number, quiet = 1000, timeout = 30_000): Promise<number> {
  let last = -1;
  let since = Date.now();
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const kids = children(server);
    const z = kids.filter((k) => stat(k)?.state === 'Z').length;
    const alive = kids.length - z;
    if (z !== last || alive > 0) {
      last = z;
      since = Date.now();
    } else if (Date.now() - since >= quiet) return z;
    await ctx.pause(50);
  }
  return zombies(server).length;
}

/**
 * One request whose child exits only once the parent is blocked in accept() again: connect,
 * wait for the child (in recv) and for the parent (back in accept), then send. Returns the
 * zombies left once it has been handled.
 */
export async function requestWhileInAccept(ctx: Context, server: number): Promise<{ zombies: number; response: string }> {
  const known = new Set(children(server));
  const conn = await openConnection(ctx.port);
  ctx.defer(() => conn.close());
  await ctx.until('the new child in recv and the parent back in accept', () => {
    const fresh = children(server).filter((k) => !known.has(k) && stat(k)?.state !== 'Z');
    return fresh.length > 0 && blockedIn(server) === 'accept';
  }, 10_000);
  conn.send(HELLO(ctx.port));
  await ctx.until('the answer', () => conn.ended, 10_000).catch(() => undefined);
  conn.close();
  return { zombies: await settle(ctx, server, 500), response: conn.received };
}

const defunct = (server: number): string => `ps -o pid,ppid,stat,cmd --ppid ${server} | grep -c defunct`;

export async function sigchldScenario(ctx: Context, stageName: 'webserver3f' | 'webserver3g', options: Partial<SigchldOptions> = {}): Promise<SigchldOutcome> {
  const { say } = ctx;
  const clients = options.clients ?? 128;
  const n = options.connections ?? 10;
  say.step('Terminal 1: start the server');
  say.cmd(`${ctx.portEnv}pnpm --filter ${stageName} start`);
  let stage = await say.wait('compiling and starting', ctx.start(stageName));
  say.show(tidy(stage.output));
  let server = stage.serverPid()!;
  const alive = (): boolean => stage.launcher.exitCode === null && stat(server) !== null && stat(server)?.state !== 'Z';
  const nextRequestNote =
    'One more request, sent once the server is back in accept() (the experiment connects, waits for that, then sends the request): ' +
    'the turn of the event loop it causes runs any handler call that was still waiting.';
  const lingerNote = (count: number): string =>
    `${count === 1 ? 'A zombie is' : `${count} zombies are`} still there. Node runs the JavaScript handler when its event loop turns, not inside the signal: ` +
    'a SIGCHLD that came just before the parent entered accept() (or that another of Node\'s threads took) interrupts nothing, ' +
    'and its handler call waits for the next connection. A Python or C handler would have run at once.';

  // 1. one curl: no EINTR crash any more, no zombie
  say.step('Terminal 2: one request');
  say.cmd(`curl ${ctx.url}`);
  const c = ctx.curl(10);
  const r = await c.done;
  say.show(c.stdout);
  const afterCurl = await settle(ctx, server, 500);
  say.cmd(`ps -o pid,ppid,stat,cmd --ppid ${server}`);
  say.show(psChildren(server));
  say.note(
    `${alive() ? 'The server is still running: the SIGCHLD interrupted accept(), and the loop called it again.' : 'unexpected: the server died.'} ` +
      (afterCurl === 0 ? 'No zombie: the SIGCHLD handler waited for the child.' : ''),
  );
  let afterCurlNext = afterCurl;
  if (afterCurl > 0) {
    say.note(lingerNote(afterCurl));
    say.note(nextRequestNote);
    afterCurlNext = (await requestWhileInAccept(ctx, server)).zombies;
    say.cmd(defunct(server));
    say.show(String(afterCurlNext));
  }
  const curl = { response: c.stdout, ended: r.code === 0, serverAlive: alive(), zombies: afterCurl, zombiesAfterNextRequest: afterCurlNext };

  // 2. the article's 128 clients
  say.step(`Terminal 2: ${clients} clients at once`);
  say.cmd(`${ctx.portEnv}pnpm --filter client3 start -- --max-clients ${clients}`);
  const client = ctx.client3(['--max-clients', String(clients)]);
  const done = await say.wait(`${clients} clients`, Promise.race([client.done.then(() => true), ctx.pause(90_000).then(() => false)]));
  if (!done) client.stop();
  const articleZombies = await say.wait('until every child of the server has exited', settle(ctx, server));
  const connected = countLines(client.output, /^0$/);
  say.cmd(`ps -o pid,ppid,stat,cmd --ppid ${server}`);
  const listing = psChildren(server).replace(/\s+$/, '').split('\n');
  say.show(listing.length > 7 ? [...listing.slice(0, 6), `...  (${listing.length - 1} processes in all)`].join('\n') : listing.join('\n'));
  say.note(
    articleZombies === 0
      ? `No zombies after ${connected} connections.`
      : `${articleZombies} zombies after ${connected} connections. The children exited at almost the same time; ` +
          'how many SIGCHLDs merged depends on timing, so the number changes from run to run.',
  );
  say.note(nextRequestNote);
  const articleNext = (await requestWhileInAccept(ctx, server)).zombies;
  say.cmd(defunct(server));
  say.show(String(articleNext));
  say.note(
    articleNext === 0
      ? articleZombies === 0
        ? 'Still none.'
        : `None left: ${lingerNote(articleZombies).replace(/^.*? still there\. /, '')}`
      : `${articleNext} zombies stay: their signals were merged with others, and each handler call reaped one child only.`,
  );
  const article = { clients, connected, zombies: articleZombies, zombiesAfterNextRequest: articleNext };

  // 3. the same on purpose: N children exit while the parent is stopped
  say.step(`Now on purpose: ${n} children exit while the parent cannot take signals`);
  say.note('First a fresh server, so that the counts below are only this part\'s. Terminal 1: Ctrl-C, then again:');
  await stage.stop();
  say.cmd(`${ctx.portEnv}pnpm --filter ${stageName} start`);
  stage = await say.wait('starting', ctx.start(stageName));
  server = stage.serverPid()!;
  say.note(`${n} clients connect but do not send their request yet: the server forks ${n} children that wait in recv().`);
  const conns: OpenConnection[] = [];
  for (let i = 0; i < n; i++) {
    const conn = await openConnection(ctx.port);
    ctx.defer(() => conn.close());
    conns.push(conn);
  }
  const waiting = await ctx.until(`${n} children waiting in recv`, () => {
    const kids = children(server).filter((k) => stat(k)?.state !== 'Z');
    return kids.length >= n ? kids : undefined;
  }, 20_000);
  say.cmd(`kill -STOP ${server}        # the parent stops: signals stay pending`);
  process.kill(server, 'SIGSTOP');
  ctx.defer(() => {
    try {
      process.kill(server, 'SIGCONT');
    } catch {
      // gone
    }
  });
  await ctx.until('the parent to stop', () => stat(server)?.state === 'T', 5_000);
  say.note(`The ${n} clients send their requests; the children answer and exit, and each exit sends the parent a SIGCHLD.`);
  for (const conn of conns) conn.send(HELLO(ctx.port));
  await ctx.until(`the ${n} answers`, () => conns.every((x) => x.received.includes('Hello')), 10_000).catch(() => undefined);
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
    `${zombiesWhileStopped} children exited, ${zombiesWhileStopped} SIGCHLDs were sent. ShdPnd, the signals pending for the process, ` +
      'has one bit per signal (bit 17, 0x10000, is SIGCHLD): they are one pending signal now.',
  );
  say.cmd(`kill -CONT ${server}`);
  process.kill(server, 'SIGCONT');
  await ctx.pause(1000);
  const rightAfter = zombies(server).length;
  say.cmd(defunct(server));
  say.show(String(rightAfter));
  if (rightAfter === zombiesWhileStopped) say.note(lingerNote(rightAfter).replace(/^.*? still there\. /, 'Not one reaped yet. '));
  say.note(nextRequestNote);
  const last = await requestWhileInAccept(ctx, server);
  say.show(last.response);
  say.cmd(defunct(server));
  say.show(String(last.zombies));
  say.cmd(`pnpm observe ${ctx.port}`);
  say.show(observe(server, 4).text);
  say.note(
    last.zombies === 0
      ? 'The handler ran once for the merged SIGCHLD, and its waitpid(-1, WNOHANG) loop reaped every exited child: no zombie is left.'
      : `The handler ran once for the ${zombiesWhileStopped} merged exits and once for the last request's child, and each run's single ` +
          `os.wait() reaped one child: ${last.zombies} of these ${zombiesWhileStopped + 1} children are left as zombies.`,
  );
  return {
    curl,
    article,
    merged: { connections: n, answered, zombiesWhileStopped, sigchldPending, zombiesRightAfterCont: rightAfter, zombiesLeft: last.zombies },
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
