// HTTP/1.1 conformance of webserver3h and webserver2 (they read requests with the same code), next to Node's own
// http server, on two sets of requests:
// - RFC 9112's requirements a WSGI application's requests depend on, each with the status it is due;
// - the request corpus of llhttp, Node's own HTTP parser (a public suite this project did not write:
//   test/conformance/llhttp-requests.json, derived by test/conformance/derive-llhttp.ts), each with the
//   verdict of llhttp's strict mode. "Agreement": a 2xx where llhttp accepts, no 2xx where it rejects.
// Each request goes on a fresh connection, then the client half-closes; the first status line counts.
import t from 'tap';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { startStage } from '../../../scripts/lib/stage.js';
import { withHost } from '../../../scripts/fuzz/generate.js';

interface Corpus {
  source: string;
  cases: Array<{ name: string; request: string; llhttp: 'accept' | 'reject'; reason?: string }>;
}
const corpus = JSON.parse(
  readFileSync(new URL('../../../test/conformance/llhttp-requests.json', import.meta.url), 'utf8'),
) as Corpus;

/** The status code of the answer to request (0: the connection closed with no answer, -1: none in time). */
function statusOf(port: number, request: string, timeout = 6_000): Promise<number> {
  return new Promise((resolve) => {
    let data = '';
    const sock = connect(port, '127.0.0.1');
    const done = (code: number): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(code);
    };
    const timer = setTimeout(() => done(-1), timeout);
    sock.on('connect', () => sock.end(Buffer.from(request, 'latin1')));
    sock.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3}) /.exec(data);
      if (m !== null) done(Number(m[1]));
      else if (data.length > 12) done(0);
    });
    sock.on('end', () => done(0));
    sock.on('error', () => done(0));
  });
}

/** Node's http server as it ships: every request it accepts is answered 200. */
async function nodeServer(test: Pick<typeof t, 'teardown'>): Promise<number> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  test.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

const LONG = 'a'.repeat(70 * 1024);
/** RFC 9112 (and RFC 9110) requirements, with the status due: [what, request, expected status]. */
const RFC: Array<[what: string, request: string, status: number]> = [
  ['3.2: a Host that is not a host (a path in it)', 'POST /nothing HTTP/1.1\r\nHost: x/echo?\r\n\r\n', 400],
  ['3.2: a Host with a space', 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n', 400],
  ['3.2: a Host with half an IPv6 literal', 'GET / HTTP/1.1\r\nHost: [::1\r\n\r\n', 400],
  ['3.2: a Host with a port past 65535', 'GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n', 400],
  ['3.2: an HTTP/1.1 request without Host', 'GET / HTTP/1.1\r\n\r\n', 400],
  ['3.2: two Host headers', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400],
  ['3.2: a valid IPv6 Host', 'GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n', 200],
  ['3.2.2: an absolute-form target', 'GET http://example.com/abs?x=1 HTTP/1.1\r\nHost: other.example\r\n\r\n', 200],
  ['3.2.3: CONNECT (authority-form) is not implemented', 'CONNECT host:443 HTTP/1.1\r\nHost: host:443\r\n\r\n', 501],
  ['3: a request-target over the limit', `GET /${LONG} HTTP/1.1\r\nHost: x\r\n\r\n`, 414],
  ['2.3: HTTP/1.2 is served as 1.1', 'GET / HTTP/1.2\r\nHost: x\r\n\r\n', 200],
  ['2.3: HTTP/2.0 in HTTP/1 syntax', 'GET / HTTP/2.0\r\nHost: x\r\n\r\n', 505],
  [
    '2.2: a bare LF among CRLF header lines',
    'GET / HTTP/1.1\r\nHost: x\r\nDummy: x\nContent-Length: 23\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n',
    400,
  ],
  ['2.2: bare LF line endings throughout (client3)', 'GET / HTTP/1.1\nHost: x\n\n', 200],
  ['5.2: obsolete line folding', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  2\r\n\r\n', 400],
  ['5.1: whitespace before the colon', 'GET / HTTP/1.1\r\nHost : x\r\n\r\n', 400],
  [
    '7.1: a chunked body, with an extension and a trailer',
    'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;a=b\r\nabc\r\n0\r\nT: 1\r\n\r\n',
    200,
  ],
  ['7.1: a chunk-size that is not hex', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
  ['6.1: Transfer-Encoding identity', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n', 501],
  ['6.1: an unknown transfer coding', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: zip, chunked\r\n\r\n', 501],
  [
    '6.3: Transfer-Encoding with Content-Length',
    'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n',
    400,
  ],
  [
    '6.3: two different Content-Lengths',
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    400,
  ],
  ['6.3: a Content-Length that is not a number', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc', 400],
  ['2.2: leading empty lines are ignored', '\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n', 200],
  ['3: two spaces in the request line', 'GET  / HTTP/1.1\r\nHost: x\r\n\r\n', 400],
  ['2: bytes that cannot be HTTP (a TLS ClientHello)', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', 400],
];

const served = (code: number): boolean => code >= 200 && code < 300;

for (const name of ['webserver3h', 'webserver2']) {
  t.test(`RFC 9112's requirements, and llhttp's corpus: ${name} next to Node's http`, async (t) => {
    const stage = await startStage(name, { args: ['wsgiapp:app'], env: { LSBAWS_REQUEST_TIMEOUT: '3' } });
    t.teardown(() => stage.stop());
    const node = await nodeServer(t);

    let [ourRfc, nodeRfc] = [0, 0];
    for (const [what, request, status] of RFC) {
      const ours = await statusOf(stage.port, request);
      const theirs = await statusOf(node, request);
      if (ours === status) ourRfc++;
      if (theirs === status) nodeRfc++;
      t.equal(ours, status, `RFC 9112 ${what}: ${status} (Node's http: ${theirs})`);
    }
    const quick = Date.now();
    await statusOf(stage.port, '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', 20_000);
    t.ok(Date.now() - quick < 2_500, 'bytes that cannot be HTTP are answered without waiting for the request timeout');

    let ourAgreements = 0;
    let nodeAgreements = 0;
    const served2xxRejected: string[] = [];
    for (const c of corpus.cases) {
      const request = withHost(c.request);
      const ours = await statusOf(stage.port, request);
      const theirs = await statusOf(node, request);
      const strict = c.llhttp === 'accept';
      if (served(ours) === strict) ourAgreements++;
      if (served(theirs) === strict) nodeAgreements++;
      if (!strict && served(ours)) served2xxRejected.push(`${c.name} (${c.reason ?? ''})`);
      if (served(ours) !== strict || served(theirs) !== strict) {
        t.comment(`disagreement: ${c.name}: llhttp ${c.llhttp}, ${name} ${ours}, Node's http ${theirs}`);
      }
    }
    const n = corpus.cases.length;
    t.comment(`RFC 9112 requirements: ${name} ${ourRfc}/${RFC.length}, Node's http ${nodeRfc}/${RFC.length}`);
    t.comment(`llhttp corpus (${n} requests): ${name} agrees on ${ourAgreements}, Node's http on ${nodeAgreements}`);
    t.same(served2xxRejected, [], 'no 2xx for a request that llhttp (strict) rejects');
    t.ok(
      ourAgreements >= nodeAgreements,
      `no fewer agreements with llhttp than Node's http (${ourAgreements} vs ${nodeAgreements} of ${n})`,
    );
  });
}
