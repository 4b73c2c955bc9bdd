// fork() under stress, the bar every supported Node line must clear (docs/fork-in-node.md, fact 4):
// children that allocate and collect garbage never hang and never die, alone or under a server's load.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFixture } from './fixture.js';
import { startStage, ROOT } from '../scripts/lib/stage.js';
import { childrenLeft } from '../scripts/lib/clients.js';
import { runAb } from '../scripts/bench/load.js';

const APPS = fileURLToPath(new URL('./fixtures/dist/wsgi-apps.js', import.meta.url));
const built = spawnSync('pnpm', ['exec', 'tsc', '-b', 'test/fixtures'], { cwd: ROOT, encoding: 'utf8' });
if (built.status !== 0) throw new Error(`tsc -b test/fixtures failed:\n${built.stdout}${built.stderr}`);

t.test(`10,000 forks whose children allocate and force full collections: none hung, none died`, async (t) => {
  // the re-check of fact 4: 4 children at a time, each allocating 4 × 5,000 objects and forcing two full
  // collections, the parent one before every fork; a child still running after 20 s counts as hung
  const f = startFixture(
    'checks/task-queue',
    ['10000', '4', '20', 'reset', '5000', '--json'],
    ['--single-threaded', '--expose-gc'],
  );
  t.teardown(f.kill);
  const result = await f.line<{ forks: number; failed: unknown[]; hung: unknown[] }>((v) => 'forks' in v, 1_500_000);
  t.equal(result.forks, 10_000, 'every child was waited for');
  t.same(result.hung, [], 'no child was still running after 20 s');
  t.same(result.failed, [], 'no child died');
  t.equal(await f.exited, 0, "the parent's event loop still ran its timer and exited cleanly");
});

t.test('webserver3h, children that allocate: ab -n 2000 -c 20 has no failure and leaves no child', async (t) => {
  const stage = await startStage('webserver3h', { args: [`${APPS}:allocates`] });
  t.teardown(() => stage.stop());
  const server = stage.requireServerPid();
  const ab = await runAb(stage.port, { requests: 2_000, concurrency: 20, socketTimeout: 30, cpu: null });
  t.equal(ab.error, null, 'ab ran to its end');
  t.equal(ab.complete, 2_000, 'every request was answered');
  t.equal(ab.failed, 0, 'no request failed (none refused, cut short or answered other than 2xx)');
  t.same(await childrenLeft(server, 30_000), [], 'no child left: every one exited and was reaped');
});
