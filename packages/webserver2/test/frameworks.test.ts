// pnpm experiment frameworks, run for real: the outcome the article describes.
import t from 'tap';
import { run } from '../../../test/experiment.js';
import frameworks from '../experiments/frameworks.js';

t.test('frameworks (2): three applications on one WSGI server, one client at a time; 400 for bad input', async (t) => {
  const o = await run(frameworks);
  t.same(o.bodies, {
    'wsgiapp:app': 'Hello world from a simple WSGI application!\n',
    'honoapp:app': 'Hello world from Hono!\n',
    'expressapp:app': 'Hello world from Express!\n',
  });
  t.ok(o.printed, 'the request and the response printed a la curl -v');
  t.ok(o.secondWaited, 'the second client waited while the first held the server');
  t.ok(o.secondAnswered, 'and was answered after it');
  t.equal(o.badRequestStatus, 400);
  t.ok(o.servedAfterBadRequest, 'the server went on serving');
  t.ok(o.samePid, 'in the same process');
});
