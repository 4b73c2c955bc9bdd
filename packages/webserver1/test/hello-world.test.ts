// pnpm experiment hello-world, run for real: the outcome the article describes.
import t from 'tap';
import { run } from '../../../test/experiment.js';
import helloWorld from '../experiments/hello-world.js';

t.test('hello-world (1): Hello, World! to curl, to a request typed by hand and to anything', async (t) => {
  const o = await run(helloWorld);
  t.equal(o.response, 'Hello, World!\n');
  t.equal(o.serverPrinted, 'GET /hello HTTP/1.1', 'the server printed the request');
  t.equal(o.byHand, 'HTTP/1.1 200 OK\n\nHello, World!\n', "the article's telnet request");
  t.equal(o.anything, o.byHand, 'the same answer to anything');
  t.equal(o.processes, 1, 'one process');
});
