// Part 2's server, webserver2: the iterative WSGI server. One server runs a plain application,
// Hono and Express, one client at a time; bad input gets a 4xx and the server keeps serving;
// `pnpm diff 2 3h` is the article's closing exercise, and shows the Python's changes.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStage, ROOT, type Launched } from '../../../scripts/lib/stage.js';
import {
  curl,
  eventually,
  openConnection,
  rawRequest,
  startCurl,
  HELLO_REQUEST,
  parseResponse,
} from '../../../scripts/lib/clients.js';
import { children } from '../../../scripts/lib/procfs.js';
import { pnpmDiff } from '../../../test/diff.js';

/** What the helpers below need of a test. */
type T = Pick<typeof t, 'teardown'>;

/** The test applications, as written: webserver2 runs the TypeScript source. */
const APPS = fileURLToPath(new URL('../../../test/fixtures/wsgi-apps.ts', import.meta.url));

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
    [
      'a transfer coding it does not implement',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n',
      /^HTTP\/1\.1 501 /,
    ],
    ['an invalid Host', 'GET / HTTP/1.1\r\nHost: x/hello?\r\n\r\n', /^HTTP\/1\.1 400 Bad Request$/],
    ['a bare LF among CRLFs', 'GET / HTTP/1.1\r\nHost: x\r\nA: b\nContent-Length: 2\r\n\r\nab', /^HTTP\/1\.1 400 /],
    ['CONNECT', 'CONNECT host:443 HTTP/1.1\r\nHost: host:443\r\n\r\n', /^HTTP\/1\.1 501 Not Implemented$/],
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
  const chunked = await rawRequest(
    echo.port,
    'POST http://example.com/c?y=2 HTTP/1.1\r\nHost: other\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nX-Trailer: t\r\n\r\n',
  );
  t.match(
    JSON.parse(parseResponse(chunked.data).body),
    { PATH_INFO: '/c', QUERY_STRING: 'y=2', HTTP_HOST: 'example.com', CONTENT_LENGTH: '7', bodyStart: 'abcdefg' },
    "a chunked body decoded, and an absolute-form target's host taking Host's place",
  );
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

t.test('a client that does not read its response holds the server at most LSBAWS_RESPONSE_TIMEOUT', async (t) => {
  const stage = await serve(t, `${APPS}:huge`, { LSBAWS_RESPONSE_TIMEOUT: '2' });
  // asks for 64 MiB and reads none of it: the server's send() blocks once the socket buffers are full
  const stuck = connect(stage.port, '127.0.0.1');
  stuck.pause(); // reads nothing
  t.teardown(() => stuck.destroy());
  await once(stuck, 'connect');
  stuck.write(`GET /huge HTTP/1.1\r\nHost: x\r\n\r\n`);
  await stage.waitFor(/^< GET \/huge HTTP\/1\.1$/m);
  const started = Date.now();
  const other = await curl([`http://127.0.0.1:${stage.port}/short`], 60);
  const waited = Date.now() - started;
  t.equal(other.stdout, 'short\n', 'the next client is answered');
  t.ok(waited < 20_000, `once the stuck one's time is up (${waited} ms; without the deadline, over a minute)`);
  t.match(stage.output, /Client 127\.0\.0\.1:\d+ went away: did not take the response within 2 s/);
});

t.test("the stage shows Part 2's protocol: the request line split, the response built by hand", async (t) => {
  const source = readFileSync(join(ROOT, 'packages/webserver2/src/webserver2.ts'), 'utf8');
  t.match(source, /= this\.clientConnection\.recvRequest\(\);/, 'the request, read whole (recv(1024) in the Python)');
  t.match(
    source,
    /\(\{method: +this\.requestMethod, .*\n +path: +this\.path, .*\n +version: +this\.requestVersion, .*\n +\} = request\);/,
    'the request line broken down into method, path and version',
  );
  t.match(source, /env\['REQUEST_METHOD'\] += this\.requestMethod;/, 'REQUEST_METHOD from it');
  t.match(source, /env\['PATH_INFO'\] += this\.path;/, 'PATH_INFO from it');
  t.notMatch(source, /requestLine|splitlines|\.path\b(?<!this\.path)/, 'and the stage parses nothing again');
  t.match(source, /let response = `HTTP\/1\.1 \$\{status\}\\r\\n`;/, 'the status line');
  t.match(
    source,
    /for \(const \[name, value\] of responseHeaders\) \{\n\s+response \+= `\$\{name\}: \$\{value\}\\r\\n`;/,
  );
  t.match(source, /this\.clientConnection\.sendall\(/, 'sent with sendall');
  const wsgi = readdirSync(join(ROOT, 'packages/wsgi/src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(ROOT, 'packages/wsgi/src', f), 'utf8'))
    .join('\n');
  t.notMatch(wsgi, /process\.exit\(/, '@lsbaws/wsgi never ends the process: it throws to the stage');
  const code = (file: string): number =>
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .filter((l) => !/^\s*(\/\/|\*|\/\*|$)/.test(l)).length;
  // webserver3h.py has 126 lines of code (comments and blank lines left out)
  t.ok(code('packages/webserver3h/src/webserver3h.ts') <= 1.3 * 126, 'webserver3h.ts: at most 1.3x the Python');
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
