// What `pnpm check 3c` holds webserver3c to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import { type StageCheck, step, count } from '../../scripts/experiments/framework/expectations.js';
import concurrent from './experiments/concurrent.js';

const check: StageCheck = {
  steps: [
    step(
      concurrent,
      [
        {
          text: 'clients are served at once, each by a child process',
          holds: (o) =>
            o.answerTimes.every((t) => t !== null) && o.stillOpen === o.answerTimes.length && o.children.length >= 2,
          measured: (o) =>
            `${o.answerTimes.filter((t) => t !== null).length} of ${o.answerTimes.length} curls ` +
            `answered while the children slept; /proc then showed ${count(o.children.length, 'child', 'children')}`,
          hint: () => 'fork() after accept(): the child handles the request and sleeps, the parent accepts again',
        },
        {
          text: 'the parent closes its copy of each connection',
          holds: (o) =>
            o.connectionHolders.length > 0 &&
            o.connectionHolders.every((h) => h.length === 1 && o.children.includes(h[0] ?? -1)),
          measured: (o) => {
            if (o.connectionHolders.length === 0) return 'no connection was open when /proc was read';
            const parents = o.connectionHolders.filter((h) => h.includes(o.serverPid)).length;
            return parents === 0
              ? `each of the ${count(o.connectionHolders.length, 'connection')} is held by ` +
                  (o.connectionHolders.every((h) => h.length === 1) ? 'one child only' : 'several processes')
              : `the parent holds ${parents} of the ${o.connectionHolders.length} connections`;
          },
          hint: () => "close the parent's copy of the client connection after fork()",
        },
        {
          text: 'each child closes its copy of the listening socket',
          holds: (o) => o.listeningHolders === 1,
          measured: (o) => `${count(o.listeningHolders, 'process holds', 'processes hold')} the listening socket`,
          hint: () => "close the child's copy of the listening socket after fork()",
        },
        {
          text: 'curl ends once its child has closed the connection and exited',
          holds: (o) => o.ends.every((e) => e !== null),
          measured: (o) => `${o.ends.filter((e) => e !== null).length} of ${o.ends.length} curls ended`,
          hint: () => 'every copy of the connection must be closed for the client to see its end',
        },
      ],
      { sleep: 20 },
    ),
  ],
};

export default check;
