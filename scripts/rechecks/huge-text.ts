/**
 * Re-checks docs/fork-in-node.md, fact 7: fork(2) copies no page tables for node's code, which is
 * a mapping of the node file, so every child faults in again, page by page, the code it runs; moved
 * into anonymous huge pages (what os.fork() does once, before its first fork), the code comes with
 * the page tables fork() copies, and a child faults far fewer pages. The same for the part of node's
 * read-only data that the parent has read (the step after it), with fewer faults again.
 *
 *   node --single-threaded --no-short-builtin-calls scripts/rechecks/dist/huge-text.js [children]
 *
 * Prints what it saw; exits 0 when every step came out as the page says.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { Checklist } from './report.js';
import { call, check, forkStep, moveReadOnlyDataToHugePages, moveTextToHugePages } from '@lsbaws/posix/fork-steps';

const children = Number(process.argv[2] ?? 50);
const node = realpathSync(process.execPath);

/** This process's mappings from /proc/self/smaps: size, permissions, file ('' when anonymous), AnonHugePages. */
function smaps(): Array<{ kB: number; perms: string; path: string; anonHugeKB: number }> {
  const found: Array<{ kB: number; perms: string; path: string; anonHugeKB: number }> = [];
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const kB = (parseInt(head[2] ?? '0', 16) - parseInt(head[1] ?? '0', 16)) / 1024;
      found.push({ kB, perms: head[3] ?? '', path: head[4] ?? '', anonHugeKB: 0 });
    }
    const huge = /^AnonHugePages:\s+(\d+) kB/.exec(line);
    const last = found.at(-1);
    if (huge && last) last.anonHugeKB = Number(huge[1]);
  }
  return found;
}

/** Node's largest executable mapping: its size, whether it is the node file's, and its AnonHugePages. */
function codeMapping(): { kB: number; file: boolean; anonHugeKB: number } {
  const code = smaps()
    .filter((m) => m.perms === 'r-xp' && (m.path === node || m.path === ''))
    .sort((a, b) => b.kB - a.kB)[0];
  return code === undefined ? { kB: 0, file: false, anonHugeKB: 0 } : { ...code, file: code.path === node };
}

/** AnonHugePages of this process's anonymous read-only (r--p) mappings, in kB. */
function readOnlyHugeKB(): number {
  return smaps()
    .filter((m) => m.perms === 'r--p' && m.path === '')
    .reduce((kB, m) => kB + m.anonHugeKB, 0);
}

/** cminflt, field 11 of /proc/self/stat: the minor faults of the children this process has reaped. */
function childFaults(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[8]);
}

/** Forks `children` children, one at a time, each running a little JavaScript; their page faults per child. */
function faultsPerChild(): number {
  const before = childFaults();
  const status = Buffer.alloc(4);
  for (let i = 0; i < children; i++) {
    const pid = check('fork');
    if (pid === 0) {
      const text = JSON.stringify(Array.from({ length: 200 }, (_, j) => ({ j, date: new Date(j).toUTCString() })));
      call('_exit', text.length > 0 ? 0 : 3);
    }
    check('waitpid', pid, status, 0);
  }
  return (childFaults() - before) / children;
}

const facts = new Checklist();
forkStep('forkable-heap').parent?.(); // os.fork()'s step for V8's heap, alone: these children fork plainly
faultsPerChild(); // the parent runs the children's code once too, as a server has before its forks

const before = codeMapping();
facts.expect(
  before.file,
  `node's code: ${before.kB} kB mapped from ${node} (r-xp), AnonHugePages ${before.anonHugeKB} kB`,
);
const inFile = faultsPerChild();
facts.expect(
  inFile > 0,
  `${children} children, each running a little JavaScript: ${inFile.toFixed(0)} page faults a child`,
);

const outcome = moveTextToHugePages();
const after = codeMapping();
facts.expect(
  outcome.done === 'moved' && !after.file && after.anonHugeKB > 0,
  `moved (${JSON.stringify(outcome)}): the code is anonymous now, ` +
    `AnonHugePages ${after.anonHugeKB} kB of ${after.kB} kB`,
);
const inHugePages = faultsPerChild();
facts.expect(
  inHugePages < inFile * 0.8,
  `the same ${children} children: ${inHugePages.toFixed(0)} page faults a child ` +
    `(${((1 - inHugePages / inFile) * 100).toFixed(0)}% fewer)`,
);
facts.expect(moveTextToHugePages() === outcome, 'asked again, it does nothing more (once per process)');

// node's read-only data (its largest r--p mapping), the stretches this process has read: the step huge-rodata
const hugeBefore = readOnlyHugeKB();
const readOnly = moveReadOnlyDataToHugePages();
const hugeAfter = readOnlyHugeKB();
facts.expect(
  readOnly.done === 'moved' && (hugeAfter - hugeBefore) * 1024 === readOnly.bytes,
  `node's read-only data that this process has read: ${JSON.stringify(readOnly)}, ` +
    `AnonHugePages of anonymous read-only mappings ${hugeBefore} → ${hugeAfter} kB`,
);
const dataInHugePages = faultsPerChild();
facts.expect(
  dataInHugePages < inHugePages,
  `the same ${children} children: ${dataInHugePages.toFixed(0)} page faults a child ` +
    `(${(inHugePages - dataInHugePages).toFixed(0)} fewer than with the code alone moved)`,
);
process.exitCode = facts.done();
