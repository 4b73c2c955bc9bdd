/**
 * node's code, and then its read-only data, in anonymous huge pages: the code as Node itself did
 * with --use-largepages until Node 24 (the option is gone in 26). fork(2) copies no page tables
 * for a file mapping, so every child faults in, page by page, the part of node's 45 MB of code it
 * runs; an anonymous mapping's page tables are copied, one entry per 2 MiB huge page, and the
 * child faults none of it in.
 *
 * The move never leaves the code unmapped or writable while Node's other threads run it: the copy
 * is made elsewhere (mmap(2), madvise(2) MADV_HUGEPAGE, memmove, mprotect(2) r-x) and then
 * put in the code's place by one mremap(2) (MREMAP_FIXED), which replaces the file's pages with the
 * copy's under the kernel's lock on the address space.
 */
import { closeSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { platform } from '../platform/index.js';
import { call } from '../libc.js';

/** What moveTextToHugePages() found or did: 'moved', 'already' (Node did it), or why it could not. */
export type HugeTextOutcome = { done: 'moved'; bytes: number } | { done: 'already' } | { done: 'not'; reason: string };

/** Where huge pages can be used: the platform's numbers, the huge page size, and node's file. */
interface HugePages {
  h: NonNullable<NonNullable<typeof platform.forkSafety>['hugeText']>;
  huge: bigint;
  node: string;
}

/**
 * attempt, once per process; where huge pages cannot be used, or it could not move, why is said
 * once on stderr and node's `what` stays as it is.
 */
function once(what: string, attempt: (here: HugePages) => HugeTextOutcome): () => HugeTextOutcome {
  let outcome: HugeTextOutcome | null = null;
  return () => {
    if (outcome !== null) return outcome;
    const here = hugePagesHere();
    outcome = typeof here === 'string' ? { done: 'not', reason: here } : attempt(here);
    if (outcome.done === 'not')
      process.stderr.write(`@lsbaws/posix: node's ${what} stays in 4 KiB pages: ${outcome.reason}\n`);
    return outcome;
  };
}

/**
 * Moves the 2 MiB-aligned interior of node's code into anonymous huge pages, once. Where it cannot
 * (no transparent huge pages, another layout), says why once on stderr and leaves the code as it is.
 */
export const moveTextToHugePages = once('code', tryMove);

/** A line of /proc/self/maps: [start, end), permissions, and the file ('' for anonymous memory). */
interface Mapping {
  start: bigint;
  end: bigint;
  perms: string;
  path: string;
}

function mappings(): Mapping[] {
  const found: Mapping[] = [];
  for (const line of readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    const m = /^(?<start>[0-9a-f]+)-(?<end>[0-9a-f]+) (?<perms>\S+) \S+ \S+ \S+\s*(?<path>.*)$/.exec(line)?.groups;
    if (m === undefined) continue;
    found.push({ start: BigInt(`0x${m.start}`), end: BigInt(`0x${m.end}`), perms: m.perms ?? '', path: m.path ?? '' });
  }
  return found;
}

function tryMove({ h, huge, node }: HugePages): HugeTextOutcome {
  const all = mappings();
  const code = largest(all, node, 'r-xp');
  if (code === undefined) {
    return all.some((m) => m.path === '' && m.perms === 'r-xp')
      ? { done: 'already' }
      : { done: 'not', reason: `no r-xp mapping of ${node} in /proc/self/maps` };
  }
  const start = ((code.start + huge - 1n) / huge) * huge;
  const end = (code.end / huge) * huge;
  if (end <= start) {
    // Node moved it (--use-largepages): its anonymous copy sits next to what is left of the file's
    const besides = all.some(
      (m) => m.path === '' && m.perms === 'r-xp' && (m.end === code.start || m.start === code.end),
    );
    return besides
      ? { done: 'already' }
      : { done: 'not', reason: `node's code (${code.end - code.start} bytes) holds no aligned 2 MiB` };
  }
  const failed = moveIntoHugePages(h, start, end, h.PROT_READ | h.PROT_EXEC);
  return failed === null ? { done: 'moved', bytes: Number(end - start) } : { done: 'not', reason: failed };
}

/**
 * node's read-only data (its largest r--p mapping: V8's and ICU's tables, the builtins' metadata)
 * in anonymous huge pages, once, as moveTextToHugePages() does for its code: a child of a server
 * faulted about 36 of its pages in from the file for each request (webserver3h, `perf record -e
 * page-faults -d`). Only the aligned 2 MiB stretches that this process has read a page of (present
 * in /proc/self/pagemap) are moved: what the children run, the parent ran first; the rest (most of
 * ICU's data) stays in the file, costing no memory. Says why once on stderr where it cannot.
 */
export const moveReadOnlyDataToHugePages = once('read-only data', tryMoveReadOnly);

function tryMoveReadOnly({ h, huge, node }: HugePages): HugeTextOutcome {
  const data = largest(mappings(), node, 'r--p');
  if (data === undefined) return { done: 'not', reason: `no r--p mapping of ${node} in /proc/self/maps` };
  const present = presentStretches(((data.start + huge - 1n) / huge) * huge, (data.end / huge) * huge, huge);
  if (present === null) return { done: 'not', reason: '/proc/self/pagemap cannot be read' };
  let bytes = 0;
  for (const [start, end] of present) {
    const failed = moveIntoHugePages(h, start, end, h.PROT_READ);
    if (failed !== null) return bytes === 0 ? { done: 'not', reason: failed } : { done: 'moved', bytes };
    bytes += Number(end - start);
  }
  return bytes === 0
    ? { done: 'not', reason: 'none of its aligned 2 MiB has been read yet' }
    : { done: 'moved', bytes };
}

/** The platform's numbers, the huge page size and node's file, or why huge pages cannot be used here. */
function hugePagesHere(): HugePages | string {
  const h = platform.forkSafety?.hugeText;
  if (h === undefined) return `no huge pages on ${platform.name}`;
  let thp: string;
  try {
    thp = readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8');
  } catch {
    return 'no /sys/kernel/mm/transparent_hugepage/enabled';
  }
  if (thp.includes('[never]')) return 'transparent huge pages are [never] here';
  return { h, huge: BigInt(h.hugePageSize), node: realpathSync(process.execPath) };
}

/** The node file's largest mapping with these permissions. */
function largest(all: Mapping[], node: string, perms: string): Mapping | undefined {
  return all
    .filter((m) => m.path === node && m.perms === perms)
    .sort((a, b) => Number(b.end - b.start - (a.end - a.start)))[0];
}

/**
 * The runs of huge pages in [start, end) with a 4 KiB page present in this process, from
 * /proc/self/pagemap (proc(5): 8 bytes a page, bit 63 present); null when it cannot be read.
 */
function presentStretches(start: bigint, end: bigint, huge: bigint): Array<[bigint, bigint]> | null {
  if (end <= start) return [];
  const perHuge = Number(huge / PAGE);
  const entries = Buffer.alloc(Number((end - start) / PAGE) * 8);
  let fd: number;
  try {
    fd = openSync('/proc/self/pagemap', 'r');
  } catch {
    return null;
  }
  try {
    readSync(fd, entries, 0, entries.length, Number((start / PAGE) * 8n));
  } finally {
    closeSync(fd);
  }
  const runs: Array<[bigint, bigint]> = [];
  for (let i = 0; i * perHuge * 8 < entries.length; i++) {
    let read = false;
    for (let j = i * perHuge; j < (i + 1) * perHuge && !read; j++) read = entries.readBigUInt64LE(j * 8) >> 63n === 1n;
    if (!read) continue;
    const at = start + BigInt(i) * huge;
    const last = runs.at(-1);
    if (last !== undefined && last[1] === at) last[1] = at + huge;
    else runs.push([at, at + huge]);
  }
  return runs;
}

const PAGE = 4096n;

/**
 * Puts an anonymous copy of [start, end) (2 MiB-aligned) in its place, in huge pages, with
 * permissions prot: mmap(2), madvise(2) MADV_HUGEPAGE, memmove, mprotect(2), then one mremap(2)
 * MREMAP_FIXED. Returns null, or why it could not (the original is then left as it was).
 */
function moveIntoHugePages(h: HugePages['h'], start: bigint, end: bigint, prot: number): string | null {
  const huge = BigInt(h.hugePageSize);
  const size = end - start;
  const mapped = call(
    'mmap',
    0n,
    Number(size + huge),
    h.PROT_READ | h.PROT_WRITE,
    h.MAP_PRIVATE | h.MAP_ANONYMOUS,
    -1,
    0,
  );
  const region = BigInt.asUintN(64, mapped.value as bigint);
  if (region === 0xffffffffffffffffn) return `mmap of ${size} bytes failed (errno ${mapped.errno})`;
  const copy = ((region + huge - 1n) / huge) * huge;
  let moved = false;
  try {
    const advised = call('madvise', copy, size, h.MADV_HUGEPAGE);
    if (advised.value !== 0) return `madvise(MADV_HUGEPAGE) failed (errno ${advised.errno})`;
    call('memmove', copy, start, Number(size));
    const protect = call('mprotect', copy, Number(size), prot);
    if (protect.value !== 0) return `mprotect failed (errno ${protect.errno})`;
    const put = call('mremap', copy, Number(size), Number(size), h.MREMAP_MAYMOVE | h.MREMAP_FIXED, start);
    if (BigInt.asUintN(64, put.value as bigint) !== start) return `mremap failed (errno ${put.errno})`;
    moved = true;
    return null;
  } finally {
    // what is left of the region: its unaligned head and tail, and the copy itself when it was not moved
    if (copy > region) call('munmap', region, Number(copy - region));
    if (moved) call('munmap', copy + size, Number(region + huge - copy));
    else call('munmap', copy, Number(region + size + huge - copy));
  }
}
