// What os.fork() checks before it writes a new lock and condition over Node's task queue in a child
// (packages/posix/src/fork/queue-checks.ts): each check handed a wrong fact on purpose refuses, in words
// naming what did not match; and os.fork() with a wrong layout refuses in one line, without hanging or crashing.
import t from 'tap';
import { platform } from '../packages/posix/src/platform/index.js';
import { checkCondition, checkLibc, checkMapping, checkMutex } from '../packages/posix/src/fork/queue-checks.js';
import { startFixture } from './fixture.js';

const maybeLayout = platform.forkSafety;
if (maybeLayout === null) throw new Error(`no fork safety on ${platform.name}`);
const layout = maybeLayout;
const { mutex: m, cond: c } = layout;

/** This process's threads, as /proc/self/task would list them. */
const threads = [1000, 1001, 1002, 1003, 1004, 1005, 1006];
/** A lock as Node's queue has it while its 4 workers wait: unlocked, 4 users (glibc counts a waiter's lock). */
const mutexBytes = (change: (b: Buffer) => void = () => {}): Buffer => {
  const b = Buffer.alloc(m.size);
  b.writeUInt32LE(4, m.nusersOffset);
  change(b);
  return b;
};
const cond = 0x7f0000001000n;
/** A condition uv_cond_init made (CLOCK_MONOTONIC), 4 waiters counted in __wrefs. */
const condBytes = (wrefs = (4 << 3) | 2): Buffer => {
  const b = Buffer.alloc(c.size);
  b.writeUInt32LE(wrefs, c.wrefsOffset);
  return b;
};
const sleepers = [1002, 1003, 1004, 1005].map((tid) => ({ tid, word: cond + BigInt(c.signalsOffset + 4) }));

t.test('the C library: glibc from the layout on, nothing else', async (t) => {
  t.equal(checkLibc('2.36', layout), null, 'glibc 2.36');
  t.equal(checkLibc('2.41', layout), null, 'glibc 2.41');
  t.match(checkLibc(null, layout), /not glibc .*musl, as on Alpine/, 'no gnu_get_libc_version: musl');
  t.match(checkLibc('2.24', layout), /glibc 2.24 is older than 2.25/, 'glibc before the condition variable of 2.25');
  t.match(checkLibc('musl', layout), /"musl", which is not a version/, 'a name that is no version');
});

t.test("the queue's memory: in writable mappings of /proc/self/maps", async (t) => {
  const maps = [
    '7f0000000000-7f0000002000 rw-p 00000000 00:00 0 ',
    '7f0000002000-7f0000003000 r--p 00000000 00:00 0 ',
  ].join('\n');
  t.equal(checkMapping(maps, cond - 40n, cond + 48n), null, 'inside a rw-p mapping');
  t.match(
    checkMapping(maps, 0x7f0000001ff0n, 0x7f0000002010n),
    /not in writable memory/,
    'running into a read-only one',
  );
  t.match(checkMapping(maps, 0x1000n, 0x1058n), /0x1000 to 0x1058\) are not in writable memory/, 'not mapped at all');
});

t.test('the lock: a glibc mutex as libuv makes one, in a state the running threads can leave it in', async (t) => {
  t.equal(checkMutex(mutexBytes(), threads, layout), null, 'unlocked, 4 users');
  const lockedBy = (b: Buffer): void => {
    b.writeInt32LE(2, m.lockOffset);
    b.writeInt32LE(1003, m.ownerOffset);
  };
  t.equal(checkMutex(mutexBytes(lockedBy), threads, layout), null, 'locked with waiters by one of its threads');
  const wrong: Array<[string, (b: Buffer) => void, RegExp]> = [
    ['a recursive kind', (b) => b.writeInt32LE(1, m.kindOffset), /__kind is 1, not 0 or 2/],
    ['a lock word no mutex has', (b) => b.writeInt32LE(7, m.lockOffset), /__lock is 7, not 0, 1 or 2/],
    ['a count', (b) => b.writeUInt32LE(1, m.countOffset), /__count is 1, not 0/],
    [
      'an owner that is no thread of the process',
      (b) => b.writeInt32LE(4242, m.ownerOffset),
      /__owner is 4242, neither 0/,
    ],
    ['more users than threads', (b) => b.writeUInt32LE(8, m.nusersOffset), /__nusers is 8, more than the process's 7/],
    ['a robust list', (b) => b.writeBigUInt64LE(cond, m.listOffset), /robust __list is not empty/],
  ];
  for (const [what, change, refusal] of wrong) t.match(checkMutex(mutexBytes(change), threads, layout), refusal, what);
  // the elision bits glibc's tunables may set do not change the kind
  t.equal(
    checkMutex(
      mutexBytes((b) => b.writeInt32LE(256, m.kindOffset)),
      threads,
      layout,
    ),
    null,
    'elision bit',
  );
});

t.test('the condition: the one the workers sleep on', async (t) => {
  t.equal(checkCondition(condBytes(), cond, sleepers, threads, layout), null, '4 waiters asleep on __g_signals[1]');
  const elsewhere = [{ tid: 1002, word: cond + BigInt(c.wrefsOffset) }];
  t.match(
    checkCondition(condBytes(), cond, elsewhere, threads, layout),
    new RegExp(`thread 1002 sleeps on the futex word ${c.wrefsOffset} bytes into the queue's condition`),
    'a futex word outside __g_signals',
  );
  t.match(
    checkCondition(condBytes(4 << 3), cond, sleepers, threads, layout),
    /__wrefs \(32\) is not a process-private CLOCK_MONOTONIC one's/,
    "a CLOCK_REALTIME condition: not uv_cond_init's",
  );
  t.match(
    checkCondition(condBytes((4 << 3) | 3), cond, sleepers, threads, layout),
    /not a process-private CLOCK_MONOTONIC/,
    'a process-shared condition',
  );
  t.match(
    checkCondition(condBytes((2 << 3) | 2), cond, sleepers, threads, layout),
    /counts 2 waiters, fewer than the 4 seen asleep/,
    'fewer waiters counted than seen',
  );
  t.match(
    checkCondition(condBytes((9 << 3) | 2), cond, sleepers, threads, layout),
    /counts 9 waiters, more than its 7 threads/,
    'more waiters than threads',
  );
});

t.test('os.fork() with a wrong layout refuses in one line, before forking, and the process goes on', async (t) => {
  type Outcome = { variant: string; outcome: string; message?: string };
  const run = async (variant: string): Promise<Outcome> => {
    const f = startFixture('fork-refusals', [variant]);
    t.teardown(f.kill);
    const outcome = await f.line<Outcome>((v) => v.variant === variant, 60_000);
    t.equal(await f.exited, 0, `${variant}: the process went on and exited 0`);
    return outcome;
  };
  t.match(await run('as-is'), { outcome: 'forked' }, 'the layout as it is: forked');
  const refusals: Array<[string, RegExp]> = [
    ['mutex size', /the \d+ bytes before the queue's condition are not a glibc mutex/],
    ['signals offset', /are not a glibc mutex as libuv makes one/],
    ['owner offset', /__owner is \d+, neither 0 nor a thread of this process/],
    ['wrefs offset', /the queue's condition is not the one its workers sleep on/],
    ['futex number', /worker threads were not found asleep on their task queue/],
  ];
  for (const [variant, refusal] of refusals) {
    const { outcome, message = '' } = await run(variant);
    t.equal(outcome, 'refused', `${variant}: refused`);
    t.match(message, /^@lsbaws\/posix: fork\(\) refused: /, `${variant}: says fork() was refused`);
    t.match(message, refusal, `${variant}: names what did not match`);
    t.notMatch(message, /\n/, `${variant}: in one line`);
  }
});
