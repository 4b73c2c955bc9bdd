/**
 * What happened between two snapshots of a stage, in the article's events: a new child is a
 * fork(), a child turned Z has exited (and the kernel sent its parent SIGCHLD), a zombie gone is
 * a child its parent wait()ed for, a signal showing in /proc/PID/status is pending. A process
 * that forked and exited between two readings is never seen; a child that is gone without ever
 * being seen as a zombie was reaped at once.
 */
import type { ProcessInfo, Snapshot } from './observe-model.js';
import { constants } from 'node:os';
import { connectionId } from './observe-svg.js';
import { status } from './procfs.js';
import type { TraceEvent } from './trace.js';

export type EventKind =
  'watch' | 'fork' | 'exit' | 'reap' | 'signal' | 'stop' | 'continue' | 'accept' | 'close' | 'end';

export interface TimelineEvent {
  /** When the snapshot that showed it was taken (ms since the epoch). */
  at: number;
  kind: EventKind;
  pid: number;
  text: string;
}

function sigchldTo(parent: ProcessInfo | undefined, ppid: number): string {
  if (!parent) return `SIGCHLD to PID ${ppid}`;
  return parent.signals.caught.includes('SIGCHLD')
    ? `SIGCHLD to PID ${ppid}, which has a handler for it`
    : `SIGCHLD to PID ${ppid}, which ignores it (no handler)`;
}

/** The events that turn snapshot prev into next; for the first one, what it finds. */
export function changes(prev: Snapshot | null, next: Snapshot): TimelineEvent[] {
  if (prev === null) {
    const kids = next.processes.filter((p) => p.role === 'child').length;
    const text =
      `watching PID ${next.pid} (${next.stage}): ${kids} ${kids === 1 ? 'child' : 'children'}` +
      `${next.zombies ? `, ${next.zombies} of them ${next.zombies === 1 ? 'a zombie' : 'zombies'}` : ''}, ` +
      `${next.connections.length} ${next.connections.length === 1 ? 'connection' : 'connections'}`;
    return [{ at: next.at, kind: 'watch', pid: next.pid, text }];
  }
  const at = next.at;
  const events: TimelineEvent[] = [];
  const before = new Map(prev.processes.map((p) => [p.pid, p]));
  const after = new Map(next.processes.map((p) => [p.pid, p]));
  const add = (kind: EventKind, pid: number, text: string): void => void events.push({ at, kind, pid, text });
  // in the order they happen: accept(), then fork(), then the child's exit and its reaping
  const ORDER: EventKind[] = ['accept', 'fork', 'stop', 'continue', 'signal', 'exit', 'reap', 'close', 'end'];

  const opened = new Set(prev.connections.map(connectionId));
  const still = new Set(next.connections.map(connectionId));
  for (const c of next.connections) {
    if (!opened.has(connectionId(c)))
      add('accept', c.heldBy[0]?.pid ?? next.pid, `accept(): connection from ${c.remote.join(':')}`);
  }
  // a descriptor that still points to the same socket: TCP is done with it, but the server has not closed it
  const target = (snap: Map<number, ProcessInfo>, h: { pid: number; fd: number }): string | undefined =>
    snap.get(h.pid)?.fds.find((f) => f.fd === h.fd)?.target;
  for (const c of prev.connections) {
    if (still.has(connectionId(c))) continue;
    const open = c.heldBy.filter((h) => target(after, h) !== undefined && target(after, h) === target(before, h));
    add(
      'close',
      c.heldBy[0]?.pid ?? prev.pid,
      open.length > 0
        ? `connection from ${c.remote.join(':')}: TCP has closed it; its descriptor is still open in ` +
            open.map((h) => `PID ${h.pid} fd ${h.fd}`).join(', ')
        : `connection from ${c.remote.join(':')}: the server closed its last descriptor of it`,
    );
  }

  for (const p of next.processes) {
    const old = before.get(p.pid);
    if (!old) {
      if (p.role === 'child') add('fork', p.pid, `fork(): PID ${p.ppid} created child PID ${p.pid}`);
      if (p.state === 'Z')
        add('exit', p.pid, `PID ${p.pid} exited and is a zombie; ${sigchldTo(after.get(p.ppid), p.ppid)}`);
      continue;
    }
    if (old.state !== 'Z' && p.state === 'Z')
      add('exit', p.pid, `PID ${p.pid} exited and is a zombie; ${sigchldTo(after.get(p.ppid), p.ppid)}`);
    const wasStopped = old.state === 'T' || old.state === 't';
    const isStopped = p.state === 'T' || p.state === 't';
    if (!wasStopped && isStopped) add('stop', p.pid, `PID ${p.pid} stopped (SIGSTOP or SIGTSTP)`);
    if (wasStopped && !isStopped && p.state !== 'Z') add('continue', p.pid, `PID ${p.pid} continued (SIGCONT)`);
    for (const sig of p.signals.pending) {
      if (!old.signals.pending.includes(sig)) add('signal', p.pid, `${sig} pending at PID ${p.pid} (not handled yet)`);
    }
  }
  for (const old of prev.processes) {
    if (after.has(old.pid) || old.role !== 'child') continue;
    add(
      'reap',
      old.pid,
      old.state === 'Z'
        ? `PID ${old.pid} reaped: its parent wait()ed for the zombie`
        : `PID ${old.pid} exited and was reaped at once (never seen as a zombie)`,
    );
  }

  return events.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

/** A traced event (lib/trace.ts) as a timeline entry, in the article's words. */
export function fromTrace(e: TraceEvent): TimelineEvent {
  const at = e.time * 1000;
  const text = ((): string => {
    switch (e.event) {
      case 'accept':
        return `accept() in PID ${e.pid}: fd ${e.fd ?? '?'}${e.peer ? `, a connection from ${e.peer}` : ''}`;
      case 'fork':
        return `fork(): PID ${e.pid} created child PID ${e.child ?? '?'}`;
      case 'exit':
        return `PID ${e.pid} exited (${e.status ?? 'status unknown'}): a zombie until its parent waits for it`;
      case 'signal':
        return (
          `${e.signal ?? 'a signal'} delivered to PID ${e.pid}${e.from ? ` (sent by PID ${e.from})` : ''}` +
          (e.signal === 'SIGCHLD' ? handledBy(e.pid) : '')
        );
      case 'reap':
        return `PID ${e.pid} waited for child PID ${e.child ?? '?'}${e.status ? ` (${e.status})` : ''}: reaped`;
      case 'kill':
        return `PID ${e.pid} sent ${e.signal ?? 'a signal'} to PID ${e.target ?? '?'}`;
    }
  })();
  return { at, kind: e.event === 'kill' ? 'signal' : e.event, pid: e.pid, text };
}

/** A timeline entry seen between two /proc readings as an event of `--events` (the fallback without a tracer). */
export function toTrace(e: TimelineEvent): TraceEvent | null {
  if (!['accept', 'fork', 'exit', 'reap', 'signal'].includes(e.kind)) return null;
  const kind = e.kind as TraceEvent['event'];
  const child = kind === 'fork' || kind === 'exit' || kind === 'reap' ? { child: e.pid } : {};
  const signal = kind === 'signal' ? { signal: /^(SIG\w+)/.exec(e.text)?.[1] } : {};
  // a fork happened in the parent the text names ('fork(): PID 1 created child PID 2')
  const pid = kind === 'fork' ? Number(/^fork\(\): PID (\d+)/.exec(e.text)?.[1] ?? e.pid) : e.pid;
  return { time: Math.round(e.at * 1000) / 1e6, event: kind, pid, ...child, ...signal, source: 'proc' };
}

/** ', which has a handler for it' or ', which ignores it (no handler)': SIGCHLD's bit in /proc/PID/status. */
function handledBy(pid: number): string {
  const caught = status(pid)?.caught;
  if (caught === undefined) return '';
  return (caught & (1n << BigInt(constants.signals.SIGCHLD - 1))) !== 0n
    ? ', which has a handler for it'
    : ', which ignores it (no handler)';
}
