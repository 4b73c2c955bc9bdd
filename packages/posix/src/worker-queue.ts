/**
 * Node's platform task queue, as a forked child needs it (the measurements are in this
 * package's README, "A full collection in a child").
 *
 * The parent's platform worker threads sleep in pthread_cond_wait on the queue's condition
 * variable. The child has none of those threads, but the variable still counts them, and
 * glibc's pthread_cond_signal may wait there for a woken waiter to leave its group: for ever.
 * V8 posts work to the queue even with --single-threaded (a full collection does), so a
 * child that collected could hang. The parent finds the queue once, from where its workers
 * sleep; every child then puts the queue's mutex and condition variables back in the state
 * pthread_mutex_init and pthread_cond_init leave: unlocked, nobody waiting.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { platform } from './platform/index.js';
import { call } from './libc.js';

type Layout = NonNullable<typeof platform.forkSafety>;

/** Where the queue's mutex starts, and the bytes that make it and both conditions fresh. */
let fresh: { address: bigint; image: Buffer } | null = null;
/** Searches left: a Node whose queue has another layout (Node 24's) is not searched for ever. */
let searches = 10;

/**
 * Finds the queue from its sleeping workers, until found: when this module loads, while
 * nothing has woken them yet, and otherwise before each fork(), ten times at most.
 */
export function findWorkerQueue(): void {
  const layout = platform.forkSafety;
  if (fresh !== null || layout === null || searches === 0) return;
  searches--;
  try {
    const byWaiters = [...conditionsWaitedOn(layout)].sort(([, a], [, b]) => b - a);
    for (const [cond, sleepers] of byWaiters) {
      fresh = freshTaskQueue(layout, cond, sleepers);
      if (fresh !== null) return;
    }
  } catch {
    // /proc could not be read (no descriptor left, say): this fork goes without
  }
  // not found (the workers are busy, or the layout is another): the next fork() looks again
}
findWorkerQueue();

/** In the child, right after fork(): the queue's lock and conditions as if just initialised. */
export function resetWorkerQueueInChild(): void {
  if (fresh !== null) call('memcpy', fresh.address, fresh.image, fresh.image.length);
}

/** The condition variables this process's other threads sleep on, with how many sleep there. */
function conditionsWaitedOn(layout: Layout): Map<bigint, number> {
  const waiting = new Map<bigint, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    if (Number(tid) === process.pid) continue;
    let syscall: string; // "202 0x2a0a69d0 0x189 0x0 ...": number, then arguments (proc(5))
    try {
      syscall = readFileSync(`/proc/self/task/${tid}/syscall`, 'utf8');
    } catch {
      continue; // the thread has exited
    }
    const [nr, futexWord, op] = syscall.trim().split(' ');
    if (
      futexWord === undefined ||
      Number(nr) !== layout.nrFutex ||
      (Number(op) & ~layout.FUTEX_FLAGS) !== layout.FUTEX_WAIT_BITSET
    )
      continue;
    // the word is __g_signals[0] or [1]; the variable starts at the aligned address before them
    const cond = (BigInt(futexWord) - BigInt(layout.cond.signalsOffset)) & ~BigInt(layout.cond.align - 1);
    waiting.set(cond, (waiting.get(cond) ?? 0) + 1);
  }
  return waiting;
}

/**
 * If the condition variable at `cond` is a TaskQueue's tasks_available_ (it counts at least
 * `sleepers` waiters, and a std::deque follows where Node's layout puts it), the address of
 * the queue's mutex and the bytes that reset the mutex and both conditions; otherwise null.
 */
function freshTaskQueue(layout: Layout, cond: bigint, sleepers: number): { address: bigint; image: Buffer } | null {
  const { mutex, cond: c, taskQueue } = layout;
  const address = cond - BigInt(mutex.size);
  const bytes = readOwnMemory(address, mutex.size + taskQueue.dequeOffset + 6 * 8);
  if (bytes === null) return null;
  const wrefs = bytes.readUInt32LE(mutex.size + c.wrefsOffset);
  // libstdc++'s deque: _M_map, _M_map_size, _M_start { cur, first, last, node }, _M_finish { ... }
  const deque = mutex.size + taskQueue.dequeOffset;
  const word = (i: number): bigint => bytes.readBigUInt64LE(deque + 8 * i);
  const isDeque = word(0) !== 0n && word(4) - word(3) === BigInt(taskQueue.dequeNodeBytes);
  if (wrefs >>> 3 < sleepers || !isDeque) return null;

  const image = Buffer.alloc(mutex.size + 2 * c.size); // lock_, tasks_available_, tasks_drained_
  bytes.copy(image, mutex.stateSize, mutex.stateSize, mutex.size); // the mutex's kind stays
  for (const at of [mutex.size, mutex.size + c.size]) {
    image.writeUInt32LE(bytes.readUInt32LE(at + c.wrefsOffset) & c.wrefsAttrMask, at + c.wrefsOffset);
  }
  return { address, image };
}

/** Reads this process's memory through /proc/self/mem; null where nothing is mapped. */
function readOwnMemory(address: bigint, length: number): Buffer | null {
  const fd = openSync('/proc/self/mem', 'r');
  try {
    const buffer = Buffer.alloc(length);
    return readSync(fd, buffer, 0, length, address) === length ? buffer : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Whether the queue has been found (docs/fork-in-node.md's re-check reports it). */
export function workerQueueFound(): boolean {
  return fresh !== null;
}
