// @lsbaws/posix with real processes and real sockets: fork, zombies, EINTR, errors.
import t from 'tap';
import { connect } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFixture, startNodeProgram } from './fixture.js';
import { BUILD_DIR } from '../scripts/bench/servers.js';
import { freePort, startStage } from '../scripts/lib/stage.js';
import { runningLine } from '../scripts/lib/node-lines.js';
import { children, exeOf, fds, mappings, stat, zombies, type Mapping } from '../scripts/lib/procfs.js';
import { curl, eventually } from '../scripts/lib/clients.js';

t.test('200 forks whose children allocate 8 MB and force full garbage collections all exit 0', async (t) => {
  // the 10,000 forks of the bar, with lighter children, are test/fork-stress.test.ts
  const f = startFixture(
    'checks/task-queue',
    ['200', '4', '20', 'reset', '--json'],
    ['--single-threaded', '--expose-gc'],
  );
  t.teardown(f.kill);
  const result = await f.line<{ forks: number; failed: unknown[]; hung: unknown[] }>((v) => 'forks' in v, 600_000);
  t.equal(result.forks, 200, 'every child was waited for');
  t.same(result.hung, [], 'no child was still running after 20 s');
  t.same(result.failed, [], 'no child died');
  t.equal(await f.exited, 0, "the parent's event loop still ran its timer and exited cleanly");
});

t.test(
  "this Node line is as scripts/node-lines.json says: an idle stage's threads and its main thread's name",
  async (t) => {
    const line = runningLine();
    t.equal(process.versions.node, line.version, `Node ${process.versions.node} is the version the file pins`);
    const stage = await startStage('webserver3g');
    t.teardown(() => stage.stop());
    const server = stage.requireServerPid();
    const threads = readdirSync(`/proc/${server}/task`).map((tid) =>
      readFileSync(`/proc/${server}/task/${tid}/comm`, 'utf8').trim(),
    );
    t.equal(
      threads.length,
      line.idleThreads,
      `webserver3g waiting in accept has ${line.idleThreads} threads: ${threads.join(', ')}`,
    );
    t.equal(
      readFileSync(`/proc/${server}/comm`, 'utf8').trim(),
      line.mainThread,
      `its main thread is named ${line.mainThread}`,
    );
  },
);

/** Why node's code and data stay in its file here, or null: transparent huge pages off or absent. */
const noHugePages = ((): string | null => {
  try {
    const thp = readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8');
    return thp.includes('[never]') ? 'transparent huge pages are [never] here' : null;
  } catch {
    return 'no /sys/kernel/mm/transparent_hugepage/enabled here';
  }
})();

t.test(
  "a stage's first fork moves node's code, and the read-only data it has read, into huge pages (fact 7)",
  { skip: noHugePages ?? false },
  async (t) => {
    const stage = await startStage('webserver3g');
    t.teardown(() => stage.stop());
    const server = stage.requireServerPid();
    const node = exeOf(server);
    /** An anonymous mapping right beside a piece of node's file: where the moves put their copies. */
    const besideNode = (all: Mapping[], m: Mapping): boolean =>
      all.some((f) => f.path === node && (f.end === m.start || f.start === m.end));
    /** The anonymous copies of node's mappings with these permissions, each beside what is left of the file's. */
    const copiesOf = (all: Mapping[], perms: string): Mapping[] =>
      all.filter((m) => m.path === '' && m.perms === perms && besideNode(all, m));
    /** kB of node's mappings with these permissions that were moved to anonymous memory, and of those in huge pages. */
    const moved = (all: Mapping[], perms: string): { kB: number; hugeKB: number } => {
      const copies = copiesOf(all, perms);
      return {
        kB: copies.reduce((kB, m) => kB + (m.end - m.start) / 1024, 0),
        hugeKB: copies.reduce((kB, m) => kB + m.anonHugeKB, 0),
      };
    };
    t.equal(moved(mappings(server), 'r--p').kB, 0, "before the first fork, node's read-only data is all in its file");
    const answer = await curl([`http://127.0.0.1:${stage.port}/hello`]);
    t.equal(answer.stdout, 'Hello, World!\n', 'the first request is answered');
    const after = mappings(server);
    for (const [perms, what] of [
      ['r-xp', "node's code"],
      ['r--p', "node's read-only data, the part the server has read"],
    ] as const) {
      const { kB, hugeKB } = moved(after, perms);
      t.ok(kB >= 2048, `${what}: ${kB} kB moved to anonymous memory beside node's file`);
      t.equal(hugeKB, kB, `... all of it in huge pages (a copy the kernel gave 4 KiB pages is not put in)`);
    }
    // between the moved stretches, whole 2 MiB stretches the server never read are still the file's
    const copies = copiesOf(after, 'r--p');
    const unread = after.filter(
      (f) =>
        f.path === node &&
        f.perms === 'r--p' &&
        f.end - f.start >= 2 * 1024 * 1024 &&
        copies.some((m) => f.end === m.start || f.start === m.end),
    );
    t.ok(unread.length > 0, `only what was read moved: ${unread.length} unread stretches of it left in the file`);
  },
);

t.test('without --single-threaded, importing @lsbaws/posix fails at once and says why', async (t) => {
  // --single-threaded-gc alone is refused too: on Node 24 it once left a forked child hanging
  for (const nodeArgs of [[], ['--single-threaded-gc']]) {
    const f = startFixture('zombie', [], nodeArgs);
    t.teardown(f.kill);
    t.not(await f.exited, 0, `node ${nodeArgs.join(' ')}: refused`);
    t.match(f.stderr(), /needs node to be started with --single-threaded: /);
    t.match(f.stderr(), /helper threads/);
  }
});

t.test('fork() refuses while another thread runs JavaScript, and says why', async (t) => {
  const refused =
    /fork\(\) refused: 1 other thread\(s\) of this process run JavaScript .*would stay locked in the child for ever/;
  const f = startFixture('checks/loader-thread', ['--json'], []);
  t.teardown(f.kill);
  type Case = { variant: string; first: string; afterwards: string };
  const cases = new Map<string, Case>();
  for (const variant of ['none', 'worker', 'hooks, --import', 'hooks, NODE_OPTIONS']) {
    cases.set(variant, await f.line<Case>((v) => v.variant === variant));
  }
  t.equal(await f.exited, 0, 'every case came out as docs/fork-in-node.md says');
  t.match(
    cases.get('worker'),
    { first: refused, afterwards: 'forked' },
    'a Worker: refused while it runs, forked once it is gone',
  );
  t.match(
    cases.get('hooks, --import'),
    { first: refused, afterwards: refused },
    'loader hooks from node --import (as tsx and tap start them): refused, and the hooks thread stays',
  );
  t.match(
    cases.get('hooks, NODE_OPTIONS'),
    { first: refused, afterwards: refused },
    'loader hooks from NODE_OPTIONS: refused',
  );
  t.match(cases.get('none'), { first: 'forked', afterwards: 'forked' }, 'neither: forked');
});

for (const check of ['dontfork', 'sa-restart', 'child-exit']) {
  t.test(`docs/fork-in-node.md's re-check ${check} comes out as the page says`, async (t) => {
    const f = startFixture(`checks/${check}`);
    t.teardown(f.kill);
    t.equal(await f.exited, 0, f.stdout() + f.stderr());
    t.match(f.stdout(), /^fact holds$/m);
  });
}

t.test(
  'a child that does not call _exit leaves with its code, after its own exit listeners; so do grandchildren',
  async (t) => {
    const f = startFixture('child-exit');
    t.teardown(f.kill);
    t.equal(await f.exited, 0, f.stderr());
    const lines = f
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { what: string; outcome?: string; code?: number });
    const outcome = (what: string): string | undefined => lines.find((l) => l.what === what)?.outcome;
    t.same(
      lines.find((l) => l.what === 'listener'),
      { what: 'listener', code: 3 },
      "an 'exit' listener the child registered after fork() ran, with the code",
    );
    t.equal(outcome('process.exit(3) after an exit listener'), 'exited 3');
    t.equal(
      outcome('grandchild, forked before its parent returned to its loop, at the end of its program'),
      'exited 0',
      'a grandchild forked before its parent had turned its loop leaves at the end of its program',
    );
    t.equal(
      outcome('child that forked a grandchild before returning to its loop, at the end of its program'),
      'exited 0',
    );
    t.ok(
      lines.some((l) => l.what === 'timer fired'),
      "a child's timers still run",
    );
    t.equal(outcome('child that awaited a timer, at the end of its program'), 'exited 0');
  },
);

t.test('a child that is not waited for is a zombie until waitpid(-1, WNOHANG) reaps it', async (t) => {
  const f = startFixture('zombie');
  t.teardown(f.kill);
  const { child } = await f.line<{ child: number }>((v) => 'child' in v);
  await eventually('the child to be a zombie', () => stat(child)?.state === 'Z');
  t.same(zombies(f.pid), [child], 'ps would show it as Z <defunct>');
  f.child.stdin.write('reap\n');
  const reaped = await f.line<{ reaped: number; exitCode: number }>((v) => 'reaped' in v);
  t.equal(reaped.reaped, child, 'waitpid returned the zombie');
  t.equal(reaped.exitCode, 7, 'with its exit status');
  t.equal(stat(child), null, 'and it is gone from /proc');
});

t.test('a blocking accept() fails with EINTR when a child exits, after the handler has run', async (t) => {
  const f = startFixture('eintr');
  t.teardown(f.kill);
  t.equal(await f.exited, 0);
  const lines = f.stdout().trim().split('\n');
  t.equal(lines.length, 2, f.stdout());
  t.match(lines[0], /^handler signum=17 pid=\d+ status=0$/, 'the SIGCHLD handler ran first');
  t.equal(lines[1], 'accept threw EINTR [Errno 4] Interrupted system call (accept)', 'then accept threw EINTR');
});

t.test('standard signals are not queued: children exiting together give one handler call', async (t) => {
  const f = startFixture('not-queued', ['5', '1']);
  t.teardown(f.kill);
  const { children: kids, port } = await f.line<{ children: number[]; port: number }>((v) => 'children' in v);
  process.kill(f.pid, 'SIGSTOP'); // the parent cannot take signals while stopped...
  await eventually('all five children to exit', () => kids.every((pid) => stat(pid)?.state === 'Z'), 10_000);
  process.kill(f.pid, 'SIGCONT'); // ...so their five SIGCHLDs are one pending signal
  for (let i = 0; i < 3; i++) await ask(port, ''); // let the server loop over accept() a few times
  await f.line((v) => v.calls === 1);
  const calls = f
    .stdout()
    .split('\n')
    .filter((l) => l.includes('"calls"'));
  t.equal(calls.length, 1, 'the handler ran once for five exits');
  t.equal(zombies(f.pid).length, 4, 'so four children are left as zombies');
});

t.test(
  'OSError carries errno, code and the libc message, as the errno module names them; settimeout gives TimeoutError',
  async (t) => {
    const f = startFixture('errors');
    t.teardown(f.kill);
    t.equal(await f.exited, 0, f.stderr());
    const byWhat = Object.fromEntries(
      f
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((v) => [v.what, v]),
    );
    t.match(byWhat.EMFILE, {
      name: 'OSError',
      isOSError: true,
      errno: 24,
      code: 'EMFILE',
      strerror: 'Too many open files',
      message: '[Errno 24] Too many open files (socket)',
      errnoModule: 24,
      errorcode: 'EMFILE',
    });
    t.ok(byWhat['EMFILE-limit'].opened < 64, 'it came from the lowered RLIMIT_NOFILE');
    t.match(byWhat.EADDRINUSE, {
      errno: 98,
      code: 'EADDRINUSE',
      strerror: 'Address already in use',
      syscall: 'bind',
      message: '[Errno 98] Address already in use (bind)',
      errnoModule: 98,
      errorcode: 'EADDRINUSE',
    });
    t.match(byWhat.timeout, {
      name: 'TimeoutError',
      isOSError: true,
      isTimeoutError: true,
      code: 'ETIMEDOUT',
      message: '[Errno 110] timed out (recv)',
    });
    t.ok(byWhat['timeout-elapsed'].ms >= 190, `settimeout(0.2) waited ${byWhat['timeout-elapsed'].ms} ms`);
    t.equal(byWhat['timeout-elapsed'].timeout, 0.2);
    t.match(byWhat.ECONNREFUSED, {
      errno: 111,
      code: 'ECONNREFUSED',
      strerror: 'Connection refused',
      syscall: 'connect',
      errnoModule: 111,
      errorcode: 'ECONNREFUSED',
    });
    t.match(
      byWhat.ECHILD,
      { errno: 10, code: 'ECHILD', syscall: 'waitpid', errnoModule: 10, errorcode: 'ECHILD' },
      'with SIGCHLD ignored (SIG_IGN), waitpid finds no child: the kernel reaped it',
    );
    t.same(
      byWhat.SIG_IGN,
      { what: 'SIG_IGN', before: true, restored: true },
      'signal() returns the previous disposition',
    );
  },
);

t.test("printed uncaught, an OSError reads like Python's", async (t) => {
  const f = startFixture('errors', ['uncaught']);
  t.teardown(f.kill);
  t.equal(await f.exited, 1);
  t.match(f.stderr(), /^OSError: \[Errno 111\] Connection refused \(connect\)$/m);
  t.match(f.stderr(), /code: 'ECONNREFUSED'/);
});

/** Sends message on a new connection and returns everything the server sent back before closing it. */
function ask(port: number, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const sock = connect(port, '127.0.0.1', () => sock.write(message));
    sock.setTimeout(10_000, () => sock.destroy(new Error('timeout')));
    sock.on('data', (c) => (answer += c.toString()));
    sock.on('end', () => resolve(answer));
    sock.on('error', reject);
  });
}

const HELLO = 'HTTP/1.1 200 OK\n\nHello, World!\n';

t.test(
  `a fork-per-connection server (the benchmark's server.ts): 2,000 requests, ` +
    `each answered by a child that printed it, 0 zombies, no descriptor leak`,
  async (t) => {
    const port = await freePort();
    const f = startNodeProgram(join(BUILD_DIR, 'server.js'), [], ['--single-threaded'], { PORT: String(port) });
    t.teardown(f.kill);
    await eventually('Serving HTTP', () => /Serving HTTP on port \d+/.test(f.stdout()), 30_000);
    const server = f.pid;
    // warm up once so that lazily opened descriptors (epoll, signal pipe) are counted in "before"
    t.equal(await ask(port, 'warm-up'), HELLO);
    await eventually('no children', () => children(server).length === 0);
    const before = fds(server).size;
    let failures = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < 2000) {
        const answer = await ask(port, `request ${next++}`).catch(() => '');
        if (answer !== HELLO) failures++;
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    t.equal(failures, 0, 'every request got its answer');
    const printed = new Set(f.stdout().match(/^request \d+$/gm));
    t.equal(printed.size, 2000, 'and each child printed the request it read');
    await eventually('every child to be reaped', () => children(server).length === 0, 15_000);
    t.same(zombies(server), [], 'no zombies');
    t.equal(fds(server).size, before, 'the parent holds as many descriptors as before');
  },
);
