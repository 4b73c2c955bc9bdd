/**
 * What `pnpm check` holds a stage to: expectations on the outcomes of the experiments that
 * define it (scripts/experiments/checklist.ts runs them). Each stage says which of its
 * experiments to run and what their outcomes must be in its own check.ts
 * (packages/<stage>/check.ts); this file holds the types they are written with, and the
 * expectations several stages share, in the article's words, each one marked as the
 * article's or the project's own.
 */
import { basename } from 'node:path';
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
  /** What to change when it does not hold. */
  hint: (o: O) => string;
}

/** An experiment to run for a stage, its options, and what its outcome must be. */
export interface Step<O = unknown, P = unknown> {
  experiment: Experiment<O, P>;
  params?: Partial<P>;
  expect: Array<Expectation<O>>;
}

/** What a stage's check.ts exports: the registry (scripts/lib/stages.ts) gives its name and package. */
export interface StageCheck {
  /** Arguments the project's stage is started with (the application of 2 and 3h). */
  args?: string[];
  steps: Step[];
}

/** A step of a check: the experiment, what its outcome must be, and its options. */
export function step<O, P>(experiment: Experiment<O, P>, expect: Array<Expectation<O>>, params?: Partial<P>): Step {
  return { experiment, expect, params } as unknown as Step;
}

export const HELLO = 'Hello, World!';
export const quoted = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
export const count = (n: number, what: string, plural = `${what}s`): string => `${n} ${n === 1 ? what : plural}`;
export const HANGS = 'no answer within 10 s: the server hangs (it accepted the connection, and answered nothing)';
export const NOT_QUEUED = 'signals are not queued: reap with waitpid(-1, WNOHANG) in a loop';
export const sec = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
/** How a crashing server ended, as measured: 'exited with status 1: accept: Interrupted system call (C ...)'. */
export const died = (o: { exitStatus: string | null; error: string | null }, language?: string | null): string =>
  `the server ended (${o.exitStatus ?? 'exit status unknown'})` +
  (o.error !== null
    ? `: ${o.error}${language ? ` (${language})` : ''}`
    : ', and its output names no errno (lib/crashes.ts lists the words of each language it reads)');
export const PRINT_ERROR = 'let the error end the server with its message (uncaught, or perror() and exit(1))';

/** 1 and 3a: Hello, World!, the request printed, one client at a time. */
export const ITERATIVE = step(iterative, [
  {
    text: `answers "${HELLO}"`,
    holds: (o) => o.response.includes(HELLO),
    measured: (o) => (o.response === '' && !o.curlEnded ? HANGS : `curl printed ${quoted(o.response)}`),
    hint: () => `send "HTTP/1.1 200 OK", an empty line and "${HELLO}" on every connection`,
  },
  {
    text: 'closes the connection after answering, so curl ends',
    holds: (o) => o.curlEnded,
    measured: (o) => (o.curlEnded ? 'curl ended' : 'curl did not end within 10 s'),
    hint: () => 'close the client connection once the response is sent',
  },
  {
    text: 'prints the request',
    holds: (o) => o.serverPrinted !== null,
    measured: (o) => (o.serverPrinted ? `it printed "${o.serverPrinted}"` : 'no "GET /hello" line in its output'),
    hint: () => 'print the request it received (and flush its output)',
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
    hint: () => 'one process that accepts, answers and closes a connection before it accepts the next',
  },
]);

/** 2 and 3h: an application served, a 4xx for bad input, and the server still serving. */
export const wsgiServes = (parentSurvivesBy: 'article' | 'project'): Array<Expectation<WsgiOutcome>> => [
  {
    text: 'serves a module:callable application',
    holds: (o) => o.apps.length > 0 && o.apps.every((a) => a.answered),
    measured: (o) => `GET /hello answered ${quoted(o.apps[0]?.hello ?? '')}`,
    hint: () => 'import the module:callable given on the command line and send what it returns',
  },
  {
    text: 'a malformed request gets a 4xx',
    by: 'project',
    holds: (o) => o.badRequestStatus !== null && o.badRequestStatus >= 400 && o.badRequestStatus < 500,
    measured: (o) =>
      o.badRequestStatus !== null
        ? `"NOT HTTP AT ALL" got ${o.badRequestStatus}`
        : `"NOT HTTP AT ALL" got ${o.badRequest.response === '' ? 'no answer' : quoted(o.badRequest.response)}`,
    hint: () => 'answer 400 Bad Request when the request line does not parse, instead of failing',
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
    hint: () => 'handle each request in a child, or catch what a bad request raises, so the server goes on',
  },
];

export const survives = (when: string): Expectation<SigchldOutcome> => ({
  text: `survives the SIGCHLD of its first child (accept() restarted after EINTR)`,
  holds: (o) => o.curl.serverAlive && o.curl.response.includes(HELLO),
  measured: (o) =>
    `curl printed ${quoted(o.curl.response)}; the server ${o.curl.serverAlive ? 'is still running' : `died ${when}`}`,
  hint: () => 'when accept() fails with EINTR, call it again (3f: catch the error and continue)',
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
  hint: () => "close the parent's copy of the client connection after fork()",
};

/** The runtime that restarted accept() after a signal handler, by name, for a 3e that survives. */
export function restartedBy(exe: string | null): string {
  const name = basename(exe ?? '');
  if (/^python3/.test(name)) {
    return (
      'its runtime, Python 3, retries accept() after a signal handler itself (PEP 475, ' +
      'Python 3.5+), so this failure of the article (Python 2) cannot happen in it: run it with python2'
    );
  }
  if (/^node/.test(name)) return 'Node installs signal handlers with SA_RESTART, so accept() is restarted quietly';
  return (
    `accept() was restarted after the signal handler (${name || 'the runtime'}: a handler ` +
    `installed with SA_RESTART, as glibc's signal() does; sigaction without it shows EINTR)`
  );
}
