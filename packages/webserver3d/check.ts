// What `pnpm check 3d` holds webserver3d to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import { type StageCheck, step, HELLO, quoted, count, died } from '../../scripts/experiments/framework/expectations.js';
import noClose from './experiments/no-close.js';
import zombies from './experiments/zombies.js';
import outOfDescriptors from './experiments/out-of-descriptors.js';
import outOfProcesses from './experiments/out-of-processes.js';

const check: StageCheck = {
  steps: [
    step(noClose, [
      {
        text: `curl prints "${HELLO}" and hangs: the parent keeps its copy of the connection`,
        holds: (o) => o.curl.response.includes(HELLO) && !o.curl.ended && o.afterRequest.referenceCount === 1,
        measured: (o) =>
          `curl printed ${quoted(o.curl.response)} and ${o.curl.ended ? 'ended' : 'hung'}; ` +
          `${count(o.afterRequest.referenceCount, 'descriptor')} left on the connection after the child exited`,
        faults: ['closes-parent-copy'],
      },
    ]),
    step(zombies, [
      {
        text: 'the exited child stays a zombie (Z, <defunct>)',
        holds: (o) => o.zombies >= 1,
        measured: (o) => `${count(o.zombies, 'zombie')} in /proc`,
        faults: ['reaps'],
      },
      {
        text: 'kill -9 does not remove it',
        holds: (o) => o.survivedKill9,
        measured: (o) => (o.survivedKill9 ? 'still there after kill -9' : 'gone after kill -9'),
        faults: ['reaps'],
      },
    ]),
    step(
      outOfDescriptors,
      [
        {
          text: 'under ulimit -n 256, client3 --max-clients=300 makes accept() fail with EMFILE',
          holds: (o) => o.crashed === 'EMFILE' && o.serverExited,
          measured: (o) =>
            o.serverExited
              ? `after ${count(o.connectionsHeld, 'connection')} ${died(o)}`
              : `the server survived ${o.clientsConnected} clients`,
          faults: ['crash-unread', 'survives-emfile'],
        },
      ],
      undefined,
      (o) => ({ diedOf: o.serverExited ? o.crashed : undefined }),
    ),
    step(
      outOfProcesses,
      [
        {
          text: 'zombies use up the process limit: fork() fails with EAGAIN',
          holds: (o) => o.crashed === 'EAGAIN' && o.serverExited,
          measured: (o) =>
            o.serverExited
              ? `under ulimit -u ${o.limit} after ${count(o.childrenForked, 'child', 'children')} ${died(o)}`
              : `the server survived ${o.clientsConnected} clients under ulimit -u ${o.limit}`,
          faults: ['crash-unread', 'survives-eagain'],
        },
      ],
      undefined,
      (o) => ({ diedOf: o.serverExited ? o.crashed : undefined }),
    ),
  ],
};

export default check;
