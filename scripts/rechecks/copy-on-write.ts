/**
 * Re-checks docs/fork-in-node.md, fact 8: after fork(2), parent and child share every page copy-on-
 * write, so (a) each page the parent writes between two forks costs it a page fault (and a copy
 * while a child still maps it) after the next fork, and (b) a child redoes, in pages of its own,
 * whatever first-time work the parent never did: compiling a regular expression, ICU's set-up for
 * the first `new Date` string. The levers of os.fork() and @lsbaws/wsgi follow from it: the parent
 * writes as few pages as it can per request, and does a child's first-time work once, before forking.
 *
 *   node --single-threaded --no-short-builtin-calls scripts/rechecks/dist/copy-on-write.js [forks]
 *
 * Prints what it saw; exits 0 when every step came out as the page says.
 */
import { readFileSync } from 'node:fs';
import { Checklist } from './report.js';
import { call, check, forkWithSteps } from '@lsbaws/posix/fork-steps';

const forks = Number(process.argv[2] ?? 100);
const PAGE = 4096;

/** minflt and cminflt, fields 10 and 11 of /proc/self/stat: this process's minor faults, its reaped children's. */
function faults(): { own: number; children: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { own: Number(fields[7]), children: Number(fields[8]) };
}

const status = Buffer.alloc(4);
/** Forks `forks` children one at a time, each running `child`, then _exit(0); `between` runs in the parent. */
function forkLoop(child: () => void, between: () => void): { parent: number; child: number } {
  const before = faults();
  for (let i = 0; i < forks; i++) {
    const pid = forkWithSteps();
    if (pid === 0) {
      child();
      call('_exit', 0);
    }
    between();
    check('waitpid', pid, status, 0);
  }
  const after = faults();
  return { parent: (after.own - before.own) / forks, child: (after.children - before.children) / forks };
}

const facts = new Checklist();
const nothing = (): void => {};
const block = Buffer.alloc(64 * PAGE);
const touch = (): void => {
  for (let at = 0; at < block.length; at += PAGE) block[at] = (block[at] ?? 0) + 1;
};
forkLoop(nothing, touch); // the steps' own first-time work, and this loop's, out of the figures
const idle = forkLoop(nothing, nothing);
const writing = forkLoop(nothing, touch);
facts.expect(
  writing.parent - idle.parent > 48,
  `the parent writing 64 pages between forks: ${writing.parent.toFixed(0)} page faults a fork against ` +
    `${idle.parent.toFixed(0)} writing none (+${(writing.parent - idle.parent).toFixed(0)})`,
);

const request = 'GET /hello?name=x HTTP/1.1\r\nHost: localhost\r\n\r\n';
const firstTime = (): void => {
  // what a WSGI child does for its first request: a regular expression the parent never ran, a date string
  const line = /^([A-Z]+) (\/[^ ]*) HTTP\/(\d)\.(\d)\r?$/m.exec(request);
  const date = new Date().toUTCString();
  if (line === null || date.length === 0) call('_exit', 3);
};
const cold = forkLoop(firstTime, nothing);
firstTime(); // once in the parent: the regular expression compiled, ICU set up
const warm = forkLoop(firstTime, nothing);
facts.expect(
  warm.child < cold.child - 5,
  `children that run a regular expression and a date string the parent never ran: ${cold.child.toFixed(0)} ` +
    `page faults a child; once the parent has run them first: ${warm.child.toFixed(0)}`,
);
process.exitCode = facts.done();
