import type { errno, signals, socket } from './linux.js';

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
    /** The C library's pthread_mutex_t and pthread_cond_t (glibc's nptl layouts). */
    mutex: { size: number; /** __lock, __count, __owner, __nusers: all 0 when unlocked */ stateSize: number };
    cond: {
      size: number;
      align: number;
      /** __wrefs: waiters << 3 | flags, of which... */
      wrefsOffset: number;
      /** ...the bits pthread_cond_init sets from its attributes (process-shared, clock). */
      wrefsAttrMask: number;
      /** __g_signals[2]: the futex words waiters sleep on (one per waiter group). */
      signalsOffset: number;
    };
    /**
     * Node's TaskQueue (src/node_platform.h: Mutex lock_, ConditionVariable tasks_available_,
     * tasks_drained_, int outstanding_tasks_, bool stopped_, std::queue of unique_ptr), whose
     * tasks_available_ the platform's worker threads wait on: where its std::deque starts,
     * and the span of one deque node (512 bytes in libstdc++) that recognises it.
     */
    taskQueue: { dequeOffset: number; dequeNodeBytes: number };
  };
}
