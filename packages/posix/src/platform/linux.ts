import type { Platform } from './types.js';
import { errno, signals, socket } from './linux-numbers.js';

/**
 * What x86_64 and arm64 Linux share: the generic errno, socket, signal and wait numbers
 * and glibc's struct layouts on 64-bit.
 */
export const linux: Omit<Platform, 'name' | 'forkSafety'> = {
  libc: '',
  errno,
  socket,
  signals,
  os: { WNOHANG: 1 },
  resource: { RLIMIT_NOFILE: 7, RLIM_INFINITY: 0xffffffffffffffffn },
  sockaddrIn: { size: 16, familyOffset: 0, portOffset: 2, addrOffset: 4 },
  pollfd: { size: 8, fdOffset: 0, eventsOffset: 4, reventsOffset: 6, POLLIN: 0x1 },
  poll: { POLLIN: 0x1, POLLPRI: 0x2, POLLOUT: 0x4, POLLERR: 0x8, POLLHUP: 0x10, POLLNVAL: 0x20 }, // asm-generic/poll.h
  fcntl: { F_GETFL: 3, F_SETFL: 4, O_NONBLOCK: 0o4000 }, // asm-generic/fcntl.h
  rlimit: { size: 16, curOffset: 0, maxOffset: 8 },
  timeval: { size: 16, secOffset: 0, usecOffset: 8 },
  timespec: { size: 16, secOffset: 0, nsecOffset: 8 },
};

/** struct __pthread_mutex_s on 64-bit glibc (bits/struct_mutex.h): where each field is; its size is the platform's. */
export const glibcMutexFields = {
  lockOffset: 0,
  countOffset: 4,
  ownerOffset: 8,
  nusersOffset: 12,
  kindOffset: 16,
  listOffset: 24,
};

/**
 * The numbers shared by both architectures' fork safety (linux/mman.h, linux/prctl.h, linux/seccomp.h,
 * linux/futex.h, linux/time.h).
 */
export const linuxForkSafety = {
  MADV_DONTFORK: 10,
  MADV_DOFORK: 11,
  PR_SET_NO_NEW_PRIVS: 38,
  SECCOMP_SET_MODE_FILTER: 1,
  SECCOMP_FILTER_FLAG_TSYNC: 1,
  FUTEX_WAIT_BITSET: 9,
  FUTEX_FLAGS: 128 | 256,
  // glibc on 64-bit (bits/thread-shared-types.h, bits/pthreadtypes-arch.h), glibc 2.25 and later
  glibcSince: [2, 25] as [number, number],
  cond: { size: 48, align: 8, wrefsOffset: 36, signalsOffset: 40 },
  condattrSize: 4,
  CLOCK_MONOTONIC: 1,
  // asm-generic/mman-common.h, linux/mman.h; 2 MiB huge pages with 4 KiB base pages
  hugeText: {
    PROT_READ: 1,
    PROT_WRITE: 2,
    PROT_EXEC: 4,
    MAP_PRIVATE: 2,
    MAP_ANONYMOUS: 0x20,
    MADV_HUGEPAGE: 14,
    MREMAP_MAYMOVE: 1,
    MREMAP_FIXED: 2,
    hugePageSize: 2 * 1024 * 1024,
    pageSize: 4096,
  },
};
