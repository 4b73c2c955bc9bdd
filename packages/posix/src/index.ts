/**
 * @lsbaws/posix: the parts of Python's socket, os, signal, time, errno and resource modules
 * that "Let's Build A Web Server, Part 3" uses (and select, for the stages beyond it), on libc through ffi-rs.
 *
 *   import { socket, os, signal, time, errno } from '@lsbaws/posix';
 *
 * Node must run with --single-threaded: see README.md.
 */
import { requireSingleThreadedNode } from './fork/threads.js';

requireSingleThreadedNode();

export * as socket from './socket.js';
export * as os from './os.js';
export * as signal from './signal.js';
export * as time from './time.js';
export * as errno from './errno.js';
export * as resource from './resource.js';
export * as select from './select.js';
export { OSError, IOError, TimeoutError, BlockingIOError } from './errors.js';
export type { Address } from './socket.js';
export { UnsupportedPlatformError } from './platform/supported.js';
