// @lsbaws/posix's select.poll(), non-blocking sockets and signal.pause(), as Python has them
// (what the stages beyond the article use: webserver-poll and webserver-prefork), and socketpair().
import t from 'tap';
import { startFixture } from './fixture.js';

t.test('select.poll, setblocking(false) and signal.pause behave as in Python', async (t) => {
  const f = startFixture('select');
  t.teardown(f.kill);
  t.equal(await f.exited, 0, f.stderr());
  const by = Object.fromEntries(
    f
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .map((v) => [v.what, v]),
  );
  const blocking = { name: 'BlockingIOError', errno: 11 };
  t.match(by['accept with nobody waiting'], { ...blocking, timeout: 0 }, 'accept() does not wait: [Errno 11]');
  t.match(by['accept with nobody waiting'], { message: '[Errno 11] Resource temporarily unavailable (accept)' });
  t.match(by['recv with nothing sent'], { ...blocking, blocking: true }, 'recv() neither');
  const waits = by['poll: a connection waits'] as { ready: number[][]; listen: number };
  t.same(waits.ready, [[waits.listen, 1]], 'poll() says the listening socket is readable (POLLIN = 1)');
  t.same(by['poll(0) with nothing ready'], { what: 'poll(0) with nothing ready', ready: [] }, 'poll(0) returns []');
  const came = by['poll: a request came'] as { ready: number[][]; connection: number };
  t.same(came.ready, [[came.connection, 1]], 'only the connection whose request came is ready');
  t.match(by['modify what is not registered'], { name: 'OSError', errno: 2 }, 'modify(): ENOENT, as in Python');
  t.match(by['unregister twice'], { message: /KeyError/ }, "unregister(): Python's KeyError");
  const during = by['poll while a child exits'] as { ready: unknown[]; handled: number; waited: number };
  t.equal(during.handled, 1, 'the SIGCHLD handler ran while poll() waited (the event loop turned)');
  t.same(during.ready, [], 'and poll() went on waiting (PEP 475), then timed out with nothing ready');
  t.ok(during.waited >= 900, `it waited its whole timeout (${during.waited} ms of 1000)`);
  t.match(by['pause returns after the handler'], { handled: 2 }, 'signal.pause() returned once the handler had run');
  t.same(
    by.socketpair,
    { what: 'socketpair', received: 'ping', then: 0, families: [1, 1] },
    'socketpair(): what one end sends the other receives, then the end (AF_UNIX, as in Python)',
  );
});
