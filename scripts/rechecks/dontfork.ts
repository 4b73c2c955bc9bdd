/**
 * Re-checks docs/fork-in-node.md, fact 1: V8 marks the pages it allocates MADV_DONTFORK, so
 * the child of a plain fork() has no JavaScript heap and dies with SIGSEGV; the seccomp filter
 * and the one MADV_DOFORK sweep that os.fork() starts with keep every page, old and new.
 *
 *   node --single-threaded scripts/rechecks/dist/dontfork.js
 *
 * Prints what it saw, step by step; exits 0 when every step came out as the page says.
 */
import { readFileSync } from 'node:fs';
import { Checklist, describeStatus } from './report.js';
import { call, check, forkStep, WIFSIGNALED, WTERMSIG, platform } from '@lsbaws/posix/fork-steps';

/** The mappings of this process whose VmFlags carry `dc` (MADV_DONTFORK), their size, and all that is mapped. */
function dontforkMappings(): { mappings: number; kB: number; mappedKB: number } {
  let mappings = 0;
  let kB = 0;
  let size = 0;
  let mappedKB = 0;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const sized = /^Size:\s+(\d+) kB/.exec(line);
    if (sized) {
      size = Number(sized[1]);
      mappedKB += size;
    }
    if (line.startsWith('VmFlags:') && line.split(/\s+/).includes('dc')) {
      mappings++;
      kB += size;
    }
  }
  return { mappings, kB, mappedKB };
}

/** About `mb` MB of new JavaScript objects, kept alive, so that V8 maps new heap pages. */
const kept: unknown[] = [];
function allocate(mb: number): void {
  for (let i = 0; i < mb * 10_000; i++) kept.push({ i, s: `object ${i}` });
}

/** fork(2) straight through libc, nothing prepared; the child runs a little JavaScript, then _exit(0). */
function plainFork(): number {
  const pid = check('fork');
  if (pid === 0) {
    const squares = Array.from({ length: 1000 }, (_, i) => ({ i, square: i * i }));
    call('_exit', squares.length === 1000 ? 0 : 3);
  }
  const status = Buffer.alloc(4);
  check('waitpid', pid, status, 0);
  return status.readInt32LE(0);
}

const facts = new Checklist();

const atStart = dontforkMappings();
facts.expect(
  atStart.mappings > 0,
  `${atStart.mappings} mappings (${atStart.kB} kB) are marked dc (MADV_DONTFORK) in /proc/self/smaps`,
);
allocate(50);
const afterAllocating = dontforkMappings();
facts.expect(
  afterAllocating.kB > atStart.kB,
  `after allocating about 50 MB of objects: ${afterAllocating.mappings} ` +
    `mappings (${afterAllocating.kB} kB): V8 marks its new pages too`,
);
const plain = plainFork();
facts.expect(
  WIFSIGNALED(plain) && WTERMSIG(plain) === platform.signals.SIGSEGV,
  `a plain fork(): the child that ran JavaScript ${describeStatus(plain)}`,
);
forkStep('forkable-heap').parent?.(); // os.fork()'s step for V8's heap, alone
const afterSweep = dontforkMappings();
facts.expect(
  afterSweep.mappings === 0,
  `after the seccomp filter and the MADV_DOFORK sweep: ${afterSweep.mappings} mappings marked`,
);
allocate(50);
const afterMore = dontforkMappings();
facts.expect(
  afterMore.mappings === 0 && afterMore.mappedKB > afterSweep.mappedKB,
  `after 50 MB more: ${afterMore.mappings} mappings marked, ` +
    `${afterMore.mappedKB} kB mapped (madvise(MADV_DONTFORK) is now a no-op)`,
);
const prepared = plainFork();
facts.expect(prepared === 0, `the same plain fork() now: the child ${describeStatus(prepared)}`);
process.exitCode = facts.done();
