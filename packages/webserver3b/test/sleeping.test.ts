// pnpm experiment sleeping, run for real: the outcome the article describes.
import t from 'tap';
import { run } from '../../../test/experiment.js';
import sleeping from '../experiments/sleeping.js';

t.test('sleeping (3b): the second curl is served only after the first one', async (t) => {
  const sleep = 3;
  const o = await run(sleeping, { sleep });
  const ms = sleep * 1000;
  t.equal(o.first.response, 'Hello, World!\n');
  t.ok(o.first.answerAt !== null && o.first.answerAt < 2000, `first answer at once (${o.first.answerAt} ms)`);
  t.ok(
    o.first.endedAt !== null && o.first.answerAt !== null && o.first.endedAt - o.first.answerAt >= ms - 300,
    `first curl ended only after the sleep (${o.first.endedAt} ms)`,
  );
  t.equal(o.whileSleeping.requestsPrinted, 1, 'while it slept, the server had printed one request only');
  t.equal(o.whileSleeping.queued, 1, 'the second connection waited in the listen queue');
  t.equal(o.whileSleeping.serverBlockedIn, 'sleep', 'the server was blocked in sleep()');
  t.equal(o.whileSleeping.children, 0, 'no child process');
  t.equal(o.second.response, 'Hello, World!\n');
  t.ok(
    o.second.answerAt !== null && o.first.endedAt !== null && o.second.answerAt >= o.first.endedAt - 300,
    `second answer (${o.second.answerAt} ms) only when the first was done (${o.first.endedAt} ms)`,
  );
  t.ok(
    o.second.endedAt !== null && o.second.answerAt !== null && o.second.endedAt - o.second.answerAt >= ms - 300,
    'then the second curl hung for the sleep in turn',
  );
});
