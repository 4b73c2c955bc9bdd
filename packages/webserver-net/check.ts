// What `pnpm check net` holds webserver-net to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import { type StageCheck, step, HELLO, quoted, count } from '../../scripts/experiments/framework/expectations.js';
import nodeEmfile from './experiments/node-emfile.js';

const check: StageCheck = {
  steps: [
    step(
      nodeEmfile,
      [
        {
          text: 'one process: no children',
          holds: (o) => o.children === 0,
          measured: (o) => count(o.children, 'child', 'children'),
          faults: ['net-forks'],
        },
        {
          text: 'survives running out of descriptors (ulimit -n 64, 100 clients at once) and answers again',
          holds: (o) => o.alive && o.responseAfter.includes(HELLO),
          measured: (o) =>
            `${o.alive ? 'still running' : 'gone'}: ${o.held} connections held, ${o.dropped} dropped; ` +
            `then curl printed ${quoted(o.responseAfter)}`,
          faults: ['emfile', 'net-drops'],
        },
        {
          text: 'answers the connections it kept',
          holds: (o) => o.held > 0 && o.answered === o.held,
          measured: (o) => `${o.answered} of ${o.held} answered`,
          faults: ['emfile', 'net-unanswered'],
        },
      ],
      undefined,
      (o) => (o.alive ? {} : { diedOf: o.diedOf }),
    ),
  ],
};

export default check;
