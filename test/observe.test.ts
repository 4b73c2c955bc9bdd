// `pnpm observe`: the /proc model and its rendering against running stages, and the CLI's
// messages for targets that are not stages.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { startStage, ROOT } from '../scripts/lib/stage.js';
import { curl, eventually, openConnection, startClient3, HELLO_REQUEST } from '../scripts/lib/clients.js';
import { children, stat, zombies } from '../scripts/lib/procfs.js';
import { resolveTarget, snapshot, stageOf } from '../scripts/lib/observe-model.js';
import { ranges, render } from '../scripts/lib/observe-render.js';
import { must } from '../scripts/lib/must.js';
import { zombieCommand } from './fixture.js';

const TSX = join(ROOT, 'node_modules/.bin/tsx');

/** `tsx scripts/observe.ts args` (stdout is a pipe, so one snapshot). */
function observeCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(TSX, ['scripts/observe.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('3d: a connection held by parent and child, then a zombie', async (t) => {
  const stage = await startStage('webserver3d');
  t.teardown(() => stage.stop());
  const server = stage.requireServerPid();
  t.equal(stageOf(server), 'webserver3d');

  // a client that has not sent its request: the child waits in recv, parent and child hold the connection
  const waiting = await openConnection(stage.port);
  t.teardown(() => waiting.close());
  // a curl that has been answered: its child has exited (a zombie); the parent still holds that connection too
  const answered = await curl([`http://127.0.0.1:${stage.port}/hello`], 1);
  t.equal(answered.stdout, 'Hello, World!\n');
  await eventually('a child in recv and a zombie', () => {
    const s = snapshot(server);
    return s.zombies === 1 && s.processes.some((p) => p.role === 'child' && p.blockedIn === 'recv');
  });

  const snap = snapshot(server);
  t.equal(snap.pid, server);
  t.same(snap.ports, [stage.port], 'the port it listens on');
  t.equal(snap.children, 2, 'two children');
  t.equal(snap.zombies, 1, 'one of them a zombie');
  const parent = must(snap.processes[0], 'the server in the snapshot');
  t.equal(parent.role, 'parent');
  t.equal(parent.blockedIn, 'poll', "the parent waits in poll(2), where @lsbaws/posix's accept() waits");
  t.ok(
    parent.fds.some((f) => f.kind === 'listening' && f.description === `listening socket 0.0.0.0:${stage.port}`),
    'the listening socket',
  );
  const zombie = must(
    snap.processes.find((p) => p.state === 'Z'),
    'a zombie in the snapshot',
  );
  t.equal(zombie.stateWord, 'zombie');
  t.same(zombie.fds, [], 'a zombie has no descriptors left');
  const child = must(
    snap.processes.find((p) => p.role === 'child' && p.state !== 'Z'),
    'a live child in the snapshot',
  );
  t.equal(child.blockedIn, 'recv', 'the live child waits in recv()');
  t.notOk(
    child.fds.some((f) => f.kind === 'listening'),
    'the child closed its copy of the listening socket',
  );

  const shared = must(
    snap.connections.find((c) => c.remote[1] === waiting.localPort),
    'the waiting connection listed',
  );
  t.same(shared.heldBy.map((h) => h.pid).sort(), [server, child.pid].sort(), 'held by parent and child');
  t.equal(shared.heldBy.length, 2, 'reference count 2');
  t.equal(shared.state, 'ESTABLISHED');
  t.same(
    shared.peer.map((p) => p.pid),
    [process.pid],
    'the client end is this test',
  );
  t.equal(snap.sharedConnections, 1, 'one connection held by two processes');
  const parentFd = must(
    parent.fds.find((f) => f.kind === 'connection' && f.tcp?.remote[1] === waiting.localPort),
    "the waiting connection among the parent's descriptors",
  );
  t.same(
    parentFd.sharedWith.map((h) => h.pid),
    [child.pid],
    "the parent's descriptor is shared with the child",
  );
  const curlConn = must(
    snap.connections.find((c) => c.remote[1] !== waiting.localPort),
    "curl's connection listed",
  );
  t.same(
    curlConn.heldBy.map((h) => h.pid),
    [server],
    "curl's connection: only the parent's copy is left",
  );

  const text = render(snap, { noClock: true });
  t.match(
    text,
    new RegExp(`^webserver3d  server PID ${server}  port ${stage.port}  \\|  2 children \\(1 alive, 1 zombie\\)`, 'm'),
  );
  t.match(text, new RegExp(`PID ${child.pid}  child   sleeping in recv\\(\\)`));
  t.match(text, new RegExp(`PID ${zombie.pid}  child   zombie  ${zombieCommand()}`));
  t.match(
    text,
    new RegExp(
      `connection 127\\.0\\.0\\.1:${stage.port} <-> ` +
        `127\\.0\\.0\\.1:${waiting.localPort} \\(ESTABLISHED\\)  shared with child ${child.pid}`,
    ),
  );
  t.match(text, new RegExp(`open in parent ${server} fd \\d+ \\+ child ${child.pid} fd \\d+: reference count 2`));
  t.notMatch(text, /\d+ {2}epoll/, "Node's own descriptors are summed up by default");
  t.match(render(snap, { all: true, noClock: true }), /\d+ {2}epoll: what the event loop waits on/, '--all lists them');

  // the same through the command, by port and by the child's PID
  const byPort = observeCli([String(stage.port), '--once']);
  t.equal(byPort.status, 0, byPort.stderr);
  t.match(byPort.stdout, /1 zombie/);
  t.match(byPort.stdout, /reference count 2/);
  const byChild = observeCli(['--pid', String(child.pid)]);
  t.equal(byChild.status, 0, byChild.stderr);
  t.match(byChild.stdout, new RegExp(`server PID ${server}`), "a child's PID shows its whole server");

  // the child gets its request: it answers and exits; the connection stays open in the parent only
  waiting.send(HELLO_REQUEST(stage.port));
  await eventually('two zombies', () => zombies(server).length === 2);
  const after = snapshot(server);
  t.equal(after.zombies, 2);
  t.equal(after.sharedConnections, 0, 'no connection is shared any more');
  t.same(
    after.connections.find((c) => c.remote[1] === waiting.localPort)?.heldBy.map((h) => h.pid),
    [server],
    'the parent keeps it open',
  );
  t.equal(waiting.ended, false, 'so the client never sees its end');
});

t.test('3g: no zombies, no shared connection', async (t) => {
  const stage = await startStage('webserver3g');
  t.teardown(() => stage.stop());
  const server = stage.requireServerPid();
  const first = await curl([`http://127.0.0.1:${stage.port}/hello`], 5);
  t.equal(first.code, 0, 'curl ends: the connection is closed');
  const clients = startClient3(stage.port, ['--max-clients', '20']);
  t.teardown(() => clients.stop());
  await clients.done;
  // wait until every child has exited
  await eventually('no child left running', () => children(server).every((k) => stat(k)?.state === 'Z'), 20_000);
  const waiting = await openConnection(stage.port);
  await eventually('the new child in recv and the parent back in poll, for accept', () => {
    const s = snapshot(server);
    return (
      s.processes[0]?.blockedIn === 'poll' && s.processes.some((p) => p.role === 'child' && p.blockedIn === 'recv')
    );
  });
  let snap = snapshot(server);
  t.equal(snap.zombies, 0, 'no zombie');
  t.equal(snap.sharedConnections, 0, 'the parent closed its copy: nothing is shared');
  t.equal(snap.connections.length, 1, 'the one open connection...');
  t.equal(
    new Set(must(snap.connections[0], 'the open connection').heldBy.map((h) => h.pid)).size,
    1,
    '...is held by its child only',
  );
  waiting.send(HELLO_REQUEST(stage.port));
  await eventually('the child reaped', () => children(server).length === 0, 10_000);
  snap = snapshot(server);
  t.equal(snap.children, 0);
  t.equal(snap.zombies, 0);
  // the FIN reaches the client's event loop a moment after the child is gone: wait for it
  await eventually('the client to see the end of the connection', () => waiting.ended, 10_000);
  t.equal(waiting.ended, true, 'the client saw the end of the connection');
  const cli = observeCli([String(stage.port)]);
  t.equal(cli.status, 0, cli.stderr);
  t.match(
    cli.stdout,
    new RegExp(`^webserver3g  server PID ${server}  port ${stage.port}  \\|  0 children  \\|  0 connections`, 'm'),
  );
  t.notMatch(cli.stdout, /zombie|shared with/);
});

t.test(
  'each process is labelled with the system call it is in, from /proc/PID/syscall: an idle webserver-poll in poll()',
  async (t) => {
    // webserver-poll waits in select.poll's poll(2), even with only its listening socket registered
    const poll = await startStage('webserver-poll');
    t.teardown(() => poll.stop());
    const pollServer = poll.requireServerPid();
    await eventually('webserver-poll asleep', () => stat(pollServer)?.state === 'S');
    const idle = must(snapshot(pollServer).processes[0], 'the webserver-poll server');
    t.equal(idle.blockedIn, 'poll', 'an idle webserver-poll is in poll()');
    t.match(render(snapshot(pollServer)), /parent {2}sleeping in poll\(\)/, 'and the view says so');
  },
);

t.test('targets that are not stages get a clear message and exit 1', async (t) => {
  // something that listens but is not a stage: a plain Node server in a child process
  const other = spawn(
    process.execPath,
    ['-e', "require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port) })"],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  t.teardown(() => other.kill());
  const port = Number(
    await new Promise<string>((resolve) =>
      must(other.stdout, "the server's stdout").once('data', (d: Buffer) => resolve(d.toString().trim())),
    ),
  );
  const notStage = observeCli([String(port)]);
  t.equal(notStage.status, 1);
  t.match(
    notStage.stderr,
    new RegExp(`Port ${port} is served by PID ${other.pid} \\(.*node.*\\), which is not one of this project's stages`),
  );

  const byPid = observeCli(['--pid', String(other.pid)]);
  t.equal(byPid.status, 1);
  t.match(byPid.stderr, new RegExp(`PID ${other.pid} \\(.*\\) is not one of this project's stages`));

  // a port nothing listens on
  const free: Server = createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()));
  const freePort = (free.address() as { port: number }).port;
  await new Promise((r) => free.close(r));
  const nothing = observeCli(['--port', String(freePort)]);
  t.equal(nothing.status, 1);
  t.match(nothing.stderr, new RegExp(`Nothing listens on port ${freePort}\\. Start a stage first`));

  // a PID that does not exist (above pid_max)
  const gone = observeCli(['--pid', '99999999']);
  t.equal(gone.status, 1);
  t.match(gone.stderr, /There is no process 99999999\./);

  const bad = observeCli(['eighty']);
  t.equal(bad.status, 1);
  t.match(bad.stderr, /"eighty" is neither a port nor a PID/);

  t.same(resolveTarget(String(process.pid), 'pid').ok, false, 'this test process is not a stage');
});

t.test('ranges() sums up descriptor numbers', async (t) => {
  t.equal(ranges([3, 4, 5, 6, 9, 11, 12]), '3-6, 9, 11-12');
  t.equal(ranges([]), '');
  t.equal(ranges([7]), '7');
});
