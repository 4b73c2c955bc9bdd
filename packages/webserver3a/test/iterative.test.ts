// pnpm experiment iterative, run for real: the outcome the article describes.
import t from 'tap';
import { run } from '../../../test/experiment.js';
import iterative from '../experiments/iterative.js';

t.test('iterative (3a): curl gets Hello, World! from a single process', async (t) => {
  const o = await run(iterative);
  t.equal(o.response, 'Hello, World!\n');
  t.ok(o.curlEnded, 'the server closed the connection, so curl ended');
  t.equal(o.serverPrinted, 'GET /hello HTTP/1.1', 'the server printed the request');
  t.equal(o.processes, 1, 'one process, no children');
});
