/**
 * What `pnpm check` holds a stage to: expectations on the outcomes of the experiments that
 * define it (scripts/experiments/checklist.ts runs them). Each stage says which of its
 * experiments to run and what their outcomes must be in its own check.ts
 * (packages/<stage>/check.ts); this file holds the types they are written with, and the
 * expectations several stages share, in the article's words, each one marked as the
 * article's or the project's own.
 */
import type { Evidence, FaultRef } from './diagnosis.js';
import type { Experiment } from './experiment.js';
import type { SigchldOutcome } from './sigchld.js';
import type { WsgiOutcome } from '../../../packages/webserver3h/experiments/wsgi.js';
import iterative from '../../../packages/webserver3a/experiments/iterative.js';

/** One thing a stage does, checked on an experiment's outcome. */
export interface Expectation<O> {
  /** In the article's words: 'no zombies after client3 --max-clients 128'. */
  text: string;
  /** Whose expectation it is: the article's (the verdict), or the project's own (counted with --strict). */
  by?: 'article' | 'project';
  holds(o: O): boolean;
  /** What was measured: '0 zombies'. */
  measured(o: O): string;
  /**
   * The faults that can make it fail, most telling first: the table's (framework/diagnosis.ts),
   * or one of the stage's own ({ name, fix }, shown by this line failing). A failing line names
   * the first one its run's evidence shows, with its fix, or none when none fits.
   */
  faults: FaultRef[];
}

/** An experiment to run for a stage, its options, what its outcome must be, and what it shows of the faults. */
export interface Step<O = unknown, P = unknown> {
  experiment: Experiment<O, P>;
  params?: Partial<P>;
  expect: Array<Expectation<O>>;
  /** The outcome's measurements, as the faults read them. */
  evidence?: (o: O) => Evidence;
}

/** What a stage's check.ts exports: the registry (scripts/lib/stages.ts) gives its name and package. */
export interface StageCheck {
  /** Arguments the project's stage is started with (the application of 2 and 3h). */
  args?: string[];
  steps: Step[];
}

/** A step of a check: the experiment, what its outcome must be, its options, and what it shows of the faults. */
export function step<O, P>(
  experiment: Experiment<O, P>,
  expect: Array<Expectation<O>>,
  params?: Partial<P>,
  evidence?: (o: O) => Evidence,
): Step {
  return { experiment, expect, params, evidence } as unknown as Step;
}

export const HELLO = 'Hello, World!';
export const quoted = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
export const count = (n: number, what: string, plural = `${what}s`): string => `${n} ${n === 1 ? what : plural}`;
export const HANGS = 'no answer within 10 s: the server hangs (it accepted the connection, and answered nothing)';
export const sec = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
/** How a crashing server ended, as measured: 'exited with status 1: accept: Interrupted system call (C ...)'. */
export const died = (o: { exitStatus: string | null; error: string | null }, language?: string | null): string =>
  `the server ended (${o.exitStatus ?? 'exit status unknown'})` +
  (o.error !== null
    ? `: ${o.error}${language ? ` (${language})` : ''}`
    : ', and its output names no errno (lib/crashes.ts lists the words of each language it reads)');

/** 1 and 3a: Hello, World!, the request printed, one client at a time. */
export const ITERATIVE = step(iterative, [
  {
    text: `answers "${HELLO}"`,
    holds: (o) => o.response.includes(HELLO),
    measured: (o) => (o.response === '' && !o.curlEnded ? HANGS : `curl printed ${quoted(o.response)}`),
    faults: ['wrong-answer'],
  },
  {
    text: 'closes the connection after answering, so curl ends',
    holds: (o) => o.curlEnded,
    measured: (o) => (o.curlEnded ? 'curl ended' : 'curl did not end within 10 s'),
    faults: ['no-close'],
  },
  {
    text: 'prints the request',
    holds: (o) => o.serverPrinted !== null,
    measured: (o) => (o.serverPrinted ? `it printed "${o.serverPrinted}"` : 'no "GET /hello" line in its output'),
    faults: ['no-print'],
  },
  {
    text: 'one client at a time: a second client waits until the first is served',
    holds: (o) => o.oneAtATime.waited && o.oneAtATime.servedNext && o.processes === 1,
    measured: (o) =>
      (o.oneAtATime.waited
        ? 'curl waited while another client was connected'
        : 'curl was answered while another client was connected') +
      (o.oneAtATime.servedNext ? ', and was answered after it' : ', and was not answered after it') +
      `; ${count(o.processes, 'process', 'processes')} in /proc`,
    faults: ['forks'],
  },
]);

/** 2 and 3h: an application served, a 4xx for bad input, and the server still serving. */
export const wsgiServes = (parentSurvivesBy: 'article' | 'project'): Array<Expectation<WsgiOutcome>> => [
  {
    text: 'serves a module:callable application',
    holds: (o) => o.apps.length > 0 && o.apps.every((a) => a.answered),
    measured: (o) => `GET /hello answered ${quoted(o.apps[0]?.hello ?? '')}`,
    faults: ['no-app'],
  },
  {
    text: 'a malformed request gets a 4xx',
    by: 'project',
    holds: (o) => o.badRequestStatus !== null && o.badRequestStatus >= 400 && o.badRequestStatus < 500,
    measured: (o) =>
      o.badRequestStatus !== null
        ? `"NOT HTTP AT ALL" got ${o.badRequestStatus}`
        : `"NOT HTTP AT ALL" got ${o.badRequest.response === '' ? 'no answer' : quoted(o.badRequest.response)}`,
    faults: ['no-4xx'],
  },
  {
    text: 'the parent keeps serving after a malformed request',
    by: parentSurvivesBy,
    holds: (o) => o.serverAliveAfterBadRequest && o.servedAfterBadRequest,
    measured: (o) =>
      !o.serverAliveAfterBadRequest
        ? 'the server died of "NOT HTTP AT ALL"'
        : o.servedAfterBadRequest
          ? 'the next request was answered'
          : 'the next request was not answered',
    faults: ['dies-of-bad-request'],
  },
];

export const survives = (when: string): Expectation<SigchldOutcome> => ({
  text: `survives the SIGCHLD of its first child (accept() restarted after EINTR)`,
  holds: (o) => o.curl.serverAlive && o.curl.response.includes(HELLO),
  measured: (o) =>
    `curl printed ${quoted(o.curl.response)}; the server ${o.curl.serverAlive ? 'is still running' : `died ${when}`}`,
  faults: ['no-fork', 'eintr'],
});

/** 3g's curl, by curl's own clock: it ends once answered, unless a copy of the connection stays open. */
export const curlEnds: Expectation<SigchldOutcome> = {
  text: 'curl ends once answered: the parent closes its copy of the connection',
  holds: (o) => o.curl.ended,
  measured: (o) =>
    o.curl.ended
      ? `curl ended after ${o.curl.seconds?.toFixed(3) ?? '?'} s (its own time_total)`
      : `curl printed ${quoted(o.curl.response)} and hung until --max-time ` +
        `(${o.curl.seconds?.toFixed(1) ?? '?'} s by its own time_total): a copy of the connection stayed open`,
  faults: ['no-fork', 'no-close-parent'],
};

/** 3f's and 3g's merged exits when there was not a child per client to exit: '0 children while 10 clients waited'. */
export function notWaited(o: SigchldOutcome): string | null {
  const { childrenWhileWaiting: n, connections } = o.merged;
  return n < connections ? `${count(n, 'child', 'children')} while ${connections} clients waited` : null;
}

/** What 3f's and 3g's experiment shows of the faults. */
export function sigchldEvidence(o: SigchldOutcome): Evidence {
  return {
    waiting: { clients: o.merged.connections, children: o.merged.childrenWhileWaiting },
    zombiesAfterOne: o.curl.zombies,
    // merged exits are measured only when a child per client was there to exit
    ...(o.merged.childrenWhileWaiting >= o.merged.connections
      ? { zombiesMerged: { exited: o.merged.zombiesWhileStopped, left: o.merged.zombiesLeft } }
      : {}),
    // the curl's connection, or the burst's: still open in the parent once their children had exited
    parentHolds: { held: Math.max(0, o.curl.fdsAfter - o.curl.fdsBefore), of: 1 },
    parentFds: { before: o.article.fdsBefore, after: o.article.fdsAfter },
  };
}
