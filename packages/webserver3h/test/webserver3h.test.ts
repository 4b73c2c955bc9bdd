// Stage 3h: the concurrent WSGI-style server, with real requests (curl and raw sockets).
// The framework adapters (Hono, Express) are in webserver3h-frameworks.test.ts.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startStage, ROOT, type Launched } from '../../../scripts/lib/stage.js';
import {
  childrenLeft,
  curl,
  eventually,
  hangUp,
  rawRequest,
  client3,
  HELLO_REQUEST,
  parseResponse as parse,
} from '../../../scripts/lib/clients.js';
import { children, fds } from '../../../scripts/lib/procfs.js';

/** What the helpers below need of a test. */
type T = Pick<typeof t, 'teardown' | 'same' | 'equal'>;

const APPS = fileURLToPath(new URL('../../../test/fixtures/dist/wsgi-apps.js', import.meta.url));
const HELLO = 'Hello world from a simple WSGI application!\n';

// The test applications are compiled like every fixture (pnpm test does it too; this makes the file runnable alone)
const built = spawnSync('pnpm', ['exec', 'tsc', '-b', 'test/fixtures'], { cwd: ROOT, encoding: 'utf8' });
if (built.status !== 0) throw new Error(`tsc -b test/fixtures failed:\n${built.stdout}${built.stderr}`);

/** Starts webserver3h with app (module:callable) and stops it at the end of the test. */
async function serve(t: T, app: string, env: Record<string, string> = {}): Promise<Launched> {
  const stage = await startStage('webserver3h', { args: [app], env });
  t.teardown(() => stage.stop());
  return stage;
}

/** No zombies under the server, and as many descriptors in it as `before` (children exit on their own time). */
async function assertClean(t: T, pid: number, before: number): Promise<void> {
  t.same(await childrenLeft(pid, 15_000), [], 'no zombies: every child exited and was reaped');
  await eventually('the descriptor count to settle', () => fds(pid).size === before, 15_000).catch(() => undefined);
  t.equal(fds(pid).size, before, `the server holds ${before} descriptors, as before`);
}

t.test('the command line: module:callable, and one clear line when it is wrong', async (t) => {
  const cases: Array<[args: string[], expected: RegExp]> = [
    [[], /^Provide a WSGI application object as module:callable$/m],
    [['nosuchmodule:app'], /^ModuleNotFoundError: No module named 'nosuchmodule' \(searched .*examples.*\)$/m],
    [['wsgiapp:nosuchapp'], /^AttributeError: module 'wsgiapp' has no attribute 'nosuchapp' \(it exports app\)$/m],
    [['wsgiapp'], /^ValueError: 'wsgiapp' is not of the form module:callable/m],
    [[`${APPS}:notCallable`], /^TypeError: '.*wsgi-apps\.js:notCallable' is not callable \(it is number\)$/m],
  ];
  for (const [args, expected] of cases) {
    const stage = await startStage('webserver3h', { args, ready: null });
    t.teardown(() => stage.stop());
    const { code } = await stage.exited;
    t.not(code, 0, `${args.join(' ') || '(no argument)'}: exits non-zero`);
    t.match(stage.output, expected, `${args.join(' ') || '(no argument)'}: says why`);
    t.notMatch(stage.output, /^\s+at /m, 'in one line, no stack trace');
    t.notMatch(stage.output, /Serving HTTP/, 'and serves nothing');
  }
});

t.test('wsgiapp:app answers like part2/wsgiapp.py, printing a la curl -v, and the child is reaped', async (t) => {
  const stage = await serve(t, 'wsgiapp:app');
  t.match(stage.output, /^WSGIServer: Serving HTTP on port \d+ \.\.\.\n\n/m, "the article's banner and a blank line");
  const before = Date.now();
  const r = await curl(['--include', `http://127.0.0.1:${stage.port}/hello`]);
  t.equal(r.code, 0, `curl succeeded ${r.stderr}`);
  const { status, headers, body } = parse(r.stdout);
  t.equal(status, 'HTTP/1.1 200 OK');
  t.equal(body, HELLO);
  t.equal(headers['content-type'], 'text/plain');
  t.equal(headers['content-length'], String(Buffer.byteLength(HELLO)), 'Content-Length is known');
  t.equal(headers['server'], 'WSGIServer 0.2');
  t.equal(headers['connection'], 'close');
  const date = Date.parse(headers['date'] ?? '');
  t.ok(Math.abs(date - before) < 60_000, `Date is the real time (${headers['date']})`);

  await stage.waitFor(/Child \d+ terminated with status 0/);
  t.match(stage.output, /^< GET \/hello HTTP\/1\.1$/m, 'the request line, curl -v style');
  t.match(stage.output, /^< User-Agent: curl\/[\d.]+$/m, 'the request headers');
  t.match(stage.output, /^> HTTP\/1\.1 200 OK$/m, 'the status line');
  t.match(stage.output, /^> Hello world from a simple WSGI application!$/m, 'the body');

  const h = await curl(['--head', `http://127.0.0.1:${stage.port}/hello`]);
  const head = parse(h.stdout);
  t.equal(head.status, 'HTTP/1.1 200 OK', 'HEAD');
  t.equal(head.body, '', 'HEAD: no body');
  t.equal(head.headers['content-length'], String(Buffer.byteLength(HELLO)), 'HEAD: the Content-Length GET would have');

  const r10 = await rawRequest(stage.port, 'GET /hello HTTP/1.0\r\n\r\n');
  t.equal(parse(r10.data).status, 'HTTP/1.1 200 OK', 'HTTP/1.0 without Host is fine');
  const lf = await rawRequest(stage.port, `GET /hello HTTP/1.1\nHost: localhost:${stage.port}\n\n`);
  t.equal(parse(lf.data.replace(/\r\n/g, '\r\n')).body, HELLO, 'bare LF line endings (what client3 sends) are fine');
});

t.test('what reaches the application: environ and wsgi.input', async (t) => {
  const stage = await serve(t, `${APPS}:echo`);
  const url = `http://127.0.0.1:${stage.port}`;

  const get = await curl([
    `${url}/caf%C3%A9/a%20b?x=1&y=%20`,
    '-H',
    'X-Foo: 1',
    '-H',
    'X-Foo: 2',
    '-H',
    'Cookie: a=1',
    '-H',
    'Cookie: b=2',
    '-H',
    'X_Sneaky: yes',
  ]);
  t.equal(get.code, 0, `curl succeeded ${get.stderr}`);
  const env = JSON.parse(get.stdout);
  t.match(env, {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: Buffer.from('/café/a b').toString('latin1'), // decoded bytes, as latin1 text (PEP 3333)
    QUERY_STRING: 'x=1&y=%20',
    REQUEST_URI: '/caf%C3%A9/a%20b?x=1&y=%20',
    SERVER_PORT: String(stage.port),
    SERVER_PROTOCOL: 'HTTP/1.1',
    CONTENT_TYPE: '',
    CONTENT_LENGTH: '',
    HTTP_HOST: `127.0.0.1:${stage.port}`,
    HTTP_USER_AGENT: /^curl\//,
    HTTP_ACCEPT: '*/*',
    HTTP_X_FOO: '1, 2',
    HTTP_COOKIE: 'a=1; b=2',
    REMOTE_ADDR: '127.0.0.1',
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
    'wsgi.multithread': false,
    'wsgi.multiprocess': true,
    'wsgi.run_once': false,
    'wsgi.errors': 'function',
    bodyLength: 0,
  });
  t.type(env.SERVER_NAME, 'string');
  t.notOk('HTTP_X_SNEAKY' in env, 'a header with an underscore is left out (as wsgiref does)');

  const post = await curl([
    `${url}/form`,
    '--data-binary',
    'name=value\nsecond line',
    '-H',
    'Content-Type: application/x-www-form-urlencoded',
  ]);
  const posted = JSON.parse(post.stdout);
  t.match(
    posted,
    {
      REQUEST_METHOD: 'POST',
      CONTENT_TYPE: 'application/x-www-form-urlencoded',
      CONTENT_LENGTH: '22',
      bodyLength: 22,
      firstLine: 'name=value\n',
    },
    'a POST body reaches wsgi.input (readline, then read)',
  );
  t.equal(posted.bodyStart, 'name=value\nsecond line');

  // a body far larger than one recv(): 700 KiB of bytes 0..255, sent by curl with Expect: 100-continue
  const bodyBytes = Buffer.alloc(700 * 1024, 0).map((_, i) => (i * 7) % 256);
  const { createHash } = await import('node:crypto');
  const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/webserver3h-test-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(`${dir}/body`, bodyBytes);
  const big = await curl([
    `${url}/upload`,
    '--data-binary',
    `@${dir}/body`,
    '-H',
    'Content-Type: application/octet-stream',
    '-H',
    'Expect: 100-continue',
  ]);
  t.equal(big.code, 0, `curl succeeded ${big.stderr}`);
  const uploaded = JSON.parse(big.stdout);
  t.equal(uploaded.bodyLength, bodyBytes.length, 'the whole body arrived');
  t.equal(uploaded.bodySha256, createHash('sha256').update(bodyBytes).digest('hex'), 'byte for byte');
  t.match(stage.output, /^< \[\.\.\. \d+ more bytes\]$/m, 'the print of a large request is cut short');

  // the same over a raw socket, written in small pieces
  const payload = 'x'.repeat(5000);
  const raw = await rawRequest(
    stage.port,
    `POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: ${payload.length}\r\n\r\n${payload}`,
  );
  t.match(JSON.parse(parse(raw.data).body), { bodyLength: 5000, PATH_INFO: '/raw' });

  // a chunked body (RFC 9112 7.1), as curl sends it, decoded: the application sees its length
  const chunked = await curl([`${url}/chunked`, '--data-binary', `@${dir}/body`, '-H', 'Transfer-Encoding: chunked']);
  const decoded = JSON.parse(chunked.stdout);
  t.equal(decoded.bodySha256, createHash('sha256').update(bodyBytes).digest('hex'), 'a chunked body, decoded');
  t.equal(decoded.CONTENT_LENGTH, String(bodyBytes.length), 'CONTENT_LENGTH is the decoded length');
  t.notOk('HTTP_TRANSFER_ENCODING' in decoded, 'and the Transfer-Encoding it came with is gone');

  // an absolute-form target: its authority is the host (RFC 9112 3.2.2), whatever Host says
  const absolute = await rawRequest(
    stage.port,
    'GET http://example.com/abs?x=1 HTTP/1.1\r\nHost: other.example\r\n\r\n',
  );
  t.match(
    JSON.parse(parse(absolute.data).body),
    { HTTP_HOST: 'example.com', PATH_INFO: '/abs', QUERY_STRING: 'x=1' },
    "an absolute-form target's authority takes Host's place",
  );
});

t.test('bad input gets a 4xx, costs the server nothing, and leaves no zombie or descriptor behind', async (t) => {
  const stage = await serve(t, 'wsgiapp:app', { LSBAWS_REQUEST_TIMEOUT: '2' });
  const { port } = stage;
  const pid = stage.requireServerPid();
  await rawRequest(port, HELLO_REQUEST(port)); // the server has opened all it opens once
  await eventually('the first child to exit and be reaped', () => children(pid).length === 0);
  const before = fds(pid).size;

  // (RFC 9112's requirements, each with the status due, are in webserver3h-conformance.test.ts)
  const cases: Array<[what: string, request: string | Buffer, status: RegExp, end?: boolean]> = [
    ['an empty request (the client shuts its side at once)', '', /^HTTP\/1\.1 400 Bad Request$/, true],
    ['a malformed request line', 'HELLO\r\n\r\n', /^HTTP\/1\.1 400 Bad Request$/],
    ['a request line with too many parts', 'GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 400 Bad Request$/],
    ['a request target that is not a path', 'GET hello HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 400 Bad Request$/],
    [
      'a header line without a colon',
      'GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n',
      /^HTTP\/1\.1 400 Bad Request$/,
    ],
    [
      'a folded header line',
      'GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  continued\r\n\r\n',
      /^HTTP\/1\.1 400 Bad Request$/,
    ],
    ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\n\r\n', /^HTTP\/1\.1 400 Bad Request$/],
    ['an unsupported HTTP version', 'GET / HTTP/2.0\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 505 HTTP Version Not Supported$/],
    [
      'an invalid Content-Length',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n',
      /^HTTP\/1\.1 400 Bad Request$/,
    ],
    [
      'conflicting Content-Lengths',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
      /^HTTP\/1\.1 400 Bad Request$/,
    ],
    [
      'chunked, then a coding it does not know',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, zip\r\n\r\n0\r\n\r\n',
      /^HTTP\/1\.1 501 Not Implemented$/,
    ],
    [
      'a chunk that is not what its size says',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n',
      /^HTTP\/1\.1 400 Bad Request$/,
    ],
    [
      'a chunked body over the limit',
      `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${(2 * 1024 * 1024).toString(16)}\r\n`,
      /^HTTP\/1\.1 413 Payload Too Large$/,
    ],
    [
      'bytes that cannot be HTTP (a TLS ClientHello), answered at once',
      Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]),
      /^HTTP\/1\.1 400 Bad Request$/,
    ],
    [
      'a body shorter than its Content-Length',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly this',
      /^HTTP\/1\.1 400 Bad Request$/,
      true,
    ],
    [
      'headers that never end',
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70 * 1024)}`,
      /^HTTP\/1\.1 431 Request Header Fields Too Large$/,
    ],
    [
      'a body over the limit',
      Buffer.concat([
        Buffer.from(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n`),
        Buffer.alloc(2 * 1024 * 1024, 'y'),
      ]),
      /^HTTP\/1\.1 413 Payload Too Large$/,
    ],
    ['a request that never comes (timeout 2 s)', '', /^HTTP\/1\.1 408 Request Timeout$/],
    ['half a request, then nothing (timeout 2 s)', 'GET / HTTP/1.1\r\nHo', /^HTTP\/1\.1 408 Request Timeout$/],
  ];
  for (const [what, request, expected, end] of cases) {
    const r = await rawRequest(port, request, 8_000, { end });
    t.ok(r.closed, `${what}: the server closes the connection`);
    t.match(parse(r.data).status, expected, what);
  }

  // clients that go away early: before sending anything, mid-request, and before reading the answer
  await hangUp(port);
  await hangUp(port, 'GET /hello HTTP/1.1\r\nHost');
  for (let i = 0; i < 5; i++) await hangUp(port, HELLO_REQUEST(port));

  const after = await curl([`http://127.0.0.1:${port}/hello`]);
  t.equal(after.stdout, HELLO, 'the server still answers');
  await stage.waitFor(/went away/, 10_000).catch(() => undefined);
  await assertClean(t, pid, before);
  t.match(
    stage.output,
    /^Bad request from 127\.0\.0\.1:\d+: 400 Bad Request: empty request$/m,
    'each bad request is one line on stderr',
  );
});

t.test('applications that fail get a 500 with the error in wsgi.errors; the server goes on', async (t) => {
  const cases: Array<[app: string, error: RegExp]> = [
    ['throws', /Error: boom from the application\n\s+at /],
    ['throwsInBody', /TypeError: boom in the body\n\s+at /],
    ['forgetsStartResponse', /before calling start_response/],
    ['badHeader', /TypeError: start_response: control characters in the value of X-Evil/],
    ['stuck', /Error: the application never finished its response/],
    ['strayError', /RangeError: thrown from a timer/],
  ];
  for (const [app, error] of cases) {
    const stage = await serve(t, `${APPS}:${app}`);
    const r = await curl(['--include', `http://127.0.0.1:${stage.port}/x`], 15);
    const { status, body } = parse(r.stdout);
    t.equal(status, 'HTTP/1.1 500 Internal Server Error', `${app}: 500`);
    t.equal(
      body,
      '500 Internal Server Error\nA server error occurred.  Please contact the administrator.\n',
      `${app}: a generic page, no details`,
    );
    t.notMatch(r.stdout, /should not be sent|injected/, `${app}: nothing of the failed response leaks`);
    await stage.waitFor(/Child \d+ terminated with status 0/);
    t.match(
      stage.output,
      /Error in the application \(GET \/x from 127\.0\.0\.1:\d+\):/,
      `${app}: reported on wsgi.errors`,
    );
    t.match(stage.output, error, `${app}: with the error`);
    const again = await curl([`http://127.0.0.1:${stage.port}/x`]);
    t.match(again.stdout, /^500 Internal Server Error/, `${app}: the server still answers`);
    const pid = stage.requireServerPid();
    t.same(await childrenLeft(pid, 10_000), [], `${app}: no zombies, every child exited and was reaped`);
    await stage.stop();
  }
});

t.test(
  'the ways an application may answer: excInfo, lazy async iterables with close(), write(), big bodies',
  async (t) => {
    await t.test('start_response(..., excInfo) replaces a response not sent yet', async (t) => {
      const stage = await serve(t, `${APPS}:excInfo`);
      const { status, body } = parse((await curl(['--include', `http://127.0.0.1:${stage.port}/`])).stdout);
      t.equal(status, 'HTTP/1.1 503 Service Unavailable');
      t.equal(body, 'replaced by the error page\n');
    });
    await t.test('an async generator that calls start_response lazily; close() is called', async (t) => {
      const stage = await serve(t, `${APPS}:lazyAsync`);
      const { status, headers, body } = parse((await curl(['--include', `http://127.0.0.1:${stage.port}/`])).stdout);
      t.equal(status, 'HTTP/1.1 201 Created');
      t.equal(headers['x-lazy'], 'yes');
      t.equal(body, 'chunk 1\nchunk 2\nchunk 3\n');
      t.equal(headers['content-length'], String(body.length), 'a small async body still gets its Content-Length');
      await stage.waitFor(/lazyAsync: close\(\) was called/);
    });
    await t.test('write(): its data goes before the body', async (t) => {
      const stage = await serve(t, `${APPS}:usesWrite`);
      const { status, headers, body } = parse((await curl(['--include', `http://127.0.0.1:${stage.port}/`])).stdout);
      t.equal(status, 'HTTP/1.1 200 OK');
      t.equal(body, 'written with write()\n');
      t.equal(
        headers['content-length'],
        String(body.length),
        "what write() was given goes first, with the body's length",
      );
    });
    await t.test('a large body is sent whole, with its Content-Length', async (t) => {
      const stage = await serve(t, `${APPS}:big`);
      const r = await curl(
        ['--output', '/dev/null', '--write-out', '%{http_code} %{size_download}', `http://127.0.0.1:${stage.port}/`],
        30,
      );
      t.equal(r.stdout, `200 ${1024 * 1024 + 17}`);
      const head = await curl(['--head', `http://127.0.0.1:${stage.port}/`]);
      t.equal(parse(head.stdout).headers['content-length'], String(1024 * 1024 + 17), 'its Content-Length');
      await stage.waitFor(/Child \d+ terminated with status 0/);
      t.match(stage.output, /^> \[\.\.\. \d+ more bytes\]$/m, 'the print of a large response is cut short');
    });
  },
);

t.test('128 simultaneous clients: all answered, no zombies, no descriptor leak in the parent', async (t) => {
  const stage = await serve(t, 'wsgiapp:app');
  const { port } = stage;
  const pid = stage.requireServerPid();
  await rawRequest(port, HELLO_REQUEST(port));
  await eventually('the first child to exit and be reaped', () => children(pid).length === 0);
  const before = fds(pid).size;

  const answers = await Promise.all(Array.from({ length: 128 }, () => rawRequest(port, HELLO_REQUEST(port), 30_000)));
  const ok = answers.filter(
    (a) => a.closed && parse(a.data).status === 'HTTP/1.1 200 OK' && parse(a.data).body === HELLO,
  );
  t.equal(ok.length, 128, 'every client got the whole answer');
  await assertClean(t, pid, before);

  // the article's way: client3 forks 128 clients that send the request and hang up without reading
  const c = await client3(port, ['--max-clients', '128', '--max-conns', '1']);
  t.equal(c.code, 0, 'client3 exited 0');
  const reaped = (): number => (stage.output.match(/^Child [1-9]\d* terminated with status 0$/gm) ?? []).length;
  await eventually('128 more children to be reaped', () => reaped() >= 1 + 128 + 128, 30_000).catch(() => undefined);
  t.equal(reaped(), 1 + 128 + 128, 'every child was reaped by grimReaper, and exited 0');
  await assertClean(t, pid, before);
  t.equal((await curl([`http://127.0.0.1:${port}/hello`])).stdout, HELLO, 'and the server still answers');
});
