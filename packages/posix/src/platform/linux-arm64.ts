import type { Platform } from './types.js';
import { glibcMutexFields, linux, linuxForkSafety } from './linux.js';

/** Linux on arm64: asm-generic/unistd.h syscall numbers, AUDIT_ARCH_AARCH64. */
export const linuxArm64: Platform = {
  name: 'linux-arm64',
  ...linux,
  forkSafety: {
    ...linuxForkSafety,
    auditArch: 0xc00000b7,
    nrMadvise: 233,
    nrSeccomp: 277,
    mutex: { ...glibcMutexFields, size: 48 },
    stat: { size: 128, nlinkOffset: 20, nlinkBytes: 4 },
    nrFutex: 98,
  },
};
