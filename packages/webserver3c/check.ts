// What `pnpm check 3c` holds webserver3c to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import { type StageCheck, step, count } from '../../scripts/experiments/framework/expectations.js';
import type { Evidence } from '../../scripts/experiments/framework/diagnosis.js';
import concurrent, { type ConcurrentOutcome } from './experiments/concurrent.js';

/** What the experiment shows of the faults, read while the children were to sleep. */
function concurrentEvidence(o: ConcurrentOutcome): Evidence {
  const parents = o.connectionHolders.filter((h) => h.includes(o.serverPid)).length;
  return {
    waiting: { clients: o.stillOpen, children: o.children.length },
    parentHolds: { held: parents, of: o.connectionHolders.length },
    listenerHolders: o.listeningHolders,
    // every curl ended well within the sleep after its answer: nothing slept
    slept: !o.ends.every((e, i) => e !== null && e - (o.answerTimes[i] ?? 0) < 500 * o.sleep),
  };
}

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
            `${o.answerTimes.filter((t) => t !== null).length} of ${o.answerTimes.length} curls answered; ` +
            `with ${o.stillOpen} of them still open, /proc showed ${count(o.children.length, 'child', 'children')}`,
          faults: ['no-fork', 'no-sleep'],
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
          faults: ['no-fork', 'no-sleep', 'no-close-parent'],
        },
        {
          text: 'each child closes its copy of the listening socket',
          holds: (o) => o.listeningHolders === 1,
          measured: (o) => `${count(o.listeningHolders, 'process holds', 'processes hold')} the listening socket`,
          faults: ['no-fork', 'no-sleep', 'no-close-child'],
        },
        {
          text: 'curl ends once its child has closed the connection and exited',
          holds: (o) => o.ends.every((e) => e !== null),
          measured: (o) => `${o.ends.filter((e) => e !== null).length} of ${o.ends.length} curls ended`,
          faults: ['no-fork', 'no-close-parent', 'no-close-child'],
        },
      ],
      { sleep: 20 },
      concurrentEvidence,
    ),
  ],
};

export default check;
