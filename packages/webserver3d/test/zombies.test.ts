// pnpm experiment zombies, run for real: the outcome the article describes.
import t from 'tap';
import { zombieCommand } from '../../../test/fixture.js';
import { run } from '../../../test/experiment.js';
import zombies from '../experiments/zombies.js';

t.test('zombies (3d): the exited child stays a zombie, and kill -9 does not remove it', async (t) => {
  const o = await run(zombies);
  t.equal(o.zombies, 1, 'one zombie after one curl');
  // [node] on Node 20 and 22, [MainThread] on 24, [node-MainThread] on 26: the name of the main thread
  t.match(
    o.psLine ?? '',
    new RegExp(`^\\d+\\s+\\d+\\s+Z\\S*\\s+${zombieCommand()}$`),
    'ps shows it as Z [<main thread>] <defunct>',
  );
  t.ok(o.survivedKill9, 'still there after kill -9');
});
