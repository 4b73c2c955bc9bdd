/**
 * node's code in anonymous huge pages, as Node itself did with --use-largepages until Node 24
 * (the option is gone in 26). fork(2) copies no page tables for a file mapping, so every child
 * faults in, page by page, the part of node's 45 MB of code it runs; an anonymous mapping's page
 * tables are copied, one entry per 2 MiB huge page, and the child faults none of it in.
 *
 * The move never leaves the code unmapped or writable while Node's other threads run it: the copy
 * is made elsewhere (mmap(2), madvise(2) MADV_HUGEPAGE, memmove, mprotect(2) r-x) and then
 * put in the code's place by one mremap(2) (MREMAP_FIXED), which replaces the file's pages with the
 * copy's under the kernel's lock on the address space.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { platform } from '../platform/index.js';
import { call } from '../libc.js';

/** What moveTextToHugePages() found or did: 'moved', 'already' (Node did it), or why it could not. */
export type HugeTextOutcome = { done: 'moved'; bytes: number } | { done: 'already' } | { done: 'not'; reason: string };

let outcome: HugeTextOutcome | null = null;

/**
 * Moves the 2 MiB-aligned interior of node's code into anonymous huge pages, once. Where it cannot
 * (no transparent huge pages, another layout), says why once on stderr and leaves the code as it is.
 */
export function moveTextToHugePages(): HugeTextOutcome {
  if (outcome !== null) return outcome;
  outcome = tryMove();
  if (outcome.done === 'not')
    process.stderr.write(`@lsbaws/posix: node's code stays in 4 KiB pages: ${outcome.reason}\n`);
  return outcome;
}

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

function tryMove(): HugeTextOutcome {
  const h = platform.forkSafety?.hugeText;
  if (h === undefined) return { done: 'not', reason: `no huge pages on ${platform.name}` };
  let thp: string;
  try {
    thp = readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8');
  } catch {
    return { done: 'not', reason: 'no /sys/kernel/mm/transparent_hugepage/enabled' };
  }
  if (thp.includes('[never]')) return { done: 'not', reason: 'transparent huge pages are [never] here' };
  const node = realpathSync(process.execPath);
  const all = mappings();
  const code = all
    .filter((m) => m.path === node && m.perms === 'r-xp')
    .sort((a, b) => Number(b.end - b.start - (a.end - a.start)))[0];
  if (code === undefined) {
    return all.some((m) => m.path === '' && m.perms === 'r-xp')
      ? { done: 'already' }
      : { done: 'not', reason: `no r-xp mapping of ${node} in /proc/self/maps` };
  }
  const huge = BigInt(h.hugePageSize);
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
  if (region === 0xffffffffffffffffn)
    return { done: 'not', reason: `mmap of ${size} bytes failed (errno ${mapped.errno})` };
  const copy = ((region + huge - 1n) / huge) * huge;
  let moved = false;
  try {
    const advised = call('madvise', copy, size, h.MADV_HUGEPAGE);
    if (advised.value !== 0) return { done: 'not', reason: `madvise(MADV_HUGEPAGE) failed (errno ${advised.errno})` };
    call('memmove', copy, start, Number(size));
    const prot = call('mprotect', copy, Number(size), h.PROT_READ | h.PROT_EXEC);
    if (prot.value !== 0) return { done: 'not', reason: `mprotect failed (errno ${prot.errno})` };
    const put = call('mremap', copy, Number(size), Number(size), h.MREMAP_MAYMOVE | h.MREMAP_FIXED, start);
    if (BigInt.asUintN(64, put.value as bigint) !== start)
      return { done: 'not', reason: `mremap failed (errno ${put.errno})` };
    moved = true;
    return { done: 'moved', bytes: Number(size) };
  } finally {
    // what is left of the region: its unaligned head and tail, and the copy itself when it was not moved
    if (copy > region) call('munmap', region, Number(copy - region));
    if (moved) call('munmap', copy + size, Number(region + huge - copy));
    else call('munmap', copy, Number(region + size + huge - copy));
  }
}
