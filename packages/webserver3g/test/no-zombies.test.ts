// pnpm experiment no-zombies, run for real: the outcome the article describes.
import t from 'tap';
import { run } from '../../../test/experiment.js';
import noZombies from '../experiments/no-zombies.js';

t.test('no-zombies (3g): no zombies, with 128 clients and with merged SIGCHLDs', async (t) => {
  const o = await run(noZombies, { connections: 10 });
  t.equal(o.curl.response, 'Hello, World!\n');
  t.ok(o.curl.serverAlive);
  t.equal(o.curl.zombies, 0);
  t.equal(o.article.connected, 128);
  t.equal(o.article.zombies, 0, 'no zombie after client3 --max-clients 128');
  t.equal(o.merged.childrenWhileWaiting, 10, 'a child per client waiting in recv');
  t.equal(o.merged.answered, 10);
  t.equal(o.merged.zombiesWhileStopped, 10, 'the same 10 exits');
  t.ok(o.merged.sigchldPending, 'merged into one pending signal');
  t.equal(o.merged.zombiesLeft, 0, 'after SIGCONT the waitpid loop reaped them all, with no further connection');
});
