// Part 1's server, webserver1: answers every request with Hello, World! and prints what it read;
// `pnpm diff 1 3a` shows what Part 3's first server changed.
import t from 'tap';
import { startStage } from '../../../scripts/lib/stage.js';
import { curl, rawRequest, HELLO_REQUEST } from '../../../scripts/lib/clients.js';
import { children } from '../../../scripts/lib/procfs.js';
import { pnpmDiff } from '../../../test/diff.js';

t.test('webserver1 answers Hello, World! and prints the request; one process, one client after another', async (t) => {
  const stage = await startStage('webserver1');
  t.teardown(() => stage.stop());
  t.match(stage.output, /^Serving HTTP on port \d+ \.\.\.$/m, "the article's banner");

  const r = await curl(['--include', `http://127.0.0.1:${stage.port}/hello`]);
  t.equal(r.code, 0, `curl succeeded ${r.stderr}`);
  t.equal(r.stdout, 'HTTP/1.1 200 OK\n\nHello, World!\n', 'the response as the article writes it (bare LFs)');
  await stage.waitFor(/^GET \/hello HTTP\/1\.1\r?$/m);
  t.match(stage.output, /^User-Agent: curl\/[\d.]+\r?$/m, 'the request headers, as they came');

  // clients that come one after the other are each answered by the one process
  for (let i = 0; i < 3; i++) {
    const answer = await rawRequest(stage.port, HELLO_REQUEST(stage.port));
    t.ok(answer.closed, `client ${i + 1}: the server closed the connection`);
    t.equal(answer.data, 'HTTP/1.1 200 OK\n\nHello, World!\n');
  }
  const pid = stage.serverPid();
  t.ok(pid !== null, 'the server process is there');
  t.same(children(pid ?? 0), [], 'and it has no children');
});

t.test('pnpm diff 1 3a: Part 3 names the request handling and the serving loop, with a queue of 5', async (t) => {
  const diff = pnpmDiff('1', '3a');
  t.equal(diff.status, 0, 'pnpm diff exits 0');
  t.match(diff.text, /^\+\+\+ b\/packages\/webserver3a\/src\/webserver3a\.ts$/m);
  t.match(diff.text, /^\+function handleRequest\(clientConnection: socket\.Socket\): void \{$/m, 'handleRequest');
  t.match(diff.text, /^\+async function serveForever\(\): Promise<void> \{$/m, 'serveForever');
  t.match(diff.text, /^\+const REQUEST_QUEUE_SIZE = 5;$/m, 'the listen queue');
  t.match(diff.text, /^-listenSocket\.listen\(1\);$/m);
});
