import type { errno, signals, socket } from './linux-numbers.js';

/** The names of the tables, from Linux's (every other platform's table has the same keys). */
export type ErrnoName = keyof typeof errno;
export type SocketConstant = keyof typeof socket;
export type SignalName = keyof typeof signals;

/** Everything in @lsbaws/posix that differs between operating systems and CPUs. */
export interface Platform {
  /** `${process.platform}-${process.arch}`, for messages. */
  name: string;
  /** Where libc lives (ffi-rs opens it; '' means the running program and what it links). */
  libc: string;
  errno: Record<ErrnoName, number>;
  socket: Record<SocketConstant, number>;
  signals: Record<SignalName, number>;
  os: { WNOHANG: number };
  resource: { RLIMIT_NOFILE: number; RLIM_INFINITY: bigint };
  /** struct sockaddr_in: byte offsets (sin_family a 16-bit native-endian integer). */
  sockaddrIn: {
    size: number;
    familyOffset: number;
    /** sin_port, network byte order. */
    portOffset: number;
    /** sin_addr, network byte order. */
    addrOffset: number;
  };
  /** struct pollfd { int fd; short events; short revents; } and POLLIN. */
  pollfd: { size: number; fdOffset: number; eventsOffset: number; reventsOffset: number; POLLIN: number };
  /** poll(2)'s event bits (select.POLLIN ...). */
  poll: Record<'POLLIN' | 'POLLPRI' | 'POLLOUT' | 'POLLERR' | 'POLLHUP' | 'POLLNVAL', number>;
  /** fcntl(2): the commands and the flag that make a descriptor non-blocking. */
  fcntl: { F_GETFL: number; F_SETFL: number; O_NONBLOCK: number };
  /** struct rlimit: two rlim_t. */
  rlimit: { size: number; curOffset: number; maxOffset: number };
  /** struct timeval: two longs (seconds, microseconds). */
  timeval: { size: number; secOffset: number; usecOffset: number };
  /** struct timespec: two longs. */
  timespec: { size: number; secOffset: number; nsecOffset: number };
  /**
   * What fork() needs to make V8's heap visible in the child: null where the OS has no
   * MADV_DONTFORK (macOS), otherwise the numbers for the seccomp filter that neutralises it.
   */
  forkSafety: null | {
    auditArch: number;
    nrMadvise: number;
    nrSeccomp: number;
    MADV_DONTFORK: number;
    MADV_DOFORK: number;
    PR_SET_NO_NEW_PRIVS: number;
    SECCOMP_SET_MODE_FILTER: number;
    SECCOMP_FILTER_FLAG_TSYNC: number;
    /** futex(2): where a thread blocked in pthread_cond_wait shows in /proc/PID/task/TID/syscall. */
    nrFutex: number;
    FUTEX_WAIT_BITSET: number;
    /** FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, masked off an op to compare its command. */
    FUTEX_FLAGS: number;
    /** struct stat (glibc): its size, and where st_nlink is and how wide (a /proc directory counts threads in it). */
    stat: { size: number; nlinkOffset: number; nlinkBytes: 4 | 8 };
    /**
     * glibc's pthread_mutex_t: sizeof (Node's TaskQueue keeps its lock just before its condition
     * variable), and where __lock, __count, __owner, __nusers, __kind and the robust __list are.
     */
    mutex: {
      size: number;
      lockOffset: number;
      countOffset: number;
      ownerOffset: number;
      nusersOffset: number;
      kindOffset: number;
      listOffset: number;
    };
    /** The first glibc whose pthread_cond_t these offsets describe ([major, minor]). */
    glibcSince: [number, number];
    /**
     * glibc's pthread_cond_t: size, alignment, where __wrefs (waiters << 3 | flags) is, and where
     * __g_signals[2], the futex words waiters sleep on, start.
     */
    cond: { size: number; align: number; wrefsOffset: number; signalsOffset: number };
    /** sizeof(pthread_condattr_t), and the clock pthread_condattr_setclock(3) is given (as uv_cond_init does). */
    condattrSize: number;
    CLOCK_MONOTONIC: number;
    /** mmap(2), madvise(2) and mremap(2) numbers for node's code in huge pages (huge-text.ts). */
    hugeText: {
      PROT_READ: number;
      PROT_WRITE: number;
      PROT_EXEC: number;
      MAP_PRIVATE: number;
      MAP_ANONYMOUS: number;
      MADV_HUGEPAGE: number;
      MREMAP_MAYMOVE: number;
      MREMAP_FIXED: number;
      /** The size of a huge page (a PMD): 2 MiB with 4 KiB pages. */
      hugePageSize: number;
      /** The size of a page, the unit of /proc/self/pagemap: 4 KiB. */
      pageSize: number;
    };
  };
}
