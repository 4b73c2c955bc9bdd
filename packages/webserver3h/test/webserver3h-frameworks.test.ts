// Stage 3h runs real frameworks' applications unchanged, as Part 2 ran Pyramid, Flask and Django:
// a Hono app through the Fetch adapter, an Express 5 app through the Node (req, res) adapter.
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { startStage } from '../../../scripts/lib/stage.js';
import { childrenLeft, curl, eventually, parseResponse as parse, rawRequest } from '../../../scripts/lib/clients.js';
import { children, fds } from '../../../scripts/lib/procfs.js';

const frameworks = [
  {
    app: 'honoapp:app',
    name: 'Hono',
    hello: 'Hello world from Hono!\n',
    contentType: /^text\/plain/,
    notFound: '404 Not Found',
  },
  {
    app: 'expressapp:app',
    name: 'Express',
    hello: 'Hello world from Express!\n',
    contentType: /^text\/plain/,
    notFound: /Cannot GET \/nope/,
  },
];

for (const fw of frameworks) {
  t.test(`${fw.name}: ${fw.app} runs unchanged on webserver3h`, async (t) => {
    const stage = await startStage('webserver3h', { args: [fw.app] });
    t.teardown(() => stage.stop());
    const url = `http://127.0.0.1:${stage.port}`;

    const hello = await curl(['--include', `${url}/hello`]);
    t.equal(hello.code, 0, `curl succeeded ${hello.stderr}`);
    const { status, headers, body } = parse(hello.stdout);
    t.equal(status, 'HTTP/1.1 200 OK');
    t.equal(body, fw.hello, "the framework's answer");
    t.match(headers['content-type'], fw.contentType);
    t.equal(headers['content-length'], String(Buffer.byteLength(fw.hello)));
    t.equal(headers['server'], 'WSGIServer 0.2', 'sent by the WSGI server');
    t.ok(Math.abs(Date.parse(headers['date'] ?? '') - Date.now()) < 60_000, 'with a real Date');
    t.equal(headers['connection'], 'close');
    t.notOk('transfer-encoding' in headers, 'the framework framed nothing itself');
    await stage.waitFor(/Child \d+ terminated with status 0/);
    t.match(stage.output, /^< GET \/hello HTTP\/1\.1$/m);
    t.match(stage.output, /^> HTTP\/1\.1 200 OK$/m);

    const text = 'a body for the framework: ünïcödé, & = ?\nsecond line';
    const post = await curl([
      `${url}/echo?q=1`,
      '--data-binary',
      text,
      '-H',
      'Content-Type: text/plain; charset=utf-8',
    ]);
    t.equal(post.code, 0, `curl succeeded ${post.stderr}`);
    t.same(
      JSON.parse(post.stdout),
      { method: 'POST', contentType: 'text/plain; charset=utf-8', length: text.length, body: text },
      "a POST body reaches the framework's handler",
    );

    const big = 'z'.repeat(300 * 1024);
    const bigPost = await rawRequest(
      stage.port,
      `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${big.length}\r\n\r\n${big}`,
      15_000,
    );
    t.equal(JSON.parse(parse(bigPost.data).body).length, big.length, 'a body larger than one recv() arrives whole');

    const head = await curl(['--head', `${url}/hello`]);
    t.equal(parse(head.stdout).status, 'HTTP/1.1 200 OK', 'HEAD');
    t.equal(parse(head.stdout).body, '', 'HEAD: no body');

    const nope = await curl(['--include', `${url}/nope`]);
    t.equal(parse(nope.stdout).status, 'HTTP/1.1 404 Not Found', "the framework's 404");
    t.match(parse(nope.stdout).body, fw.notFound);

    const bad = await rawRequest(stage.port, 'NOT HTTP AT ALL\r\n\r\n');
    t.equal(parse(bad.data).status, 'HTTP/1.1 400 Bad Request', 'bad input never reaches the framework');

    // a burst of simultaneous requests: every one answered, no zombies, no descriptors kept
    const pid = stage.requireServerPid();
    await eventually('earlier children to exit and be reaped', () => children(pid).length === 0);
    const before = fds(pid).size;
    const answers = await Promise.all(Array.from({ length: 32 }, () => curl([`${url}/hello`], 30)));
    t.equal(answers.filter((a) => a.stdout === fw.hello).length, 32, '32 simultaneous requests, 32 answers');
    t.same(await childrenLeft(pid, 15_000), [], 'no zombies: every child exited and was reaped');
    await eventually('descriptors to settle', () => fds(pid).size === before, 15_000).catch(() => undefined);
    t.equal(fds(pid).size, before, 'no descriptor leak in the parent');
  });
}

const APPS = fileURLToPath(new URL('../../../test/fixtures/dist/wsgi-apps.js', import.meta.url));

t.test('the adapters build URLs from validated parts only', async (t) => {
  for (const [app, absolute, http10] of [
    ['fetchUrl', 'http://example.com/abs?x=1\n', /^http:\/\/[^/\s]+:\d+\/old\n$/],
    ['nodeUrl', 'example.com /abs?x=1\n', /^ \/old\n$/],
  ] as const) {
    const stage = await startStage('webserver3h', { args: [`${APPS}:${app}`] });
    t.teardown(() => stage.stop());
    const port = stage.port;
    const abs = await rawRequest(port, 'GET http://example.com/abs?x=1 HTTP/1.1\r\nHost: other.example\r\n\r\n');
    t.equal(parse(abs.data).body, absolute, `${app}: an absolute-form target's host, not Host's`);
    for (const host of ['x/echo?', 'x/hello?', 'a b', '[::1', 'a:99999']) {
      const r = await rawRequest(port, `POST /nothing HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\n\r\n`);
      t.equal(parse(r.data).status, 'HTTP/1.1 400 Bad Request', `${app}: Host ${JSON.stringify(host)} is a 400`);
    }
    const old = await rawRequest(port, 'GET /old HTTP/1.0\r\n\r\n');
    t.match(parse(old.data).body, http10, `${app}: HTTP/1.0 without Host: the server's name and port`);
    await stage.stop();
  }
});
