/**
 * Re-checks docs/fork-in-node.md, fact 3: process.on('SIGCHLD') makes libuv install a C handler
 * with SA_RESTART, under which a blocking accept(2) is restarted when a child exits instead of
 * failing; siginterrupt(SIGCHLD, 1) clears SA_RESTART and accept fails with EINTR; the
 * JavaScript handler runs only once the code yields to the event loop; poll(2), which
 * Socket.accept() waits in, fails with EINTR either way (it is never restarted).
 *
 *   node --single-threaded scripts/rechecks/dist/sa-restart.js
 */
import { setImmediate } from 'node:timers/promises';
import { Checklist } from './report.js';
import { call, platform, fork, kill, waitpid, _exit, socket, sleep } from '@lsbaws/posix/fork-steps';

const { SIGCHLD } = platform.signals;
const { EINTR } = platform.errno;

const listening = socket();
listening.bind(['127.0.0.1', 0]);
listening.listen(5);
const [, port] = listening.getsockname();

let handlerCalls = 0;
process.on('SIGCHLD', () => handlerCalls++);
// A program's very first turn of the event loop does not run a handler for a signal caught
// before it yet (the second turn does); from then on one turn is enough, as below.
await setImmediate();

/** Forks a child that sleeps `secs`, then (when `connect`) connects to the listening socket; it then exits. */
function child(secs: number, connect = false): number {
  const pid = fork();
  if (pid === 0) {
    sleep(secs);
    if (connect) socket().connect(['127.0.0.1', port]);
    _exit(0);
  }
  return pid;
}

interface Outcome {
  /** 'a connection', 'EINTR' or another errno. */
  result: string;
  /** JavaScript handler calls while the call blocked, and once the event loop had turned. */
  during: number;
  afterOneTurn: number;
}

/** One blocking call with a child exiting 1 s in and another connecting 5 s in: what came of it. */
async function blockedWhileAChildExits(
  blockingCall: () => { value: number; errno: number },
  returnsFd: boolean,
): Promise<Outcome> {
  const calls = handlerCalls;
  const exiting = child(1);
  const connecting = child(5, true);
  const { value, errno } = blockingCall();
  const during = handlerCalls - calls;
  await setImmediate();
  const afterOneTurn = handlerCalls - calls;
  if (value >= 0 && returnsFd) call('close', value);
  kill(connecting, 9);
  waitpid(exiting, 0);
  waitpid(connecting, 0);
  const result = value !== -1 ? 'a connection' : errno === EINTR ? 'EINTR' : `errno ${errno}`;
  return { result, during, afterOneTurn };
}

const said = ({ result, during, afterOneTurn }: Outcome): string =>
  `${result === 'a connection' ? 'returned a connection (5 s in)' : `failed with ${result}`}; ` +
  `the handler ran ${during} time(s) meanwhile, ${afterOneTurn} once the event loop had turned`;
const handledAfterwards = (o: Outcome): boolean => o.during === 0 && o.afterOneTurn >= 1;

function acceptListening(): { value: number; errno: number } {
  const address = Buffer.alloc(platform.sockaddrIn.size);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(address.length);
  return call('accept', listening.fileno(), address, length);
}
function pollListening(): { value: number; errno: number } {
  const { size, fdOffset, eventsOffset, POLLIN } = platform.pollfd;
  const fds = Buffer.alloc(size);
  fds.writeInt32LE(listening.fileno(), fdOffset);
  fds.writeInt16LE(POLLIN, eventsOffset);
  return call('poll', fds, 1, -1);
}

const facts = new Checklist();
const restarted = await blockedWhileAChildExits(acceptListening, true);
facts.expect(
  restarted.result === 'a connection' && handledAfterwards(restarted),
  `accept(2) under libuv's SA_RESTART: ${said(restarted)}`,
);
call('siginterrupt', SIGCHLD, 1);
const interrupted = await blockedWhileAChildExits(acceptListening, true);
facts.expect(
  interrupted.result === 'EINTR' && handledAfterwards(interrupted),
  `accept(2) after siginterrupt(SIGCHLD, 1): ${said(interrupted)}`,
);
call('siginterrupt', SIGCHLD, 0);
const polled = await blockedWhileAChildExits(pollListening, false);
facts.expect(polled.result === 'EINTR', `poll(2) with SA_RESTART back (siginterrupt(SIGCHLD, 0)): ${said(polled)}`);
listening.close();
process.exitCode = facts.done();
