// What `pnpm check 3g` holds webserver3g to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import {
  type StageCheck,
  step,
  count,
  sigchldEvidence,
  notWaited,
  survives,
  curlEnds,
} from '../../scripts/experiments/framework/expectations.js';
import noZombies from './experiments/no-zombies.js';

const check: StageCheck = {
  steps: [
    step(
      noZombies,
      [
        survives('after its first request'),
        curlEnds,
        {
          text: 'no zombies after client3 --max-clients 128',
          holds: (o) => o.article.connected === o.article.clients && o.article.zombies === 0,
          measured: (o) => `${o.article.connected} connections, ${count(o.article.zombies, 'zombie')} in /proc`,
          faults: ['no-fork', 'no-reaping', 'reaps-once'],
        },
        {
          text: 'no zombies when 10 children exit together',
          holds: (o) => o.merged.zombiesWhileStopped === o.merged.connections && o.merged.zombiesLeft === 0,
          measured: (o) => notWaited(o) ?? `${o.merged.zombiesLeft} left in /proc`,
          faults: ['no-fork', 'no-reaping', 'reaps-once'],
        },
        {
          text: "the parent's descriptor count stays flat",
          holds: (o) => o.article.fdsAfter === o.article.fdsBefore,
          measured: (o) => `${o.article.fdsBefore} descriptors in /proc before client3, ${o.article.fdsAfter} after`,
          faults: ['no-fork', 'no-close-parent'],
        },
      ],
      { connections: 10 },
      sigchldEvidence,
    ),
  ],
};

export default check;
