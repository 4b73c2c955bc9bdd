// What `pnpm check 3f` holds webserver3f to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import { type StageCheck, step, count, survives } from '../../scripts/experiments/framework/expectations.js';
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
          hint: () => 'install a SIGCHLD handler that calls wait()',
        },
        {
          text: 'zombies are left when children exit together: signals are not queued',
          holds: (o) => o.merged.zombiesWhileStopped === o.merged.connections && o.merged.zombiesLeft >= 1,
          measured: (o) => `${o.merged.connections} children exited together: ${o.merged.zombiesLeft} left in /proc`,
          hint: () => "3f's handler calls wait() once per signal (3g is the one that loops)",
        },
      ],
      { connections: 10 },
    ),
  ],
};

export default check;
