/**
 * The model behind `pnpm observe`: one snapshot of a running stage read from /proc, the server
 * process and its children with their state and their open descriptors, each descriptor
 * resolved to what it points to (listening socket, connection with its socket pair, pipe...).
 * No rendering here (see observe-render.ts), so that tests and the guide can use it directly.
 */
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { basename } from 'node:path';
import { stages } from './stages.js';
import {
  allPids,
  cmdline,
  descendants,
  fds,
  holders,
  listenerOf,
  stat,
  status,
  tcpSockets,
  tcpTable,
  unixSocketInodes,
  type TcpSocket,
} from './procfs.js';

/** What a descriptor points to, in the article's vocabulary. */
export type FdKind =
  | 'terminal'
  | 'null'
  | 'file'
  | 'pipe'
  | 'unix'
  | 'listening'
  | 'connection'
  | 'socket'
  /** Node's own event loop: epoll, eventfd, the pipes libuv keeps both ends of, /dev/null above 2. */
  | 'runtime'
  | 'other';

export interface Holder {
  pid: number;
  fd: number;
}

export interface FdInfo {
  fd: number;
  /** The raw readlink of /proc/PID/fd/N: 'socket:[1234]', 'pipe:[5]', '/dev/pts/0'... */
  target: string;
  kind: FdKind;
  /** One line for a learner: 'listening socket 0.0.0.0:8888', 'connection 127.0.0.1:8888 <-> ...'. */
  description: string;
  /** For TCP sockets: the entry of /proc/net/tcp. */
  tcp?: TcpSocket;
  /** Other descriptors of the observed processes that point to the same socket or pipe. */
  sharedWith: Holder[];
  /** For a loopback connection: who holds the other end (the client), outside the observed processes. */
  peer?: Array<Holder & { comm: string }>;
}

export type StateWord =
  'running' | 'sleeping' | 'waiting (disk)' | 'zombie' | 'stopped' | 'traced' | 'idle' | 'dead' | 'unknown';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** 'parent' for the server itself, 'child' for a process it forked (or a child's child). */
  role: 'parent' | 'child';
  /** How many forks away from the server (0 for the server). */
  depth: number;
  /** The letter ps shows: R, S, Z, T... */
  state: string;
  stateWord: StateWord;
  /** The blocking call it sleeps in, when Linux tells ('accept', 'recv', 'sleep', 'wait'...). */
  blockedIn: string | null;
  comm: string;
  argv: string[];
  threads: number;
  uid: number;
  /**
   * Signals by name ('SIGCHLD'), from /proc/PID/status: pending (sent, not handled yet) and caught (a handler is
   * installed).
   */
  signals: { pending: string[]; caught: string[] };
  fds: FdInfo[];
}

export interface Connection {
  /** The server's end: local = the server's address. */
  local: [string, number];
  remote: [string, number];
  state: string;
  /**
   * Every descriptor of the observed processes that points to this socket: the reference count the article talks about.
   */
  heldBy: Holder[];
  /** The client's end, when it is on this machine. */
  peer: Array<Holder & { comm: string }>;
}

export interface Snapshot {
  /** When it was taken (ms since the epoch). */
  at: number;
  /** 'webserver3d'... */
  stage: string;
  /** The server process (the parent). */
  pid: number;
  /** The ports it listens on. */
  ports: number[];
  processes: ProcessInfo[];
  connections: Connection[];
  /**
   * Connections the kernel has completed but the server has not accept()ed yet: they wait in
   * the listening socket's queue (the BACKLOG of listen()), held by no descriptor.
   */
  queued: Array<{
    local: [string, number];
    remote: [string, number];
    state: string;
    peer: Array<Holder & { comm: string }>;
  }>;
  children: number;
  zombies: number;
  /** Connections that more than one process holds open (the duplicated descriptors of 3d). */
  sharedConnections: number;
}

const STATE_WORDS: Record<string, StateWord> = {
  R: 'running',
  S: 'sleeping',
  D: 'waiting (disk)',
  Z: 'zombie',
  T: 'stopped',
  t: 'traced',
  I: 'idle',
  X: 'dead',
};

/**
 * The stage a process runs ('webserver3d'), from its command line, or null if it is not one of this project's servers.
 */
export function stageOf(pid: number): string | null {
  const argv = cmdline(pid);
  if (!/(^|\/)node$/.test(argv[0] ?? '')) return null;
  for (const arg of argv.slice(1)) {
    const program = /(?:^|\/)dist\/(?:src\/)?([^/]+)\.js$/.exec(arg)?.[1];
    const stage = stages().find((s) => basename(s.source, '.ts') === program);
    if (stage) return stage.package;
  }
  return null;
}

/**
 * The server process of the stage pid belongs to: pid itself, or, for a child the server forked
 * (or a zombie of it), the topmost ancestor that runs the same stage.
 */
export function serverOf(pid: number): { pid: number; stage: string } | null {
  let current = pid;
  let stage = stageOf(current);
  if (stage === null) {
    // a zombie has no command line any more: look at its parent
    const s = stat(current);
    if (s === null || s.state !== 'Z') return null;
    current = s.ppid;
    stage = stageOf(current);
    if (stage === null) return null;
  }
  for (;;) {
    const parent = stat(current)?.ppid ?? 0;
    if (parent <= 1 || stageOf(parent) !== stage) return { pid: current, stage };
    current = parent;
  }
}

export type Target = { ok: true; pid: number; stage: string; via: string } | { ok: false; message: string };

/**
 * What `pnpm observe ARG` should watch. ARG is a port (something listens on it) or a PID;
 * with no ARG, the one stage that is running, if there is exactly one.
 */
export function resolveTarget(arg?: string, kind: 'auto' | 'port' | 'pid' = 'auto'): Target {
  if (arg === undefined) {
    const running = runningStages();
    const [only] = running;
    if (running.length === 1 && only) return { ok: true, ...only, via: 'the only stage running' };
    if (running.length === 0) {
      return {
        ok: false,
        message:
          'No stage is running. Start one first, e.g. `pnpm --filter webserver3d start`, then `pnpm observe 8888`.',
      };
    }
    return {
      ok: false,
      message: `${running.length} stages are running; say which one:\n${running
        .map((r) => `  pnpm observe ${r.pid}    (${r.stage}${r.ports.length ? `, port ${r.ports.join(', ')}` : ''})`)
        .join('\n')}`,
    };
  }
  if (!/^\d+$/.test(arg))
    return {
      ok: false,
      message: `"${arg}" is neither a port nor a PID. Usage: pnpm observe [port|pid] [--once] [--all]`,
    };
  const n = Number(arg);
  const listener = kind !== 'pid' && n > 0 && n < 65536 ? listenerOf(n) : null;
  if (listener !== null) {
    const server = serverOf(listener);
    if (server === null) {
      return {
        ok: false,
        message:
          `Port ${n} is served by PID ${listener} ` +
          `(${describe(listener)}), which is not one of this project's stages.`,
      };
    }
    return { ok: true, ...server, via: `port ${n}` };
  }
  if (kind === 'port') {
    return {
      ok: false,
      message: `Nothing listens on port ${n}. Start a stage first, e.g. \`PORT=${n} pnpm --filter webserver3d start\`.`,
    };
  }
  if (stat(n) === null) {
    return {
      ok: false,
      message:
        kind === 'pid' || n >= 65536
          ? `There is no process ${n}.`
          : `Nothing listens on port ${n}, and there is no process ${n}. ` +
            `Start a stage first, e.g. \`pnpm --filter webserver3d start\`.`,
    };
  }
  const server = serverOf(n);
  if (server === null) {
    const prefix = kind === 'auto' && n < 65536 ? `Nothing listens on port ${n}, and PID ${n}` : `PID ${n}`;
    return {
      ok: false,
      message: `${prefix} (${describe(n)}) is not one of this project's stages (node ... dist/webserver3X.js).`,
    };
  }
  return { ok: true, ...server, via: server.pid === n ? `PID ${n}` : `PID ${n}, a child of the server` };
}

/** The servers of the stages running now (children excluded). */
export function runningStages(): Array<{ pid: number; stage: string; ports: number[] }> {
  const found = new Map<number, string>();
  for (const pid of allPids()) {
    if (stageOf(pid) === null) continue;
    const server = serverOf(pid);
    if (server) found.set(server.pid, server.stage);
  }
  const sockets = tcpSockets();
  return [...found].map(([pid, stage]) => ({ pid, stage, ports: listeningPorts(pid, sockets) }));
}

function listeningPorts(pid: number, sockets: Map<number, TcpSocket>): number[] {
  const ports: number[] = [];
  for (const target of fds(pid).values()) {
    const tcp = tcpOf(target, sockets);
    if (tcp?.state === 'LISTEN') ports.push(tcp.local[1]);
  }
  return ports;
}

function describe(pid: number): string {
  const argv = cmdline(pid);
  if (argv.length === 0) return stat(pid)?.comm ?? '?';
  return argv.join(' ').slice(0, 80);
}

function inodeOf(target: string): number | null {
  const m = /^(?:socket|pipe):\[(\d+)\]$/.exec(target);
  return m ? Number(m[1]) : null;
}

/** The TCP socket a descriptor's target (`socket:[INODE]`) is, or undefined for anything else. */
function tcpOf(target: string, sockets: Map<number, TcpSocket>): TcpSocket | undefined {
  const inode = inodeOf(target);
  return inode === null ? undefined : sockets.get(inode);
}

const addr = ([ip, port]: [string, number]): string => `${ip}:${port}`;

/**
 * The system call a process is blocked in, from /proc/PID/syscall's number (named by the table of
 * its architecture) or, where that cannot be read, /proc/PID/wchan. The kernel's name, not the
 * program's: @lsbaws/posix's accept() waits in poll(2) (on the listening socket and the event
 * loop) before it calls accept4(2), so a stage waiting for a connection there is in poll().
 */
export function blockedIn(pid: number): string | null {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/syscall`, 'utf8').trim();
  } catch {
    // not allowed (another user's process) or gone
  }
  const nr = Number(text.split(' ')[0]);
  const name = text !== '' && Number.isInteger(nr) ? SYSCALLS[process.arch]?.[nr] : undefined;
  if (name) return name;
  let wchan = '';
  try {
    wchan = readFileSync(`/proc/${pid}/wchan`, 'utf8').trim();
  } catch {
    return null;
  }
  return WCHAN[wchan] ?? null;
}

/**
 * Blocking system calls, by number on each architecture, named as the C library calls them
 * (recv(2) is recvfrom(2), sleep() nanosleep(2)).
 */
const SYSCALLS: Partial<Record<string, Record<number, string>>> = {
  x64: {
    0: 'read',
    1: 'write',
    7: 'poll',
    23: 'select',
    35: 'sleep',
    43: 'accept',
    44: 'send',
    45: 'recv',
    61: 'wait',
    230: 'sleep',
    232: 'epoll_wait',
    247: 'wait',
    270: 'select',
    271: 'poll',
    281: 'epoll_wait',
    288: 'accept',
    441: 'epoll_wait',
  },
  arm64: {
    22: 'epoll_wait',
    63: 'read',
    64: 'write',
    72: 'select',
    73: 'poll',
    95: 'wait',
    101: 'sleep',
    115: 'sleep',
    202: 'accept',
    206: 'send',
    207: 'recv',
    242: 'accept',
    260: 'wait',
    441: 'epoll_wait',
  },
};

const WCHAN: Record<string, string> = {
  inet_csk_accept: 'accept',
  do_wait: 'wait',
  hrtimer_nanosleep: 'sleep',
  do_nanosleep: 'sleep',
  ep_poll: 'epoll_wait',
  do_sys_poll: 'poll',
};

// the first name of each number (SIGABRT, not its alias SIGIOT)
const SIGNAL_NAMES = new Map<number, string>();
for (const [name, n] of Object.entries(constants.signals)) if (!SIGNAL_NAMES.has(n)) SIGNAL_NAMES.set(n, name);

/** The names of the signals in a /proc/PID/status mask (bit N-1 is signal N), in signal order. */
export function signalNames(mask: bigint): string[] {
  const names: string[] = [];
  for (let n = 1; n <= 64; n++) {
    if ((mask >> BigInt(n - 1)) & 1n) names.push(SIGNAL_NAMES.get(n) ?? `SIG${n}`);
  }
  return names;
}

/** One reading of /proc for the stage whose server is pid. Throws if pid is gone. */
export function snapshot(pid: number): Snapshot {
  const server = stat(pid);
  if (server === null) throw new Error(`process ${pid} is gone`);
  const stage = serverOf(pid)?.stage ?? stageOf(pid) ?? server.comm;
  // the tree: the server, then each child under its parent (depth first, by PID)
  const depthOf = new Map<number, number>([[pid, 0]]);
  const tree = [pid, ...descendants(pid)];
  for (const p of tree.slice(1)) depthOf.set(p, (depthOf.get(stat(p)?.ppid ?? pid) ?? 0) + 1);

  const raw = new Map<number, Map<number, string>>(tree.map((p) => [p, fds(p)]));
  // the sockets after the descriptors: a connection accepted meanwhile is in the table with its inode
  const sockets = tcpSockets();
  const unix = unixSocketInodes();
  // who in the tree holds each socket and pipe
  const inTree = new Map<string, Holder[]>();
  for (const [p, table] of raw) {
    for (const [fd, target] of table) {
      if (inodeOf(target) === null) continue;
      const list = inTree.get(target) ?? [];
      list.push({ pid: p, fd });
      inTree.set(target, list);
    }
  }

  // the client's end of each loopback connection: the socket whose addresses are ours swapped
  const connectionSockets = new Map<string, { tcp: TcpSocket; heldBy: Holder[] }>();
  for (const [target, heldBy] of inTree) {
    const tcp = tcpOf(target, sockets);
    if (tcp && tcp.state !== 'LISTEN') connectionSockets.set(target, { tcp, heldBy });
  }
  const peerSocket = (local: [string, number], remote: [string, number]): string | undefined => {
    for (const other of sockets.values()) {
      if (addr(other.local) === addr(remote) && addr(other.remote) === addr(local)) return `socket:[${other.inode}]`;
    }
    return undefined;
  };
  const peerSocketOf = new Map<string, string>();
  for (const [target, { tcp }] of connectionSockets) {
    const peer = peerSocket(tcp.local, tcp.remote);
    if (peer) peerSocketOf.set(target, peer);
  }
  // connections waiting in the listen queue: no descriptor holds the server's end yet, but the client holds its own
  const ports = listeningPorts(pid, sockets);
  const waiting = tcpTable()
    .filter(
      (t) =>
        t.inode === 0 &&
        ports.includes(t.local[1]) &&
        (t.state === 'ESTABLISHED' || t.state === 'CLOSE_WAIT' || t.state === 'SYN_RECV'),
    )
    .sort((a, b) => a.remote[1] - b.remote[1]);
  const queuedKey = (t: { local: [string, number]; remote: [string, number] }): string =>
    `queued:${addr(t.local)}-${addr(t.remote)}`;
  for (const t of waiting) {
    const peer = peerSocket(t.local, t.remote);
    if (peer) peerSocketOf.set(queuedKey(t), peer);
  }
  const peerHolders = holders(new Set(peerSocketOf.values()));
  const peerOf = (target: string): Array<Holder & { comm: string }> =>
    (peerHolders.get(peerSocketOf.get(target) ?? '') ?? []).map((h) => ({ ...h, comm: stat(h.pid)?.comm ?? '?' }));

  const processes: ProcessInfo[] = [];
  for (const [p, table] of raw) {
    const s = stat(p);
    if (s === null) continue; // exited between the two readings
    const st = status(p);
    const counts = new Map<string, number>();
    for (const target of table.values()) counts.set(target, (counts.get(target) ?? 0) + 1);
    const list: FdInfo[] = [...table]
      .sort(([a], [b]) => a - b)
      .map(([fd, target]) => {
        const sharedWith = (inTree.get(target) ?? []).filter((h) => h.pid !== p);
        const info: FdInfo = {
          fd,
          target,
          sharedWith,
          ...classify(fd, target, sockets, unix, counts.get(target) ?? 1),
        };
        if (info.kind === 'connection') info.peer = peerOf(target);
        return info;
      });
    processes.push({
      pid: p,
      ppid: s.ppid,
      role: p === pid ? 'parent' : 'child',
      depth: depthOf.get(p) ?? 1,
      state: s.state,
      stateWord: STATE_WORDS[s.state] ?? 'unknown',
      blockedIn: s.state === 'S' || s.state === 'D' ? blockedIn(p) : null,
      comm: s.comm,
      argv: cmdline(p),
      threads: st?.threads ?? 0,
      uid: st?.uid ?? -1,
      signals: { pending: signalNames(st?.pending ?? 0n), caught: signalNames(st?.caught ?? 0n) },
      fds: list,
    });
  }

  const connections: Connection[] = [];
  for (const [target, { tcp, heldBy }] of connectionSockets) {
    connections.push({
      local: tcp.local,
      remote: tcp.remote,
      state: tcp.state,
      heldBy,
      peer: peerOf(target),
    });
  }
  connections.sort((a, b) => a.remote[1] - b.remote[1]);

  const queued = waiting.map((t) => ({ local: t.local, remote: t.remote, state: t.state, peer: peerOf(queuedKey(t)) }));
  const kids = processes.filter((p) => p.role === 'child');
  return {
    at: Date.now(),
    stage,
    pid,
    ports,
    processes,
    connections,
    queued,
    children: kids.length,
    zombies: kids.filter((p) => p.state === 'Z').length,
    sharedConnections: connections.filter((c) => new Set(c.heldBy.map((h) => h.pid)).size > 1).length,
  };
}

function classify(
  fd: number,
  target: string,
  sockets: Map<number, TcpSocket>,
  unix: Set<number>,
  timesInProcess: number,
): { kind: FdKind; description: string; tcp?: TcpSocket } {
  if (/^\/dev\/(pts\/\d+|tty\w*|console)$/.test(target)) return { kind: 'terminal', description: `terminal ${target}` };
  if (target === '/dev/null')
    return fd <= 2 ? { kind: 'null', description: '/dev/null' } : { kind: 'runtime', description: '/dev/null (Node)' };
  if (target.startsWith('anon_inode:')) {
    const what = target.slice('anon_inode:'.length).replace(/^\[|\]$/g, '');
    const known: Record<string, string> = {
      eventpoll: 'epoll: what the event loop waits on',
      eventfd: 'eventfd: wakes the event loop up',
      signalfd: 'signalfd',
      timerfd: 'timerfd',
    };
    return { kind: 'runtime', description: known[what] ?? what };
  }
  const inode = inodeOf(target);
  if (target.startsWith('pipe:')) {
    // libuv keeps both ends of its internal pipes (the signal pipe, async wake-ups) in the same process
    return timesInProcess > 1 && fd > 2
      ? { kind: 'runtime', description: "pipe, both ends in this process (Node's event loop)" }
      : { kind: 'pipe', description: 'pipe' };
  }
  if (target.startsWith('socket:')) {
    const tcp = tcpOf(target, sockets);
    if (tcp?.state === 'LISTEN') return { kind: 'listening', description: `listening socket ${addr(tcp.local)}`, tcp };
    if (tcp)
      return {
        kind: 'connection',
        description: `connection ${addr(tcp.local)} <-> ${addr(tcp.remote)} (${tcp.state})`,
        tcp,
      };
    if (inode !== null && unix.has(inode)) return { kind: 'unix', description: 'unix socket' };
    return { kind: 'socket', description: 'socket' };
  }
  if (target.startsWith('/')) return { kind: 'file', description: target };
  return { kind: 'other', description: target };
}

/** The executable and script of a process, shortened for display: 'node ... dist/webserver3d.js'. */
export function shortCommand(argv: string[]): string {
  const [program] = argv;
  if (program === undefined) return '';
  const script = argv.find((a) => /\.js$/.test(a));
  return script
    ? `${basename(program)} ${script}`
    : argv
        .map((a) => basename(a))
        .join(' ')
        .slice(0, 60);
}
