/**
 * `pnpm check <stage>`: what the article expects of each stage, as expectations on the
 * outcomes of the experiments that define it. The experiments measure (the same code as
 * `pnpm experiment`); this file only says, per stage, which experiments to run and what
 * their outcomes must be, in the article's words.
 */
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import { StartError } from '../lib/stage.js';
import { findStage, stages } from '../lib/stages.js';
import { type Experiment, Context, Interrupted, ServerGone, type Target, optionsOf } from './framework.js';
import type { SigchldOutcome } from './sigchld.js';
import type { WsgiOutcome } from './wsgi.js';
import {
  concurrent,
  eintr,
  iterative,
  noClose,
  noZombies,
  outOfDescriptors,
  outOfProcesses,
  sleeping,
  wsgi,
  zombies,
  zombiesAgain,
} from './index.js';

/** One thing the article says a stage does, checked on an experiment's outcome. */
export interface Expectation<O> {
  /** In the article's words: 'no zombies after client3 --max-clients 128'. */
  text: string;
  holds(o: O): boolean;
  /** What was measured: '0 zombies'. */
  measured(o: O): string;
  /** What to change when it does not hold. */
  hint?: (o: O) => string | null;
}

/** An experiment to run for a stage, its options, and what its outcome must be. */
export interface Step<O = unknown, P = unknown> {
  experiment: Experiment<O, P>;
  params?: Partial<P>;
  expect: Array<Expectation<O>>;
}

/** The checks of a stage, as written below: the registry (scripts/lib/stages.ts) gives the package. */
interface StageSteps {
  /** As the registry names it: '1', '2', '3a' ... '3h'. */
  stage: string;
  /** Arguments the project's stage is started with (the application of 2 and 3h). */
  args?: string[];
  steps: Step[];
}

export interface StageCheck extends StageSteps {
  /** The project's package for it. */
  package: string;
}

function step<O, P>(experiment: Experiment<O, P>, expect: Array<Expectation<O>>, params?: Partial<P>): Step {
  return { experiment, expect, params } as unknown as Step;
}

const HELLO = 'Hello, World!';
const quoted = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
const count = (n: number, what: string, plural = `${what}s`): string => `${n} ${n === 1 ? what : plural}`;
const HANGS = 'no answer within 10 s: the server hangs (it accepted the connection, and answered nothing)';
const NOT_QUEUED = 'signals are not queued: reap with waitpid(-1, WNOHANG) in a loop';

/** 1 and 3a: Hello, World!, the request printed, one client at a time. */
const ITERATIVE = step(iterative, [
  {
    text: `answers "${HELLO}"`,
    holds: (o) => o.response.includes(HELLO),
    measured: (o) => (o.response === '' && !o.curlEnded ? HANGS : `curl printed ${quoted(o.response)}`),
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
  },
  {
    text: 'one client at a time: a second client waits until the first is served',
    holds: (o) => o.oneAtATime.waited && o.oneAtATime.servedNext && o.processes === 1,
    measured: (o) =>
      (o.oneAtATime.waited
        ? 'curl waited while another client was connected'
        : 'curl was answered while another client was connected') +
      (o.oneAtATime.servedNext ? ', and was answered after it' : ', and was not answered after it') +
      `; ${count(o.processes, 'process', 'processes')}`,
  },
]);

/** 2 and 3h: an application served, a 4xx for bad input, and the server still serving. */
const wsgiServes: Array<Expectation<WsgiOutcome>> = [
  {
    text: 'serves a module:callable application',
    holds: (o) => o.apps.length > 0 && o.apps.every((a) => a.answered),
    measured: (o) => `GET /hello answered ${quoted(o.apps[0]?.hello ?? '')}`,
  },
  {
    text: 'a malformed request gets a 4xx',
    holds: (o) => o.badRequestStatus !== null && o.badRequestStatus >= 400 && o.badRequestStatus < 500,
    measured: (o) =>
      o.badRequestStatus !== null
        ? `"NOT HTTP AT ALL" got ${o.badRequestStatus}`
        : `"NOT HTTP AT ALL" got ${o.badRequest.response === '' ? 'no answer' : quoted(o.badRequest.response)}`,
    hint: () => 'answer 400 Bad Request when the request line does not parse, instead of failing',
  },
  {
    text: 'and the parent keeps serving',
    holds: (o) => o.serverAliveAfterBadRequest && o.servedAfterBadRequest,
    measured: (o) =>
      !o.serverAliveAfterBadRequest
        ? 'the server died'
        : o.servedAfterBadRequest
          ? 'the next request was answered'
          : 'the next request was not answered',
  },
];

const survives = (when: string): Expectation<SigchldOutcome> => ({
  text: `survives the SIGCHLD of its first child (accept() restarted after EINTR)`,
  holds: (o) => o.curl.serverAlive && o.curl.response.includes(HELLO),
  measured: (o) =>
    `curl printed ${quoted(o.curl.response)}; the server ${o.curl.serverAlive ? 'is still running' : `died ${when}`}`,
});

/** The runtime that restarted accept() after a signal handler, by name, for a 3e that survives. */
function restartedBy(exe: string | null): string {
  const name = basename(exe ?? '');
  if (/^python3/.test(name)) {
    return (
      'its runtime, Python 3, retries accept() after a signal handler itself (PEP 475, ' +
      'Python 3.5+), so this failure of the article (Python 2) cannot happen in it'
    );
  }
  if (/^node/.test(name)) return 'Node installs signal handlers with SA_RESTART, so accept() is restarted quietly';
  return (
    `accept() was restarted after the signal handler (${name || 'the runtime'}: a handler ` +
    `installed with SA_RESTART, as glibc's signal() does; sigaction without it shows EINTR)`
  );
}

const STEPS: StageSteps[] = [
  { stage: '1', steps: [ITERATIVE] },
  {
    stage: '2',
    args: ['wsgiapp:app'],
    steps: [
      step(
        wsgi,
        [
          ...wsgiServes,
          {
            text: 'one client at a time',
            holds: (o) => !o.concurrently,
            measured: (o) =>
              o.concurrently
                ? 'curl was answered while another client was connected'
                : 'curl waited for the other client',
          },
        ],
        { clients: 8 },
      ),
    ],
  },
  { stage: '3a', steps: [ITERATIVE] },
  {
    stage: '3b',
    steps: [
      step(
        sleeping,
        [
          {
            text: `answers "${HELLO}", then sleeps before it closes the connection`,
            holds: (o) => o.first.response.includes(HELLO) && o.whileSleeping.serverBlockedIn === 'sleep',
            measured: (o) =>
              `curl printed ${quoted(o.first.response)}; the server was ` +
              (o.whileSleeping.serverBlockedIn === null
                ? 'not blocked'
                : `blocked in ${o.whileSleeping.serverBlockedIn}()`),
          },
          {
            text: 'a second client waits in the listen queue, and is not served meanwhile',
            holds: (o) => o.whileSleeping.queued === 1 && o.whileSleeping.requestsPrinted === 1,
            measured: (o) =>
              `${count(o.whileSleeping.queued, 'connection')} in the listen queue; ` +
              `${count(o.whileSleeping.requestsPrinted, 'request')} printed`,
          },
          {
            text: "the second client waits out the first one's sleep",
            holds: (o) =>
              o.second.answerAt !== null && o.first.endedAt !== null && o.second.answerAt >= o.first.endedAt - 300,
            measured: (o) =>
              o.second.answerAt === null
                ? 'the second curl got no answer'
                : `first curl ended at ${sec(o.first.endedAt)}, second answered at ${sec(o.second.answerAt)}`,
          },
        ],
        { sleep: 3 },
      ),
    ],
  },
  {
    stage: '3c',
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
              `answered while the children slept; ${count(o.children.length, 'child', 'children')}`,
          },
          {
            text: 'the parent closes its copy of each connection',
            holds: (o) =>
              o.connectionHolders.length > 0 &&
              o.connectionHolders.every((h) => h.length === 1 && o.children.includes(h[0] ?? -1)),
            measured: (o) => {
              const parents = o.connectionHolders.filter((h) => h.includes(o.serverPid)).length;
              return parents === 0
                ? 'each connection is held by its child only'
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
  },
  {
    stage: '3d',
    steps: [
      step(noClose, [
        {
          text: `curl prints "${HELLO}" and hangs: the parent keeps its copy of the connection`,
          holds: (o) => o.curl.response.includes(HELLO) && !o.curl.ended && o.afterRequest.referenceCount === 1,
          measured: (o) =>
            `curl printed ${quoted(o.curl.response)} and ${o.curl.ended ? 'ended' : 'hung'}; ` +
            `${count(o.afterRequest.referenceCount, 'descriptor')} left on the connection after the child exited`,
        },
      ]),
      step(zombies, [
        {
          text: 'the exited child stays a zombie (Z, <defunct>)',
          holds: (o) => o.zombies >= 1,
          measured: (o) => count(o.zombies, 'zombie'),
        },
        {
          text: 'kill -9 does not remove it',
          holds: (o) => o.survivedKill9,
          measured: (o) => (o.survivedKill9 ? 'still there after kill -9' : 'gone after kill -9'),
        },
      ]),
      step(outOfDescriptors, [
        {
          text: 'under ulimit -n 256, client3 --max-clients=300 makes accept() fail with EMFILE',
          holds: (o) => o.crashed === 'EMFILE' && o.serverExited,
          measured: (o) =>
            o.serverExited
              ? `the server died after ${count(o.connectionsHeld, 'connection')}: ${o.error ?? 'no error line'}`
              : `the server survived ${o.clientsConnected} clients`,
        },
      ]),
      step(outOfProcesses, [
        {
          text: 'zombies use up the process limit: fork() fails with EAGAIN',
          holds: (o) => o.crashed === 'EAGAIN' && o.serverExited,
          measured: (o) =>
            o.serverExited
              ? `the server died under ulimit -u ${o.limit} after ` +
                `${count(o.childrenForked, 'child', 'children')}: ${o.error ?? 'no error line'}`
              : `the server survived ${o.clientsConnected} clients under ulimit -u ${o.limit}`,
        },
      ]),
    ],
  },
  {
    stage: '3e',
    steps: [
      step(eintr, [
        {
          text: `answers "${HELLO}"`,
          holds: (o) => o.response.includes(HELLO),
          measured: (o) => `curl printed ${quoted(o.response)}`,
        },
        {
          text: 'the SIGCHLD handler runs and waits for the child',
          holds: (o) => o.handlerLine !== null || o.zombiesLeft === 0,
          measured: (o) =>
            o.handlerLine !== null ? `it printed "${o.handlerLine}"` : count(o.zombiesLeft ?? 0, 'zombie'),
        },
        {
          text: 'then accept() fails with EINTR, and the server dies',
          holds: (o) => o.crashed === 'EINTR' && o.serverExited,
          measured: (o) =>
            o.serverExited
              ? `the server died: ${o.error ?? 'no EINTR error line'}`
              : 'the server is still running after the SIGCHLD',
          hint: (o) => (o.serverExited ? null : restartedBy(o.serverExe)),
        },
      ]),
    ],
  },
  {
    stage: '3f',
    steps: [
      step(
        zombiesAgain,
        [
          survives('after its first request'),
          {
            text: 'its handler waits for the child: no zombie after one request',
            holds: (o) => o.curl.zombies === 0,
            measured: (o) => count(o.curl.zombies, 'zombie'),
          },
          {
            text: 'zombies are left when children exit together: signals are not queued',
            holds: (o) => o.merged.zombiesWhileStopped === o.merged.connections && o.merged.zombiesLeft >= 1,
            measured: (o) => `${o.merged.connections} children exited together: ${o.merged.zombiesLeft} left`,
          },
        ],
        { connections: 10 },
      ),
    ],
  },
  {
    stage: '3g',
    steps: [
      step(
        noZombies,
        [
          survives('after its first request'),
          {
            text: 'no zombies after client3 --max-clients 128',
            holds: (o) => o.article.connected === o.article.clients && o.article.zombies === 0,
            measured: (o) => `${o.article.connected} connections, ${count(o.article.zombies, 'zombie')}`,
            hint: () => NOT_QUEUED,
          },
          {
            text: 'no zombies when 10 children exit together',
            holds: (o) => o.merged.zombiesWhileStopped === o.merged.connections && o.merged.zombiesLeft === 0,
            measured: (o) => `${o.merged.zombiesLeft} left`,
            hint: () => NOT_QUEUED,
          },
          {
            text: "the parent's descriptor count stays flat",
            holds: (o) => o.article.fdsAfter === o.article.fdsBefore,
            measured: (o) => `${o.article.fdsBefore} descriptors before client3, ${o.article.fdsAfter} after`,
            hint: () => "close the parent's copy of each connection after fork()",
          },
        ],
        { connections: 10 },
      ),
    ],
  },
  {
    stage: '3h',
    args: ['wsgiapp:app'],
    steps: [
      step(
        wsgi,
        [
          ...wsgiServes,
          {
            text: 'serves clients concurrently',
            holds: (o) => o.concurrently,
            measured: (o) =>
              o.concurrently
                ? 'curl was answered while another client was connected'
                : 'curl waited for the other client',
          },
          {
            text: `no zombies after client3 --max-clients 64`,
            holds: (o) => o.burst.connected === o.burst.clients && o.burst.zombies === 0 && o.childrenAtEnd === 0,
            measured: (o) => `${o.burst.connected} connections, ${count(o.burst.zombies, 'zombie')}`,
            hint: () => NOT_QUEUED,
          },
        ],
        { clients: 64 },
      ),
    ],
  },
];

const sec = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

/** The checks of every stage, in the registry's order: a stage is checked when it has steps here. */
export const CHECKS: StageCheck[] = stages().flatMap((s) => {
  const steps = STEPS.find((c) => c.stage === s.stage);
  return steps === undefined ? [] : [{ ...steps, package: s.package }];
});

/** The check of a stage as `pnpm diff` names it ('3g', 'webserver3g', 'g', '1'), or undefined. */
export function findCheck(name: string): StageCheck | undefined {
  const stage = findStage(name);
  return CHECKS.find((c) => c.stage === stage?.stage);
}

/** One line of the checklist. */
export interface CheckLine {
  ok: boolean;
  /** The expectation, in the article's words. */
  text: string;
  /** What was measured, or why nothing could be. */
  measured: string;
  hint: string | null;
  /** The experiment that measured it. */
  experiment: string;
}

export interface CheckOptions {
  /** A learner's server: a shell command (else the project's own stage). */
  server?: string;
  /** Where the command runs (default INIT_CWD, the directory pnpm was run from). */
  cwd?: string;
  /** The port: PORT for the server, or the one a server that picks its own listens on. */
  port?: number;
  /** ms to wait for the server to listen (default 30 s). */
  timeout?: number;
  /** Seconds the server sleeps (LSBAWS_SLEEP) where the stage sleeps: 3b and 3c. */
  sleep?: number;
  /** Where the experiments' narration goes (default: nowhere). */
  narrate?: Writable & { isTTY?: boolean };
  /** Called with each line as soon as it is known. */
  onLine?: (line: CheckLine) => void;
  /** Called with each experiment's context when it starts (to stop it on Ctrl-C). */
  onContext?: (ctx: Context | null) => void;
}

export interface CheckResult {
  stage: string;
  server: string;
  port: number | null;
  passed: boolean;
  lines: CheckLine[];
  outcomes: Record<string, unknown>;
}

/** Runs the experiments of a stage against the server and returns the checklist; stops everything it started. */
export async function runCheck(check: StageCheck, options: CheckOptions = {}): Promise<CheckResult> {
  const target: Target =
    options.server !== undefined
      ? { kind: 'command', command: options.server, cwd: options.cwd, timeout: options.timeout }
      : { kind: 'stage', name: check.package, args: check.args };
  const lines: CheckLine[] = [];
  const outcomes: Record<string, unknown> = {};
  let port: number | null = options.port ?? null;
  const add = (line: CheckLine): void => {
    lines.push(line);
    options.onLine?.(line);
  };
  for (const s of check.steps) {
    const ctx = await Context.create({ out: options.narrate, port: options.port, target });
    port = ctx.port;
    options.onContext?.(ctx);
    const params = { ...s.params, ...(options.sleep !== undefined ? { sleep: options.sleep } : {}) };
    let outcome: unknown;
    let failure: { text: string; measured: string } | null = null;
    try {
      outcome = await s.experiment.run(ctx, optionsOf(s.experiment, params as Partial<unknown>) as Partial<unknown>);
      ctx.check(); // Ctrl-C stopped what it measured: the outcome is not the server's
      outcomes[s.experiment.name] = outcome;
    } catch (e) {
      if (e instanceof Interrupted) throw e;
      failure = failureOf(e, s.experiment.name, ctx.port);
    } finally {
      await ctx.cleanup();
      options.onContext?.(null);
    }
    if (failure !== null) add({ ok: false, ...failure, hint: null, experiment: s.experiment.name });
    for (const x of s.expect) {
      if (failure !== null) {
        add({ ok: false, text: x.text, measured: 'not measured', hint: null, experiment: s.experiment.name });
        continue;
      }
      let ok = false;
      let measured: string;
      try {
        ok = x.holds(outcome);
        measured = x.measured(outcome);
      } catch (e) {
        measured = `not measured (${e instanceof Error ? e.message : String(e)})`;
      }
      add({ ok, text: x.text, measured, hint: ok ? null : (x.hint?.(outcome) ?? null), experiment: s.experiment.name });
    }
  }
  return {
    stage: check.stage,
    server: options.server ?? check.package,
    port,
    passed: lines.every((l) => l.ok),
    lines,
    outcomes,
  };
}

/** Why an experiment could not measure, as a line of its own: what was expected, and what happened. */
function failureOf(e: unknown, experiment: string, port: number): { text: string; measured: string } {
  if (e instanceof StartError) return { text: `the server starts and listens on port ${port}`, measured: e.message };
  if (e instanceof ServerGone) return { text: 'the server keeps running', measured: e.message };
  const message = e instanceof Error ? e.message : String(e);
  const timedOut = /^timed out after (\d+) ms waiting for (.*)$/.exec(message);
  if (timedOut) {
    return {
      text: 'the server answers',
      measured: `it hangs: no ${timedOut[2]} within ${Number(timedOut[1]) / 1000} s`,
    };
  }
  return { text: `pnpm experiment ${experiment} runs`, measured: message.split('\n')[0] ?? message };
}

/** A checklist line as printed: '✓ text: measured' or '✗ text: measured (hint)'. */
export function formatLine(line: CheckLine): string {
  return `${line.ok ? '✓' : '✗'} ${line.text}: ${line.measured}${line.hint ? ` (${line.hint})` : ''}`;
}
