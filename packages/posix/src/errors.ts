/**
 * OSError, the exception every failed call throws, shaped like Python's:
 * `OSError: [Errno 24] Too many open files (accept)`, with errno, code and strerror.
 */
import { platform } from './platform/index.js';

/** errno number to its symbolic name, like Python's errno.errorcode. */
export const errorcode: Readonly<Record<number, string>> = Object.freeze(
  Object.fromEntries(Object.entries(platform.errno).map(([name, value]) => [value, name])),
);

export class OSError extends Error {
  /** The errno value, e.g. 4. */
  readonly errno: number;
  /** Its symbolic name, e.g. 'EINTR' (as Node's own system errors have it). */
  readonly code: string;
  /** libc's message, e.g. 'Interrupted system call'. */
  readonly strerror: string;
  /** The call that failed, e.g. 'accept'. */
  readonly syscall: string;

  constructor(errno: number, strerror: string, syscall: string, code = errorcode[errno] ?? `E${errno}`) {
    super(`[Errno ${errno}] ${strerror} (${syscall})`);
    this.name = 'OSError';
    this.errno = errno;
    this.code = code;
    this.strerror = strerror;
    this.syscall = syscall;
  }

  /** Python's `code, msg = e.args`. */
  get args(): [number, string] {
    return [this.errno, this.strerror];
  }
}

/**
 * Python 3 made IOError another name for OSError; so does this package (the stages catch IOError, as the article does).
 */
export { OSError as IOError };

/** Python's socket.timeout (TimeoutError): a call on a socket with a timeout ran out of time. */
export class TimeoutError extends OSError {
  constructor(syscall: string) {
    super(platform.errno.ETIMEDOUT, 'timed out', syscall);
    this.name = 'TimeoutError';
  }
}

/** Python's BlockingIOError: a call on a non-blocking socket would have had to wait (EAGAIN). */
export class BlockingIOError extends OSError {
  constructor(syscall: string) {
    super(platform.errno.EAGAIN, 'Resource temporarily unavailable', syscall);
    this.name = 'BlockingIOError';
  }
}
