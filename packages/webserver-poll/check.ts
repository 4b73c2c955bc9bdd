// What `pnpm check poll` holds webserver-poll to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import { type StageCheck, step, HELLO, quoted, count } from '../../scripts/experiments/framework/expectations.js';
import manyConnections from './experiments/many-connections.js';

const check: StageCheck = {
  steps: [
    step(
      manyConnections,
      [
        {
          text: 'holds every idle connection in one process, with no child',
          holds: (o) => o.idle.processes === 1 && o.idle.held >= o.connections,
          measured: (o) => `${count(o.idle.processes, 'process', 'processes')} holding ${o.idle.held} connections`,
          faults: ['not-one-process'],
        },
        {
          text: `answers "${HELLO}" at once while they are all silent`,
          holds: (o) => o.curl.response.includes(HELLO),
          measured: (o) => `curl printed ${quoted(o.curl.response)} after ${o.curl.ms} ms`,
          faults: ['blocks-on-one'],
        },
        {
          text: 'answers each of them once it sends its request, and closes them',
          holds: (o) => o.answeredLate === o.connections && o.descriptorsAfter <= o.descriptorsBefore,
          measured: (o) =>
            `${o.answeredLate} of ${o.connections} answered; ${o.descriptorsAfter} descriptors after, ` +
            `${o.descriptorsBefore} before`,
          faults: ['not-closed-after'],
        },
      ],
      { connections: 200 },
    ),
  ],
};

export default check;
