/**
 * Where @lsbaws/posix runs, and what to use elsewhere: Linux with glibc, on x86_64 or arm64 (the
 * machines its tables in this folder are for, and the only ones its fork() was tested on).
 */

/** What decides whether this package runs: the operating system, the CPU, the C library. */
export interface Machine {
  /** process.platform: 'linux', 'darwin', 'win32'... */
  platform: string;
  /** process.arch: 'x64', 'arm64'... */
  arch: string;
  /** glibc's version, or undefined where the C library is another (musl on Alpine). */
  glibc: string | undefined;
}

/** Thrown when the package is loaded on a machine it does not support; its message is one line. */
export class UnsupportedPlatformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedPlatformError';
  }
}

/** This machine, from process and Node's diagnostic report (its header names the glibc the process runs on). */
export function thisMachine(): Machine {
  const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
  return { platform: process.platform, arch: process.arch, glibc: header?.glibcVersionRuntime };
}

const SUPPORTED = 'Linux with glibc on x86_64 or arm64';

/** Why this package cannot run on m, and what to use instead, in one line; null where it runs. */
export function unsupported(m: Machine): string | null {
  const not = (what: string, instead: string): string =>
    `@lsbaws/posix runs on ${SUPPORTED}, not on ${what}: ${instead}`;
  if (m.platform === 'win32') return not('Windows', 'use WSL 2 (a Debian or Ubuntu distribution) and run it there');
  if (m.platform === 'darwin') return not('macOS', 'use a Linux virtual machine (Debian or Ubuntu) and run it there');
  if (m.platform !== 'linux') return not(m.platform, 'use a Linux machine or virtual machine (Debian or Ubuntu)');
  if (m.arch !== 'x64' && m.arch !== 'arm64') return not(`Linux on ${m.arch}`, 'use an x86_64 or arm64 machine');
  if (m.glibc === undefined)
    return not('a Linux without glibc (musl, as on Alpine)', 'use a glibc distribution (Debian or Ubuntu)');
  return null;
}

/** Throws UnsupportedPlatformError where this package cannot run (a library never ends the process). */
export function assertSupported(m: Machine = thisMachine()): void {
  const why = unsupported(m);
  if (why !== null) throw new UnsupportedPlatformError(why);
}
