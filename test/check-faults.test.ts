// `pnpm check` names the fault a server has, and no other: one small server per fault the stages
// teach, in C and in Python 3, each written here as a learner writes it (one mistake in a right
// server), offered as each stage where that fault matters. Every failing line of the run names
// that one fault and its fix (scripts/experiments/framework/diagnosis.ts), and no line offers
// another fix. Small client counts keep each run to seconds; each C server is built once and
// offered to several stages.
import t, { type Test } from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, ROOT } from '../scripts/lib/stage.js';
import {
  type ChecklistLine,
  type ChecklistResult,
  findChecklist,
  formatLine,
  runChecklist,
} from '../scripts/experiments/checklist.js';
import { FAULTS, type Fault } from '../scripts/experiments/framework/diagnosis.js';
import { PROGRAMS } from '../scripts/bench/servers.js';
import { pythonFor } from './languages.js';

const dir = mkdtempSync(join(tmpdir(), 'lsbaws-faults-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const PYTHON3 = pythonFor(3) ?? 'python3';
/** How package.json runs `pnpm check`: node with tsx's loader. */
const TSX = ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href];

/**
 * A fork-per-connection server in C, right for 3g unless a flag puts one mistake in:
 * NO_FORK (answers each client itself), KEEP_COPY (the parent keeps its copy of the connection),
 * KEEP_LISTENER (the child keeps the listening socket), REAP=0 (no handler), REAP=1 (one wait()
 * per signal), NO_RESTART (EINTR ends it), SLEEP (the child sleeps LSBAWS_SLEEP s after answering).
 */
const C_SERVER = `#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef REAP
#define REAP 2
#endif

static void reap(int signum) {
  (void)signum;
  int saved = errno, status;
#if REAP == 1
  wait(&status);
#else
  while (waitpid(-1, &status, WNOHANG) > 0) {
  }
#endif
  errno = saved;
}

static void handle(int conn) {
  char buf[1024];
  ssize_t n = recv(conn, buf, sizeof buf, 0);
  if (n > 0) fwrite(buf, 1, (size_t)n, stdout);
  fflush(stdout);
  const char reply[] = "HTTP/1.1 200 OK\\n\\nHello, World!\\n";
  send(conn, reply, sizeof reply - 1, 0);
#ifdef SLEEP
  const char *nap = getenv("LSBAWS_SLEEP");
  sleep(nap ? atoi(nap) : 60);
#endif
}

int main(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(getenv("PORT")))};
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 1024) < 0) {
    perror("listen");
    return 1;
  }
#if REAP > 0
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = reap; /* no SA_RESTART: accept() fails with EINTR */
  sigaction(SIGCHLD, &sa, NULL);
#endif
  for (;;) {
    int conn = accept(s, NULL, NULL);
    if (conn < 0) {
#ifndef NO_RESTART
      if (errno == EINTR) continue;
#endif
      perror("accept");
      return 1;
    }
#ifdef NO_FORK
    handle(conn);
    close(conn);
#else
    if (fork() == 0) {
#ifndef KEEP_LISTENER
      close(s);
#endif
      handle(conn);
      close(conn);
      _exit(0);
    }
#ifndef KEEP_COPY
    close(conn);
#endif
#endif
  }
}
`;

/** The same server in Python 3, with the same mistakes (the flags as names in `mistakes`). */
function pythonServer(mistakes: string[]): string {
  const has = (m: string): boolean => mistakes.includes(m);
  const reap = has('REAP=0')
    ? ''
    : has('REAP=1')
      ? 'def reap(signum, frame):\n    os.wait()\n\nsignal.signal(signal.SIGCHLD, reap)\n'
      : 'def reap(signum, frame):\n    while True:\n        try:\n            pid, _ = os.waitpid(-1, os.WNOHANG)\n' +
        '        except ChildProcessError:\n            return\n        if pid == 0:\n            return\n\n' +
        'signal.signal(signal.SIGCHLD, reap)\n';
  // Python 3 retries accept() after a handler (PEP 475): a handler that raises is how it ends on EINTR
  const noRestart = has('NO_RESTART')
    ? 'def on_signal(signum, frame):\n    reap(signum, frame)\n' +
      "    raise InterruptedError(errno.EINTR, 'Interrupted system call')\n\n" +
      'signal.signal(signal.SIGCHLD, on_signal)\n'
    : '';
  const handle =
    '    print(conn.recv(1024).decode())\n' +
    "    conn.sendall(b'HTTP/1.1 200 OK\\n\\nHello, World!\\n')\n" +
    (has('SLEEP') ? "    time.sleep(int(os.environ.get('LSBAWS_SLEEP', '60')))\n" : '');
  const loop = has('NO_FORK')
    ? '    handle(conn)\n    conn.close()\n'
    : '    if os.fork() == 0:\n' +
      (has('KEEP_LISTENER') ? '' : '        server.close()\n') +
      '        handle(conn)\n        conn.close()\n        os._exit(0)\n' +
      (has('KEEP_COPY') ? '    kept.append(conn)\n' : '    conn.close()\n');
  return (
    'import errno, os, signal, socket, time\n\n' +
    `def handle(conn):\n${handle}\n` +
    reap +
    noRestart +
    'server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n' +
    'server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n' +
    "server.bind(('', int(os.environ['PORT'])))\n" +
    'server.listen(1024)\n' +
    'kept = []\n' +
    `while True:\n    conn, _ = server.accept()\n${loop}`
  );
}

/** Builds the C server with mistakes (once per set), or writes the Python one: the command to run it. */
const built = new Map<string, string>();
function server(language: 'C' | 'Python 3', mistakes: string[]): string {
  const name = `${language === 'C' ? 'c' : 'py'}_${mistakes.join('_').replace(/=/g, '') || 'right'}`;
  const known = built.get(name);
  if (known !== undefined) return known;
  let command: string;
  if (language === 'C') {
    writeFileSync(join(dir, `${name}.c`), C_SERVER);
    const defines = mistakes.map((m) => `-D${m}`);
    execFileSync('gcc', ['-O2', ...defines, '-o', join(dir, name), join(dir, `${name}.c`)], { stdio: 'pipe' });
    command = `./${name}`;
  } else {
    writeFileSync(join(dir, `${name}.py`), pythonServer(mistakes));
    command = `${PYTHON3} ${name}.py`;
  }
  built.set(name, command);
  return command;
}

/** Smaller counts than the article's, so that a run takes seconds. */
const SMALL = {
  'no-zombies': { clients: 32, connections: 6 },
  'zombies-again': { clients: 32, connections: 6 },
  concurrent: { clients: 2 },
  wsgi: { clients: 16 },
  'node-emfile': { limit: 64, clients: 100 },
};

async function check(stage: string, command: string, sleep = 3): Promise<ChecklistResult> {
  const c = await findChecklist(stage);
  if (c === undefined) throw new Error(`no checklist for ${stage}`);
  return runChecklist(c, {
    server: command,
    cwd: dir,
    port: await freePort(),
    sleep,
    params: SMALL,
    narrate: process.env.LSBAWS_NARRATE ? process.stderr : undefined,
  });
}

const shown = (l: ChecklistLine): string => `${l.ok ? '✓' : '✗'} ${l.text}: ${l.measured} [${l.fault ?? 'no fault'}]`;

/** Every failing line names fault, and offers its fix and no other; at least one line fails. */
function namesOnly(t: Test, r: ChecklistResult, fault: Fault): void {
  const failing = r.lines.filter((l) => !l.ok && l.by === 'article'); // the project's own are judged apart
  t.ok(failing.length > 0, `a line fails: ${r.lines.map(shown).join('; ')}`);
  t.notOk(r.passed);
  const entry = FAULTS[fault];
  t.comment(`diagnosis: ${failing[0] === undefined ? '' : formatLine(failing[0])}`);
  for (const l of failing) {
    t.match(
      l.fault ?? '',
      new RegExp(`^${entry.name.split(':')[0]}`),
      `${l.text}: ${l.measured}: ${l.fault ?? 'no fault'}`,
    );
    // a line the failure kept from being measured names the fault, whose fix is on the line above
    t.equal(l.hint, l.measured.startsWith('not measured') ? null : entry.fix, `the fix of ${fault}, no other`);
  }
}

/** The faults, the stages where each matters, and the mistakes that make it. */
const CASES: Array<{ fault: Fault; mistakes: string[]; stages: string[]; only?: 'C' }> = [
  { fault: 'no-fork', mistakes: ['NO_FORK'], stages: ['3c', '3f', '3g'] },
  // 3h's WSGI check takes any server that answers: the C one, to keep the run short
  { fault: 'no-fork', mistakes: ['NO_FORK'], stages: ['3h'], only: 'C' },
  { fault: 'no-reaping', mistakes: ['REAP=0'], stages: ['3h'], only: 'C' },
  { fault: 'no-close-parent', mistakes: ['KEEP_COPY'], stages: ['3c', '3g'] },
  { fault: 'no-close-child', mistakes: ['KEEP_LISTENER', 'SLEEP'], stages: ['3c'] },
  { fault: 'no-reaping', mistakes: ['REAP=0'], stages: ['3f', '3g'] },
  { fault: 'reaps-once', mistakes: ['REAP=1'], stages: ['3g'] },
  { fault: 'eintr', mistakes: ['NO_RESTART'], stages: ['3f', '3g'] },
  { fault: 'no-sleep', mistakes: [], stages: ['3c'] },
  { fault: 'no-sleep', mistakes: ['NO_FORK'], stages: ['3b'] },
];

for (const { fault, mistakes, stages, only } of CASES) {
  for (const language of only ? [only] : (['C', 'Python 3'] as const)) {
    for (const stage of stages) {
      // 3c's children sleep: the mistake is put in a 3c, unless the mistake is not sleeping
      const made =
        stage === '3c' && fault !== 'no-sleep' && !mistakes.includes('SLEEP') ? [...mistakes, 'SLEEP'] : mistakes;
      t.test(`${language}, ${made.join(' ') || 'no mistake'}, offered as ${stage}: ${fault}`, async (t) => {
        namesOnly(t, await check(stage, server(language, made)), fault);
      });
    }
  }
}

t.test('out of descriptors: a one-process C server that dies of EMFILE, offered as net', async (t) => {
  const poll = join(dir, 'poll');
  execFileSync('gcc', ['-O2', '-o', poll, join(PROGRAMS, 'c', 'poll.c')], { stdio: 'pipe' });
  namesOnly(t, await check('net', poll), 'emfile');
});

// A one-process Python 3 server on selectors that lets accept()'s EMFILE end it.
const PY_SELECTORS = `import os, selectors, socket

sel = selectors.DefaultSelector()
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('', int(os.environ['PORT'])))
server.listen(1024)
server.setblocking(False)
sel.register(server, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        if key.fileobj is server:
            conn, _ = server.accept()
            conn.setblocking(False)
            sel.register(conn, selectors.EVENT_READ)
        else:
            conn = key.fileobj
            sel.unregister(conn)
            conn.recv(1024)
            conn.sendall(b'HTTP/1.1 200 OK\\n\\nHello, World!\\n')
            conn.close()
`;

t.test('out of descriptors: a one-process Python 3 server that dies of EMFILE, offered as net', async (t) => {
  writeFileSync(join(dir, 'selectors_server.py'), PY_SELECTORS);
  namesOnly(t, await check('net', `${PYTHON3} selectors_server.py`), 'emfile');
});

t.test('a right server is not diagnosed: C and Python 3 pass 3g', async (t) => {
  for (const language of ['C', 'Python 3'] as const) {
    const r = await check('3g', server(language, []));
    t.ok(
      r.passed,
      r.lines
        .filter((l) => !l.ok)
        .map(shown)
        .join('; ') || `${language}: every line holds`,
    );
  }
});

// the 3c case: the narration must not tell of sleeping children that were not there
t.test("a right 3g offered as 3c: 'does not sleep', and the narration says what it saw", async (t) => {
  const port = String(await freePort());
  const run = spawnSync(
    process.execPath,
    [
      ...TSX,
      join(ROOT, 'scripts/check.ts'),
      '3c',
      '--server',
      server('C', []),
      '--port',
      port,
      '--sleep',
      '3',
      '--verbose',
    ],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, INIT_CWD: dir }, timeout: 120_000 },
  );
  t.equal(run.status, 1);
  t.match(
    run.stdout,
    /^ {2}✗ [^\n]*: does not sleep: it closes the connection as soon as it has answered \(fix: sleep/m,
  );
  t.notMatch(run.stdout, /0 children, all sleeping/);
  t.notMatch(run.stdout, /served by 0 independent processes/);
  t.notMatch(run.stdout, /fix: close the parent's copy/);
});
