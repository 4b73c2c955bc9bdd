import type { Platform } from './types.js';
import { glibcMutexFields, linux, linuxForkSafety } from './linux.js';

/** Linux on x86_64: asm/unistd_64.h syscall numbers, AUDIT_ARCH_X86_64. */
export const linuxX64: Platform = {
  name: 'linux-x64',
  ...linux,
  forkSafety: {
    ...linuxForkSafety,
    auditArch: 0xc000003e,
    nrMadvise: 28,
    nrSeccomp: 317,
    mutex: { ...glibcMutexFields, size: 40 },
    stat: { size: 144, nlinkOffset: 16, nlinkBytes: 8 },
    nrFutex: 202,
  },
};
