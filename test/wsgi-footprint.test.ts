// What @lsbaws/wsgi leaves in a server that has loaded its application: every fork() copies the page
// tables of that heap and every child unmaps them (docs/fork-in-node.md, "What facts 7 and 8 are worth").
import t from 'tap';
import { startFixture } from './fixture.js';

t.test('a server that loaded wsgiapp:app carries neither esbuild nor what node:http loads lazily', async (t) => {
  const f = startFixture('wsgi-footprint');
  t.teardown(f.kill);
  t.equal(await f.exited, 0, f.stderr());
  const { heavy, esbuild, http } = JSON.parse(f.stdout().trim()) as {
    heavy: string[];
    esbuild: boolean;
    http: boolean;
  };
  t.ok(http, 'node:http is loaded (its METHODS and STATUS_CODES), so the check below means something');
  t.same(heavy, [], 'no undici, crypto, tls, http2 or zlib: node:http is required, not imported as an ES module');
  t.equal(esbuild, false, 'esbuild ran in a process of its own (compile-process.ts)');
});
