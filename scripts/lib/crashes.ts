/**
 * How a server says it died of a failed system call, in the words of each common language: one
 * table, one row per language, each with a line that language printed here (test/check.test.ts
 * runs a real program for every row this machine can run). `pnpm check` reads a crash with it,
 * so that a learner's server is judged on the errno, whatever language printed it.
 */

/** The errnos the article's crashes and a server's start-up meet: number, name, and glibc's strerror text. */
export const ERRNOS: Array<{ errno: number; code: string; text: string }> = [
  { errno: 4, code: 'EINTR', text: 'Interrupted system call' },
  { errno: 9, code: 'EBADF', text: 'Bad file descriptor' },
  { errno: 11, code: 'EAGAIN', text: 'Resource temporarily unavailable' },
  { errno: 12, code: 'ENOMEM', text: 'Cannot allocate memory' },
  { errno: 13, code: 'EACCES', text: 'Permission denied' },
  { errno: 23, code: 'ENFILE', text: 'Too many open files in system' },
  { errno: 24, code: 'EMFILE', text: 'Too many open files' },
  { errno: 32, code: 'EPIPE', text: 'Broken pipe' },
  { errno: 98, code: 'EADDRINUSE', text: 'Address already in use' },
  { errno: 104, code: 'ECONNRESET', text: 'Connection reset by peer' },
];

/** A crash read from a server's output: the errno, and the line and language that said it. */
export interface Crash {
  code: string;
  errno: number;
  message: string;
  line: string;
  language: string;
}

export interface CrashWords {
  language: string;
  /** A line that language printed on this machine, for the reader and the tests. */
  example: string;
  /** Finds the line in a server's output. */
  pattern: RegExp;
  /** The errno of a match. */
  errnoOf(m: RegExpExecArray): number | undefined;
}

const byNumber = (n: string | undefined): number | undefined => ERRNOS.find((e) => e.errno === Number(n))?.errno;
const byCode = (c: string | undefined): number | undefined => ERRNOS.find((e) => e.code === c)?.errno;
const byText = (t: string | undefined): number | undefined =>
  ERRNOS.find((e) => e.text.toLowerCase() === t?.trim().toLowerCase())?.errno;
/** glibc's strerror texts as one alternation, longest first ('Too many open files in system' before its prefix). */
const TEXTS = [...ERRNOS]
  .sort((a, b) => b.text.length - a.text.length)
  .map((e) => e.text)
  .join('|');

/** The table, most specific first: the first row that matches reads the crash. */
export const CRASH_WORDS: CrashWords[] = [
  {
    language: 'Python 2',
    example: 'socket.error: [Errno 4] Interrupted system call',
    pattern: /^(?:socket\.error|select\.error): \[Errno (\d+)\] ([^\n]*)$/m,
    errnoOf: (m) => byNumber(m[1]),
  },
  {
    language: "Python 3, Python 2's OSError (and @lsbaws/posix)",
    example: 'InterruptedError: [Errno 4] Interrupted system call',
    pattern: /^\w*Error: \[Errno (\d+)\] ([^\n]*)$/m,
    errnoOf: (m) => byNumber(m[1]),
  },
  {
    language: 'Node.js',
    example: "Error: listen EADDRINUSE: address already in use 0.0.0.0:8888 ... code: 'EADDRINUSE'",
    pattern: /^\w*Error: \w+ (E[A-Z]+)\b[^\n]*$/m,
    errnoOf: (m) => byCode(m[1]),
  },
  {
    language: 'Rust',
    example: 'Os { code: 98, kind: AddrInUse, message: "Address already in use" }',
    pattern: /Os \{ code: (\d+), kind: \w+, message: "[^"]*" \}|[^\n]*\(os error (\d+)\)/,
    errnoOf: (m) => byNumber(m[1] ?? m[2]),
  },
  {
    language: 'Ruby',
    example: 'Address already in use - bind(2) for 0.0.0.0:8888 (Errno::EADDRINUSE)',
    pattern: /[^\n]*Errno::(E[A-Z]+)[^\n]*/,
    errnoOf: (m) => byCode(m[1]),
  },
  {
    language: 'Java',
    example: 'Exception in thread "main" java.net.BindException: Address already in use',
    pattern: new RegExp(`^[^\\n]*\\bjava\\.[\\w.]+(?:Exception|Error): (${TEXTS})\\b[^\\n]*$`, 'm'),
    errnoOf: (m) => byText(m[1]),
  },
  {
    language: 'Go',
    example: 'accept tcp [::]:8888: accept4: too many open files',
    pattern: new RegExp(`^[^\\n]*: (${TEXTS.toLowerCase()})$`, 'm'),
    errnoOf: (m) => byText(m[1]),
  },
  {
    language: "C (perror, strerror), Perl's $!",
    example: 'accept: Interrupted system call',
    pattern: new RegExp(`^[^\\n]*: (${TEXTS})(?: at \\S+ line \\d+\\.)?$`, 'm'),
    errnoOf: (m) => byText(m[1]),
  },
];

/** The crash a server's output tells of (the first line of the table's words in it), or null. */
export function crashOf(output: string): Crash | null {
  for (const words of CRASH_WORDS) {
    const m = words.pattern.exec(output);
    const errno = m ? words.errnoOf(m) : undefined;
    const known = ERRNOS.find((e) => e.errno === errno);
    if (m && known) {
      const line = m[0].trim();
      return { code: known.code, errno: known.errno, message: known.text, line, language: words.language };
    }
  }
  return null;
}
