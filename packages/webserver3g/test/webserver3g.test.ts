// Stage 3g, the article's final server, as `pnpm check 3g` judges it: the test every supported Node
// line runs (`pnpm test:fork`), beside @lsbaws/posix's and 3h's.
import t from 'tap';
import { findChecklist, runChecklist } from '../../../scripts/experiments/checklist.js';
import { freePort } from '../../../scripts/lib/stage.js';

t.test("pnpm check 3g: the project's webserver3g holds every expectation", async (t) => {
  const c = await findChecklist('3g');
  if (c === undefined) throw new Error('no check for 3g');
  const r = await runChecklist(c, { port: await freePort() });
  for (const line of r.lines) t.ok(line.ok, `${line.text}: ${line.measured}`);
  t.ok(r.passed, "not yet the article's 3g");
});
