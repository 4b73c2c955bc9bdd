// What `pnpm check 3e` holds webserver3e to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import { basename } from 'node:path';
import { type StageCheck, step, HELLO, quoted, count, died } from '../../scripts/experiments/framework/expectations.js';
import type { Evidence } from '../../scripts/experiments/framework/diagnosis.js';
import eintr, { type EintrOutcome } from './experiments/eintr.js';

/**
 * A runtime that restarts accept() after a signal handler itself, whatever the program does, by
 * its name: Python 3 (PEP 475). Another runtime's restart is the program's (SA_RESTART: C's signal()).
 */
function restartingRuntime(exe: string | null): string | undefined {
  return /^python3/.test(basename(exe ?? '')) ? 'Python 3 (PEP 475, Python 3.5+)' : undefined;
}

/** What the experiment shows of the faults: what the server died of, or the runtime that kept it alive. */
function eintrEvidence(o: EintrOutcome): Evidence {
  if (o.serverExited) return { diedOf: o.crashed };
  const runtime = restartingRuntime(o.serverExe);
  return runtime === undefined ? {} : { restartingRuntime: runtime };
}

const check: StageCheck = {
  steps: [
    step(
      eintr,
      [
        {
          text: `answers "${HELLO}"`,
          holds: (o) => o.response.includes(HELLO),
          measured: (o) => `curl printed ${quoted(o.response)}`,
          faults: ['wrong-answer'],
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
          faults: ['no-handler'],
        },
        {
          text: 'then accept() fails with EINTR, and the server dies',
          holds: (o) => o.crashed === 'EINTR' && o.serverExited,
          measured: (o) =>
            o.serverExited ? died(o, o.crashLanguage) : 'the server is still running after the SIGCHLD',
          faults: ['runtime-restarts-accept', 'crash-unread', 'restarts-accept'],
        },
      ],
      undefined,
      eintrEvidence,
    ),
  ],
};

export default check;
