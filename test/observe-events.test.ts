// `pnpm observe --events`: the timeline built from the events themselves (strace following the
// server), one JSON object a line. With 3f and ten children that exit while the parent is
// stopped: ten forks at their own times, ten exits, one SIGCHLD delivered, one reap, nine zombies.
import t from 'tap';
import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { eventually, HELLO_REQUEST, openConnection, type OpenConnection } from '../scripts/lib/clients.js';
import { stat, zombies } from '../scripts/lib/procfs.js';
import { ROOT, startStage, withoutNodeOptions } from '../scripts/lib/stage.js';
import { canTrace, StraceReader, type TraceEvent } from '../scripts/lib/trace.js';

const TSX = ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href];

/** `pnpm observe <port> --events` as package.json runs it, with its output piped here. */
function observeEvents(port: number, extra: string[] = []): ChildProcessByStdio<null, Readable, Readable> {
  const argv = withoutNodeOptions([
    process.execPath,
    ...TSX,
    join(ROOT, 'scripts/observe.ts'),
    String(port),
    '--events',
    ...extra,
  ]);
  return spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

t.test("strace's lines read as the article's events", async (t) => {
  const r = new StraceReader(100, [100, 101]);
  const read = (lines: string[]): TraceEvent[] => lines.flatMap((l) => r.read(l));
  t.same(
    read([
      '100  1796442135.216729 accept4(3, {sa_family=AF_INET, sin_port=htons(42188), ' +
        'sin_addr=inet_addr("127.0.0.1")}, [16], SOCK_CLOEXEC) = 4',
    ]),
    [{ time: 1796442135.216729, event: 'accept', pid: 100, fd: 4, peer: '127.0.0.1:42188' }],
  );
  // a call cut in two by another thread's line, in strace's [pid N] form
  t.same(
    read([
      '[pid   100] 1796442135.711439 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD <unfinished ...>',
      '[pid   101] 1796442135.711500 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=90, si_uid=0} ---',
      '[pid   100] 1796442135.711600 <... clone resumed>, child_tidptr=0x7fa1ef1fee50) = 124',
    ]),
    [
      { time: 1796442135.7115, event: 'signal', pid: 100, signal: 'SIGCHLD', from: 90 },
      { time: 1796442135.7116, event: 'fork', pid: 100, child: 124 },
    ],
    "a thread's signal is its process's; the fork is read whole",
  );
  t.same(read(['100 1.000001 clone3({flags=CLONE_VM|CLONE_THREAD|CLONE_SIGHAND, exit_signal=0}, 88) = 130']), []);
  t.same(read(['130 1.000002 +++ exited with 0 +++']), [], "a thread's end is not an exit");
  t.same(read(['124 1.000003 +++ exited with 0 +++']), [
    { time: 1.000003, event: 'exit', pid: 124, child: 124, status: 'status 0' },
  ]);
  t.same(read(['100 1.000004 wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], WNOHANG, NULL) = 124']), [
    { time: 1.000004, event: 'reap', pid: 100, child: 124, status: 'status 0' },
  ]);
  t.same(read(['100 1.000005 wait4(-1, 0x7ffd, WNOHANG, NULL) = 0']), [], 'WNOHANG, nothing to reap');
  t.same(
    read([
      '100 1.000006 waitid(P_ALL, 0, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=125, si_uid=0, ' +
        'si_status=3, si_utime=0, si_stime=0}, WEXITED, NULL) = 0',
    ]),
    [{ time: 1.000006, event: 'reap', pid: 100, child: 125, status: 'status 3' }],
  );
  t.same(read(['100 1.000007 kill(124, SIGTERM) = 0']), [
    { time: 1.000007, event: 'kill', pid: 100, target: 124, signal: 'SIGTERM' },
  ]);
});

t.test(
  '3f: ten children exit while the parent is stopped: ten forks, ten exits, one SIGCHLD, one reap, nine zombies',
  { skip: !canTrace() && 'strace cannot trace here (scripts/test-tools.sh installs it)' },
  async (t) => {
    const stage = await startStage('webserver3f');
    t.teardown(() => stage.stop());
    const server = stage.serverPid();
    if (server === null) throw new Error(`no server process; output:\n${stage.output}`);

    const observer = observeEvents(stage.port);
    const exited = new Promise<number | null>((resolve) => observer.on('exit', (code) => resolve(code)));
    t.teardown(() => {
      if (observer.exitCode === null) observer.kill('SIGKILL');
    });
    const events: TraceEvent[] = [];
    createInterface({ input: observer.stdout }).on('line', (l) => events.push(JSON.parse(l) as TraceEvent));
    let note = '';
    observer.stderr.on('data', (c: Buffer) => (note += c.toString()));
    await eventually('pnpm observe --events to trace', () => /^Tracing PID \d+/m.test(note), 60_000);
    t.match(note, new RegExp(`^Tracing PID ${server} and its children with strace`, 'm'));

    const conns: OpenConnection[] = [];
    for (let i = 0; i < 10; i++) conns.push(await openConnection(stage.port));
    t.teardown(() => conns.forEach((c) => c.close()));
    await eventually('ten forks', () => events.filter((e) => e.event === 'fork').length === 10, 30_000);
    process.kill(server, 'SIGSTOP');
    t.teardown(() => {
      if (stat(server) !== null) process.kill(server, 'SIGCONT'); // never leave it stopped
    });
    // T, or t: a traced process stopped shows as stopped by its tracer
    await eventually('the parent stopped', () => /^[Tt]$/.test(stat(server)?.state ?? ''), 10_000);
    for (const c of conns) c.send(HELLO_REQUEST(stage.port));
    await eventually('ten exits', () => events.filter((e) => e.event === 'exit').length === 10, 30_000);
    process.kill(server, 'SIGCONT');
    await eventually('one reap', () => events.some((e) => e.event === 'reap'), 30_000);
    // the handler has run: let anything that would follow show up before counting
    await eventually('the parent back in accept()', () => stat(server)?.state === 'S', 10_000);
    await new Promise((r) => setTimeout(r, 1_000));

    const of = (kind: string): TraceEvent[] => events.filter((e) => e.event === kind);
    const forks = of('fork');
    t.equal(forks.length, 10, 'ten forks');
    t.ok(
      forks.every((e) => e.pid === server),
      'each in the server',
    );
    t.equal(new Set(forks.map((e) => e.time)).size, 10, 'each at its own time');
    t.ok(
      forks.every((e) => Number.isFinite(e.time) && /^\d+\.\d{1,6}$/.test(String(e.time))),
      'times in seconds, to the microsecond',
    );
    const children = new Set(forks.map((e) => e.child));
    const exits = of('exit').filter((e) => children.has(e.child));
    t.equal(exits.length, 10, 'ten exits, one per child');
    t.equal(of('signal').filter((e) => e.signal === 'SIGCHLD' && e.pid === server).length, 1, 'one SIGCHLD delivered');
    t.equal(of('reap').length, 1, 'one reap');
    t.equal(zombies(server).length, 9, 'nine zombies left in /proc');
    t.equal(exits.length - of('reap').length, 9, 'and as many exited children never reaped in the events');
    t.equal(of('accept').length, 10, 'ten accepts');

    observer.kill('SIGINT');
    t.equal(await exited, 0, 'Ctrl-C ends pnpm observe --events; the server goes on');
    t.ok(stat(server) !== null && stat(server)?.state !== 'Z', 'the server is still running');
  },
);

t.test('--proc: the fallback from /proc readings says what it is', async (t) => {
  const stage = await startStage('webserver3g');
  t.teardown(() => stage.stop());
  const observer = observeEvents(stage.port, ['--proc']);
  t.teardown(() => {
    if (observer.exitCode === null) observer.kill('SIGKILL');
  });
  let note = '';
  observer.stderr.on('data', (c: Buffer) => (note += c.toString()));
  let out = '';
  observer.stdout.on('data', (c: Buffer) => (out += c.toString()));
  await eventually('the note', () => /\/proc polling every \d+ ms/.test(note), 60_000);
  t.match(note, /events between two readings are missed or merged/);
  const conn = await openConnection(stage.port);
  t.teardown(() => conn.close());
  await eventually('a fork from /proc', () => /"event":"fork"/.test(out), 20_000);
  const fork = out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as TraceEvent)
    .find((e) => e.event === 'fork');
  t.equal(fork?.source, 'proc', 'each event says where it comes from');
  t.equal(fork?.pid, stage.serverPid(), 'the fork happened in the server');
});

t.test('--events refuses --svg, --web and --once, in one line', async (t) => {
  for (const other of [['--svg', 'x.svg'], ['--web'], ['--once']]) {
    const argv = withoutNodeOptions([
      process.execPath,
      ...TSX,
      join(ROOT, 'scripts/observe.ts'),
      '1',
      '--events',
      ...other,
    ]);
    const run = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, encoding: 'utf8' });
    t.equal(run.status, 2, other.join(' '));
    t.match(run.stderr, /^--events prints events until the server exits: not with --svg, --web or --once$/m);
  }
});
