// What `pnpm check 3f` holds webserver3f to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import {
  type StageCheck,
  step,
  count,
  sigchldEvidence,
  notWaited,
  survives,
} from '../../scripts/experiments/framework/expectations.js';
import zombiesAgain from './experiments/zombies-again.js';

const check: StageCheck = {
  steps: [
    step(
      zombiesAgain,
      [
        survives('after its first request'),
        {
          text: 'its handler waits for the child: no zombie after one request',
          holds: (o) => o.curl.zombies === 0,
          measured: (o) => `${count(o.curl.zombies, 'zombie')} in /proc`,
          faults: ['no-fork', 'no-reaping', 'no-handler'],
        },
        {
          text: 'zombies are left when children exit together: signals are not queued',
          holds: (o) =>
            o.merged.zombiesWhileStopped === o.merged.connections &&
            o.merged.zombiesLeft >= 1 &&
            o.merged.zombiesLeft < o.merged.connections,
          measured: (o) =>
            notWaited(o) ?? `${o.merged.connections} children exited together: ${o.merged.zombiesLeft} left in /proc`,
          faults: ['no-fork', 'no-reaping', 'reaps-in-a-loop'],
        },
      ],
      { connections: 10 },
      sigchldEvidence,
    ),
  ],
};

export default check;
