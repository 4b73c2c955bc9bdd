/**
 * node's code, and then its read-only data, in anonymous huge pages: the code as Node itself did
 * with --use-largepages until Node 24 (the option is gone in 26). fork(2) copies no page tables
 * for a file mapping, so every child faults in, page by page, the part of node's 45 MB of code it
 * runs; an anonymous mapping's page tables are copied, one entry per 2 MiB huge page, and the
 * child faults none of it in.
 *
 * A move never leaves the code or the data unmapped or writable while Node's other threads use
 * them: the copy is made elsewhere (mmap(2), madvise(2) MADV_HUGEPAGE, memmove, mprotect(2) r-x or
 * r--) and then put in the original's place by one mremap(2) (MREMAP_FIXED), which replaces the
 * file's pages with the copy's under the kernel's lock on the address space.
 */
import { closeSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { platform } from '../platform/index.js';
import { call } from '../libc.js';

/**
 * What a move found or did: 'moved' (with why some of it was not, if so), 'already' (Node moved
 * its code itself), or why it could not.
 */
export type HugeTextOutcome =
  { done: 'moved'; bytes: number; rest?: string } | { done: 'already' } | { done: 'not'; reason: string };

/** Where huge pages can be used: the platform's numbers, the huge and small page sizes, and node's file. */
interface HugePages {
  h: NonNullable<NonNullable<typeof platform.forkSafety>['hugeText']>;
  huge: bigint;
  page: bigint;
  node: string;
}

/**
 * A move that runs once per process: the first call runs attempt, later calls give its outcome.
 * What stays in 4 KiB pages, and why, is said once on stderr.
 */
function once(what: string, attempt: (here: HugePages) => HugeTextOutcome): () => HugeTextOutcome {
  let outcome: HugeTextOutcome | null = null;
  return () => {
    if (outcome !== null) return outcome;
    const here = hugePagesHere();
    outcome = typeof here === 'string' ? { done: 'not', reason: here } : attempt(here);
    const rest = outcome.done === 'not' ? outcome.reason : outcome.done === 'moved' ? outcome.rest : undefined;
    if (rest !== undefined) {
      const moved = outcome.done === 'moved' ? ` (${outcome.bytes / 1048576} MiB of it moved)` : '';
      process.stderr.write(`@lsbaws/posix: node's ${what} stays in 4 KiB pages${moved}: ${rest}\n`);
    }
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

/** The code's move: its 2 MiB-aligned interior, all at once. */
function tryMove(here: HugePages): HugeTextOutcome {
  const { h, huge, node } = here;
  const all = mappings();
  const code = largest(all, node, 'r-xp');
  if (code === undefined) {
    return all.some((m) => m.path === '' && m.perms === 'r-xp')
      ? { done: 'already' }
      : { done: 'not', reason: `no r-xp mapping of ${node} in /proc/self/maps` };
  }
  const [start, end] = alignedInterior(code, huge);
  if (end <= start) {
    // Node moved it (--use-largepages): its anonymous copy sits next to what is left of the file's
    const besides = all.some(
      (m) => m.path === '' && m.perms === 'r-xp' && (m.end === code.start || m.start === code.end),
    );
    return besides
      ? { done: 'already' }
      : { done: 'not', reason: `node's code (${code.end - code.start} bytes) holds no aligned 2 MiB` };
  }
  const failed = moveIntoHugePages(here, start, end, h.PROT_READ | h.PROT_EXEC);
  return failed === null ? { done: 'moved', bytes: Number(end - start) } : { done: 'not', reason: failed };
}

/**
 * node's read-only data (its largest r--p mapping: V8's and ICU's tables, the builtins' metadata)
 * in anonymous huge pages, once, as moveTextToHugePages() does for its code: a webserver3h child
 * faulted about 30 of its pages in from the file for each request (`perf record -e page-faults -d`).
 * Only the aligned 2 MiB stretches that this process has read a page of (present in
 * /proc/self/pagemap) move: what the parent read before its first fork; the rest (most of ICU's
 * data) stays in the file and costs no memory. What stays, and why, is said once on stderr.
 */
export const moveReadOnlyDataToHugePages = once('read-only data', tryMoveReadOnly);

/** The read-only data's move: each run of 2 MiB stretches this process has read, in turn. */
function tryMoveReadOnly(here: HugePages): HugeTextOutcome {
  const { h, huge, node } = here;
  const data = largest(mappings(), node, 'r--p');
  if (data === undefined) return { done: 'not', reason: `no r--p mapping of ${node} in /proc/self/maps` };
  const read = stretchesRead(here, ...alignedInterior(data, huge));
  if (read === null) return { done: 'not', reason: '/proc/self/pagemap cannot be read' };
  if (read.length === 0) return { done: 'not', reason: 'none of its aligned 2 MiB has been read yet' };
  let bytes = 0;
  for (const [start, end] of read) {
    const failed = moveIntoHugePages(here, start, end, h.PROT_READ);
    if (failed !== null) return bytes === 0 ? { done: 'not', reason: failed } : { done: 'moved', bytes, rest: failed };
    bytes += Number(end - start);
  }
  return { done: 'moved', bytes };
}

/** The platform's numbers, the page sizes and node's file, or why huge pages cannot be used here. */
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
  return { h, huge: BigInt(h.hugePageSize), page: BigInt(h.pageSize), node: realpathSync(process.execPath) };
}

/** The whole huge pages inside [start, end): start rounded up to a huge page, end down (empty when end <= start). */
function alignedInterior({ start, end }: { start: bigint; end: bigint }, huge: bigint): [bigint, bigint] {
  return [((start + huge - 1n) / huge) * huge, (end / huge) * huge];
}

/** The node file's largest mapping with these permissions. */
function largest(all: Mapping[], node: string, perms: string): Mapping | undefined {
  return all
    .filter((m) => m.path === node && m.perms === perms)
    .sort((a, b) => Number(b.end - b.start - (a.end - a.start)))[0];
}

/**
 * The runs of huge pages in [start, end) with a page present in this process, from
 * /proc/self/pagemap (proc(5): 8 bytes a page, bit 63 present); null when it cannot be read.
 */
function stretchesRead({ huge, page }: HugePages, start: bigint, end: bigint): Array<[bigint, bigint]> | null {
  if (end <= start) return [];
  const perHuge = Number(huge / page);
  const entries = Buffer.alloc(Number((end - start) / page) * 8);
  try {
    const fd = openSync('/proc/self/pagemap', 'r');
    try {
      if (readSync(fd, entries, 0, entries.length, Number((start / page) * 8n)) !== entries.length) return null;
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
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

/** AnonHugePages of the mapping that holds address, in bytes, from /proc/self/smaps (proc(5)). */
function hugeBytesAt(address: bigint): bigint {
  let holds = false;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (head) holds = BigInt(`0x${head[1]}`) <= address && address < BigInt(`0x${head[2]}`);
    const huge = holds ? /^AnonHugePages:\s+(\d+) kB/.exec(line) : null;
    if (huge) return BigInt(huge[1] ?? 0) * 1024n;
  }
  return 0n;
}

/**
 * Puts an anonymous copy of [start, end) (2 MiB-aligned) in its place, in huge pages, with
 * permissions prot: mmap(2), madvise(2) MADV_HUGEPAGE, memmove, mprotect(2), then one mremap(2)
 * MREMAP_FIXED. A copy the kernel did not give huge pages for all of (transparent huge pages'
 * defrag off, memory too fragmented) is not put in: fork() would copy its 4 KiB page tables on
 * every call. Returns null, or why it could not (the original is then left as it was).
 */
function moveIntoHugePages({ h, huge }: HugePages, start: bigint, end: bigint, prot: number): string | null {
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
  const [copy] = alignedInterior({ start: region, end: region + size + huge }, huge);
  let moved = false;
  try {
    const advised = call('madvise', copy, size, h.MADV_HUGEPAGE);
    if (advised.value !== 0) return `madvise(MADV_HUGEPAGE) failed (errno ${advised.errno})`;
    call('memmove', copy, start, Number(size));
    const inHuge = hugeBytesAt(copy);
    if (inHuge < size) return `the kernel gave ${inHuge / 1024n} kB of huge pages for the ${size / 1024n} kB copy`;
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
