/**
 * Python's errno module, the names the article and this package's tests use, and errorcode,
 * which names every errno of this platform (its table: platform/linux.ts).
 */
import { platform } from './platform/index.js';

export { errorcode } from './errors.js';

export const { EINTR, ECHILD, EMFILE, EADDRINUSE, ECONNREFUSED } = platform.errno;
