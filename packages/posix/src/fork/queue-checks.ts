/**
 * What the parent checks before it trusts the task queue it found (worker-queue.ts): the child
 * will write a new lock and condition over those bytes, so each assumption about them is checked
 * first, and any doubt refuses fork(). Pure functions of what was read (the bytes, /proc's
 * facts, libc's name), so that a test can hand them wrong ones; each returns what did not match,
 * in a few words, or null.
 */
import type { Platform } from '../platform/index.js';

type Layout = NonNullable<Platform['forkSafety']>;

/** gnu_get_libc_version(3), or null where libc has none: the layouts are glibc's, from glibcSince on. */
export function checkLibc(version: string | null, layout: Layout): string | null {
  if (version === null)
    return (
      'the C library is not glibc (it has no gnu_get_libc_version: musl, as on Alpine?), ' +
      "and the task queue's lock and condition are glibc's"
    );
  const [major, minor] = version.split('.').map(Number);
  const [sinceMajor, sinceMinor] = layout.glibcSince;
  if (major === undefined || minor === undefined || !Number.isInteger(major) || !Number.isInteger(minor))
    return `the C library says it is glibc "${version}", which is not a version`;
  if (major < sinceMajor || (major === sinceMajor && minor < sinceMinor))
    return `glibc ${version} is older than ${sinceMajor}.${sinceMinor}, whose pthread_cond_t the table describes`;
  return null;
}

/** That [start, end) lies in readable and writable mappings of /proc/self/maps (the child will write there). */
export function checkMapping(maps: string, start: bigint, end: bigint): string | null {
  const writable = maps
    .split('\n')
    .map((line) => /^([0-9a-f]+)-([0-9a-f]+) rw/.exec(line))
    .flatMap((m) => (m === null ? [] : [[BigInt(`0x${m[1]}`), BigInt(`0x${m[2]}`)] as const]))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let covered = start;
  for (const [from, to] of writable) if (from <= covered && covered < to) covered = to;
  if (covered >= end) return null;
  return `the queue's lock and condition (${hex(start)} to ${hex(end)}) are not in writable memory (/proc/self/maps)`;
}

/** glibc's mutex kinds libuv's uv_mutex_init makes: PTHREAD_MUTEX_NORMAL (release builds), ERRORCHECK (debug). */
const UV_MUTEX_KINDS = [0, 2];
/** glibc's lock-elision bits of __kind (PTHREAD_MUTEX_ELISION_NP, PTHREAD_MUTEX_NO_ELISION_NP), set by tunables. */
const ELISION_BITS = 256 | 512;

/**
 * That the mutex.size bytes before the condition are a glibc mutex as libuv makes one, in a state
 * the running threads can leave it in: unlocked or locked (with waiters), owned by nobody or by one
 * of this process's threads (`threads`: /proc/self/task), no more users than threads, not recursive
 * and not robust.
 */
export function checkMutex(bytes: Buffer, threads: readonly number[], layout: Layout): string | null {
  const m = layout.mutex;
  const lock = bytes.readInt32LE(m.lockOffset);
  const count = bytes.readUInt32LE(m.countOffset);
  const owner = bytes.readInt32LE(m.ownerOffset);
  const users = bytes.readUInt32LE(m.nusersOffset);
  const kind = bytes.readInt32LE(m.kindOffset);
  const what = `the ${m.size} bytes before the queue's condition are not a glibc mutex as libuv makes one`;
  if (!UV_MUTEX_KINDS.includes(kind & ~ELISION_BITS)) return `${what}: __kind is ${kind}, not 0 or 2`;
  if (![0, 1, 2].includes(lock)) return `${what}: __lock is ${lock}, not 0, 1 or 2`;
  if (count !== 0) return `${what}: __count is ${count}, not 0`;
  if (owner !== 0 && !threads.includes(owner))
    return `${what}: __owner is ${owner}, neither 0 nor a thread of this process`;
  if (users > threads.length) return `${what}: __nusers is ${users}, more than the process's ${threads.length} threads`;
  if (bytes.readBigUInt64LE(m.listOffset) !== 0n || bytes.readBigUInt64LE(m.listOffset + 8) !== 0n)
    return `${what}: its robust __list is not empty`;
  return null;
}

/** __wrefs' flags (glibc's pthread_cond_common.c): bit 0 process-shared, bit 1 CLOCK_MONOTONIC. */
const WREFS_SHARED = 1,
  WREFS_MONOTONIC = 2,
  WREFS_WAITER = 8;

/**
 * That the condition at `cond` is the one the workers sleep on: each sleeper's futex word is one
 * of its __g_signals, and its __wrefs counts at least those sleepers (no more waiters than threads)
 * with the flags uv_cond_init gives (process-private, CLOCK_MONOTONIC), which the child's new one has too.
 */
export function checkCondition(
  bytes: Buffer,
  cond: bigint,
  sleepers: ReadonlyArray<{ tid: number; word: bigint }>,
  threads: readonly number[],
  layout: Layout,
): string | null {
  const c = layout.cond;
  for (const { tid, word } of sleepers) {
    const offset = word - cond;
    if (offset !== BigInt(c.signalsOffset) && offset !== BigInt(c.signalsOffset + 4))
      return (
        `thread ${tid} sleeps on the futex word ${offset} bytes into the queue's condition, ` +
        `not on its __g_signals (${c.signalsOffset} or ${c.signalsOffset + 4})`
      );
  }
  const wrefs = bytes.readUInt32LE(c.wrefsOffset);
  const waiters = Math.floor(wrefs / WREFS_WAITER);
  const what = "the queue's condition is not the one its workers sleep on";
  if ((wrefs & (WREFS_SHARED | WREFS_MONOTONIC)) !== WREFS_MONOTONIC)
    return `${what}: its __wrefs (${wrefs}) is not a process-private CLOCK_MONOTONIC one's, as uv_cond_init makes`;
  if (waiters < sleepers.length)
    return `${what}: its __wrefs (${wrefs}) counts ${waiters} waiters, fewer than the ${sleepers.length} seen asleep`;
  if (waiters > threads.length)
    return `${what}: its __wrefs (${wrefs}) counts ${waiters} waiters, more than its ${threads.length} threads`;
  return null;
}

const hex = (n: bigint): string => `0x${n.toString(16)}`;
