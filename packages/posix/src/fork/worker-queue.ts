/**
 * Node's platform task queue, as a forked child needs it (docs/fork-in-node.md, fact 4).
 *
 * V8 posts work to the platform's worker threads even with --single-threaded (a full collection
 * does on every Node line; a scavenge does too from Node 26). The workers sleep in
 * pthread_cond_wait on the queue's condition variable. The child has none of those threads, but
 * the variable, copied by fork(), still counts them, and glibc's pthread_cond_signal waits for a
 * woken waiter to leave its group: for ever. A worker may also have held the queue's lock at the
 * instant of fork(), and the child would never get it.
 *
 * So the child, first thing after fork(), does what a pthread_atfork(3) child handler does: it makes
 * the queue's lock and condition new, which it is the only thread to use. It writes them as libc's
 * pthread_mutex_init(3) and pthread_cond_init(3) leave them, a copy of a pair those calls made in
 * the parent, so that the step makes no call through ffi-rs (the bench's JavaScript children, whose
 * calls go through koffi, take the same step; for webserver3g it changes nothing measurable, as the
 * child's next call through ffi-rs pays what these two paid). (Holding the lock across fork() in the parent,
 * as a prepare handler would, deadlocks here: JavaScript runs between the calls, and a
 * collection there posts a task, which takes the same lock, from the thread that holds it.)
 * All it needs to know is where the two are:
 * - the condition variable, from where the workers sleep: /proc/self/task/TID/syscall shows the
 *   futex word each one waits on, which lies in the variable (glibc's pthread_cond_t);
 * - the lock, just before it: Node's TaskQueue declares `Mutex lock_;` and then
 *   `ConditionVariable tasks_available_;` (src/node_platform.h, the same from Node 8 to 26).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { platform } from '../platform/index.js';
import { call, memory } from '../libc.js';
import { sleep } from '../time.js';
import { checkCondition, checkLibc, checkMapping, checkMutex } from './queue-checks.js';

type Layout = NonNullable<typeof platform.forkSafety>;

/** The queue's lock and condition, once found and checked: their addresses, and their memory (lock, then condition). */
let queue: { mutex: bigint; cond: bigint; memory: Buffer } | null = null;
/** A new lock and condition, as the child writes them over the queue's (made by prepareWorkerQueue). */
let newQueue: Buffer | null = null;

/**
 * Before the first fork(), in the parent, once: finds the queue, checks what the child will write
 * over (queue-checks.ts), and makes the new pair the child copies. Throws, in one line, where it
 * cannot: the workers sleep between two tasks, and their lock and condition change as they wake,
 * so it looks again for up to a second before it gives up.
 */
export function prepareWorkerQueue(): void {
  const layout = platform.forkSafety;
  if (layout === null || newQueue !== null) return;
  const libc = libcVersion();
  refuseIf(checkLibc(libc, layout), libc);
  let doubt = "Node's platform worker threads were not found asleep on their task queue";
  for (let tries = 0; queue === null && tries < 100; tries++) {
    doubt = findWorkerQueue(layout) ?? doubt;
    if (queue === null) sleep(0.01);
  }
  if (queue === null) refuseIf(doubt, libc);
  newQueue = makeNewQueue(layout);
}

/** Throws the refusal, in one line, when a check said what did not match. */
function refuseIf(doubt: string | null, libc: string | null): void {
  if (doubt === null) return;
  throw new Error(
    `@lsbaws/posix: fork() refused: ${doubt} (Node ${process.version}, ` +
      `${libc === null ? 'no glibc' : `glibc ${libc}`}; docs/fork-in-node.md, fact 4), ` +
      'so a child that collected garbage could hang or write over other memory',
  );
}

/** gnu_get_libc_version(3), or null where libc has no such function. */
function libcVersion(): string | null {
  try {
    return call('gnu_get_libc_version').value as string;
  } catch {
    return null;
  }
}

/**
 * Finds the queue from its sleeping workers and checks it: sets `queue` when every check passes;
 * otherwise returns what did not match (null when no worker was found asleep, or /proc could not be read).
 */
function findWorkerQueue(layout: Layout): string | null {
  try {
    const found = workersCondition(layout);
    if (found === null) return null;
    const { cond, sleepers } = found;
    const size = layout.mutex.size + layout.cond.size;
    const mutex = cond - BigInt(layout.mutex.size);
    const unmapped = checkMapping(readFileSync('/proc/self/maps', 'utf8'), mutex, mutex + BigInt(size));
    if (unmapped !== null) return unmapped;
    const view = memory(mutex, size);
    const bytes = Buffer.from(view); // one copy to check: the threads may change the memory meanwhile
    const threads = readdirSync('/proc/self/task').map(Number);
    const doubt =
      checkMutex(bytes.subarray(0, layout.mutex.size), threads, layout) ??
      checkCondition(bytes.subarray(layout.mutex.size), cond, sleepers, threads, layout);
    if (doubt === null) queue = { mutex, cond, memory: view };
    return doubt;
  } catch {
    return null; // /proc could not be read (no descriptor left, say): not found this time
  }
}

/** In the child, right after fork(): the lock and the condition new, nobody holding or waiting. */
export function resetWorkerQueueInChild(): void {
  if (newQueue !== null) queue?.memory.set(newQueue);
}

/**
 * A lock and a condition as pthread_mutex_init(3) (default attributes, as uv_mutex_init gives) and
 * pthread_cond_init(3) (CLOCK_MONOTONIC, as uv_cond_init sets) leave them: made once, by those
 * calls on memory of this module's own (kept for the life of the process), so that the child only
 * copies bytes. Throws where ffi-rs's view of that memory is a copy of it.
 */
function makeNewQueue(layout: Layout): Buffer {
  const attributes = Buffer.alloc(layout.condattrSize);
  call('pthread_condattr_init', attributes);
  call('pthread_condattr_setclock', attributes, layout.CLOCK_MONOTONIC);
  const size = layout.mutex.size + layout.cond.size;
  const address = call('malloc', size).value as bigint;
  if (address === 0n) throw new Error("@lsbaws/posix: malloc failed (the task queue's new lock and condition)");
  const pair = memory(address, size);
  pair.fill(0xff); // the calls below must show through: the view is the memory itself, not a copy of it
  call('pthread_mutex_init', address, 0n);
  call('pthread_cond_init', address + BigInt(layout.mutex.size), attributes);
  if (pair.readUInt32LE(0) !== 0)
    throw new Error(
      "@lsbaws/posix: fork() refused: ffi-rs's createExternalBuffer copies memory in this runtime, so a child " +
        "could not make Node's task queue new (docs/fork-in-node.md, fact 4)",
    );
  return pair;
}

/**
 * The condition variable the platform's workers sleep on, and the threads asleep there with the
 * futex word each waits on: the one threads named V8Worker wait on (Node 24 and later name them);
 * where no thread has that name (Node 20 and 22), the one most threads wait on, if no other has as
 * many; null while none sleeps there.
 */
function workersCondition(layout: Layout): { cond: bigint; sleepers: Sleeper[] } | null {
  const byCondition = new Map<bigint, { sleepers: Sleeper[]; workers: number }>();
  let named = false;
  for (const tid of readdirSync('/proc/self/task')) {
    if (Number(tid) === process.pid) continue;
    const worker = /V8Worker/.test(readThreadFile(tid, 'comm') ?? '');
    named ||= worker;
    const word = futexWaitedOn(layout, tid);
    if (word === null) continue;
    // the word is __g_signals[0] or [1]; the variable starts at the aligned address before them
    const cond = (word - BigInt(layout.cond.signalsOffset)) & ~BigInt(layout.cond.align - 1);
    const entry = byCondition.get(cond) ?? { sleepers: [], workers: 0 };
    entry.sleepers.push({ tid: Number(tid), word });
    if (worker) entry.workers++;
    byCondition.set(cond, entry);
  }
  const [best, next] = [...byCondition].sort(
    ([, a], [, b]) => b.workers - a.workers || b.sleepers.length - a.sleepers.length,
  );
  if (best === undefined) return null;
  const [cond, { sleepers, workers }] = best;
  if (workers > 0) return { cond, sleepers };
  if (named) return null; // the workers have names (Node 24 and later), and none of them sleeps here yet
  if (next !== undefined && next[1].sleepers.length === sleepers.length) return null; // a tie: nothing tells them apart
  return { cond, sleepers };
}

/** A thread asleep in futex(FUTEX_WAIT_BITSET), and the address of the word it waits on. */
type Sleeper = { tid: number; word: bigint };

/** The futex word a thread waits on in futex(FUTEX_WAIT_BITSET), as pthread_cond_wait does, or null. */
function futexWaitedOn(layout: Layout, tid: string): bigint | null {
  // "202 0x2a0a69d0 0x189 0x0 ...": the system call's number, then its arguments (proc(5))
  const [nr, futexWord, op] = (readThreadFile(tid, 'syscall') ?? '').trim().split(' ');
  if (
    futexWord === undefined ||
    Number(nr) !== layout.nrFutex ||
    (Number(op) & ~layout.FUTEX_FLAGS) !== layout.FUTEX_WAIT_BITSET
  )
    return null;
  return BigInt(futexWord);
}

/** A file of /proc/self/task/TID, or null once the thread has exited. */
function readThreadFile(tid: string, name: string): string | null {
  try {
    return readFileSync(`/proc/self/task/${tid}/${name}`, 'utf8');
  } catch {
    return null;
  }
}

/** Whether the queue has been found (docs/fork-in-node.md's re-check reports it). */
export function workerQueueFound(): boolean {
  return queue !== null;
}
