/**
 * The events of a running server, as the kernel reports them to a tracer: strace follows the
 * server and every process it forks (-f), with the time of each event to the microsecond
 * (-ttt), and this turns its lines into the article's events: accept, fork, exit, signal
 * (delivered), reap, and kill (sent). Unlike two readings of /proc, nothing that happens between
 * them is lost: ten children forked and exited within a millisecond are ten forks and ten exits.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export type TraceKind = 'accept' | 'fork' | 'exit' | 'signal' | 'reap' | 'kill';

/** One event, as `pnpm observe --events` prints it (one JSON object a line). */
export interface TraceEvent {
  /** Seconds since the epoch, to the microsecond. */
  time: number;
  event: TraceKind;
  /** The process it happened in (a thread's events are its process's). */
  pid: number;
  /** fork: the new child; exit: the process that exited; reap: the child waited for. */
  child?: number;
  /** accept: the new descriptor and the client's address. */
  fd?: number;
  peer?: string;
  /** signal: which, and who sent it (si_pid); kill: which, to whom. */
  signal?: string;
  from?: number;
  target?: number;
  /** exit: 'status 0' or 'signal SIGKILL'; reap: the status wait() returned. */
  status?: string;
  /** Only on events read from /proc (the fallback without a tracer): 'proc'. */
  source?: 'proc';
}

/** The syscalls and signals traced: what the article's events are made of. */
export const TRACED_SYSCALLS = 'accept,accept4,clone,clone3,fork,vfork,exit_group,wait4,waitid,kill';

/** Turns strace's lines into events; keeps what a line needs from earlier ones (threads, unfinished calls). */
export class StraceReader {
  /** A thread's id -> its process. */
  private readonly threadOf = new Map<number, number>();
  /** Processes seen created (and the first one traced): their exit is an event; a thread's is not. */
  private readonly processes = new Set<number>();
  /** A call's first half, per thread, until its `<... resumed>` line. */
  private readonly unfinished = new Map<number, string>();

  /** root: the traced process; threads: its threads' ids, whose events are root's. */
  constructor(root: number, threads: number[] = []) {
    this.processes.add(root);
    for (const tid of threads) if (tid !== root) this.threadOf.set(tid, root);
  }

  /** The events of one line of `strace -f -ttt`: '[pid N] ' first once it traces more than one thread. */
  read(raw: string): TraceEvent[] {
    const m = /^(?:\[pid\s+(\d+)\] |(\d+)\s+)?(\d+\.\d+) (.*)$/.exec(raw.trim());
    if (!m) return [];
    const tid = Number(m[1] ?? m[2] ?? [...this.processes][0]);
    const time = Number(m[3]);
    let text = m[4] ?? '';
    const pid = this.threadOf.get(tid) ?? tid;
    const unfinished = /^(.*) <unfinished \.\.\.>$/.exec(text);
    if (unfinished) {
      this.unfinished.set(tid, unfinished[1] ?? '');
      return [];
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(text);
    if (resumed) {
      text = (this.unfinished.get(tid) ?? '') + (resumed[1] ?? '');
      this.unfinished.delete(tid);
    }
    const signal = /^--- (SIG\w+) \{(.*)\} ---$/.exec(text);
    if (signal) {
      const from = /si_pid=(\d+)/.exec(signal[2] ?? '');
      return [{ time, event: 'signal', pid, signal: signal[1], ...(from ? { from: Number(from[1]) } : {}) }];
    }
    const ended = /^\+\+\+ (?:exited with (\d+)|killed by (SIG\w+)(?: \(core dumped\))?) \+\+\+$/.exec(text);
    if (ended) {
      if (!this.processes.has(tid)) return []; // a thread ended: its process goes on
      const status = ended[1] !== undefined ? `status ${ended[1]}` : `signal ${ended[2]}`;
      return [{ time, event: 'exit', pid: tid, child: tid, status }];
    }
    const call = /^(\w+)\((.*)\)\s+= (-?\d+|\?)/.exec(text);
    if (!call) return [];
    const [, name = '', args = '', ret = '?'] = call;
    const value = ret === '?' ? -1 : Number(ret);
    if ((name === 'accept' || name === 'accept4') && value >= 0) {
      const port = /sin6?_port=htons\((\d+)\)/.exec(args)?.[1];
      const addr = /inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"/.exec(args);
      const peer = port !== undefined && addr ? `${addr[1] ?? addr[2]}:${port}` : undefined;
      return [{ time, event: 'accept', pid, fd: value, ...(peer ? { peer } : {}) }];
    }
    if (['clone', 'clone3', 'fork', 'vfork'].includes(name) && value > 0) {
      if (/CLONE_THREAD/.test(args)) {
        this.threadOf.set(value, pid);
        return [];
      }
      this.processes.add(value);
      return [{ time, event: 'fork', pid, child: value }];
    }
    if (name === 'wait4' && value > 0) {
      const status = /WEXITSTATUS\(s\) == (\d+)/.exec(args)?.[1];
      const killed = /WTERMSIG\(s\) == (SIG\w+)/.exec(args)?.[1];
      const s = status !== undefined ? `status ${status}` : killed !== undefined ? `signal ${killed}` : undefined;
      return [{ time, event: 'reap', pid, child: value, ...(s ? { status: s } : {}) }];
    }
    if (name === 'waitid' && value === 0) {
      const child = /si_pid=(\d+)/.exec(args)?.[1];
      const code = /si_status=(\d+)/.exec(args)?.[1];
      if (child === undefined || child === '0') return []; // WNOHANG, and no child had exited
      return [{ time, event: 'reap', pid, child: Number(child), ...(code ? { status: `status ${code}` } : {}) }];
    }
    if (name === 'kill' && value === 0) {
      const k = /^(-?\d+), (SIG\w+|\d+)/.exec(args);
      if (k) return [{ time, event: 'kill', pid, target: Number(k[1]), signal: k[2] }];
    }
    return [];
  }
}

/** Whether strace is installed and may trace (ptrace allowed): the tracer `pnpm observe` uses. */
export function canTrace(): boolean {
  const r = spawnSync('strace', ['-o', '/dev/null', '-e', 'trace=none', 'true'], { stdio: 'ignore' });
  return r.status === 0;
}

export interface Tracer {
  /** Resolves once strace is attached to the server and its threads (events from then on are seen). */
  attached: Promise<void>;
  /** Resolves when strace has ended (the server exited, or stop()). */
  done: Promise<void>;
  /** What strace said when it could not attach. */
  error(): string;
  /** Detaches from the server (which goes on as before). */
  stop(): Promise<void>;
}

/** Follows pid and everything it forks with strace, calling onEvent for each event as it happens. */
export function trace(pid: number, onEvent: (e: TraceEvent) => void): Tracer {
  // its lines through a FIFO, apart from its own messages on stderr (which would cut them)
  const dir = mkdtempSync(join(tmpdir(), 'lsbaws-trace-'));
  const fifo = join(dir, 'events');
  spawnSync('mkfifo', [fifo]);
  const child = spawn(
    'strace',
    ['-f', '-ttt', '-o', fifo, '-e', `trace=${TRACED_SYSCALLS}`, '-e', 'signal=all', '-p', String(pid)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let threads: number[] = [];
  try {
    threads = readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    // gone: strace says so
  }
  const reader = new StraceReader(pid, threads);
  let stderr = '';
  let onAttached = (): void => {};
  let onFailed = (_e: Error): void => {};
  const attached = new Promise<void>((resolve, reject) => {
    onAttached = resolve;
    onFailed = reject;
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr += `${line}\n`;
    if (line === `strace: Process ${pid} attached` || line.startsWith(`strace: Process ${pid} attached `)) onAttached();
  });
  const lines = createReadStream(fifo);
  lines.on('error', () => undefined); // strace never opened it: its stderr says why
  const read = new Promise<void>((resolve) => {
    createInterface({ input: lines })
      .on('line', (line) => {
        for (const e of reader.read(line)) onEvent(e);
      })
      .on('close', resolve);
  });
  const done = new Promise<void>((resolve) => {
    child.on('close', () => {
      onFailed(new Error(stderr.trim() || 'strace ended before it attached'));
      // every line strace wrote is read before done: unless it never opened the FIFO
      void Promise.race([read, new Promise((r) => setTimeout(r, 1_000))]).then(() => {
        lines.destroy();
        rmSync(dir, { recursive: true, force: true });
        resolve();
      });
    });
  });
  attached.catch(() => undefined);
  return {
    attached,
    done,
    error: () => stderr.trim(),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT'); // strace detaches on SIGINT
      await done;
    },
  };
}
