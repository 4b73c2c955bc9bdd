/**
 * 3d, part 4: the zombies 3d never reaps count against the process limit (`ulimit -u`) until
 * fork() fails with EAGAIN. As root the limit is not enforced, so the server runs as an
 * unprivileged user (setpriv), directly with node (pnpm's own threads would count too).
 */
import { status, tasksOfUser, zombies as zombiesOf } from '../lib/procfs.js';
import { type Experiment, crashOf, countLines, errorsOf, tidy } from './framework.js';

export interface OutOfProcessesOptions {
  /** How many children the limit leaves room for, beyond Node's own threads (default 9). */
  children: number;
  /** client3 --max-clients (the article: 500). */
  clients: number;
  /** The unprivileged user the server runs as (default 65534, nobody). */
  uid: number;
}

export interface OutOfProcessesOutcome {
  /** The `ulimit -u` value used. */
  limit: number;
  /** Tasks the user already had before the server started (they count too). */
  userTasksBefore: number;
  /** Threads of the server process once it was ready (Node's own). */
  serverThreads: number;
  /** 'EAGAIN' when fork failed as the article shows. */
  crashed: string | null;
  error: string | null;
  /** The last number the server printed: children forked before fork failed. */
  childrenForked: number;
  /** The most zombies seen at once while it ran. */
  maxZombiesSeen: number;
  serverExited: boolean;
  clientsConnected: number;
  clientErrors: Record<string, number>;
}

export const outOfProcesses: Experiment<OutOfProcessesOutcome, OutOfProcessesOptions> = {
  name: 'out-of-processes',
  stage: 'webserver3d',
  summary: 'ulimit -u, client3 --max-clients=500: zombies pile up, fork() fails with EAGAIN',
  article: 'ulimit -u 400 ... python client3.py --max-clients=500 ... OSError: Resource temporarily unavailable',
  async run(ctx, options = {}) {
    const { say } = ctx;
    const uid = options.uid ?? 65534;
    const room = options.children ?? 9;
    const clients = options.clients ?? 500;
    const NODE_THREADS = 11; // measured: node --single-threaded runs 11 threads from the start
    const before = tasksOfUser(uid);
    const limit = before + NODE_THREADS + room;

    say.title('out-of-processes: zombies use up the process limit, webserver3d');
    say.note(
      'The article runs `ulimit -u 400`. Two things differ here. Linux does not enforce that limit for root, so the server runs as ' +
        `an unprivileged user (uid ${uid}) with setpriv. And the limit counts every task of that user, threads included: ` +
        `node starts with ${NODE_THREADS} threads, and a pnpm parent would add its own, so the server runs directly with node ` +
        `(as the 3d README does), under a small limit: ${NODE_THREADS} threads + ${room} children` +
        (before > 0 ? ` + the ${before} tasks uid ${uid} already has on this machine` : '') +
        ` = ${limit}. The article's 400 would work the same way, only later.`,
    );
    say.step(
      `Terminal 1: build as yourself (user ${uid} cannot write dist/), then start the server as user ${uid} with the limits`,
    );
    say.cmd('pnpm build');
    say.cmd('cd packages/webserver3d');
    say.cmd(
      `${ctx.portEnv}setpriv --reuid=${uid} --regid=${uid} --clear-groups bash -c \\\n      'ulimit -u ${limit}; ulimit -n 500; exec node --single-threaded --enable-source-maps dist/webserver3d.js'`,
    );
    const stage = await say.wait(
      'compiling and starting',
      ctx.start('webserver3d', { user: uid, direct: true, limits: `ulimit -u ${limit} && ulimit -n 500` }),
    );
    say.show(tidy(stage.output));
    const server = stage.serverPid()!;
    const threads = status(server)?.threads ?? 0;
    say.note(
      `The server runs ${threads} threads (ps -o nlwp -p ${server}); uid ${uid} now has ${tasksOfUser(uid)} tasks of the ${limit} allowed.`,
    );

    say.step(`Terminal 2: ${clients} clients at once`);
    say.cmd(`${ctx.portEnv}pnpm --filter client3 start -- --max-clients=${clients}`);
    const client = ctx.client3([`--max-clients=${clients}`]);
    let maxZombies = 0;
    const watch = setInterval(() => (maxZombies = Math.max(maxZombies, zombiesOf(server).length)), 20);
    ctx.defer(() => clearInterval(watch));
    const ended = await say.wait('until fork() fails', ctx.within(stage.exited, 60_000));
    clearInterval(watch);
    const clientDone = await say.wait('until every client has finished', ctx.within(client.done, 60_000));
    if (!clientDone) client.stop();

    say.step('Terminal 1');
    const numbers = stage.output
      .split('\n')
      .filter((l) => /^\d+$/.test(l.trim()))
      .map(Number);
    const last = numbers.length ? numbers[numbers.length - 1]! : 0;
    say.show(tidy(stage.output.slice(stage.output.indexOf('\n') + 1), 22));
    const crash = crashOf(stage.output);
    say.note(
      crash
        ? `${crash.code} from fork(): ${last} children were forked and exited, but nobody waited for them, so each stayed a zombie ` +
            `(up to ${maxZombies} seen at once) and still counted against the limit: ${threads} threads + ${last} zombies = ${threads + last}` +
            `${before ? ` + ${before} other tasks` : ''}, and the next fork() would have made one more than the ${limit} allowed.`
        : `the server ${ended ? 'exited without the expected error' : 'did not crash'}`,
    );
    say.step('Terminal 2: client3');
    const connected = countLines(client.output, /^0$/);
    const errors = errorsOf(client.output);
    say.show(
      `0\n0\n...  (${connected} lines "0")\n${[...errors].map(([line, count]) => `${line}  (x${count})`).join('\n')}`,
    );
    say.result(
      'Zombies take up process slots: a long-running server that does not wait for its children eventually cannot fork() any more (EAGAIN, Resource temporarily unavailable).',
    );
    return {
      limit,
      userTasksBefore: before,
      serverThreads: threads,
      crashed: crash?.code ?? null,
      error: crash?.line ?? null,
      childrenForked: last,
      maxZombiesSeen: maxZombies,
      serverExited: ended,
      clientsConnected: connected,
      clientErrors: Object.fromEntries(errors),
    };
  },
};
