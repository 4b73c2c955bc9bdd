// What `pnpm check 3e` holds webserver3e to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import {
  type StageCheck,
  step,
  HELLO,
  quoted,
  count,
  died,
  PRINT_ERROR,
  restartedBy,
} from '../../scripts/experiments/framework/expectations.js';
import eintr from './experiments/eintr.js';

const check: StageCheck = {
  steps: [
    step(eintr, [
      {
        text: `answers "${HELLO}"`,
        holds: (o) => o.response.includes(HELLO),
        measured: (o) => `curl printed ${quoted(o.response)}`,
        hint: () => `send "HTTP/1.1 200 OK", an empty line and "${HELLO}"`,
      },
      {
        text: 'the SIGCHLD handler runs and waits for the child',
        holds: (o) => o.handlerLine !== null || o.zombiesLeft === 0 || o.childReaped,
        measured: (o) =>
          o.childReaped
            ? 'a wait() in the server returned its child (traced): it was reaped'
            : o.handlerLine !== null
              ? `it printed "${o.handlerLine}"`
              : `${count(o.zombiesLeft ?? 0, 'zombie')} in /proc`,
        hint: () => 'install a SIGCHLD handler that calls wait()',
      },
      {
        text: 'then accept() fails with EINTR, and the server dies',
        holds: (o) => o.crashed === 'EINTR' && o.serverExited,
        measured: (o) => (o.serverExited ? died(o, o.crashLanguage) : 'the server is still running after the SIGCHLD'),
        hint: (o) => (o.serverExited ? PRINT_ERROR : restartedBy(o.serverExe)),
      },
    ]),
  ],
};

export default check;
