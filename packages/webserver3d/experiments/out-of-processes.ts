/**
 * 3d, part 4: the zombies 3d never reaps count against the process limit (`ulimit -u`) until
 * fork() fails with EAGAIN. As root the limit is not enforced, so the server runs as an
 * unprivileged user (setpriv), directly with node (pnpm's own threads would count too).
 */
import { status, tasksOfUser, zombies as zombiesOf } from '../../../scripts/lib/procfs.js';
import { accessSync, constants, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { ROOT, type Launched } from '../../../scripts/lib/stage.js';
import type { Context } from '../../../scripts/experiments/framework/context.js';
import { type Experiment, optionsOf } from '../../../scripts/experiments/framework/experiment.js';
import { client3Lines, client3UntilCrash } from '../../../scripts/experiments/framework/crash-run.js';
import { exitOf, tidy } from '../../../scripts/experiments/framework/output.js';

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
  /** How it ended (its exit status), or null while it runs. */
  exitStatus: string | null;
  clientsConnected: number;
  clientErrors: Record<string, number>;
}

export const outOfProcesses: Experiment<OutOfProcessesOutcome, OutOfProcessesOptions> = {
  name: 'out-of-processes',
  stage: 'webserver3d',
  summary: 'ulimit -u, client3 --max-clients=500: zombies pile up, fork() fails with EAGAIN',
  article: 'ulimit -u 400 ... python client3.py --max-clients=500 ... OSError: Resource temporarily unavailable',
  params: {
    children: { description: "the room the process limit leaves beyond Node's threads", default: 9 },
    clients: { description: 'client3 --max-clients (the article: 500)', default: 500 },
    uid: { description: 'as root: the unprivileged user the server runs as (otherwise: you)', default: 65534 },
  },
  async run(ctx, options = {}) {
    const { say } = ctx;
    const { children: room, clients, ...given } = optionsOf(outOfProcesses, options);
    const { user, uid, before, limit } = processLimit(ctx, room, given.uid);
    const stage = await startUnderLimit(ctx, user, uid, limit);
    const server = stage.serverPid();
    const threads = server === null ? 0 : (status(server)?.threads ?? 0);
    say.note(
      `The server runs ${threads} threads (ps -o nlwp -p ${server}); uid ` +
        `${uid} now has ${tasksOfUser(uid)} tasks of the ${limit} allowed.`,
    );

    let maxZombies = 0;
    const sample = (): void => {
      if (server !== null) maxZombies = Math.max(maxZombies, zombiesOf(server).length);
    };
    const run = await client3UntilCrash(ctx, stage, clients, 'until fork() fails', sample);
    const { last, crash, ended } = run;
    say.step('Terminal 1');
    say.show(tidy(stage.output.slice(stage.output.indexOf('\n') + 1), 22));
    // every task of the user counts: the server's threads, its zombies, and whatever else the user ran meanwhile
    const others = limit - threads - last;
    say.note(
      crash?.code === 'EAGAIN'
        ? `${crash.code} from fork(): ${last} children were forked and exited, but nobody ` +
            `waited for them, so each stayed a zombie (up to ${maxZombies} seen at once) and ` +
            `still counted against the limit: ${threads} threads + ${last} zombies` +
            (others > 0 ? ` + ${others} other tasks of uid ${uid}` : '') +
            ` = ${limit}, the limit: the next fork() would have made one more.`
        : `unexpected: the server ` +
            `${ended ? `exited${crash ? ` with ${crash.code}` : ' without the expected error'}` : 'did not crash'}`,
    );
    say.step('Terminal 2: client3');
    say.show(client3Lines(run));
    say.result(
      'Zombies take up process slots: a long-running server that does not wait for its ' +
        'children eventually cannot fork() any more (EAGAIN, Resource temporarily unavailable).',
    );
    return {
      limit,
      userTasksBefore: before,
      serverThreads: threads,
      exitStatus: exitOf(stage),
      crashed: crash?.code ?? null,
      error: crash?.line ?? null,
      childrenForked: last,
      maxZombiesSeen: maxZombies,
      serverExited: ended,
      clientsConnected: run.connected,
      clientErrors: Object.fromEntries(run.errors),
    };
  },
};

/**
 * When the server could not start because user uid cannot enter the checkout (setpriv without
 * ambient capabilities, or a folder it cannot read even so): which folder, which user, and how
 * to fix it, in one line; null for any other failure.
 */
function cannotEnter(e: unknown, uid: number): string | null {
  const output = e instanceof Error ? `${e.message}\n${(e as { output?: string }).output ?? ''}` : '';
  if (!/Permission denied|unrecognized option|--ambient-caps|Operation not permitted/.test(output)) return null;
  let folder = ROOT;
  for (let dir = ROOT; dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) folder = dir; // others may not traverse it
  }
  let mode = '';
  try {
    accessSync(folder, constants.X_OK);
    mode = ` (mode ${(statSync(folder).mode & 0o777).toString(8).padStart(4, '0')})`;
  } catch {
    // not even we can
  }
  return (
    `user ${uid} cannot enter ${folder}${mode}, where the checkout is, and setpriv could not keep ` +
    `CAP_DAC_READ_SEARCH for it: run chmod o+x on the folders above the checkout, clone it under a folder ` +
    `others can enter (such as /tmp), or run the experiment as a user other than root (your own ulimit -u ` +
    `applies then)`
  );
}

/**
 * The process limit to start the server under, and the user it runs as: as root, an unprivileged
 * user (the limit is not enforced for root); otherwise yourself, with room for client3's processes.
 */
/**
 * The threads node runs from the start, as the server will (node --single-threaded with
 * @lsbaws/posix loaded), measured on the node that will run it: 7 on Node 22, 24 and 26, 11 on 20.
 */
function nodeThreads(): number {
  const probe =
    "import { readFileSync } from 'node:fs'; await import('@lsbaws/posix'); setTimeout(() => " +
    "console.log(/Threads:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]), 300);";
  const r = spawnSync('node', ['--single-threaded', '--input-type=module', '-e', probe], {
    cwd: join(ROOT, 'packages', 'webserver3d'),
    encoding: 'utf8',
    timeout: 30_000,
  });
  const n = Number(r.stdout.trim());
  if (!Number.isInteger(n) || n < 1) throw new Error(`could not count node's threads: ${r.stderr || r.stdout}`);
  return n;
}

function processLimit(
  ctx: Context,
  room: number,
  asRoot: number,
): { user: number | undefined; uid: number; before: number; limit: number } {
  const { say } = ctx;
  const me = process.getuid?.() ?? 0;
  // root: the limit is not enforced for root, so the server runs as another user; anyone else: as themselves
  const user = me === 0 ? asRoot : undefined;
  const uid = user ?? me;
  const NODE_THREADS = nodeThreads();
  // as yourself, client3 counts against your limit too: pnpm, its node and its forked clients (measured: 30 to 40 at
  // once)
  const CLIENT3_TASKS = user === undefined ? 40 : 0;
  const before = tasksOfUser(uid);
  const limit = before + NODE_THREADS + room + CLIENT3_TASKS;

  say.title('out-of-processes: zombies use up the process limit, webserver3d');
  say.note(
    'The article runs `ulimit -u 400`. Two things differ here. ' +
      (user === undefined
        ? `You are not root, so your own limit applies to your server (uid ${uid}), and it counts client3's ` +
          `processes too (they are yours): the limit leaves them ${CLIENT3_TASKS} tasks; `
        : `Linux does not enforce that limit for root, so the server runs as an unprivileged ` +
          `user (uid ${uid}) with setpriv, keeping one capability, CAP_DAC_READ_SEARCH, so ` +
          `that it can read the checkout wherever it is (it does not lift the limit); `) +
      `and the limit counts every task of that user, threads included: node starts with ` +
      `${NODE_THREADS} threads, and a pnpm parent would add its own, so the server runs directly with ` +
      `node (as the 3d README does), under a small limit: ${NODE_THREADS} threads + ${room} children` +
      (CLIENT3_TASKS > 0 ? ` + ${CLIENT3_TASKS} for client3` : '') +
      (before > 0 ? ` + the ${before} tasks uid ${uid} already has on this machine` : '') +
      ` = ${limit}. The article's 400 would work the same way, only later.`,
  );
  return { user, uid, before, limit };
}

/** Terminal 1: the server started directly with node (no pnpm parent to count), under the limits. */
async function startUnderLimit(ctx: Context, user: number | undefined, uid: number, limit: number): Promise<Launched> {
  const { say } = ctx;
  const limits = `ulimit -u ${limit} && ulimit -n 500`;
  if (user === undefined) {
    say.step('Terminal 1: build, then start the server directly with node, under the limits');
    say.cmd('pnpm build');
    say.cmd('cd packages/webserver3d');
    say.cmd(
      `(ulimit -u ${limit}; ulimit -n 500; ${ctx.portEnv}exec node ` +
        `--single-threaded --enable-source-maps dist/webserver3d.js)`,
    );
  } else {
    say.step(
      `Terminal 1: build as yourself (user ${uid} cannot write ` +
        `dist/), then start the server as user ${uid} with the limits`,
    );
    say.cmd('pnpm build');
    say.cmd('cd packages/webserver3d');
    say.cmd(
      `${ctx.portEnv}setpriv --reuid=${uid} --regid=${uid} --clear-groups ` +
        `--inh-caps=-all,+dac_read_search --ambient-caps=+dac_read_search \\\n      bash -c ` +
        `'ulimit -u ${limit}; ulimit -n 500; exec node --single-threaded --enable-source-maps ` +
        `dist/webserver3d.js'`,
    );
  }
  const stage = await say.wait(
    'starting',
    ctx.start('webserver3d', { user, direct: true, limits }).catch((e: unknown) => {
      throw new Error(cannotEnter(e, uid) ?? (e instanceof Error ? e.message : String(e)));
    }),
  );
  say.show(tidy(stage.output));
  return stage;
}

export default outOfProcesses;
