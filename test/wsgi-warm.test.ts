// @lsbaws/wsgi's warm-up (packages/wsgi/src/warm.ts) only makes forked children cheaper: where it
// cannot run, it gives up quietly, and importModule (and so the server's start) goes on.
import t from 'tap';
import { startFixture } from './fixture.js';

t.test('with no descriptor left for its socket pair, the warm-up resolves and leaves nothing open', async (t) => {
  const f = startFixture('warm-no-fds');
  t.teardown(f.kill);
  t.equal(await f.exited, 0, f.stderr());
  t.same(JSON.parse(f.stdout().trim()), { first: 'resolved', left: [], again: 'resolved' });
});
