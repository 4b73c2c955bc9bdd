// Beyond the article, webserver-poll: one process, non-blocking sockets and poll(); many idle
// connections, and clients that misbehave, block no one. Started as a learner starts it.
import t from 'tap';
import { connect } from 'node:net';
import { startStage, freePort } from '../../../scripts/lib/stage.js';
import { HELLO_REQUEST, curl, eventually, rawRequest } from '../../../scripts/lib/clients.js';
import { connectionsHeld, idleClients } from '../../../scripts/lib/connections.js';
import { children, stat } from '../../../scripts/lib/procfs.js';
import { runExperiment } from '../../../scripts/experiments/framework/experiment.js';
import manyConnections from '../experiments/many-connections.js';

t.test('one process answers while silent clients hold connections, and survives clients that hang up', async (t) => {
  const stage = await startStage('webserver-poll');
  t.teardown(() => stage.stop());
  const server = stage.requireServerPid();
  const idle = await idleClients(stage.port, 20);
  t.teardown(() => idle.forEach((c) => c.close()));
  await eventually('20 connections held', () => connectionsHeld(server, stage.port) === 20);
  const r = await curl(['--include', `http://127.0.0.1:${stage.port}/hello`]);
  t.equal(r.stdout, 'HTTP/1.1 200 OK\n\nHello, World!\n', 'answered while 20 clients are silent');

  // clients that connect and reset at once, or send half a request and go: none ends the server
  for (let i = 0; i < 10; i++) {
    await new Promise<void>((resolve) => {
      const s = connect(stage.port, '127.0.0.1', () => {
        if (i % 2 === 0) s.resetAndDestroy();
        else s.end('GET /hel');
        resolve();
      });
      s.on('error', () => resolve());
    });
  }
  const answer = await rawRequest(stage.port, HELLO_REQUEST(stage.port));
  t.equal(answer.data, 'HTTP/1.1 200 OK\n\nHello, World!\n', 'still serving after ten clients hung up');
  t.ok(stat(server) !== null, 'the same process');
  idle.forEach((c) => c.send(HELLO_REQUEST(stage.port)));
  await eventually('the silent ones answered', () => idle.every((c) => c.ended));
  t.equal(idle.filter((c) => c.received === 'HTTP/1.1 200 OK\n\nHello, World!\n').length, 20, 'each one answered');
  t.same(children(server), [], 'never a child');
});

t.test('pnpm experiment many-connections: 100 idle connections in one process', async (t) => {
  const o = await runExperiment(manyConnections, { port: await freePort(), params: { connections: 100 } });
  t.equal(o.idle.processes, 1, 'one process');
  t.equal(o.idle.held, 100, 'holding the 100 connections');
  t.ok(o.idle.descriptors >= o.descriptorsBefore + 100, `${o.idle.descriptors} descriptors`);
  t.equal(o.curl.response, 'Hello, World!\n', 'curl answered while they were silent');
  t.equal(o.answeredLate, 100, 'and each of them once it sent its request');
  t.ok(o.descriptorsAfter <= o.descriptorsBefore, 'every connection closed');
});
