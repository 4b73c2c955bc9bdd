/**
 * What it takes for fork() to work in a Node process (measured, with the programs of
 * scripts/rechecks/, in docs/fork-in-node.md; explained in this package's README):
 * 1. node runs with --single-threaded: the child has one thread, and a V8 that waits for its
 *    GC helper threads would hang there for ever (--single-threaded-gc alone once left a child
 *    hanging on Node 24, so it is not enough).
 * 2. V8 marks its heap pages MADV_DONTFORK, so a child would not have the JavaScript heap.
 *    A seccomp filter turns every later madvise(..., MADV_DONTFORK) into a no-op, and one
 *    MADV_DOFORK sweep undoes the marks made before it.
 * 3. No other thread runs JavaScript: fork() copies none of them, and a lock one of them held
 *    at that instant (V8's process-wide ones included) would stay locked in the child.
 * (4. The child gets its own libuv event loop: event-loop.ts.
 *  5. The child resets Node's platform task queue: worker-queue.ts.)
 */
import { readFileSync, statSync } from 'node:fs';
import { platform } from './platform/index.js';
import { call, check } from './libc.js';

/** Throws at once, with the reason, unless node was started with --single-threaded. */
export function requireSingleThreadedNode(): void {
  const flags = process.execArgv.map((arg) => arg.replace(/_/g, '-'));
  if (flags.includes('--single-threaded')) return;
  throw new Error(
    '@lsbaws/posix needs node to be started with --single-threaded: ' +
      "a forked child has only the thread that called fork(), and V8's parallel garbage collector " +
      'would wait for its helper threads there for ever. The flag has to be on the node command ' +
      'line (NODE_OPTIONS refuses it, and setting it at run time is too late), e.g. ' +
      '`node --single-threaded dist/webserver3g.js`.',
  );
}

/** How many threads the process had when it was last found to run JavaScript on one only. */
let threadsWhenChecked = -1;

/**
 * Throws unless the main thread is the only one running JavaScript: no worker_threads Worker,
 * no module loader hooks thread (what `--import`/`--loader` with `module.register()` start,
 * from the command line or from NODE_OPTIONS). Asks Node (process.report) only when the
 * number of threads has changed since the last time it said so.
 */
export function requireOneJavaScriptThread(): void {
  let threads: number;
  try {
    threads = statSync('/proc/self/task').nlink - 2; // procfs counts a directory's threads in its links: one stat(2)
  } catch {
    if (threadsWhenChecked !== -1) return; // no descriptor left (say): the last answer stands
    threads = 0;
  }
  if (threads === threadsWhenChecked) return;
  const report = process.report as typeof process.report & { excludeNetwork: boolean }; // Node ≥ 20.13
  const { excludeNetwork } = report;
  report.excludeNetwork = true; // only the workers are wanted: no address lookups
  let workers: unknown[];
  try {
    ({ workers } = report.getReport() as { workers: unknown[] });
  } finally {
    report.excludeNetwork = excludeNetwork;
  }
  if (workers.length > 0) {
    throw new Error(
      `@lsbaws/posix: fork() refused: ${workers.length} other thread(s) of this process run JavaScript (a ` +
        `worker_threads Worker, or the thread where module loader hooks run: --import or --loader with ` +
        `module.register(), on the command line or in ` +
        `NODE_OPTIONS${process.env.NODE_OPTIONS ? `="${process.env.NODE_OPTIONS}"` : ''}). The child would have ` +
        `none of them, and a lock one of them held at that instant (V8 has process-wide ones) would stay locked ` +
        `in the child for ever. Run node with neither, as the stages' start scripts do.`,
    );
  }
  threadsWhenChecked = threads;
}

let heapForkable = false;

/** Makes every page of this process, present and future, visible to forked children. Once. */
export function makeHeapForkable(): void {
  if (heapForkable) return;
  const safety = platform.forkSafety;
  if (safety !== null) {
    installDontforkFilter(safety);
    sweepDofork(safety.MADV_DOFORK);
  }
  heapForkable = true;
}

type ForkSafety = NonNullable<typeof platform.forkSafety>;

/** seccomp(2) filter: madvise(addr, len, MADV_DONTFORK) returns 0 and does nothing; all else runs. */
function installDontforkFilter(s: ForkSafety): void {
  const BPF_LD_W_ABS = 0x20,
    BPF_JEQ_K = 0x15,
    BPF_RET_K = 0x06;
  const SECCOMP_RET_ALLOW = 0x7fff0000,
    SECCOMP_RET_ERRNO_0 = 0x00050000;
  // struct seccomp_data: int nr @0, u32 arch @4, u64 ip @8, u64 args[6] @16 (little-endian)
  const ARCH = 4,
    NR = 0,
    ARG2_LO = 16 + 2 * 8,
    ARG2_HI = ARG2_LO + 4;
  const program: Array<[code: number, jt: number, jf: number, k: number]> = [
    [BPF_LD_W_ABS, 0, 0, ARCH],
    [BPF_JEQ_K, 0, 7, s.auditArch], // another ABI: allow
    [BPF_LD_W_ABS, 0, 0, NR],
    [BPF_JEQ_K, 0, 5, s.nrMadvise], // another syscall: allow
    [BPF_LD_W_ABS, 0, 0, ARG2_LO],
    [BPF_JEQ_K, 0, 3, s.MADV_DONTFORK], // another advice: allow
    [BPF_LD_W_ABS, 0, 0, ARG2_HI],
    [BPF_JEQ_K, 0, 1, 0],
    [BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO_0], // MADV_DONTFORK: "succeed", do nothing
    [BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW],
  ];
  const filter = Buffer.alloc(program.length * 8); // struct sock_filter { u16 code; u8 jt, jf; u32 k; }
  program.forEach(([code, jt, jf, k], i) => {
    filter.writeUInt16LE(code, i * 8);
    filter.writeUInt8(jt, i * 8 + 2);
    filter.writeUInt8(jf, i * 8 + 3);
    filter.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  const filterAddress = call('malloc', filter.length).value as bigint;
  try {
    call('memcpy', filterAddress, filter, filter.length);
    const fprog = Buffer.alloc(16); // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
    fprog.writeUInt16LE(program.length, 0);
    fprog.writeBigUInt64LE(filterAddress, 8);
    check('prctl', s.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    const { value, errno } = call(
      'syscall',
      s.nrSeccomp,
      s.SECCOMP_SET_MODE_FILTER,
      s.SECCOMP_FILTER_FLAG_TSYNC,
      fprog,
    );
    if (value !== 0) {
      throw new Error(
        `@lsbaws/posix: seccomp(SECCOMP_SET_MODE_FILTER) failed ` +
          `(returned ${value}, errno ${errno}); fork() cannot be made safe`,
      );
    }
  } finally {
    call('free', filterAddress);
  }
}

/** madvise(2) MADV_DOFORK over every mapping listed in /proc/self/maps but the kernel's own. */
function sweepDofork(MADV_DOFORK: number): void {
  for (const line of readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s+\S+\s+\S+\s+\S+\s+\S+\s*(.*)$/.exec(line);
    if (m === null || /^\[(vvar|vvar_vclock|vdso|vsyscall)\]$/.test(m[3] ?? '')) continue;
    const start = BigInt('0x' + m[1]),
      end = BigInt('0x' + m[2]);
    call('madvise', start, end - start, MADV_DOFORK); // VM_IO and similar mappings refuse; nothing to undo there
  }
}
