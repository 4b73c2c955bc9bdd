// Run by scripts/start.sh before a stage: on a machine @lsbaws/posix does not run on (macOS,
// Windows, a Linux without glibc) it prints the library's refusal as the one line it is, not as a
// stack trace, and exits 1: the stage is not started.
/* global process */
import { assertSupported, UnsupportedPlatformError } from '@lsbaws/posix/platform';

try {
  assertSupported();
} catch (e) {
  if (!(e instanceof UnsupportedPlatformError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
}
