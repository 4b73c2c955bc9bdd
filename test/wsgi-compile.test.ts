// @lsbaws/wsgi compiles an application in a process of its own (packages/wsgi/src/compile-apart.ts):
// when that process fails without answering, the server's error says so in one line, with the cause.
import t from 'tap';
import { startFixture } from './fixture.js';

t.test('a compiling process that cannot start is an ImportError naming its status and its error', async (t) => {
  const missing = '/nonexistent/lsbaws-preload.cjs';
  const f = startFixture('wsgi-compile-fails', [missing]);
  t.teardown(f.kill);
  t.equal(await f.exited, 0, f.stderr());
  const error = JSON.parse(f.stdout().trim()) as { name: string; message: string };
  t.equal(error.name, 'ImportError');
  t.match(error.message, /^Loading module 'wsgiapp' \(.*wsgiapp\.ts\) failed: Error: the compiling process ended/);
  t.match(error.message, /with status 1: Error: Cannot find module '\/nonexistent\/lsbaws-preload\.cjs'/);
  t.notMatch(error.message, /\n/, 'one line');
});
