// @lsbaws/wsgi on webserver3h: four cases a differential run against llhttp (Node's HTTP parser)
// found, each against the real server with raw bytes, as a client sends them.
// - Content-Length: 5, 5 (or the header twice): the application sees one value and the body
//   (RFC 9110 8.6 allows replacing it by the single value); different values are 400.
// - The chunk-size line's limit (1,024 bytes) holds however the line arrives, in one write or many.
// - An error answer to HEAD has no body (RFC 9110 9.3.2), and the Content-Length a GET's would have.
// - A successful response is closed as an error answer is, lingering: a client that sent more
//   (a pipelined tail) than the server read gets the whole response, not a reset.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startStage, ROOT, type Launched } from '../scripts/lib/stage.js';
import { parseResponse, sleep } from '../scripts/lib/clients.js';

const APPS = fileURLToPath(new URL('./fixtures/dist/wsgi-apps.js', import.meta.url));
const built = spawnSync('pnpm', ['exec', 'tsc', '-b', 'test/fixtures'], { cwd: ROOT, encoding: 'utf8' });
if (built.status !== 0) throw new Error(`tsc -b test/fixtures failed:\n${built.stdout}${built.stderr}`);

type T = Pick<typeof t, 'teardown'>;

async function serve(t: T, app: string): Promise<Launched> {
  const stage = await startStage('webserver3h', { args: [app] });
  t.teardown(() => stage.stop());
  return stage;
}

interface Exchange {
  /** Everything the server sent. */
  data: Buffer;
  /** How the connection ended: 'end' (the server closed it), an error code (ECONNRESET), or 'timeout'. */
  ending: string;
}

/** Sends parts to 127.0.0.1:port, one write each, gapMs apart, and reads until the server closes (or timeoutMs). */
function exchange(port: number, parts: Array<string | Buffer>, gapMs = 0, timeoutMs = 10_000): Promise<Exchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = connect(port, '127.0.0.1');
    const done = (ending: string): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ data: Buffer.concat(chunks), ending });
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    sock.on('data', (chunk) => chunks.push(chunk));
    sock.on('end', () => done('end'));
    sock.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    sock.on('connect', () => {
      void (async () => {
        for (const [i, part] of parts.entries()) {
          if (i > 0 && gapMs > 0) await sleep(gapMs);
          if (!sock.destroyed) sock.write(part);
        }
      })();
    });
  });
}

/** The status Node's own http server (llhttp) answers these bytes with: '200', '400', '413'... */
async function nodeStatus(t: T, bytes: string): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const { data } = await exchange((server.address() as AddressInfo).port, [bytes], 0, 5_000);
  return /^HTTP\/1\.1 (\d{3})/.exec(data.toString('latin1'))?.[1] ?? `nothing (${data.length} bytes)`;
}

const status = (r: Exchange): string => parseResponse(r.data.toString('latin1')).status;

t.test('Content-Length: 5, 5 and a repeated Content-Length: the application sees "5" and the body', async (t) => {
  const echo = await serve(t, `${APPS}:echo`);
  for (const lengths of ['Content-Length: 5, 5', 'Content-Length: 5\r\nContent-Length: 5', 'content-length: 5 ,5']) {
    const r = await exchange(echo.port, [`POST /e HTTP/1.1\r\nHost: x\r\n${lengths}\r\n\r\nhello`]);
    t.equal(status(r), 'HTTP/1.1 200 OK', `${JSON.stringify(lengths)}: 200`);
    const seen = JSON.parse(parseResponse(r.data.toString('latin1')).body) as Record<string, unknown>;
    t.equal(seen.CONTENT_LENGTH, '5', 'CONTENT_LENGTH "5"');
    t.match(seen, { bodyLength: 5, bodyStart: 'hello' }, 'the body whole');
  }
  const one = await exchange(echo.port, ['PUT /e HTTP/1.1\r\nHost: x\r\nContent-Length: 003\r\n\r\nabc']);
  const asSent = JSON.parse(parseResponse(one.data.toString('latin1')).body) as Record<string, unknown>;
  t.equal(asSent.CONTENT_LENGTH, '003', 'one value is left as sent (Content-Length: 003), as Node gives it');
  for (const lengths of ['Content-Length: 5, 6', 'Content-Length: 5\r\nContent-Length: 6', 'Content-Length: 5,']) {
    const r = await exchange(echo.port, [`POST /e HTTP/1.1\r\nHost: x\r\n${lengths}\r\n\r\nhello!`]);
    t.equal(status(r), 'HTTP/1.1 400 Bad Request', `${JSON.stringify(lengths)}: 400`);
  }
  // The RFC allows either answer; llhttp chose the other: a known difference for a differential run
  const cl55 = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello';
  t.equal(await nodeStatus(t, cl55), '400', "Node's http (llhttp) answers 'Content-Length: 5, 5' with 400");

  const express = await serve(t, 'expressapp:app');
  const r = await exchange(express.port, [
    'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5, 5\r\n\r\nhello',
  ]);
  t.equal(status(r), 'HTTP/1.1 200 OK');
  t.match(
    JSON.parse(parseResponse(r.data.toString('latin1')).body),
    { length: 5, body: 'hello' },
    "the bundled Express example's POST /echo gets the 5 bytes",
  );
});

t.test('the chunk-size line: at most 1,024 bytes, in one write or in many', async (t) => {
  const echo = await serve(t, `${APPS}:echo`);
  const head = 'POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
  /** A chunk-size line '5;aaa...' of n bytes (without its CRLF). */
  const sizeLine = (n: number): string => `5;${'a'.repeat(n - 2)}`;
  const body = (n: number): string => `${sizeLine(n)}\r\nhello\r\n0\r\n\r\n`;
  const cases: Array<[what: string, parts: string[], expected: string]> = [
    ['1,024 bytes, in one write', [head + body(1024)], 'HTTP/1.1 200 OK'],
    ['1,025 bytes, in one write', [head + body(1025)], 'HTTP/1.1 400 Bad Request'],
    ['40,000 bytes, in one write', [head + body(40_000)], 'HTTP/1.1 400 Bad Request'],
    [
      '1,500 bytes, in two writes (1,100 first)',
      [head + sizeLine(1500).slice(0, 1100), sizeLine(1500).slice(1100) + '\r\nhello\r\n0\r\n\r\n'],
      'HTTP/1.1 400 Bad Request',
    ],
    [
      '1,500 bytes, in two writes (700 first)',
      [head + sizeLine(1500).slice(0, 700), sizeLine(1500).slice(700) + '\r\nhello\r\n0\r\n\r\n'],
      'HTTP/1.1 400 Bad Request',
    ],
    [
      '1,000 bytes, in two writes',
      [head + sizeLine(1000).slice(0, 500), sizeLine(1000).slice(500) + '\r\nhello\r\n0\r\n\r\n'],
      'HTTP/1.1 200 OK',
    ],
  ];
  for (const [what, parts, expected] of cases) {
    const r = await exchange(echo.port, parts, 100);
    t.equal(status(r), expected, `${what}: ${expected}`);
    if (expected.includes('200'))
      t.match(JSON.parse(parseResponse(r.data.toString('latin1')).body), { bodyStart: 'hello' });
    else t.match(r.data.toString('latin1'), /a chunk-size line is longer than 1024 bytes/, 'and why');
  }
  t.equal(
    await nodeStatus(t, head + body(40_000)),
    '413',
    "Node's http (llhttp) refuses the 40,000-byte line too (413)",
  );
});

t.test('an error answer to HEAD has no body, and the Content-Length of the GET one', async (t) => {
  const echo = await serve(t, `${APPS}:echo`);
  const bad = (method: string): string => `${method} / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n`;
  const get = await exchange(echo.port, [bad('GET')]);
  const getAnswer = parseResponse(get.data.toString('latin1'));
  t.equal(getAnswer.status, 'HTTP/1.1 400 Bad Request');
  t.ok(getAnswer.body.length > 0, "GET's answer says why");
  const head = await exchange(echo.port, [bad('HEAD')]);
  const text = head.data.toString('latin1');
  t.equal(parseResponse(text).status, 'HTTP/1.1 400 Bad Request');
  t.ok(text.endsWith('\r\n\r\n'), 'HEAD: nothing after the head');
  t.equal(
    parseResponse(text).headers['content-length'],
    String(Buffer.byteLength(getAnswer.body)),
    "HEAD: the GET answer's Content-Length",
  );

  for (const [what, request] of [
    ['505', 'HEAD / HTTP/2.0\r\nHost: x\r\n\r\n'],
    ['414', `HEAD /${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
    ['400 (chunked body)', 'HEAD / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
  ] as const) {
    const r = (await exchange(echo.port, [request])).data.toString('latin1');
    t.match(r, new RegExp(`^HTTP/1\\.1 ${what.slice(0, 3)} `), `HEAD, ${what}`);
    t.ok(r.endsWith('\r\n\r\n'), `HEAD, ${what}: no body`);
  }

  const throws = await serve(t, `${APPS}:throws`);
  const failed = (await exchange(throws.port, ['HEAD / HTTP/1.1\r\nHost: x\r\n\r\n'])).data.toString('latin1');
  t.match(failed, /^HTTP\/1\.1 500 /, 'an application that fails: 500');
  t.ok(failed.endsWith('\r\n\r\n'), 'with no body for HEAD');
});

t.test(
  'a successful response with unread bytes behind it (a 100 KB pipelined tail): all of it, no reset',
  async (t) => {
    const stage = await serve(t, `${APPS}:echo`);
    const tail = `GET /next HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(100 * 1024)}\r\n\r\n`;
    let whole = 0;
    const endings: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await exchange(stage.port, [`GET /first HTTP/1.1\r\nHost: x\r\n\r\n${tail}`]);
      const { status, headers, body } = parseResponse(r.data.toString('latin1'));
      if (status === 'HTTP/1.1 200 OK' && Buffer.byteLength(body) === Number(headers['content-length'])) whole++;
      endings.push(r.ending);
    }
    t.equal(whole, 20, '20 of 20 responses whole');
    t.same([...new Set(endings)], ['end'], 'each connection ended by the server closing it, none reset');
  },
);

t.test('Transfer-Encoding fields without a coding are 400, whatever their number (found by pnpm fuzz)', async (t) => {
  const echo = await serve(t, `${APPS}:echo`);
  const post = (te: string): string => `POST / HTTP/1.1\r\nHost: x\r\n${te}\r\n3\r\nabc\r\n0\r\n\r\n`;
  for (const te of [
    'Transfer-Encoding:\r\n',
    'Transfer-Encoding:\r\nTransfer-Encoding: \r\n',
    'Transfer-Encoding: ,\r\n',
  ]) {
    const r = await exchange(echo.port, [post(te)]);
    t.equal(status(r), 'HTTP/1.1 400 Bad Request', `${JSON.stringify(te)}: 400, not a request without a body`);
    t.equal(await nodeStatus(t, post(te)), '400', "as Node's http answers");
  }
  const r = await exchange(echo.port, [post('Transfer-Encoding: , chunked\r\n')]);
  t.equal(status(r), 'HTTP/1.1 200 OK', "an empty list element is ignored: ', chunked' is chunked");
  t.match(JSON.parse(parseResponse(r.data.toString('latin1')).body), { bodyStart: 'abc' });
});
