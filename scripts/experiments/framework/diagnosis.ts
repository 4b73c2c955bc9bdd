/**
 * The faults the stages exist to teach, and the measurements that show each: the one place that
 * maps what an experiment measured to a fault, so that a fault reads the same in every stage.
 *
 * A stage's expectation names the faults that can make it fail (`faults`), most telling first;
 * a failing line is diagnosed as the first of them that the evidence of its run shows (diagnose()).
 * A fault with no `shows` is shown by its line failing: its line measures exactly that fault.
 * When none fits, the line says what was measured and offers no fix.
 */

/** What a run measured, as the faults read it: each experiment fills in what it measures (evidence of a step). */
export interface Evidence {
  /**
   * Clients connected and not done with (a request not yet sent, or an answer not yet ended), and
   * the server's live children then: a forking server has a child per client.
   */
  waiting?: { clients: number; children: number };
  /** Connections handed to a child that the parent still held, and how many /proc showed. */
  parentHolds?: { held: number; of: number };
  /** The parent's open descriptors before and after a burst of clients. */
  parentFds?: { before: number; after: number };
  /** Processes that held the listening socket while the children ran (1: the parent only). */
  listenerHolders?: number;
  /** Zombies once the child of one request had exited and the server was back in accept(). */
  zombiesAfterOne?: number;
  /** Of `exited` children that exited together (their SIGCHLDs merged), the zombies left. */
  zombiesMerged?: { exited: number; left: number };
  /** The errno the server died of, read from its own words (lib/crashes.ts), or null when it named none. */
  diedOf?: string | null;
  /** After answering, the server kept the connection open for its sleep (3b, 3c): false when it closed at once. */
  slept?: boolean;
  /**
   * The runtime restarted accept() after a signal handler by itself, whatever the program does:
   * its name and why (Python 3: PEP 475). The lesson of 3e cannot be seen on it.
   */
  restartingRuntime?: string;
}

/** A fault: what it is called on a failing line, what shows it, and its fix. */
export interface FaultEntry {
  /** As a failing line names it: 'no reaping at all'. */
  name: string;
  /** The measurements that show it; without it, the fault is shown by its own line failing. */
  shows?: (e: Evidence) => boolean;
  /** What to change. */
  fix: string;
  /** Its name with what was measured, when that reads better than the name alone. */
  says?: (e: Evidence) => string;
  /**
   * Shown, it fails every line that names it, whatever the line measured: without it, what the
   * line measured does not mean what the line says (no fork: no child to reap, no SIGCHLD to survive).
   */
  overrules?: true;
  /** A runtime's doing, not the program's: the line is neither passed nor failed. */
  runtime?: true;
}

const NOT_QUEUED = 'signals are not queued: reap with waitpid(-1, WNOHANG) in a loop';

/** The table: every fault a stage's expectation can name. */
export const FAULTS = {
  // what the article's Part 3 teaches
  'no-fork': {
    name: 'no fork: the server handles each client itself',
    shows: (e) => e.waiting !== undefined && e.waiting.clients >= 1 && e.waiting.children === 0,
    says: (e) =>
      `no fork: 0 children while ${e.waiting?.clients === 1 ? '1 client' : `${e.waiting?.clients ?? '?'} clients`} ` +
      'waited, the server handles each itself',
    overrules: true,
    fix: 'fork() after accept(): the child handles the connection, the parent accepts the next',
  },
  'no-close-parent': {
    name: 'no close in the parent: it keeps its copy of each connection',
    shows: (e) =>
      (e.parentHolds !== undefined && e.parentHolds.held > 0) ||
      (e.parentFds !== undefined && e.parentFds.after > e.parentFds.before),
    fix: "close the parent's copy of the client connection after fork()",
  },
  'no-close-child': {
    name: 'no close in the child: each child keeps its copy of the listening socket',
    shows: (e) => e.listenerHolders !== undefined && e.listenerHolders > 1,
    fix: "close the child's copy of the listening socket after fork()",
  },
  'no-reaping': {
    name: 'no reaping at all: a zombie is left by every request',
    shows: (e) =>
      e.zombiesAfterOne !== undefined &&
      e.zombiesAfterOne >= 1 &&
      (e.zombiesMerged === undefined || e.zombiesMerged.left >= e.zombiesMerged.exited),
    fix: 'install a SIGCHLD handler that reaps with waitpid(-1, WNOHANG) in a loop',
  },
  'reaps-once': {
    name: 'reaping once per signal: zombies are left only when children exit together',
    shows: (e) => e.zombiesAfterOne === 0 && e.zombiesMerged !== undefined && e.zombiesMerged.left >= 1,
    fix: NOT_QUEUED,
  },
  eintr: {
    name: 'EINTR not restarted: it dies when SIGCHLD interrupts accept()',
    shows: (e) => e.diedOf === 'EINTR',
    fix: 'when accept() fails with EINTR, call it again (3f: catch the error and continue)',
  },
  emfile: {
    name: 'out of descriptors: it dies when accept() fails with EMFILE',
    shows: (e) => e.diedOf === 'EMFILE',
    fix:
      "handle accept()'s EMFILE instead of dying of it (leave or drop the connection, and go on), " +
      'and close every descriptor it is done with',
  },
  eagain: {
    name: 'out of processes: it dies when fork() fails with EAGAIN',
    shows: (e) => e.diedOf === 'EAGAIN',
    fix: 'reap every child that has exited: zombies count against the process limit',
  },
  'no-sleep': {
    name: 'does not sleep: it closes the connection as soon as it has answered',
    shows: (e) => e.slept === false,
    overrules: true,
    fix: 'sleep LSBAWS_SLEEP seconds (the article: 60) after sending the answer, before closing',
  },
  'runtime-restarts-accept': {
    name: 'its runtime restarts accept() after a signal handler itself, so this lesson cannot be seen on it',
    shows: (e) => e.restartingRuntime !== undefined,
    says: (e) =>
      `not the program's doing: ${e.restartingRuntime ?? 'its runtime'} retries accept() after a signal ` +
      `handler itself, so the article's EINTR cannot happen on it`,
    fix: 'run it with python2, or see the lesson with pnpm experiment eintr',
    runtime: true,
  },
  // shown by their own line failing: the line measures exactly that
  'no-listen': {
    name: 'it does not listen on the port',
    fix: 'listen on the port given as PORT (or name the port it listens on with --port)',
  },
  'wrong-answer': {
    name: 'no "Hello, World!" in the answer',
    fix: 'send "HTTP/1.1 200 OK", an empty line and "Hello, World!" on every connection',
  },
  'no-close': {
    name: 'the connection is not closed after the answer',
    fix: 'close the client connection once the response is sent',
  },
  'no-print': { name: 'the request is not printed', fix: 'print the request it received (and flush its output)' },
  forks: {
    name: 'more than one process: this stage serves one client at a time',
    fix: 'one process that accepts, answers and closes a connection before it accepts the next (no fork yet)',
  },
  'serves-during-sleep': {
    name: 'a second client is served while the first one sleeps',
    fix: 'handle one connection to its end (the sleep included) before accepting the next',
  },
  'no-app': {
    name: 'the application is not served',
    fix: 'import the module:callable given on the command line and send what it returns',
  },
  'no-4xx': {
    name: 'a malformed request gets no 4xx',
    fix: 'answer 400 Bad Request when the request line does not parse, instead of failing',
  },
  'dies-of-bad-request': {
    name: 'a malformed request stops the server',
    fix: 'handle each request in a child, or catch what a bad request raises, so the server goes on',
  },
  // 3d and 3e show faults on purpose: a server without them is not yet that stage (shown by the
  // server still running where the stage dies)
  'closes-parent-copy': {
    name: 'the parent closes its copy of the connection, which 3d does not',
    fix: "3d keeps the parent's copy of each connection: remove 3c's close() of it in the parent",
  },
  reaps: {
    name: 'the server reaps its children, which 3d does not',
    fix: '3d waits for no child: no SIGCHLD handler, no wait()',
  },
  'survives-emfile': {
    name: 'the server does not run out of descriptors',
    shows: (e) => e.diedOf === undefined,
    fix: "keep the parent's copy of every connection (3d), and do not catch EMFILE",
  },
  'survives-eagain': {
    name: 'the server does not run out of processes',
    shows: (e) => e.diedOf === undefined,
    fix: 'fork per connection and wait for no child (3d)',
  },
  'no-handler': { name: 'no SIGCHLD handler that waits', fix: 'install a SIGCHLD handler that calls wait()' },
  'reaps-in-a-loop': {
    name: 'it reaps every child of a merged signal, as 3g does',
    fix: "3f's handler calls wait() once per signal (3g is the one that loops)",
  },
  'not-concurrent': {
    name: 'clients are not served concurrently',
    fix: 'fork() after accept(), as 3g does',
  },
  'restarts-accept': {
    name: 'accept() was restarted after the signal handler (a handler installed with SA_RESTART)',
    shows: (e) => e.diedOf === undefined && e.restartingRuntime === undefined,
    fix: "install the handler without SA_RESTART (sigaction; glibc's signal() sets it), and let EINTR end the server",
  },
  'crash-unread': {
    name: 'it ended with no errno in its output',
    shows: (e) => e.diedOf === null,
    fix: 'let the error end the server with its message (uncaught, or perror() and exit(1))',
  },
  // beyond the article
  'no-prefork': {
    name: 'no children forked at start',
    fix: 'fork the children at start, after listen(), so that each inherits the listening socket',
  },
  'not-spread': {
    name: 'the children forked at start do not serve the connections',
    fix: 'fork the children once, before the first client, and let each loop on accept()',
  },
  'no-replace': {
    name: 'a killed child is not reaped and replaced',
    fix: 'in the SIGCHLD handler reap with waitpid(-1, WNOHANG), then fork a child in its place',
  },
  'not-one-process': {
    name: 'not one process holding every connection',
    fix: 'register every connection with poll() in the one process instead of forking a child for it',
  },
  'blocks-on-one': {
    name: 'a silent connection blocks the others',
    fix: 'wait for every descriptor at once (poll), and recv only from one that is ready',
  },
  'not-closed-after': {
    name: 'connections are not all answered and closed',
    fix: 'once a connection is answered, unregister it from poll() and close it',
  },
  'net-forks': {
    name: 'children: not one process',
    fix: "serve every connection in the one process, on node:net's 'connection' events: no fork",
  },
  'net-drops': {
    name: 'it does not answer again after running out of descriptors',
    fix: "handle accept()'s EMFILE (Node: a server 'error' listener) instead of dying of it",
  },
  'net-unanswered': {
    name: 'connections it kept are not answered',
    fix: "answer each connection's request when its data arrives, then end it",
  },
} satisfies Record<string, FaultEntry>;

/** A fault of the table, by its key. */
export type Fault = keyof typeof FAULTS;

/**
 * A fault only one stage's expectation can show, written in that stage's check.ts: shown by its
 * line failing (the line measures exactly it), so it needs no measurement of its own here.
 */
export interface OwnFault {
  name: string;
  fix: string;
}

/** What an expectation names: a fault of the table, or one of its stage's own. */
export type FaultRef = Fault | OwnFault;

/** A failing line's diagnosis: the fault, as named, and its fix; or none, when no fault fits. */
export interface Diagnosis {
  /** The table's key, or null for a stage's own fault. */
  fault: Fault | null;
  name: string;
  fix: string;
  runtime: boolean;
}

const entryOf = (f: FaultRef): FaultEntry => (typeof f === 'string' ? FAULTS[f] : f);

/**
 * The first of faults (a line's, most telling first) that the evidence shows; a fault with no
 * `shows` of its own is shown by the line failing. null: no fault fits what was measured.
 */
export function diagnose(faults: readonly FaultRef[], evidence: Evidence): Diagnosis | null {
  const found =
    faults.find((f) => entryOf(f).shows?.(evidence) === true) ?? faults.find((f) => entryOf(f).shows === undefined);
  if (found === undefined) return null;
  const e = entryOf(found);
  const fault = typeof found === 'string' ? found : null;
  return { fault, name: e.says?.(evidence) ?? e.name, fix: e.fix, runtime: e.runtime === true };
}

/** Whether a fault among faults that fails its line whatever the line measured is shown (no fork). */
export function overruled(faults: readonly FaultRef[], evidence: Evidence): boolean {
  return faults.some((f) => {
    const e = entryOf(f);
    return e.overrules === true && e.shows?.(evidence) === true;
  });
}
