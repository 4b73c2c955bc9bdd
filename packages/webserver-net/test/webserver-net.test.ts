// Beyond the article, webserver-net: the same server on node:net. Started as a learner starts it.
import t from 'tap';
import { startStage, freePort } from '../../../scripts/lib/stage.js';
import { curl } from '../../../scripts/lib/clients.js';
import { children, cmdline } from '../../../scripts/lib/procfs.js';
import { runExperiment } from '../../../scripts/experiments/framework/experiment.js';
import nodeEmfile from '../experiments/node-emfile.js';

t.test("webserver-net answers as the article's servers do, from one process", async (t) => {
  const stage = await startStage('webserver-net');
  t.teardown(() => stage.stop());
  t.match(stage.output, /^Serving HTTP on port \d+ \.\.\.$/m, "the article's banner");
  const r = await curl(['--include', `http://localhost:${stage.port}/hello`]);
  t.equal(r.stdout, 'HTTP/1.1 200 OK\n\nHello, World!\n', "the article's response, then the connection closed");
  await stage.waitFor(/^GET \/hello HTTP\/1\.1\r?$/m);
  const server = stage.requireServerPid();
  t.same(children(server), [], 'no children');
  t.match(cmdline(server).join(' '), /dist\/webserver-net\.js/);
});

t.test(
  'pnpm experiment node-emfile: at ulimit -n 64, libuv drops what it cannot hold; the server goes on',
  async (t) => {
    const o = await runExperiment(nodeEmfile, { port: await freePort() });
    t.equal(o.children, 0, 'one process');
    t.ok(o.alive, 'the server survived EMFILE');
    t.ok(o.held > 0 && o.held < o.clients, `it held ${o.held} of ${o.clients}`);
    t.equal(o.belowLimit, o.limit, 'every descriptor number the limit allows was in use');
    t.equal(o.held + o.dropped, o.clients, 'the others were closed at once, without a byte');
    t.equal(o.answered, o.held, 'the kept ones were answered');
    t.equal(o.responseAfter, 'Hello, World!\n', 'and a new client afterwards');
  },
);
