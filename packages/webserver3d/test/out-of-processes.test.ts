// pnpm experiment out-of-processes, run for real: the outcome the article describes.
import t from 'tap';
import { run } from '../../../test/experiment.js';
import outOfProcesses from '../experiments/out-of-processes.js';

t.test('out-of-processes (3d, ulimit -u, client3 --max-clients=500): fork() fails with EAGAIN', async (t) => {
  // a uid of its own: processes of nobody (65534) that another test runs meanwhile would change the count
  const o = await run(outOfProcesses, { uid: 65533 });
  t.equal(o.crashed, 'EAGAIN');
  t.equal(o.error, 'OSError: [Errno 11] Resource temporarily unavailable (fork)');
  t.ok(o.serverExited, 'the server died');
  t.ok(o.serverThreads >= 1, `the server had ${o.serverThreads} threads`);
  t.equal(
    o.childrenForked,
    o.limit - o.userTasksBefore - o.serverThreads,
    'it forked children until threads + zombies reached the limit',
  );
  // sampled every 20 ms while the server lives: when it dies, init reaps what is left at once
  t.ok(o.maxZombiesSeen >= 1, `the children stayed zombies (${o.maxZombiesSeen} seen at once)`);
});
