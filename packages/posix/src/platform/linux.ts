import type { Platform } from './types.js';

/**
 * errno(3) numbers, asm-generic/errno-base.h and errno.h (x86_64 and arm64 agree): every name
 * errno.errorcode gives a failed call. The ErrnoName union is these keys.
 */
export const errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  EDOM: 33,
  ERANGE: 34,
  EDEADLK: 35,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENOTSOCK: 88,
  EDESTADDRREQ: 89,
  EMSGSIZE: 90,
  EPROTOTYPE: 91,
  ENOPROTOOPT: 92,
  EPROTONOSUPPORT: 93,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETDOWN: 100,
  ENETUNREACH: 101,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  ENOBUFS: 105,
  EISCONN: 106,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
  EALREADY: 114,
  EINPROGRESS: 115,
};

/** The socket(2), setsockopt(2) and shutdown(2) numbers the package uses (linux/socket.h, asm-generic/socket.h). */
export const socket = {
  AF_UNIX: 1,
  AF_INET: 2,
  SOCK_STREAM: 1,
  SOL_SOCKET: 1,
  SO_REUSEADDR: 2,
  SO_RCVTIMEO: 20,
  SO_SNDTIMEO: 21,
  SHUT_WR: 1,
  MSG_DONTWAIT: 0x40,
  SOMAXCONN: 4096,
};

/** signal(7) numbers (asm-generic/signal.h): the names process.on() takes and a wait status reports. */
export const signals = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGWINCH: 28,
};

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
  cond: { size: 48, align: 8, signalsOffset: 40 },
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
  },
};
