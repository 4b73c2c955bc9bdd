/**
 * What Linux says about processes in /proc: their state (R, S, Z...), their children and
 * their open descriptors. Shared by the tests, `pnpm experiment` and `pnpm observe`.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { must } from './must.js';

export interface ProcStat {
  pid: number;
  comm: string;
  /** R running, S sleeping, D disk sleep, Z zombie, T stopped... */
  state: string;
  ppid: number;
  pgrp: number;
}

/** /proc/PID/stat, or null when there is no such process (any more). */
export function stat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const close = text.lastIndexOf(')'); // comm may contain spaces and parentheses
  const [state = '', ppid, pgrp] = text.slice(close + 2).split(' '); // split() gives at least ['']
  return { pid, comm: text.slice(text.indexOf('(') + 1, close), state, ppid: Number(ppid), pgrp: Number(pgrp) };
}

/** The PIDs whose parent is pid (every thread's children). */
export function children(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text !== '') found.push(...text.split(' ').map(Number));
    }
  } catch {
    // the process is gone
  }
  return found;
}

/** pid and all its descendants, depth first. */
export function descendants(pid: number): number[] {
  return children(pid).flatMap((child) => [child, ...descendants(child)]);
}

/** The children of pid that are zombies (state Z). */
export function zombies(pid: number): number[] {
  return children(pid).filter((child) => stat(child)?.state === 'Z');
}

/** The children of pid as 'PID STATE' ('1234 Z' for a zombie): what an assertion that none is left shows. */
export function childStates(pid: number): string[] {
  return children(pid).map((child) => `${child} ${stat(child)?.state ?? 'gone'}`);
}

/** The command line of a process, split into its arguments ([] for a zombie or a gone process). */
export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((a) => a !== '');
  } catch {
    return [];
  }
}

/** The program a process runs (/proc/PID/exe), or null (gone, or not ours to read). */
export function exeOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return null;
  }
}

/** The open descriptors of a process and what each points to ('socket:[1234]', 'pipe:[5]', a path). */
export function fds(pid: number): Map<number, string> {
  const result = new Map<number, string>();
  let entries: string[];
  try {
    entries = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return result;
  }
  for (const fd of entries) {
    try {
      result.set(Number(fd), readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      // closed meanwhile
    }
  }
  return result;
}

export interface TcpSocket {
  inode: number;
  local: [string, number];
  remote: [string, number];
  /** 'LISTEN', 'ESTABLISHED', 'CLOSE_WAIT'... */
  state: string;
}

const TCP_STATES = [
  '',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
];

/** 'IP:PORT' of /proc/net/tcp (8 hex digits) or tcp6 (32): IPv4-mapped IPv6 addresses read as IPv4. */
export function parseAddress(hex: string): [string, number] {
  const [ip = '', port = ''] = hex.split(':'); // a missing part parses as NaN
  // 32-bit words, each little-endian on the machines this runs on
  const words = (ip.match(/.{8}/g) ?? []).map((w) => parseInt(w, 16) >>> 0);
  const bytes = words.flatMap((n) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24]);
  const mapped =
    bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255;
  if (bytes.length === 16 && !mapped) {
    const groups = [0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
      (((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0)).toString(16),
    );
    return [groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::'), parseInt(port, 16)];
  }
  return [bytes.slice(-4).join('.'), parseInt(port, 16)];
}

/** The TCP sockets (IPv4 and IPv6) that descriptors hold (/proc/net/tcp, tcp6), by inode. */
export function tcpSockets(): Map<number, TcpSocket> {
  return new Map(
    tcpTable()
      .filter((s) => s.inode !== 0)
      .map((s) => [s.inode, s]),
  );
}

/** The PIDs of the processes that hold a socket listening on TCP port (IPv4 or IPv6), lowest first. */
export function listenersOf(port: number): number[] {
  const listening = new Set(
    tcpTable()
      .filter((s) => s.inode !== 0 && s.state === 'LISTEN' && s.local[1] === port)
      .map((s) => `socket:[${s.inode}]`),
  );
  return [...new Set([...holders(listening).values()].flat().map((h) => h.pid))].sort((a, b) => a - b);
}

/**
 * The PID of the process that listens on TCP port, or null: of the processes holding the
 * listening socket (a forking server's children may hold it too), the one whose parent does not.
 */
export function listenerOf(port: number): number | null {
  const held = listenersOf(port);
  return held.find((pid) => !held.includes(stat(pid)?.ppid ?? -1)) ?? held[0] ?? null;
}

/** The TCP ports (IPv4 or IPv6) that the processes pids listen on. */
export function listeningPorts(pids: number[]): number[] {
  const targets = new Set(pids.flatMap((pid) => [...fds(pid).values()]));
  const ports = tcpTable()
    .filter((s) => s.inode !== 0 && s.state === 'LISTEN' && targets.has(`socket:[${s.inode}]`))
    .map((s) => s.local[1]);
  return [...new Set(ports)].sort((a, b) => a - b);
}

export interface ProcStatus {
  /** The real uid. */
  uid: number;
  threads: number;
  /**
   * Signal masks, bit N-1 for signal N: pending for the process (ShdPnd, what kill() sends)
   * or its main thread (SigPnd), blocked, ignored, and caught (a handler is installed).
   */
  pending: bigint;
  blocked: bigint;
  ignored: bigint;
  caught: bigint;
}

/** /proc/PID/status: uid, threads and signal masks, or null when the process is gone. */
export function status(pid: number): ProcStatus | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const mask = (name: string): bigint =>
    BigInt(`0x${new RegExp(`^${name}:\\s+([0-9a-f]+)`, 'm').exec(text)?.[1] ?? '0'}`);
  return {
    uid: Number(/^Uid:\s+(\d+)/m.exec(text)?.[1] ?? -1),
    threads: Number(/^Threads:\s+(\d+)/m.exec(text)?.[1] ?? 0),
    pending: mask('ShdPnd') | mask('SigPnd'),
    blocked: mask('SigBlk'),
    ignored: mask('SigIgn'),
    caught: mask('SigCgt'),
  };
}

/** Every PID on the system (the numeric entries of /proc). */
export function allPids(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
}

/**
 * How many tasks (processes and threads, zombies included) the user with real uid owns: what
 * RLIMIT_NPROC (`ulimit -u`) is compared with at fork time.
 */
export function tasksOfUser(uid: number): number {
  let total = 0;
  for (const pid of allPids()) {
    const s = status(pid);
    // a zombie's status says Threads: 1 (or 0 on some kernels); it still counts as one task
    if (s?.uid === uid) total += Math.max(1, s.threads);
  }
  return total;
}

/** For each target (e.g. 'socket:[1234]'), every [pid, fd] on the system that has it open. */
export function holders(targets: Set<string>): Map<string, Array<{ pid: number; fd: number }>> {
  const result = new Map<string, Array<{ pid: number; fd: number }>>();
  if (targets.size === 0) return result;
  for (const pid of allPids()) {
    for (const [fd, target] of fds(pid)) {
      if (!targets.has(target)) continue;
      const list = result.get(target) ?? [];
      list.push({ pid, fd });
      result.set(target, list);
    }
  }
  return result;
}

/** The inodes of the system's Unix domain sockets (/proc/net/unix). */
export function unixSocketInodes(): Set<number> {
  const result = new Set<number>();
  try {
    for (const line of readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 7) result.add(Number(f[6]));
    }
  } catch {
    // no /proc/net/unix
  }
  return result;
}

/**
 * Every TCP socket of the system, IPv4 (/proc/net/tcp) and IPv6 (/proc/net/tcp6), including those
 * with inode 0, which no descriptor holds (connections waiting in a listen queue to be accepted, TIME_WAIT...).
 */
export function tcpTable(): TcpSocket[] {
  const result: TcpSocket[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // a kernel without IPv6
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
      const [, local = '', remote = '', st = '', , , , , , inode] = line.trim().split(/\s+/);
      if (inode === undefined) continue; // fewer than 10 fields: the empty last line
      result.push({
        inode: Number(inode),
        local: parseAddress(local),
        remote: parseAddress(remote),
        state: TCP_STATES[parseInt(st, 16)] ?? st,
      });
    }
  }
  return result;
}

export interface Usage {
  /** CPU seconds of the process itself (user, system). */
  utime: number;
  stime: number;
  /** CPU seconds of its children that it has waited for (user, system). */
  cutime: number;
  cstime: number;
  /** Minor page faults of the process, and of its waited-for children. */
  minflt: number;
  cminflt: number;
  /** Resident set size in bytes. */
  rss: number;
}

const CLOCK_TICKS = 100; // USER_HZ: /proc reports times in 1/100 s on Linux

/**
 * /proc/PID/stat's resource counters, or null when the process is gone. A parent's
 * cutime/cstime/cminflt grow as it reaps children: the cost of its finished children.
 */
export function usage(pid: number): Usage | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // after "pid (comm) ": state is field 3; minflt 10, cminflt 11, utime 14 ... cstime 17
  const f = text
    .slice(text.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const field = (n: number): number => must(f[n - 3], `field ${n} of /proc/${pid}/stat: ${text}`);
  let rssKb = 0;
  try {
    rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    // gone meanwhile
  }
  return {
    utime: field(14) / CLOCK_TICKS,
    stime: field(15) / CLOCK_TICKS,
    cutime: field(16) / CLOCK_TICKS,
    cstime: field(17) / CLOCK_TICKS,
    minflt: field(10),
    cminflt: field(11),
    rss: rssKb * 1024,
  };
}

/**
 * A process's memory from /proc/PID/smaps_rollup, in bytes: resident (RSS) and proportional
 * (PSS: each shared page divided among the processes that map it, so a tree's PSS adds up), or
 * null when the process is gone or not ours to read.
 */
export function memoryOf(pid: number): { rss: number; pss: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    return null;
  }
  const kB = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kB('Rss'), pss: kB('Pss') };
}

/** One mapping of /proc/PID/smaps: [start, end), permissions, its file ('' when anonymous), AnonHugePages. */
export interface Mapping {
  start: number;
  end: number;
  perms: string;
  path: string;
  anonHugeKB: number;
}

/** A process's mappings from /proc/PID/smaps (proc(5)), in order; [] when it is gone or not ours to read. */
export function mappings(pid: number): Mapping[] {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return [];
  }
  const found: Mapping[] = [];
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const [, start = '0', end = '0', perms = '', path = ''] = head;
      found.push({ start: parseInt(start, 16), end: parseInt(end, 16), perms, path, anonHugeKB: 0 });
    }
    const huge = /^AnonHugePages:\s+(\d+) kB/.exec(line);
    const last = found.at(-1);
    if (huge && last) last.anonHugeKB = Number(huge[1]);
  }
  return found;
}
