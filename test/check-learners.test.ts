// `pnpm check` judges a correct server fairly, whatever it is written in and whatever it prints:
// servers written here as a learner writes them (never copies of the article's files), in C,
// Python 2 (the article's Python), Python 3 and Node, each right for its stage, pass the
// article's lines; the ones with a mistake get one failing line that names what was measured
// and a fix, and no line of the same run says the opposite.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, ROOT } from '../scripts/lib/stage.js';
import {
  type ChecklistLine,
  type ChecklistResult,
  findChecklist,
  runChecklist,
  type StageChecklist,
} from '../scripts/experiments/checklist.js';
import { pythonFor } from './languages.js';

const dir = mkdtempSync(join(tmpdir(), 'lsbaws-learners-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const PYTHON2 = pythonFor(2);
const PYTHON3 = pythonFor(3);
/** How package.json runs `pnpm check`: node with tsx's loader. */
const TSX = ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href];

/** The checklist of stage. */
async function checklistOf(stage: string): Promise<StageChecklist> {
  const c = await findChecklist(stage);
  if (c === undefined) throw new Error(`no checklist for ${stage}`);
  return c;
}

async function checkServer(
  checklist: StageChecklist,
  server: string,
  options: { sleep?: number; strict?: boolean } = {},
): Promise<ChecklistResult> {
  return runChecklist(checklist, {
    server,
    cwd: dir,
    port: await freePort(),
    sleep: options.sleep ?? 3,
    strict: options.strict,
    narrate: process.env.LSBAWS_NARRATE ? process.stderr : undefined,
  });
}

const line = (r: ChecklistResult, re: RegExp): ChecklistLine | undefined => r.lines.find((l) => re.test(l.text));
const failing = (r: ChecklistResult): string =>
  r.lines
    .filter((l) => !l.ok && l.by === 'article')
    .map((l) => `${l.text}: ${l.measured}`)
    .join('; ');

function c(name: string, body: string): string {
  writeFileSync(join(dir, `${name}.c`), body);
  execFileSync('gcc', ['-O2', '-o', join(dir, name), join(dir, `${name}.c`)], { stdio: 'pipe' });
  return `./${name}`;
}

function file(name: string, body: string): string {
  writeFileSync(join(dir, name), body);
  return name;
}

const C_HEAD = `#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int listener(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(getenv("PORT")))};
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 5) < 0) {
    perror("listen");
    exit(1);
  }
  return s;
}

static void answer(int conn) {
  char buf[1024];
  recv(conn, buf, sizeof buf, 0);
  const char reply[] = "HTTP/1.1 200 OK\\n\\nHello, World!\\n";
  send(conn, reply, sizeof reply - 1, 0);
}
`;

// 3c in C that prints nothing at all: fork per connection, the child sleeps LSBAWS_SLEEP seconds
const C_SILENT_3C = `${C_HEAD}
int main(void) {
  int s = listener();
  const char *nap = getenv("LSBAWS_SLEEP");
  for (;;) {
    int conn = accept(s, NULL, NULL);
    if (conn < 0) continue;
    if (fork() == 0) {
      close(s);
      answer(conn);
      sleep(nap ? atoi(nap) : 60);
      close(conn);
      _exit(0);
    }
    close(conn);
  }
}
`;

// 3e in C: a SIGCHLD handler installed without SA_RESTART, so accept() fails with EINTR; prints only perror
const C_3E = `${C_HEAD}
static void reaper(int signum) {
  (void)signum;
  int status;
  wait(&status);
}

int main(void) {
  int s = listener();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = reaper; /* no SA_RESTART: an interrupted accept() fails */
  sigaction(SIGCHLD, &sa, NULL);
  for (;;) {
    int conn = accept(s, NULL, NULL);
    if (conn < 0) {
      perror("accept");
      exit(1);
    }
    if (fork() == 0) {
      close(s);
      answer(conn);
      sleep(3);
      close(conn);
      _exit(0);
    }
    close(conn);
  }
}
`;

// 3e in Python 2, as the article's readers wrote it: the handler waits once, accept() is not retried
const PY2_3E = `import os, signal, socket, time

def on_child_exit(signo, frame):
    os.wait()  # one child reaped per signal

def serve():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(('', int(os.environ['PORT'])))
    server.listen(5)
    signal.signal(signal.SIGCHLD, on_child_exit)
    while True:
        conn, address = server.accept()
        if os.fork() == 0:
            server.close()
            print(conn.recv(1024))
            conn.sendall(b'HTTP/1.1 200 OK\\n\\nHello, World!\\n')
            time.sleep(3)
            conn.close()
            os._exit(0)
        conn.close()

serve()
`;

// 3d in Python 2: the parent keeps every connection (and prints how many)
const PY2_3D = `import os, socket

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('', int(os.environ['PORT'])))
server.listen(1024)
kept = []
while True:
    conn, address = server.accept()
    kept.append(conn)
    if os.fork() == 0:
        server.close()
        conn.recv(1024)
        conn.sendall(b'HTTP/1.1 200 OK\\n\\nHello, World!\\n')
        conn.close()
        os._exit(0)
    print(len(kept))
`;

// a WSGI server in Python 2 forking per connection, reaping in a loop; the application is Part 2's kind
const PY2_WSGI = `import errno, os, signal, socket, sys

def reap(signum, frame):
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except OSError:
            return
        if pid == 0:
            return

def handle(conn, application):
    request = conn.recv(1024)
    method, path, version = request.splitlines()[0].split()
    environ = {'REQUEST_METHOD': method, 'PATH_INFO': path, 'wsgi.input': None}
    started = []
    def start_response(status, headers, exc_info=None):
        started[:] = [status, headers]
    body = ''.join(application(environ, start_response))
    head = 'HTTP/1.1 %s\\r\\n' % started[0] + ''.join('%s: %s\\r\\n' % h for h in started[1])
    conn.sendall(head + '\\r\\n' + body)

def serve(application):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(('', int(os.environ['PORT'])))
    server.listen(1024)
    signal.signal(signal.SIGCHLD, reap)
    while True:
        try:
            conn, address = server.accept()
        except socket.error as e:
            if e.args[0] == errno.EINTR:
                continue
            raise
        if os.fork() == 0:
            server.close()
            handle(conn, application)
            conn.close()
            os._exit(0)
        conn.close()

module, name = sys.argv[1].split(':')
sys.path.insert(0, '.')
serve(getattr(__import__(module), name))
`;
const WSGI_APP = `def app(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return ['Hello world from a simple WSGI application!\\n']
`;

// 3g in Python 3: a waitpid loop, and a parent that closes its copy
const PY3_3G = `import errno, os, signal, socket

def reap(signum, frame):
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except OSError:
            return
        if pid == 0:
            return

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('', int(os.environ['PORT'])))
server.listen(1024)
signal.signal(signal.SIGCHLD, reap)
while True:
    conn, address = server.accept()
    if os.fork() == 0:
        server.close()
        conn.recv(1024)
        conn.sendall(b'HTTP/1.1 200 OK\\n\\nHello, World!\\n')
        conn.close()
        os._exit(0)
    CLOSE_PARENT_COPY
`;

// README's my3g.py: a 3g in Python 3 whose handler calls os.wait() once (what 3f does)
const PY_WAIT_ONCE_3G = PY3_3G.replace(
  /def reap\(signum, frame\):\n(?: {4}.*\n)+/,
  'def reap(signum, frame):\n    pid, status = os.wait()\n',
).replace('CLOSE_PARENT_COPY', 'conn.close()');

// 3a in Python 3 listening on IPv6's :: only (which takes IPv4 clients too)
const PY3_IPV6_3A = `import os, socket

server = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('::', int(os.environ['PORT'])))
server.listen(5)
while True:
    conn, address = server.accept()
    print(conn.recv(1024).decode())
    conn.sendall(b'HTTP/1.1 200 OK\\n\\nHello, World!\\n')
    conn.close()
`;

// 3g in Node, as a learner of this project writes it: @lsbaws/posix's fork, and a waitpid loop
const POSIX = join(ROOT, 'packages/posix/dist/index.js');
const NODE_3G = `import { errno, os, signal, socket, IOError, OSError } from '${POSIX}';

signal.signal(signal.SIGCHLD, () => {
  for (;;) {
    let pid;
    try {
      [pid] = os.waitpid(-1, os.WNOHANG);
    } catch (e) {
      if (e instanceof OSError) return;
      throw e;
    }
    if (pid === 0) return;
  }
});
const server = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind(['', Number(process.env.PORT)]);
server.listen(1024);
for (;;) {
  let conn;
  try {
    [conn] = await server.accept();
  } catch (e) {
    if (e instanceof IOError && e.args[0] === errno.EINTR) continue;
    throw e;
  }
  if (os.fork() === 0) {
    server.close();
    conn.recv(1024);
    conn.sendall(Buffer.from('HTTP/1.1 200 OK\\n\\nHello, World!\\n'));
    conn.close();
    os._exit(0);
  }
  conn.close();
}
`;

t.test('C: a 3c that prints nothing passes 3c, judged by the children /proc shows during the sleep', async (t) => {
  const r = await checkServer(await checklistOf('3c'), c('silent3c', C_SILENT_3C), { sleep: 5 });
  t.ok(r.passed, failing(r) || "every line of the article's 3c holds");
  t.match(line(r, /^clients are served at once/)?.measured ?? '', /\/proc showed 2 children$/);
  t.match(line(r, /^the parent closes its copy/)?.measured ?? '', /held by one child only/);
});

t.test('C: a 3e whose handler has no SA_RESTART passes 3e: accept: Interrupted system call', async (t) => {
  const r = await checkServer(await checklistOf('3e'), c('c3e', C_3E));
  t.ok(r.passed, failing(r) || "every line of the article's 3e holds");
  t.match(line(r, /^the SIGCHLD handler runs/)?.measured ?? '', /reaped/, 'seen in /proc: it prints nothing');
  t.match(
    line(r, /^then accept\(\) fails with EINTR/)?.measured ?? '',
    /^the server ended \(status 1\): accept: Interrupted system call \(C/,
  );
});

t.test(
  "Python 2: a 3e passes 3e: the article's own words, socket.error: [Errno 4]",
  { skip: PYTHON2 === null && 'no Python 2 on this machine' },
  async (t) => {
    const r = await checkServer(await checklistOf('3e'), `${PYTHON2} ${file('my3e.py', PY2_3E)}`);
    t.ok(r.passed, failing(r) || "every line of the article's 3e holds");
    t.match(
      line(r, /^then accept\(\) fails with EINTR/)?.measured ?? '',
      /^the server ended \(status 1\): socket\.error: \[Errno 4\] Interrupted system call \(Python 2\)$/,
    );
  },
);

t.test(
  'Python 2: a 3d passes 3d: curl hangs, zombies, and it dies of EMFILE and EAGAIN in its own words',
  { skip: PYTHON2 === null && 'no Python 2 on this machine' },
  async (t) => {
    const r = await checkServer(await checklistOf('3d'), `${PYTHON2} ${file('my3d.py', PY2_3D)}`);
    t.ok(r.passed, failing(r) || "every line of the article's 3d holds");
    t.match(line(r, /EMFILE/)?.measured ?? '', /\(status 1\): socket\.error: \[Errno 24\] Too many open files$/);
    t.match(line(r, /EAGAIN/)?.measured ?? '', /\(status 1\): OSError: \[Errno 11\] Resource temporarily unavailable$/);
  },
);

t.test(
  "Python 2: a WSGI 3h passes 3h's article lines; its missing 4xx counts only with --strict",
  { skip: PYTHON2 === null && 'no Python 2 on this machine' },
  async (t) => {
    file('wsgiapp.py', WSGI_APP);
    const server = `${PYTHON2} ${file('my3h.py', PY2_WSGI)} wsgiapp:app`;
    const r = await checkServer(await checklistOf('3h'), server);
    t.ok(r.passed, failing(r) || "every line of the article's 3h holds");
    const own = line(r, /^a malformed request gets a 4xx$/);
    t.equal(own?.by, 'project', "the 4xx is the project's own");
    t.equal(own?.ok, false, 'the child dies of the bad request instead');
    t.match(own?.hint ?? '', /400 Bad Request/);
    t.equal(line(r, /parent keeps serving/)?.ok, true, 'the parent goes on');
    const strict = await checkServer(await checklistOf('3h'), server, { strict: true });
    t.equal(strict.passed, false, 'with --strict the 4xx counts');
  },
);

t.test(
  'Python 3: a 3g passes 3g; one that keeps its copy gets the line about curl hanging',
  { skip: PYTHON3 === null && 'no Python 3 on this machine' },
  async (t) => {
    const right = await checkServer(
      await checklistOf('3g'),
      `${PYTHON3} ${file('my3g.py', PY3_3G.replace('CLOSE_PARENT_COPY', 'conn.close()'))}`,
    );
    t.ok(right.passed, failing(right) || "every line of the article's 3g holds");
    t.match(
      line(right, /^curl ends once answered/)?.measured ?? '',
      /^curl ended after [\d.]+ s \(its own time_total\)$/,
    );
    const keeps = await checkServer(
      await checklistOf('3g'),
      `${PYTHON3} ${file('keeps3g.py', PY3_3G.replace('CLOSE_PARENT_COPY', 'kept = conn'))}`,
    );
    t.notOk(keeps.passed);
    const hang = line(keeps, /^curl ends once answered/);
    t.equal(hang?.ok, false);
    t.match(hang?.measured ?? '', /hung until --max-time \(10\.\d s by its own time_total\)/);
    t.match(hang?.hint ?? '', /close the parent's copy/);
  },
);

t.test(
  'Python 3: a 3a listening on IPv6 (::) only is found and passes 3a',
  { skip: PYTHON3 === null && 'no Python 3 on this machine' },
  async (t) => {
    const r = await checkServer(await checklistOf('3a'), `${PYTHON3} ${file('v6.py', PY3_IPV6_3A)}`);
    t.ok(r.passed, failing(r) || "every line of the article's 3a holds");
  },
);

t.test('Node: a 3g on @lsbaws/posix passes 3g', async (t) => {
  const r = await checkServer(
    await checklistOf('3g'),
    `${process.execPath} --single-threaded ${file('my3g.mjs', NODE_3G)}`,
  );
  t.ok(r.passed, failing(r) || "every line of the article's 3g holds");
});

t.test(
  'every failing line of a run names what was measured and the fault with its fix',
  { skip: PYTHON3 === null && 'no Python 3 on this machine' },
  async (t) => {
    // 3c offered a server that answers and closes at once: no child ever sleeps
    const r = await checkServer(await checklistOf('3c'), `${PYTHON3} ${file('v6c.py', PY3_IPV6_3A)}`);
    t.notOk(r.passed);
    for (const l of r.lines.filter((x) => !x.ok)) {
      t.ok(l.measured.length > 0 && !/^not measured$/.test(l.measured), `measured: ${l.text}: ${l.measured}`);
      t.ok(l.hint !== null && l.hint.length > 0, `a fix: ${l.text}: ${l.hint}`);
      t.match(l.fault ?? '', /^does not sleep/, 'it answers and closes at once: what /proc can tell of it');
    }
    const children = line(r, /^clients are served at once/);
    t.match(children?.measured ?? '', /\/proc showed 0 children/);
    t.notMatch(line(r, /parent closes its copy/)?.measured ?? '', /held by one child/, 'no line says otherwise');
  },
);

/** The first `pnpm check ...` line of the ```sh block that follows after in file. */
function example(path: string, after: string): string {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const block = /```sh\n([^`]*)```/.exec(text.slice(text.indexOf(after)))?.[1] ?? '';
  const command = block.split('\n').find((l) => l.startsWith('pnpm check '));
  if (command === undefined) throw new Error(`no pnpm check example after "${after}" in ${path}`);
  return command;
}

/** Runs a documented `pnpm check` command as package.json runs it, in dir, on a free port instead of 8888. */
async function runExample(command: string, path: string): Promise<{ status: number | null; stdout: string }> {
  const port = String(await freePort());
  const args = (command.replace(/^pnpm check /, '').match(/'[^']*'|\S+/g) ?? []).map((a) =>
    a.startsWith("'") ? a.slice(1, -1) : a === '8888' ? port : a,
  );
  const run = spawnSync(process.execPath, [...TSX, join(ROOT, 'scripts/check.ts'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: dir, PATH: `${path}:${process.env.PATH ?? ''}` },
    timeout: 600_000,
  });
  return { status: run.status, stdout: run.stdout };
}

t.test("the guide's pnpm check 3h example runs as written, with python2", { skip: PYTHON2 === null }, async (t) => {
  const command = example('docs/guide.md', 'Doing the exercise yourself');
  t.equal(command, "pnpm check 3h --server 'python2 webserver3h.py wsgiapp:app' --port 8888");
  file('webserver3h.py', PY2_WSGI);
  file('wsgiapp.py', WSGI_APP);
  const run = await runExample(command, dirname(PYTHON2 ?? ''));
  t.equal(run.status, 0, run.stdout);
  t.match(run.stdout, /^ {2}Beyond the article: the project's own expectations \(not counted without --strict\)$/m);
  t.match(run.stdout, /it behaves as the article's 3h\.$/m);
});

t.test("README's pnpm check 3g example runs as written and prints what it shows", async (t) => {
  const command = example('README.md', '## Check your own server');
  t.equal(command, "pnpm check 3g --server 'python3 my3g.py' --port 8888");
  // README: "a 3g in Python 3 ... whose SIGCHLD handler calls os.wait() once"
  file('my3g.py', PY_WAIT_ONCE_3G);
  const run = await runExample(command, dirname(PYTHON3 ?? '/usr/bin/python3'));
  t.equal(run.status, 1, 'not yet the article');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const expectation of [
    /^ {2}✓ survives the SIGCHLD/m,
    /^ {2}✗ no zombies when 10 children exit together: 9 left in \/proc: reaping once per signal \(above\)$/m,
    /^ {2}✗ no zombies after client3 --max-clients 128: 128 connections, \d+ zombies in \/proc: reaping once per signal: zombies are left only when children exit together \(fix: signals are not queued: reap with waitpid\(-1, WNOHANG\) in a loop\)$/m,
  ]) {
    t.match(readme, expectation, `README shows ${expectation.source}`);
    t.match(run.stdout, expectation, `and so does the run`);
  }
  t.match(run.stdout, /^3 of 5 of the article's expectations hold \(port \d+\): not yet the article's 3g\.$/m);
});
