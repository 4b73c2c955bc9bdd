export type ErrnoName =
  | 'EPERM'
  | 'ENOENT'
  | 'ESRCH'
  | 'EINTR'
  | 'EIO'
  | 'ENXIO'
  | 'E2BIG'
  | 'ENOEXEC'
  | 'EBADF'
  | 'ECHILD'
  | 'EAGAIN'
  | 'ENOMEM'
  | 'EACCES'
  | 'EFAULT'
  | 'EBUSY'
  | 'EEXIST'
  | 'ENODEV'
  | 'ENOTDIR'
  | 'EISDIR'
  | 'EINVAL'
  | 'ENFILE'
  | 'EMFILE'
  | 'ENOTTY'
  | 'EFBIG'
  | 'ENOSPC'
  | 'ESPIPE'
  | 'EROFS'
  | 'EMLINK'
  | 'EPIPE'
  | 'EDOM'
  | 'ERANGE'
  | 'EDEADLK'
  | 'ENAMETOOLONG'
  | 'ENOSYS'
  | 'ENOTEMPTY'
  | 'ELOOP'
  | 'ENOTSOCK'
  | 'EDESTADDRREQ'
  | 'EMSGSIZE'
  | 'EPROTOTYPE'
  | 'ENOPROTOOPT'
  | 'EPROTONOSUPPORT'
  | 'EOPNOTSUPP'
  | 'EAFNOSUPPORT'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'ENETDOWN'
  | 'ENETUNREACH'
  | 'ECONNABORTED'
  | 'ECONNRESET'
  | 'ENOBUFS'
  | 'EISCONN'
  | 'ENOTCONN'
  | 'ETIMEDOUT'
  | 'ECONNREFUSED'
  | 'EHOSTUNREACH'
  | 'EALREADY'
  | 'EINPROGRESS';

export type SocketConstant =
  | 'AF_UNSPEC'
  | 'AF_UNIX'
  | 'AF_INET'
  | 'SOCK_STREAM'
  | 'SOCK_DGRAM'
  | 'SOL_SOCKET'
  | 'SO_REUSEADDR'
  | 'SO_KEEPALIVE'
  | 'SO_LINGER'
  | 'SO_REUSEPORT'
  | 'SO_RCVBUF'
  | 'SO_SNDBUF'
  | 'IPPROTO_TCP'
  | 'TCP_NODELAY'
  | 'SHUT_RD'
  | 'SHUT_WR'
  | 'SHUT_RDWR'
  | 'SOMAXCONN'
  | 'MSG_PEEK'
  | 'MSG_DONTWAIT'
  | 'SO_RCVTIMEO'
  | 'SO_SNDTIMEO';

export type SignalName =
  | 'SIGHUP'
  | 'SIGINT'
  | 'SIGQUIT'
  | 'SIGILL'
  | 'SIGTRAP'
  | 'SIGABRT'
  | 'SIGBUS'
  | 'SIGFPE'
  | 'SIGKILL'
  | 'SIGUSR1'
  | 'SIGSEGV'
  | 'SIGUSR2'
  | 'SIGPIPE'
  | 'SIGALRM'
  | 'SIGTERM'
  | 'SIGCHLD'
  | 'SIGCONT'
  | 'SIGSTOP'
  | 'SIGTSTP'
  | 'SIGTTIN'
  | 'SIGTTOU'
  | 'SIGURG'
  | 'SIGWINCH';

/** Everything in @lsbaws/posix that differs between operating systems and CPUs. */
export interface Platform {
  /** `${process.platform}-${process.arch}`, for messages. */
  name: string;
  /** Where libc lives (ffi-rs opens it; '' means the running program and what it links). */
  libc: string;
  errno: Record<ErrnoName, number>;
  socket: Record<SocketConstant, number>;
  signals: Record<SignalName, number>;
  os: Record<'WNOHANG' | 'WUNTRACED' | 'WCONTINUED', number>;
  resource: { RLIMIT_NPROC: number; RLIMIT_NOFILE: number; RLIM_INFINITY: bigint };
  /** struct sockaddr_in: byte offsets, sizes and byte orders. */
  sockaddrIn: {
    size: number;
    /** Offset of a one-byte sin_len, on the BSDs; null on Linux. */
    lenOffset: number | null;
    familyOffset: number;
    familySize: 1 | 2;
    /** sin_port, network byte order. */
    portOffset: number;
    /** sin_addr, network byte order. */
    addrOffset: number;
  };
  /** struct pollfd { int fd; short events; short revents; } and POLLIN. */
  pollfd: { size: number; fdOffset: number; eventsOffset: number; reventsOffset: number; POLLIN: number };
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
