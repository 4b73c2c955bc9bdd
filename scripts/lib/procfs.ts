/**
 * What Linux says about processes in /proc: their state (R, S, Z...), their children and
 * their open descriptors. Shared by the tests, `pnpm experiment` and `pnpm observe`.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

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
  const [state, ppid, pgrp] = text.slice(close + 2).split(' ');
  return { pid, comm: text.slice(text.indexOf('(') + 1, close), state: state!, ppid: Number(ppid), pgrp: Number(pgrp) };
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

/** The command line of a process, split into its arguments ([] for a zombie or a gone process). */
export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return [];
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

const TCP_STATES = ['', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING'];

function parseAddress(hex: string): [string, number] {
  const [ip, port] = hex.split(':');
  const n = parseInt(ip!, 16); // little-endian on the machines this runs on
  return [[n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24].join('.'), parseInt(port!, 16)];
}

/** The IPv4 TCP sockets of the system (/proc/net/tcp), by inode. */
export function tcpSockets(): Map<number, TcpSocket> {
  const result = new Map<number, TcpSocket>();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const inode = Number(f[9]);
    result.set(inode, { inode, local: parseAddress(f[1]!), remote: parseAddress(f[2]!), state: TCP_STATES[parseInt(f[3]!, 16)] ?? f[3]! });
  }
  return result;
}

/** The PID of the process that listens on 127.0.0.1/0.0.0.0 TCP port, or null. */
export function listenerOf(port: number): number | null {
  const listening = new Set(
    [...tcpSockets().values()].filter((s) => s.state === 'LISTEN' && s.local[1] === port).map((s) => `socket:[${s.inode}]`),
  );
  if (listening.size === 0) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    for (const target of fds(Number(entry)).values()) if (listening.has(target)) return Number(entry);
  }
  return null;
}
