// pnpm experiment eintr, run for real: the outcome the article describes.
import t from 'tap';
import { missingFromOutput, quotedBlock } from '../../../scripts/lib/quoted.js';
import { run } from '../../../test/experiment.js';
import eintr from '../experiments/eintr.js';

t.test('eintr (3e): the handler reaps the child, then accept() fails with EINTR', async (t) => {
  const o = await run(eintr);
  t.equal(o.response, 'Hello, World!\n');
  t.match(o.handlerLine ?? '', /^Child \d+ terminated with status 0$/, 'the handler waited for the child');
  t.ok(o.handlerRanFirst, 'before the exception');
  t.equal(o.crashed, 'EINTR');
  t.equal(o.error, 'OSError: [Errno 4] Interrupted system call (accept)');
  t.same(
    missingFromOutput(quotedBlock('packages/webserver3e/README.md', 'eintr'), o.output),
    [],
    'the trace packages/webserver3e/README.md quotes is the one a run prints (the lines it lacks, if not)',
  );
  t.ok(o.serverExited, 'the server died');
  t.ok(
    o.crashAfterAnswer !== null && o.crashAfterAnswer >= 2500 && o.crashAfterAnswer < 10_000,
    `when the child exited after its 3 s sleep (${o.crashAfterAnswer} ms)`,
  );
});
