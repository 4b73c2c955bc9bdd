// What `pnpm check prefork` holds webserver-prefork to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import { type StageCheck, step, HELLO, quoted, count } from '../../scripts/experiments/framework/expectations.js';
import prefork from './experiments/prefork.js';

const check: StageCheck = {
  steps: [
    step(prefork, [
      {
        text: 'forks its children before the first client, each holding the listening socket',
        holds: (o) => o.childrenAtStart.length >= 2 && o.childrenListen,
        measured: (o) =>
          `${count(o.childrenAtStart.length, 'child', 'children')}` +
          `${o.childrenListen ? ', each holds it' : ', not all hold it'}`,
        faults: ['no-prefork'],
      },
      {
        text: 'the children forked at start serve every connection, more than one of them',
        holds: (o) =>
          o.unheld === 0 &&
          o.unanswered === 0 &&
          Object.keys(o.spread).length >= 2 &&
          Object.keys(o.spread).every((pid) => o.childrenAtStart.includes(Number(pid))),
        measured: (o) => {
          const served = Object.entries(o.spread);
          const shown = served.slice(0, 6).map(([pid, n]) => `${pid === String(o.server) ? 'the parent' : pid}: ${n}`);
          const others = served.filter(([pid]) => !o.childrenAtStart.includes(Number(pid))).length;
          return (
            `${shown.join(', ')}${served.length > 6 ? `, … (${served.length} processes)` : ''}; ` +
            `${others} not among the children at start, ${o.unheld} held by no process, ${o.unanswered} not answered`
          );
        },
        faults: ['not-spread'],
      },
      {
        text: 'a killed child is reaped and replaced, and the server answers',
        holds: (o) => o.replaced && o.zombiesAfter === 0 && o.responseAfter.includes(HELLO),
        measured: (o) =>
          `${count(o.childrenAfter.length, 'child', 'children')} after, ${count(o.zombiesAfter, 'zombie')}, ` +
          `then ${quoted(o.responseAfter)}`,
        faults: ['no-replace'],
      },
    ]),
  ],
};

export default check;
