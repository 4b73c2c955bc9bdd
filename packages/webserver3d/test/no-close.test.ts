// pnpm experiment no-close, run for real: the outcome the article describes.
import t from 'tap';
import { run } from '../../../test/experiment.js';
import noClose from '../experiments/no-close.js';

t.test(
  'no-close (3d): parent and child share the connection; after the child exits the client never sees the end',
  async (t) => {
    const o = await run(noClose);
    t.equal(o.beforeRequest.referenceCount, 2, 'while the child waits: two descriptors on the connection');
    t.equal(o.beforeRequest.holders.length, 2, 'in two processes');
    t.equal(o.beforeRequest.childBlockedIn, 'recv', 'the child waits in recv()');
    t.match(o.afterRequest.received, /Hello, World!/, 'the child answered');
    t.equal(o.afterRequest.childState, 'Z', 'and exited (a zombie)');
    t.equal(o.afterRequest.referenceCount, 1, 'the parent still holds the connection');
    t.equal(o.afterRequest.clientSawEnd, false, 'so the client never got the end of the connection');
    t.equal(o.curl.response, 'Hello, World!\n', 'curl printed the answer');
    t.equal(o.curl.ended, false, 'and did not terminate');
    t.ok(o.curl.answerAt !== null && o.curl.answerAt < 2000, 'the answer itself came at once');
    t.same(o.serverPrinted, ['1', '2'], 'the server printed how many connections it keeps');
  },
);
