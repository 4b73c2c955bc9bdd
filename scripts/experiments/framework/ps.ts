/** What a learner runs in another terminal to see the processes: ps, and one `pnpm observe` view. */
import { execFileSync } from 'node:child_process';
import { snapshot, type Snapshot } from '../../lib/observe-model.js';
import { render } from '../../lib/observe-render.js';

/** `ps -o pid,ppid,stat,cmd --ppid PID` (the server's children) as the learner would run it. */
export function psChildren(pid: number): string {
  try {
    return execFileSync('ps', ['-o', 'pid,ppid,stat,cmd', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch (e) {
    // ps exits 1 when no process matched; it still printed the header
    return (e as { stdout?: string }).stdout ?? '';
  }
}

/** psChildren(pid), its first six lines and how many processes it listed (what a burst of clients leaves). */
export function psChildrenShort(pid: number): string {
  const listing = psChildren(pid).replace(/\s+$/, '').split('\n');
  return listing.length > 7
    ? [...listing.slice(0, 6), `...  (${listing.length - 1} processes in all)`].join('\n')
    : listing.join('\n');
}

/** `ps -o pid,ppid,stat,cmd -p PID...` */
export function ps(pids: number[]): string {
  try {
    return execFileSync('ps', ['-o', 'pid,ppid,stat,cmd', '-p', pids.join(',')], { encoding: 'utf8' });
  } catch (e) {
    return (e as { stdout?: string }).stdout ?? '';
  }
}

/** One `pnpm observe --once` view of the stage, without the clock (the article's pictures, live). */
export function observe(pid: number, maxChildren = 6): { snap: Snapshot; text: string } {
  const snap = snapshot(pid);
  return { snap, text: render(snap, { noClock: true, maxChildren }) };
}
