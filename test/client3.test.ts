// client3, the article's test client, where nothing listens: each child fails to connect and
// prints the uncaught OSError, as client3.py's child prints its traceback.
import t from 'tap';
import { freePort } from '../scripts/lib/stage.js';
import { client3 } from '../scripts/lib/clients.js';
import { missingFromOutput, quotedBlock } from '../scripts/lib/quoted.js';

t.test('a client3 child that cannot connect prints the trace packages/client3/README.md quotes', async (t) => {
  const port = await freePort();
  const { output } = await client3(port, ['--max-clients', '2'], 60_000);
  t.equal(output.match(/^OSError: \[Errno 111\] Connection refused \(connect\)$/gm)?.length, 2, 'one per child');
  t.notMatch(output, /^0$/m, 'no child printed a connection number');
  t.same(
    missingFromOutput(quotedBlock('packages/client3/README.md', 'refused'), output),
    [],
    'the README quotes what a run prints (the lines it lacks, if not)',
  );
});
