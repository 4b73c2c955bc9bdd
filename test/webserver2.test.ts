// Part 2's server, webserver2: the iterative WSGI server. One server runs a plain application,
// Hono and Express, one client at a time; bad input gets a 4xx and the server keeps serving;
// `pnpm diff 2 3h` is the article's closing exercise, and shows the Python's changes.
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { startStage, type Launched } from '../scripts/lib/stage.js';
import {
  curl,
  eventually,
  openConnection,
  rawRequest,
  startCurl,
  HELLO_REQUEST,
  parseResponse,
} from '../scripts/lib/clients.js';
import { children } from '../scripts/lib/procfs.js';
import { pnpmDiff } from './diff.js';

/** What the helpers below need of a test. */
type T = Pick<typeof t, 'teardown'>;

/** The test applications, as written: webserver2 runs the TypeScript source. */
const APPS = fileURLToPath(new URL('./fixtures/wsgi-apps.ts', import.meta.url));

/** Starts webserver2 with app (module:callable) and stops it at the end of the test. */
async function serve(t: T, app: string, env: Record<string, string> = {}): Promise<Launched> {
  const stage = await startStage('webserver2', { args: [app], env });
  t.teardown(() => stage.stop());
  return stage;
}

const apps = [
  { app: 'wsgiapp:app', hello: 'Hello world from a simple WSGI application!\n', echo: false },
  { app: 'honoapp:app', hello: 'Hello world from Hono!\n', echo: true },
  { app: 'expressapp:app', hello: 'Hello world from Express!\n', echo: true },
];

for (const { app, hello, echo } of apps) {
  t.test(`${app} on webserver2: answered and printed a la curl -v, one client at a time`, async (t) => {
    const stage = await serve(t, app);
    t.match(stage.output, /^WSGIServer: Serving HTTP on port \d+ \.\.\.\n\n/m, "the article's banner and a blank line");
    const url = `http://127.0.0.1:${stage.port}/hello`;

    const r = await curl(['--include', url]);
    t.equal(r.code, 0, `curl succeeded ${r.stderr}`);
    const { status, headers, body } = parseResponse(r.stdout);
    t.equal(status, 'HTTP/1.1 200 OK');
    t.equal(body, hello);
    t.equal(headers['content-length'], String(Buffer.byteLength(hello)));
    t.equal(headers['server'], 'WSGIServer 0.2');
    t.equal(headers['connection'], 'close');
    await stage.waitFor(/^> HTTP\/1\.1 200 OK$/m);
    t.match(stage.output, /^< GET \/hello HTTP\/1\.1$/m, 'the request, curl -v style');
    t.match(stage.output, /^> Server: WSGIServer 0\.2$/m, 'the response');
    if (echo) {
      const post = await curl([`http://127.0.0.1:${stage.port}/echo`, '--data-binary', 'some text']);
      t.match(
        JSON.parse(post.stdout),
        { method: 'POST', length: 9, body: 'some text' },
        'a POST body reaches the framework',
      );
    }

    // One client at a time: while the server waits for the first client's request, the second
    // one's connection waits in the listen queue, and it is answered only after the first.
    const first = await openConnection(stage.port);
    const second = startCurl([url], 60);
    t.teardown(() => second.stop());
    await new Promise((resolve) => setTimeout(resolve, 1000)); // time for the second client to connect
    const answeredWhileFirstWaited = second.firstByteAt !== null;
    first.send(HELLO_REQUEST(stage.port));
    await eventually('the first client to be answered', () => first.ended, 30_000);
    t.equal(parseResponse(first.received).body, hello, 'the first client is answered');
    t.notOk(answeredWhileFirstWaited, 'the second client got nothing while the first one had the server');
    const done = await second.done;
    t.equal(done.stdout, hello, 'then the second client is answered');
    const pid = stage.serverPid();
    t.ok(pid !== null, 'the server process is there');
    t.same(children(pid ?? 0), [], 'one process: no children');
  });
}

t.test('bad input gets a 4xx and the iterative server keeps serving', async (t) => {
  const stage = await serve(t, 'wsgiapp:app', { LSBAWS_REQUEST_TIMEOUT: '2' });
  const pid = stage.serverPid();
  const cases: Array<[what: string, request: string, status: RegExp]> = [
    ['a malformed request line', 'HELLO\r\n\r\n', /^HTTP\/1\.1 400 Bad Request$/],
    ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\n\r\n', /^HTTP\/1\.1 400 Bad Request$/],
    ['an unsupported HTTP version', 'GET / HTTP/2.0\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 505 HTTP Version Not Supported$/],
    ['a chunked body', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', /^HTTP\/1\.1 411 /],
    ['half a request, then nothing (timeout 2 s)', 'GET / HTTP/1.1\r\nHo', /^HTTP\/1\.1 408 Request Timeout$/],
  ];
  for (const [what, request, expected] of cases) {
    const r = await rawRequest(stage.port, request, 10_000);
    t.ok(r.closed, `${what}: the server closes the connection`);
    t.match(parseResponse(r.data).status, expected, what);
    const after = await curl([`http://127.0.0.1:${stage.port}/hello`]);
    t.equal(after.stdout, 'Hello world from a simple WSGI application!\n', `${what}: the server still answers`);
  }
  t.equal(stage.serverPid(), pid, 'the same server process all along');
  t.match(stage.output, /^Bad request from 127\.0\.0\.1:\d+: 400 Bad Request: malformed request line: "HELLO"$/m);
});

t.test('what reaches the application, and applications that fail: a 500, and the server goes on', async (t) => {
  const echo = await serve(t, `${APPS}:echo`);
  const env = JSON.parse((await curl([`http://127.0.0.1:${echo.port}/a%20b?x=1`, '--data-binary', 'abc'])).stdout);
  t.match(env, {
    REQUEST_METHOD: 'POST',
    PATH_INFO: '/a b',
    QUERY_STRING: 'x=1',
    bodyLength: 3,
    'wsgi.multiprocess': false,
  });
  await echo.stop();

  for (const app of ['throws', 'stuck', 'forgetsStartResponse']) {
    const stage = await serve(t, `${APPS}:${app}`);
    for (let i = 1; i <= 2; i++) {
      const r = await curl(['--include', `http://127.0.0.1:${stage.port}/x`], 15);
      t.equal(parseResponse(r.stdout).status, 'HTTP/1.1 500 Internal Server Error', `${app}: request ${i} gets a 500`);
    }
    t.match(
      stage.output,
      /Error in the application \(GET \/x from 127\.0\.0\.1:\d+\):/,
      `${app}: reported on wsgi.errors`,
    );
    await stage.stop();
  }
});

t.test('pnpm diff 2 3h: the Python step from webserver2 to webserver3h, and little else', async (t) => {
  const diff = pnpmDiff('2', '3h');
  t.equal(diff.status, 0, 'pnpm diff exits 0');
  t.ok(diff.added.length <= 60, `at most 60 lines added (${diff.added.length}; the Python step: 54)`);
  t.ok(diff.removed.length <= 25, `at most 25 lines removed (${diff.removed.length}; the Python step: 19)`);
  const added = diff.added.join('\n');
  t.match(added, /^\+function grimReaper\(signum: number, frame: null\): void \{$/m, 'grimReaper');
  t.match(
    added,
    /^\+ {2}signal\.signal\(signal\.SIGCHLD, grimReaper\);$/m,
    'signal.signal(SIGCHLD, grimReaper) in makeServer',
  );
  t.match(added, /^\+ {8}if \(code === errno\.EINTR\) \{$/m, 'the EINTR restart of accept()');
  t.match(added, /^\+ {6}const pid = os\.fork\(\);$/m, 'fork() in serveForever');
  t.match(added, /^\+ {8}os\._exit\(0\);$/m, "the child's _exit");
  t.match(added, /^\+ {2}readonly requestQueueSize = 1024;$/m, 'the queue size');
  t.match(diff.removed.join('\n'), /^- {2}readonly requestQueueSize = 1;$/m);
});
