/**
 * The one place that talks to ffi-rs: opens libc, declares the C signatures this package
 * uses, and turns a failed call (-1 and errno) into an OSError.
 */
import {
  arrayConstructor,
  createExternalBuffer,
  createPointer,
  unwrapPointer,
  open,
  load,
  DataType,
  type FFIParams,
  type FieldType,
} from 'ffi-rs';
import { platform } from './platform/index.js';
import { OSError } from './errors.js';

const LIBRARY = 'libc';
open({ library: LIBRARY, path: platform.libc });

const { I32, I64, BigInt: ADDR, U8Array: BUF, External: PTR, Void: VOID, String: STR } = DataType;

/** C signatures: [return type, parameter types]. ADDR is a pointer passed or returned as a bigint. */
const signatures = {
  // sockets
  socket: [I32, [I32, I32, I32]],
  socketpair: [I32, [I32, I32, I32, BUF]],
  setsockopt: [I32, [I32, I32, I32, BUF, I32]],
  bind: [I32, [I32, BUF, I32]],
  listen: [I32, [I32, I32]],
  accept: [I32, [I32, BUF, BUF]],
  connect: [I32, [I32, BUF, I32]],
  recv: [I64, [I32, BUF, I64, I32]],
  send: [I64, [I32, BUF, I64, I32]],
  shutdown: [I32, [I32, I32]],
  poll: [I32, [BUF, I64, I32]],
  getsockname: [I32, [I32, BUF, BUF]],
  gethostname: [I32, [BUF, I64]],
  // processes and descriptors
  fork: [I32, []],
  _exit: [VOID, [I32]],
  waitpid: [I32, [I32, BUF, I32]],
  getpid: [I32, []],
  getppid: [I32, []],
  kill: [I32, [I32, I32]],
  write: [I64, [I32, BUF, I64]],
  close: [I32, [I32]],
  stat: [I32, [STR, BUF]],
  fcntl: [I32, [I32, I32, I32]],
  getrlimit: [I32, [I32, BUF]],
  setrlimit: [I32, [I32, BUF]],
  // signals and time
  siginterrupt: [I32, [I32, I32]],
  signal: [ADDR, [I32, ADDR]],
  nanosleep: [I32, [BUF, BUF]],
  // memory and the fork preparation
  malloc: [ADDR, [I64]],
  free: [VOID, [ADDR]],
  memcpy: [ADDR, [ADDR, BUF, I64]],
  madvise: [I32, [ADDR, ADDR, I32]],
  mmap: [ADDR, [ADDR, I64, I32, I32, I32, I64]],
  munmap: [I32, [ADDR, I64]],
  mprotect: [I32, [ADDR, I64, I32]],
  // variadic in C: its fifth argument passes as a fixed one does on x86_64 and arm64
  mremap: [ADDR, [ADDR, I64, I64, I32, ADDR]],
  memmove: [ADDR, [ADDR, ADDR, I64]],
  prctl: [I32, [I32, I64, I64, I64, I64]],
  syscall: [I64, [I64, I64, I64, BUF]],
  strerror: [STR, [I32]],
  // the platform task queue's lock and condition (fork/worker-queue.ts)
  pthread_mutex_init: [I32, [ADDR, ADDR]],
  pthread_cond_init: [I32, [ADDR, BUF]],
  pthread_condattr_init: [I32, [BUF]],
  pthread_condattr_setclock: [I32, [BUF, I32]],
  gnu_get_libc_version: [STR, []],
  // libuv, exported by the node binary itself
  uv_default_loop: [PTR, []],
  uv_loop_fork: [I32, [PTR]],
  uv_backend_fd: [I32, [PTR]],
  uv_loop_alive: [I32, [PTR]],
} satisfies Record<string, [DataType, FieldType[]]>;

export type LibcFunction = keyof typeof signatures;

/**
 * Each function's call descriptor, built once: ffi-rs's load() takes one object per call, and
 * its define() builds a new one on every call. Only paramsValue changes between calls; buffer
 * parameters are declared as arrays once (ffi-rs passes a Buffer's own memory, whatever length).
 */
const descriptors = Object.fromEntries(
  Object.entries(signatures).map(([funcName, [retType, paramsType]]) => [
    funcName,
    {
      library: LIBRARY,
      funcName,
      retType,
      paramsType: paramsType.map((t) => (t === BUF ? arrayConstructor({ type: BUF, length: 0 }) : t)),
      paramsValue: [] as unknown[],
      freeResultMemory: false,
    },
  ]),
) as Record<LibcFunction, FFIParams<DataType, undefined, undefined>>;

/** Calls a C function through its descriptor: no errno object, no message (errno is read below). */
function invoke(name: LibcFunction, args: unknown[]): unknown {
  const descriptor = descriptors[name];
  descriptor.paramsValue = args;
  return load(descriptor);
}

/**
 * The calling thread's errno, read in place: __errno_location(3) gives its address, the same
 * in a forked child (the main thread's own). Read only after a call that failed.
 */
const errnoCell = createExternalBuffer(
  load({ library: LIBRARY, funcName: '__errno_location', retType: PTR, paramsType: [], paramsValue: [] }),
  4,
);

/** The size bytes at a C address as a Buffer over that memory, not a copy: reads and writes go to the address. */
export function memory(address: bigint, size: number): Buffer {
  const [pointer] = unwrapPointer(createPointer({ paramsType: [ADDR], paramsValue: [address] }));
  if (pointer === undefined) throw new Error(`@lsbaws/posix: ffi-rs gave no pointer for ${address}`);
  return createExternalBuffer(pointer, size);
}

/** Calls a C function and returns its result with the errno it left (0 when it set none). */
// value is any because it is a C result: its type is the signature's, known to the caller
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a C result, typed by the caller
export function call(name: LibcFunction, ...args: unknown[]): { value: any; errno: number } {
  errnoCell.writeInt32LE(0, 0);
  const value = invoke(name, args);
  return { value, errno: errnoCell.readInt32LE(0) };
}

/** Calls a C function that returns -1 and sets errno on failure; throws OSError then. */
export function check(name: LibcFunction, ...args: unknown[]): number {
  const value = invoke(name, args) as number;
  if (value === -1) {
    const errno = errnoCell.readInt32LE(0);
    throw new OSError(errno, strerror(errno), name);
  }
  return value;
}

/**
 * check(), restarting the call while it fails with EINTR, as Python 3 does for every
 * call but the interruptible ones (PEP 475): a JavaScript signal handler cannot run
 * in the middle of a synchronous call anyway.
 */
export function checkRestarting(name: LibcFunction, ...args: unknown[]): number {
  for (;;) {
    const value = invoke(name, args) as number;
    if (value !== -1) return value;
    const errno = errnoCell.readInt32LE(0);
    if (errno !== platform.errno.EINTR) throw new OSError(errno, strerror(errno), name);
  }
}

const messages = new Map<number, string>();

/** strerror(3): libc's message for an errno (asked once per errno: EINTR comes with every interrupted wait). */
export function strerror(errno: number): string {
  let message = messages.get(errno);
  if (message === undefined) messages.set(errno, (message = invoke('strerror', [errno]) as string));
  return message;
}
