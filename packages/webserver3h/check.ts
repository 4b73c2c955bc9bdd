// What `pnpm check 3h` holds webserver3h to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import { type StageCheck, step, count, wsgiServes } from '../../scripts/experiments/framework/expectations.js';
import wsgi from './experiments/wsgi.js';

const check: StageCheck = {
  args: ['wsgiapp:app'],
  steps: [
    step(
      wsgi,
      [
        ...wsgiServes('article'),
        {
          text: 'serves clients concurrently',
          holds: (o) => o.concurrently,
          measured: (o) =>
            o.concurrently
              ? 'curl was answered while another client was connected'
              : 'curl waited for the other client',
          faults: ['no-fork', 'not-concurrent'],
        },
        {
          text: `no zombies after client3 --max-clients 64`,
          holds: (o) => o.burst.connected === o.burst.clients && o.burst.zombies === 0 && o.childrenAtEnd === 0,
          measured: (o) => `${o.burst.connected} connections, ${count(o.burst.zombies, 'zombie')} in /proc`,
          faults: ['no-fork', 'no-reaping', 'reaps-once'],
        },
      ],
      { clients: 64 },
      (o) => ({
        waiting: { clients: 1, children: o.held.children },
        zombiesAfterOne: o.held.zombiesAfter,
        zombiesMerged: { exited: o.burst.connected, left: o.burst.zombies },
      }),
    ),
  ],
};

export default check;
