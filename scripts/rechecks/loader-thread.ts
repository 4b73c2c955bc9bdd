/**
 * Re-checks docs/fork-in-node.md, fact 5: a module loader's hooks (what `node --import` with
 * module.register() starts, as tsx and tap do, on the command line or in NODE_OPTIONS) and a
 * worker_threads Worker run JavaScript on a thread of their own, which a forked child would not
 * have; os.fork() sees them (process.report lists them as workers) and refuses, with the reason.
 *
 *   node scripts/rechecks/dist/loader-thread.js [--json]
 *
 * Runs itself once per case, and prints a sentence per case; with --json, also a JSON line
 * ({ variant, threads, workers, first, afterwards }: what fork() said with the other thread
 * there, and again once a Worker is gone).
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Checklist } from './report.js';
import { fork, waitpid, _exit } from '@lsbaws/posix/fork-steps';

/** A loader whose only hook passes every import on: enough for Node to start the hooks thread. */
const HOOKS =
  "data:text/javascript,import { register } from 'node:module'; register('data:text/javascript," +
  "export async function resolve(specifier, context, next) { return next(specifier, context); }');";

/** os.fork() once: 'forked', or the message it threw. */
function tryFork(): string {
  try {
    const pid = fork();
    if (pid === 0) _exit(0);
    waitpid(pid, 0);
    return 'forked';
  } catch (e) {
    return (e as Error).message;
  }
}

if (process.argv[2] === 'probe') {
  const variant = process.argv[3] ?? 'none';
  const worker = variant === 'worker' ? new Worker('setInterval(() => {}, 1000);', { eval: true }) : null;
  if (worker !== null) await once(worker, 'online');
  const threads = readdirSync('/proc/self/task').length;
  const { workers } = process.report.getReport() as unknown as { workers: unknown[] };
  const first = tryFork();
  if (worker !== null) await worker.terminate();
  console.log(JSON.stringify({ variant, threads, workers: workers.length, first, afterwards: tryFork() }));
} else {
  const self = fileURLToPath(import.meta.url);
  const cases: Array<{ variant: string; nodeArgs: string[]; env?: NodeJS.ProcessEnv }> = [
    { variant: 'none', nodeArgs: [] },
    { variant: 'worker', nodeArgs: [] },
    { variant: 'hooks, --import', nodeArgs: [`--import=${HOOKS}`] },
    { variant: 'hooks, NODE_OPTIONS', nodeArgs: [], env: { ...process.env, NODE_OPTIONS: `--import="${HOOKS}"` } },
  ];
  const facts = new Checklist();
  const refused = /^@lsbaws\/posix: fork\(\) refused: 1 other thread\(s\) of this process run JavaScript/;
  const results: Array<{ variant: string; threads: number; workers: number; first: string; afterwards: string }> = [];
  for (const { variant, nodeArgs, env } of cases) {
    const probe = variant.startsWith('hooks') ? 'hooks' : variant;
    const r = spawnSync(process.execPath, ['--single-threaded', ...nodeArgs, self, 'probe', probe], {
      encoding: 'utf8',
      env: env ?? { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
    if (line === undefined) throw new Error(`${variant}: ${r.stderr || r.stdout}`);
    const result = { ...JSON.parse(line), variant } as (typeof results)[number];
    results.push(result);
    if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  }
  const [none, worker, ...hooks] = results as [(typeof results)[number], (typeof results)[number], ...typeof results];
  const short = (message: string): string => (message === 'forked' ? 'forked' : 'refused');
  facts.expect(
    none.workers === 0 && none.first === 'forked',
    `no other thread: ${none.threads} threads, report lists 0 workers, fork() forked`,
  );
  facts.expect(
    worker.workers === 1 && refused.test(worker.first) && worker.afterwards === 'forked',
    `a Worker: ${worker.threads} threads (${worker.threads - none.threads} more), report lists ` +
      `${worker.workers}; fork() ${short(worker.first)}, and ${short(worker.afterwards)} once it was terminated`,
  );
  for (const h of hooks) {
    facts.expect(
      h.workers === 1 && refused.test(h.first) && refused.test(h.afterwards),
      `loader hooks (${h.variant.slice(7)}): ${h.threads} threads (${h.threads - none.threads} more), report ` +
        `lists ${h.workers}; fork() ${short(h.first)}, and ${short(h.afterwards)} again (the hooks thread stays)`,
    );
  }
  process.exitCode = facts.done();
}
