/**
 * V8's heap in the child (docs/fork-in-node.md, fact 1): V8 marks its heap pages MADV_DONTFORK, so
 * a child would not have the JavaScript heap. A seccomp filter turns every later
 * madvise(..., MADV_DONTFORK) into a no-op, and one MADV_DOFORK sweep undoes the marks made before it.
 */
import { readFileSync } from 'node:fs';
import { platform } from '../platform/index.js';
import { call, check } from '../libc.js';

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
