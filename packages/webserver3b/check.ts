// What `pnpm check 3b` holds webserver3b to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import { type StageCheck, step, HELLO, quoted, count, sec } from '../../scripts/experiments/framework/expectations.js';
import sleeping from './experiments/sleeping.js';

const check: StageCheck = {
  steps: [
    step(
      sleeping,
      [
        {
          text: `answers "${HELLO}", then sleeps before it closes the connection`,
          holds: (o) => o.first.response.includes(HELLO) && o.whileSleeping.serverBlockedIn === 'sleep',
          measured: (o) =>
            `curl printed ${quoted(o.first.response)}; /proc showed the server ` +
            (o.whileSleeping.serverBlockedIn === null
              ? 'not blocked'
              : `blocked in ${o.whileSleeping.serverBlockedIn}()`),
          faults: ['no-sleep'],
        },
        {
          text: 'a second client waits in the listen queue, and is not served meanwhile',
          holds: (o) => o.whileSleeping.queued === 1 && o.whileSleeping.requestsPrinted === 1,
          measured: (o) =>
            `${count(o.whileSleeping.queued, 'connection')} in the listen queue; ` +
            `${count(o.whileSleeping.requestsPrinted, 'request')} printed`,
          faults: ['no-sleep', 'forks'],
        },
        {
          text: "the second client waits out the first one's sleep",
          holds: (o) =>
            o.second.answerAt !== null && o.first.endedAt !== null && o.second.answerAt >= o.first.endedAt - 300,
          measured: (o) =>
            o.second.answerAt === null
              ? 'the second curl got no answer'
              : `first curl ended at ${sec(o.first.endedAt)}, second answered at ${sec(o.second.answerAt)}`,
          faults: ['no-sleep', 'serves-during-sleep'],
        },
      ],
      { sleep: 3 },
      (o) => ({
        slept:
          o.first.endedAt === null || o.first.answerAt === null || o.first.endedAt - o.first.answerAt >= 500 * o.sleep,
      }),
    ),
  ],
};

export default check;
