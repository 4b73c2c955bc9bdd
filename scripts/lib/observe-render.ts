/**
 * Text rendering of an observe-model Snapshot: the article's pictures of processes, descriptors,
 * reference counts and zombies, drawn from what /proc says now.
 */
import type { FdInfo, Holder, ProcessInfo, Snapshot } from './observe-model.js';
import { shortCommand } from './observe-model.js';

export interface RenderOptions {
  /** List Node's own event-loop descriptors one by one instead of one summary line. */
  all?: boolean;
  /** ANSI colours (for a terminal). */
  color?: boolean;
  /** Hide the time of day (for output embedded in the guide or compared in tests). */
  noClock?: boolean;
  /** At most this many children are drawn in full; the rest are summed up (default 12). */
  maxChildren?: number;
}

const STD = ['stdin', 'stdout', 'stderr'];
/** Connections listed one by one for a process; more are summed up in one line. */
const MAX_CONNECTIONS = 8;

export function render(snap: Snapshot, options: RenderOptions = {}): string {
  const c = colours(options.color ?? false);
  const out: string[] = [];
  const kids = snap.processes.filter((p) => p.role === 'child');
  const running = kids.length - snap.zombies;
  const clock = options.noClock ? '' : `   ${new Date(snap.at).toTimeString().slice(0, 8)}`;
  out.push(
    c.bold(`${snap.stage}`) +
      `  server PID ${snap.pid}` +
      (snap.ports.length ? `  port ${snap.ports.join(', ')}` : '  (not listening)') +
      `  |  ${plural(kids.length, 'child', 'children')}` +
      (kids.length
        ? ` (${running} alive, ${snap.zombies === 0 ? 'no zombies' : c.red(plural(snap.zombies, 'zombie'))})`
        : '') +
      `  |  ${plural(snap.connections.length, 'connection')}` +
      (snap.sharedConnections ? c.yellow(` (${snap.sharedConnections} held by 2+ processes)`) : '') +
      clock,
  );
  out.push('');

  const limit = options.maxChildren ?? 12;
  const shown = snap.processes.filter((p) => p.role === 'parent' || kids.indexOf(p) < limit);
  for (const p of shown) out.push(...processBlock(p, snap, options, c));
  if (kids.length > limit) {
    const rest = kids.slice(limit);
    const byState = new Map<string, number>();
    for (const k of rest) byState.set(k.stateWord, (byState.get(k.stateWord) ?? 0) + 1);
    out.push(
      `  └─ ... and ${rest.length} more children: ` +
        `${[...byState].map(([w, n]) => (w === 'zombie' ? plural(n, 'zombie') : `${n} ${w}`)).join(', ')}`,
    );
  }

  if (snap.zombies > 0) {
    out.push(
      c.red('  zombie') +
        ': the child has exited, but its parent has not wait()ed for it: the ' +
        'kernel keeps its PID and exit status. kill -9 cannot remove it.',
    );
  }

  if (snap.connections.length > 0) {
    out.push('');
    out.push(
      c.bold('Connections') +
        ' (socket pair {server end, client end}; reference count = descriptors open on the server end)',
    );
    for (const conn of snap.connections.slice(0, 20)) {
      const holders = conn.heldBy.map((h) => `${roleOf(h.pid, snap)} ${h.pid} fd ${h.fd}`).join(' + ');
      const count = conn.heldBy.length;
      const line =
        `  {${conn.local.join(':')}, ${conn.remote.join(':')}}  ${conn.state.padEnd(11)}  ` +
        `open in ${holders}: reference count ${count}` +
        (conn.peer.length
          ? `  | client end: ${conn.peer.map((h) => `${h.comm} ${h.pid} fd ${h.fd}`).join(', ')}`
          : '') +
        (conn.state === 'CLOSE_WAIT' ? '  | the client has closed its end; the server has not' : '');
      out.push(count > 1 ? c.yellow(line) : line);
    }
    if (snap.connections.length > 20) out.push(`  ... and ${snap.connections.length - 20} more`);
  }
  if (snap.queued.length > 0) {
    out.push('');
    out.push(
      c.bold('Waiting in the listen queue') +
        ` (connected, not accept()ed yet; the BACKLOG of listen()): ${snap.queued.length}  ` +
        snap.queued
          .slice(0, 8)
          .map((q) => `{${q.local.join(':')}, ${q.remote.join(':')}}${q.state === 'ESTABLISHED' ? '' : ` ${q.state}`}`)
          .join('  ') +
        (snap.queued.length > 8 ? ' ...' : ''),
    );
  }
  return out.join('\n') + '\n';
}

function processBlock(p: ProcessInfo, snap: Snapshot, options: RenderOptions, c: Colours): string[] {
  const indent = p.depth === 0 ? '' : '  '.repeat(p.depth - 1) + '  └─ ';
  const pad = ' '.repeat(indent.length + 2);
  const lines: string[] = [];
  const state = p.state === 'Z' ? c.red('zombie') : p.blockedIn ? `${p.stateWord} in ${p.blockedIn}()` : p.stateWord;
  const command = p.state === 'Z' ? `[${p.comm}] <defunct>` : shortCommand(p.argv); // as ps shows it
  lines.push(
    `${indent}${c.bold(`PID ${p.pid}`)}  ${p.role.padEnd(6)}  ${state}` +
      (p.state === 'Z' ? `  ${command}` : `  ${command}${p.threads > 1 ? `  (${p.threads} threads)` : ''}`),
  );
  if (p.state === 'Z') return lines;
  if (p.fds.length === 0) {
    lines.push(`${pad}(descriptors not readable)`);
    return lines;
  }
  const runtime = p.fds.filter((f) => f.kind === 'runtime');
  let runtimeShown = false;
  // a process that holds hundreds of connections (webserver-poll): the first few, then the rest summed up
  const connections = p.fds.filter((f) => f.kind === 'connection');
  const rest = connections.length > MAX_CONNECTIONS + 1 ? connections.slice(MAX_CONNECTIONS) : [];
  for (const f of p.fds) {
    if (rest.includes(f)) {
      if (f === rest[0]) {
        lines.push(`${pad}${'...'.padStart(4)}  ${rest.length} more connections (${ranges(rest.map((r) => r.fd))})`);
      }
      continue;
    }
    if (f.kind === 'runtime' && !options.all) {
      if (!runtimeShown) {
        lines.push(
          `${pad}${'...'.padStart(4)}  ${plural(runtime.length, 'descriptor')} Node's event ` +
            `loop uses itself (${ranges(runtime.map((r) => r.fd))}; --all lists them)`,
        );
        runtimeShown = true;
      }
      continue;
    }
    lines.push(`${pad}${String(f.fd).padStart(4)}  ${fdLine(f, snap, c)}`);
  }
  return lines;
}

function fdLine(f: FdInfo, snap: Snapshot, c: Colours): string {
  const std = f.fd <= 2 ? `${STD[f.fd]}: ` : '';
  let text = `${std}${f.description}`;
  const others = f.sharedWith;
  const relevant =
    f.kind === 'listening' ||
    f.kind === 'connection' ||
    f.kind === 'pipe' ||
    f.kind === 'file' ||
    f.kind === 'unix' ||
    f.kind === 'socket';
  if (others.length > 0 && relevant && f.fd > 2) {
    const shared = `shared with ${others.map((h) => who(h, snap)).join(', ')}`;
    text += '  ' + (f.kind === 'connection' ? c.yellow(shared) : shared);
  }
  if (f.kind === 'connection' && f.peer && f.peer.length > 0) {
    text += `  | client: ${f.peer.map((h) => `${h.comm} ${h.pid}`).join(', ')}`;
  }
  return text;
}

function who(h: Holder, snap: Snapshot): string {
  return `${roleOf(h.pid, snap)} ${h.pid} (fd ${h.fd})`;
}

function roleOf(pid: number, snap: Snapshot): string {
  return pid === snap.pid ? 'parent' : 'child';
}

/** 3,4,5,6,9 -> '3-6, 9' */
export function ranges(ns: number[]): string {
  const runs: Array<[first: number, last: number]> = [];
  for (const n of [...ns].sort((a, b) => a - b)) {
    const run = runs.at(-1);
    if (run !== undefined && n === run[1] + 1) run[1] = n;
    else runs.push([n, n]);
  }
  return runs.map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`)).join(', ');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

interface Colours {
  bold: (s: string) => string;
  red: (s: string) => string;
  yellow: (s: string) => string;
}

function colours(on: boolean): Colours {
  const wrap = (code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { bold: wrap('1'), red: wrap('31'), yellow: wrap('33') };
}
