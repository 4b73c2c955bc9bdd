/**
 * Re-checks docs/fork-in-node.md, fact 4: even with --single-threaded, a collection posts work
 * to Node's platform task queue (a full one on every line, a scavenge too from Node 26), whose
 * condition variable the child inherits still counting the parent's sleeping worker threads;
 * without what os.fork() does after fork() (the queue's lock and condition made new in the
 * child), signalling it can wait for ever. Forks `forks` children, `parallel` at a
 * time; each allocates `objects` objects four times (50,000: about 8 MB) and forces two full
 * collections; the parent forces one before every fork, so its workers are often just waking
 * when fork() copies the queue. A child still running after `deadline` seconds is killed and
 * counted as hung.
 *
 *   node --single-threaded --expose-gc scripts/rechecks/dist/task-queue.js \
 *     [forks=100] [parallel=4] [deadline=5] [reset|no-reset|both=both] [objects=50000] [--json]
 *
 * Prints a sentence per variant; with --json, also a JSON line ({ variant, forks, failed, hung }).
 */
import { Checklist } from './report.js';
import {
  forkStepsWithout,
  forkWithSteps,
  workerQueueFound,
  fork,
  kill,
  waitpid,
  WNOHANG,
  _exit,
  sleep,
} from '@lsbaws/posix/fork-steps';

const json = process.argv.includes('--json');
const [forksArg, parallelArg, deadlineArg, variantArg = 'both', objectsArg] = process.argv
  .slice(2)
  .filter((a) => a !== '--json');
const forks = Number(forksArg ?? 100);
/** Objects a child allocates in each of its four rounds (about 160 bytes each), keeping a tenth. */
const objects = Number(objectsArg ?? 50_000);
const parallel = Number(parallelArg ?? 4);
const deadline = Number(deadlineArg ?? 5);
const variants = variantArg === 'both' ? ['no-reset', 'reset'] : [variantArg];
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('run node with --expose-gc (and --single-threaded)');
const gc = collect;

/** os.fork()'s steps without the task queue's child half: the child does not make its lock and condition new. */
const withoutReset = forkStepsWithout({ 'worker-queue': 'child' });
const forkWithoutReset = (): number => forkWithSteps(withoutReset);

function childWork(): number {
  let kept: Array<{ i: number; s: string }> = [];
  for (let round = 0; round < 4; round++) {
    const garbage: Array<{ i: number; s: string }> = [];
    for (let i = 0; i < objects; i++) garbage.push({ i, s: `item ${i}` });
    kept = kept.concat(garbage.slice(0, objects / 10));
  }
  gc();
  gc();
  return kept.length;
}

/** Runs the forks with one way of forking; returns what became of the children. */
function run(forkOnce: () => number): {
  forks: number;
  failed: Array<[number, number]>;
  hung: Array<{ pid: number; fork: number }>;
} {
  const started = new Map<number, { at: number; fork: number }>(); // pid → when, and which fork
  const statuses: Array<[pid: number, status: number]> = []; // a list: PIDs are reused on a busy machine
  const hung: Array<{ pid: number; fork: number }> = [];
  const reapOne = (): void => {
    for (;;) {
      const [pid, status] = waitpid(-1, WNOHANG);
      if (pid !== 0) {
        started.delete(pid);
        statuses.push([pid, status]);
        return;
      }
      for (const [child, { at, fork: n }] of started) {
        if (Date.now() - at > deadline * 1000) {
          hung.push({ pid: child, fork: n });
          kill(child, 9);
          started.delete(child);
          waitpid(child, 0);
          return;
        }
      }
      sleep(0.001);
    }
  };
  for (let i = 0; i < forks; i++) {
    if (started.size === parallel) reapOne();
    gc();
    const pid = forkOnce();
    if (pid === 0) _exit(childWork() === 4 * (objects / 10) ? 0 : 3);
    started.set(pid, { at: Date.now(), fork: i });
  }
  while (started.size > 0) reapOne();
  return { forks: statuses.length + hung.length, failed: statuses.filter(([, status]) => status !== 0), hung };
}

const facts = new Checklist();
for (const variant of variants) {
  const result = run(variant === 'reset' ? fork : forkWithoutReset);
  const found = workerQueueFound() ? 'the queue was found' : 'the queue was NOT found';
  const what =
    `${variant === 'reset' ? 'os.fork()' : "without the queue's steps"}: ${result.hung.length} ` +
    `of ${result.forks} children hung, ${result.failed.length} failed (${found})`;
  // os.fork() must never hang a child; how many hang without its steps depends on the Node line and the moment
  if (variant === 'reset') facts.expect(result.hung.length === 0 && result.failed.length === 0, what);
  else facts.note(what);
  if (json) console.log(JSON.stringify({ variant, ...result }));
}
// the parent's event loop still turns after all those forks
setTimeout(() => (process.exitCode = facts.done()), 10);
