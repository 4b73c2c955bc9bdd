// Beyond the article, webserver-prefork: children forked at start share the listening socket;
// a child that dies is reaped and replaced. Started as a learner starts it.
import t from 'tap';
import { startStage } from '../../../scripts/lib/stage.js';
import { curl, eventually } from '../../../scripts/lib/clients.js';
import { children, listenersOf, stat } from '../../../scripts/lib/procfs.js';
import { freePort } from '../../../scripts/lib/stage.js';
import { runExperiment } from '../../../scripts/experiments/framework/experiment.js';
import prefork from '../experiments/prefork.js';

t.test('LSBAWS_PROCESSES children, each holding the listening socket; a killed one is replaced', async (t) => {
  const stage = await startStage('webserver-prefork', { env: { LSBAWS_PROCESSES: '3' } });
  t.teardown(() => stage.stop());
  const server = stage.requireServerPid();
  const kids = await eventually('three children', () => (children(server).length === 3 ? children(server) : false));
  t.same(listenersOf(stage.port).sort(), [server, ...kids].sort(), 'the parent and its 3 children hold the socket');
  const r = await curl(['--include', `http://127.0.0.1:${stage.port}/hello`]);
  t.equal(r.stdout, 'HTTP/1.1 200 OK\n\nHello, World!\n', "the article's response");
  t.same(children(server).sort(), kids.sort(), 'no fork for the request: the same children');

  const [victim = 0] = kids;
  process.kill(victim, 'SIGKILL');
  const after = await eventually('a child in its place', () => {
    const now = children(server);
    return now.length === 3 && !now.includes(victim) ? now : false;
  });
  t.same(
    after.filter((p) => stat(p)?.state === 'Z'),
    [],
    'the killed child was reaped: no zombie',
  );
  t.equal(after.filter((p) => !kids.includes(p)).length, 1, 'one new child');
  const again = await curl([`http://127.0.0.1:${stage.port}/hello`]);
  t.equal(again.stdout, 'Hello, World!\n', 'and the server answers');
});

t.test('pnpm experiment prefork: which child holds each connection, the spread, the replacement', async (t) => {
  const o = await runExperiment(prefork, { port: await freePort(), params: { requests: 40, concurrency: 4 } });
  t.equal(o.childrenAtStart.length, 4, 'PROCESSES = 4 children');
  t.ok(o.childrenListen, 'each holds the listening socket');
  t.equal(o.oneAtATime.length, 8);
  t.ok(
    o.oneAtATime.every((pid) => pid !== null && o.childrenAtStart.includes(pid)),
    `a child held each connection: ${o.oneAtATime.join(' ')}`,
  );
  const counts = Object.values(o.spread);
  t.equal(
    counts.reduce((a, b) => a + b, 0),
    40,
    'every one of the 40 connections was held by a process of the server',
  );
  t.notOk(String(o.server) in o.spread, 'never by the parent');
  t.ok(counts.length >= 2, `spread over ${counts.length} children`);
  t.equal(o.unheld + o.unanswered, 0, 'and each answered');
  t.ok(o.replaced, 'the killed child was replaced');
  t.equal(o.zombiesAfter, 0);
  t.equal(o.childrenAfter.length, 4);
  t.match(o.responseAfter, /Hello, World!/);
});
