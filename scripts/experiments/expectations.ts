/**
 * What the article expects of each stage, as expectations on the outcomes of the experiments
 * that define it (`pnpm check` runs them: scripts/experiments/checklist.ts). The experiments
 * measure (the same code as `pnpm experiment`); this file only says, per stage, which
 * experiments to run and what their outcomes must be, in the article's words, each one marked
 * as the article's or the project's own.
 */
import { basename } from 'node:path';
import type { Experiment } from './framework/experiment.js';
import type { SigchldOutcome } from './sigchld.js';
import type { WsgiOutcome } from './wsgi.js';
import {
  concurrent,
  eintr,
  iterative,
  manyConnections,
  noClose,
  nodeEmfile,
  noZombies,
  outOfDescriptors,
  outOfProcesses,
  prefork,
  sleeping,
  wsgi,
  zombies,
  zombiesAgain,
} from './index.js';

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

/** The expectations of a stage, as written below: the registry (scripts/lib/stages.ts) gives the package. */
export interface StageSteps {
  /** As the registry names it: '1', '2', '3a' ... '3h'. */
  stage: string;
  /** Arguments the project's stage is started with (the application of 2 and 3h). */
  args?: string[];
  steps: Step[];
}

function step<O, P>(experiment: Experiment<O, P>, expect: Array<Expectation<O>>, params?: Partial<P>): Step {
  return { experiment, expect, params } as unknown as Step;
}

const HELLO = 'Hello, World!';
const quoted = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
const count = (n: number, what: string, plural = `${what}s`): string => `${n} ${n === 1 ? what : plural}`;
const HANGS = 'no answer within 10 s: the server hangs (it accepted the connection, and answered nothing)';
const NOT_QUEUED = 'signals are not queued: reap with waitpid(-1, WNOHANG) in a loop';
const sec = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
/** How a crashing server ended, as measured: 'exited with status 1: accept: Interrupted system call (C ...)'. */
const died = (o: { exitStatus: string | null; error: string | null }, language?: string | null): string =>
  `the server ended (${o.exitStatus ?? 'exit status unknown'})` +
  (o.error !== null
    ? `: ${o.error}${language ? ` (${language})` : ''}`
    : ', and its output names no errno (lib/crashes.ts lists the words of each language it reads)');
const PRINT_ERROR = 'let the error end the server with its message (uncaught, or perror() and exit(1))';

/** 1 and 3a: Hello, World!, the request printed, one client at a time. */
const ITERATIVE = step(iterative, [
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
const wsgiServes = (parentSurvivesBy: 'article' | 'project'): Array<Expectation<WsgiOutcome>> => [
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

const survives = (when: string): Expectation<SigchldOutcome> => ({
  text: `survives the SIGCHLD of its first child (accept() restarted after EINTR)`,
  holds: (o) => o.curl.serverAlive && o.curl.response.includes(HELLO),
  measured: (o) =>
    `curl printed ${quoted(o.curl.response)}; the server ${o.curl.serverAlive ? 'is still running' : `died ${when}`}`,
  hint: () => 'when accept() fails with EINTR, call it again (3f: catch the error and continue)',
});

/** 3g's curl, by curl's own clock: it ends once answered, unless a copy of the connection stays open. */
const curlEnds: Expectation<SigchldOutcome> = {
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
function restartedBy(exe: string | null): string {
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

export const STEPS: StageSteps[] = [
  { stage: '1', steps: [ITERATIVE] },
  {
    stage: '2',
    args: ['wsgiapp:app'],
    steps: [
      step(
        wsgi,
        [
          ...wsgiServes('project'),
          {
            text: 'one client at a time',
            holds: (o) => !o.concurrently,
            measured: (o) =>
              o.concurrently
                ? 'curl was answered while another client was connected'
                : 'curl waited for the other client',
            hint: () => 'one process: accept, handle, close, then accept the next (no fork yet)',
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
              `curl printed ${quoted(o.first.response)}; /proc showed the server ` +
              (o.whileSleeping.serverBlockedIn === null
                ? 'not blocked'
                : `blocked in ${o.whileSleeping.serverBlockedIn}()`),
            hint: () => 'sleep LSBAWS_SLEEP seconds (the article: 60) after sending the answer, before closing',
          },
          {
            text: 'a second client waits in the listen queue, and is not served meanwhile',
            holds: (o) => o.whileSleeping.queued === 1 && o.whileSleeping.requestsPrinted === 1,
            measured: (o) =>
              `${count(o.whileSleeping.queued, 'connection')} in the listen queue; ` +
              `${count(o.whileSleeping.requestsPrinted, 'request')} printed`,
            hint: () => 'one process only, sleeping in the request it handles: no fork, no thread',
          },
          {
            text: "the second client waits out the first one's sleep",
            holds: (o) =>
              o.second.answerAt !== null && o.first.endedAt !== null && o.second.answerAt >= o.first.endedAt - 300,
            measured: (o) =>
              o.second.answerAt === null
                ? 'the second curl got no answer'
                : `first curl ended at ${sec(o.first.endedAt)}, second answered at ${sec(o.second.answerAt)}`,
            hint: () => 'handle one connection to its end (the sleep included) before accepting the next',
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
          hint: () => "3d keeps the parent's copy of each connection: remove 3c's close() of it in the parent",
        },
      ]),
      step(zombies, [
        {
          text: 'the exited child stays a zombie (Z, <defunct>)',
          holds: (o) => o.zombies >= 1,
          measured: (o) => `${count(o.zombies, 'zombie')} in /proc`,
          hint: () => '3d waits for no child: no SIGCHLD handler, no wait()',
        },
        {
          text: 'kill -9 does not remove it',
          holds: (o) => o.survivedKill9,
          measured: (o) => (o.survivedKill9 ? 'still there after kill -9' : 'gone after kill -9'),
          hint: () => 'a zombie is removed only when its parent waits for it: 3d waits for no child',
        },
      ]),
      step(outOfDescriptors, [
        {
          text: 'under ulimit -n 256, client3 --max-clients=300 makes accept() fail with EMFILE',
          holds: (o) => o.crashed === 'EMFILE' && o.serverExited,
          measured: (o) =>
            o.serverExited
              ? `after ${count(o.connectionsHeld, 'connection')} ${died(o)}`
              : `the server survived ${o.clientsConnected} clients`,
          hint: (o) =>
            o.serverExited ? PRINT_ERROR : "keep the parent's copy of every connection (3d), and do not catch EMFILE",
        },
      ]),
      step(outOfProcesses, [
        {
          text: 'zombies use up the process limit: fork() fails with EAGAIN',
          holds: (o) => o.crashed === 'EAGAIN' && o.serverExited,
          measured: (o) =>
            o.serverExited
              ? `under ulimit -u ${o.limit} after ${count(o.childrenForked, 'child', 'children')} ${died(o)}`
              : `the server survived ${o.clientsConnected} clients under ulimit -u ${o.limit}`,
          hint: (o) => (o.serverExited ? PRINT_ERROR : 'fork per connection and wait for no child (3d)'),
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
          measured: (o) =>
            o.serverExited ? died(o, o.crashLanguage) : 'the server is still running after the SIGCHLD',
          hint: (o) => (o.serverExited ? PRINT_ERROR : restartedBy(o.serverExe)),
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
            measured: (o) => `${count(o.curl.zombies, 'zombie')} in /proc`,
            hint: () => 'install a SIGCHLD handler that calls wait()',
          },
          {
            text: 'zombies are left when children exit together: signals are not queued',
            holds: (o) => o.merged.zombiesWhileStopped === o.merged.connections && o.merged.zombiesLeft >= 1,
            measured: (o) => `${o.merged.connections} children exited together: ${o.merged.zombiesLeft} left in /proc`,
            hint: () => "3f's handler calls wait() once per signal (3g is the one that loops)",
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
          curlEnds,
          {
            text: 'no zombies after client3 --max-clients 128',
            holds: (o) => o.article.connected === o.article.clients && o.article.zombies === 0,
            measured: (o) => `${o.article.connected} connections, ${count(o.article.zombies, 'zombie')} in /proc`,
            hint: () => NOT_QUEUED,
          },
          {
            text: 'no zombies when 10 children exit together',
            holds: (o) => o.merged.zombiesWhileStopped === o.merged.connections && o.merged.zombiesLeft === 0,
            measured: (o) => `${o.merged.zombiesLeft} left in /proc`,
            hint: () => NOT_QUEUED,
          },
          {
            text: "the parent's descriptor count stays flat",
            holds: (o) => o.article.fdsAfter === o.article.fdsBefore,
            measured: (o) => `${o.article.fdsBefore} descriptors in /proc before client3, ${o.article.fdsAfter} after`,
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
          ...wsgiServes('article'),
          {
            text: 'serves clients concurrently',
            holds: (o) => o.concurrently,
            measured: (o) =>
              o.concurrently
                ? 'curl was answered while another client was connected'
                : 'curl waited for the other client',
            hint: () => 'fork() after accept(), as 3g does',
          },
          {
            text: `no zombies after client3 --max-clients 64`,
            holds: (o) => o.burst.connected === o.burst.clients && o.burst.zombies === 0 && o.childrenAtEnd === 0,
            measured: (o) => `${o.burst.connected} connections, ${count(o.burst.zombies, 'zombie')} in /proc`,
            hint: () => NOT_QUEUED,
          },
        ],
        { clients: 64 },
      ),
    ],
  },
  // beyond the article: what a pre-forked, a poll() and a node:net server are for
  {
    stage: 'prefork',
    steps: [
      step(prefork, [
        {
          text: 'forks its children before the first client, each holding the listening socket',
          holds: (o) => o.childrenAtStart.length >= 2 && o.childrenListen,
          measured: (o) =>
            `${count(o.childrenAtStart.length, 'child', 'children')}` +
            `${o.childrenListen ? ', each holds it' : ', not all hold it'}`,
          hint: () => 'fork the children at start, after listen(), so that each inherits the listening socket',
        },
        {
          text: 'the children forked at start serve every connection, more than one of them',
          holds: (o) =>
            o.unheld === 0 &&
            o.unanswered === 0 &&
            Object.keys(o.spread).length >= 2 &&
            Object.keys(o.spread).every((pid) => o.childrenAtStart.includes(Number(pid))),
          measured: (o) => {
            const served = Object.entries(o.spread);
            const shown = served
              .slice(0, 6)
              .map(([pid, n]) => `${pid === String(o.server) ? 'the parent' : pid}: ${n}`);
            const others = served.filter(([pid]) => !o.childrenAtStart.includes(Number(pid))).length;
            return (
              `${shown.join(', ')}${served.length > 6 ? `, … (${served.length} processes)` : ''}; ` +
              `${others} not among the children at start, ${o.unheld} held by no process, ${o.unanswered} not answered`
            );
          },
          hint: () => 'fork the children once, before the first client, and let each loop on accept()',
        },
        {
          text: 'a killed child is reaped and replaced, and the server answers',
          holds: (o) => o.replaced && o.zombiesAfter === 0 && o.responseAfter.includes(HELLO),
          measured: (o) =>
            `${count(o.childrenAfter.length, 'child', 'children')} after, ${count(o.zombiesAfter, 'zombie')}, ` +
            `then ${quoted(o.responseAfter)}`,
          hint: () => 'in the SIGCHLD handler reap with waitpid(-1, WNOHANG), then fork a child in its place',
        },
      ]),
    ],
  },
  {
    stage: 'poll',
    steps: [
      step(
        manyConnections,
        [
          {
            text: 'holds every idle connection in one process, with no child',
            holds: (o) => o.idle.processes === 1 && o.idle.held >= o.connections,
            measured: (o) => `${count(o.idle.processes, 'process', 'processes')} holding ${o.idle.held} connections`,
            hint: () => 'register every connection with poll() in the one process instead of forking a child for it',
          },
          {
            text: `answers "${HELLO}" at once while they are all silent`,
            holds: (o) => o.curl.response.includes(HELLO),
            measured: (o) => `curl printed ${quoted(o.curl.response)} after ${o.curl.ms} ms`,
            hint: () => 'wait for every descriptor at once (poll), and recv only from one that is ready',
          },
          {
            text: 'answers each of them once it sends its request, and closes them',
            holds: (o) => o.answeredLate === o.connections && o.descriptorsAfter <= o.descriptorsBefore,
            measured: (o) =>
              `${o.answeredLate} of ${o.connections} answered; ${o.descriptorsAfter} descriptors after, ` +
              `${o.descriptorsBefore} before`,
            hint: () => 'once a connection is answered, unregister it from poll() and close it',
          },
        ],
        { connections: 200 },
      ),
    ],
  },
  {
    stage: 'net',
    steps: [
      step(nodeEmfile, [
        {
          text: 'one process: no children',
          holds: (o) => o.children === 0,
          measured: (o) => count(o.children, 'child', 'children'),
          hint: () => "serve every connection in the one process, on node:net's 'connection' events: no fork",
        },
        {
          text: 'survives running out of descriptors (ulimit -n 64, 100 clients at once) and answers again',
          holds: (o) => o.alive && o.responseAfter.includes(HELLO),
          measured: (o) =>
            `${o.alive ? 'still running' : 'gone'}: ${o.held} connections held, ${o.dropped} dropped; ` +
            `then curl printed ${quoted(o.responseAfter)}`,
          hint: () => "handle accept()'s EMFILE (Node: a server 'error' listener) instead of dying of it",
        },
        {
          text: 'answers the connections it kept',
          holds: (o) => o.held > 0 && o.answered === o.held,
          measured: (o) => `${o.answered} of ${o.held} answered`,
          hint: () => "answer each connection's request when its data arrives, then end it",
        },
      ]),
    ],
  },
];
