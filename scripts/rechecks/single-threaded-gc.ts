/**
 * Re-checks docs/fork-in-node.md, fact 2: a forked child has one thread, so a child that needs
 * a garbage collection hangs unless node runs with --single-threaded-gc or --single-threaded;
 * NODE_OPTIONS refuses the flag, and what setting it at run time does depends on the Node
 * version (shown, not relied on).
 *
 *   node scripts/rechecks/dist/single-threaded-gc.js
 *
 * Runs itself once per way of starting node (each with --expose-gc); each run forks children,
 * with os.fork(), that allocate and force two full collections, and counts those still
 * running after 5 s.
 */
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { Checklist } from './report.js';
import { fork, kill, waitpid, WNOHANG, _exit, sleep } from '@lsbaws/posix/fork-steps';

const FORKS = 20;
const DEADLINE_MS = 5_000;

/** Forks FORKS children, one at a time; each allocates and collects, then exits 0. Returns how many hung. */
function forkCollectingChildren(gc: () => void): number {
  let hung = 0;
  for (let i = 0; i < FORKS; i++) {
    gc();
    const pid = fork();
    if (pid === 0) {
      const kept = Array.from({ length: 200_000 }, (_, j) => ({ j, s: `item ${j}` }));
      gc();
      gc();
      _exit(kept.length === 200_000 ? 0 : 3);
    }
    const started = Date.now();
    while (waitpid(pid, WNOHANG)[0] === 0) {
      if (Date.now() - started > DEADLINE_MS) {
        hung++;
        kill(pid, 9);
        waitpid(pid, 0);
        break;
      }
      sleep(0.01);
    }
  }
  return hung;
}

if (process.argv[2] === 'child') {
  if (process.argv[3] === 'set-at-run-time') setFlagsFromString('--single-threaded-gc');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  console.log(JSON.stringify({ hung: forkCollectingChildren(gc) }));
} else {
  const self = fileURLToPath(import.meta.url);
  /** The children that hung in one run, or what stopped the run itself. */
  const run = (nodeArgs: string[], mode = ''): { hung: number } | { failed: string } => {
    const r = spawnSync(process.execPath, ['--expose-gc', ...nodeArgs, self, 'child', mode], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    const hung = /"hung":(\d+)/.exec(r.stdout)?.[1];
    if (hung !== undefined) return { hung: Number(hung) };
    const why = /^# (Check failed: .*)$/m.exec(r.stderr)?.[1] ?? r.stderr.trim().split('\n')[0];
    return { failed: `the parent itself died (${r.signal ?? `exit ${r.status}`}): ${why}` };
  };
  const said = (r: { hung: number } | { failed: string }): string =>
    'hung' in r ? `${r.hung} of ${FORKS} children hung` : r.failed;
  const facts = new Checklist();
  const none = run([]);
  facts.expect('hung' in none && none.hung > 0, `node (no flag): ${said(none)}`);
  const runtime = run([], 'set-at-run-time');
  // Node 20 aborts or hangs; Node 22 and 24 were fine: nothing relies on it
  facts.note(`node, v8.setFlagsFromString('--single-threaded-gc') at run time: ${said(runtime)}`);
  for (const flag of ['--single-threaded-gc', '--single-threaded']) {
    const r = run([flag]);
    facts.expect('hung' in r && r.hung === 0, `node ${flag}: ${said(r)}`);
  }
  const env = { ...process.env, NODE_OPTIONS: '--single-threaded' };
  const refused = spawnSync(process.execPath, ['-e', '0'], { encoding: 'utf8', env });
  const first = refused.stderr.trim().split('\n')[0] ?? '';
  facts.expect(
    refused.status !== 0 && /not allowed in NODE_OPTIONS/.test(first),
    `NODE_OPTIONS=--single-threaded node: exit ${refused.status}, "${first}"`,
  );
  process.exitCode = facts.done();
}
