// pnpm experiment out-of-descriptors, run for real: the outcome the article describes.
import t from 'tap';
import { run } from '../../../test/experiment.js';
import outOfDescriptors from '../experiments/out-of-descriptors.js';

t.test('out-of-descriptors (3d, ulimit -n 256, client3 --max-clients=300): accept() fails with EMFILE', async (t) => {
  const o = await run(outOfDescriptors);
  t.equal(o.crashed, 'EMFILE');
  t.equal(o.error, 'OSError: [Errno 24] Too many open files (accept)');
  t.ok(o.serverExited, 'the server died');
  t.ok(
    o.connectionsHeld > 200 && o.connectionsHeld < 256,
    `it held ${o.connectionsHeld} connections: 256 minus Node's own descriptors`,
  );
  t.ok(o.clientsConnected >= o.connectionsHeld, 'client3 connected at least as many');
  t.ok(o.clientsFailed > 0, 'the clients after the crash failed');
});
