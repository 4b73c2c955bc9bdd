// pnpm experiment concurrent, run for real: the outcome the article describes.
import t from 'tap';
import { run } from '../../../test/experiment.js';
import concurrent from '../experiments/concurrent.js';

t.test(
  'concurrent (3c): two curls answered at once by two children; each connection held by its child only',
  async (t) => {
    const o = await run(concurrent);
    t.same(o.responses, ['Hello, World!\n', 'Hello, World!\n']);
    t.ok(
      o.answerTimes.every((ms) => ms !== null && ms < 3000),
      `both answered at once: ${o.answerTimes.join(', ')} ms`,
    );
    t.equal(o.stillOpen, 2, 'both curls still wait: the children sleep 60 s');
    t.equal(o.children.length, 2, 'two children');
    t.equal(o.printedParentPid, o.serverPid, 'the server printed its own PID');
    t.same(o.printedChildren.map((c) => c.pid).sort(), [...o.children].sort(), 'each child printed its PID');
    t.ok(
      o.printedChildren.every((c) => c.ppid === o.serverPid),
      "and its parent's",
    );
    t.same(o.childStates, ['S', 'S'], 'sleeping');
    t.equal(o.connectionHolders.length, 2, 'two connections');
    for (const holders of o.connectionHolders) {
      t.equal(holders.length, 1, 'reference count 1: the parent closed its copy');
      const [holder] = holders;
      t.ok(holder !== undefined && o.children.includes(holder), 'the holder is a child');
    }
    t.equal(o.listeningHolders, 1, 'the children closed their copy of the listening socket');
  },
);
