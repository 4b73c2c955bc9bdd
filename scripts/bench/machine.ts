/** The machine a benchmark ran on, and the versions of everything measured. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { must } from '../lib/must.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  os: string;
  node: string;
  /** The pnpm that starts the stages (`pnpm --version`). */
  pnpm: string | null;
  python: string | null;
  cc: string | null;
  ab: string | null;
  /** /sys/kernel/mm/transparent_hugepage/enabled, the selected value. */
  transparentHugepages: string | null;
  /** 1-minute load average when the run started: other work on the machine skews the figures. */
  loadAtStart: number;
}

/** The first line a command prints (stdout, else stderr), or null when it cannot run. */
export function versionOf(command: string, args: string[]): string | null {
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  if (r.error !== undefined || r.status !== 0) return null;
  const [first = ''] = (r.stdout.trim() || r.stderr.trim()).split('\n'); // split() gives at least ['']
  return first.trim() || null;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The 1-minute load average now, to two decimals: how busy the machine was around the run. */
export function loadNow(): number {
  const [oneMinute] = loadavg();
  return Math.round(must(oneMinute, 'a 1-minute load average from os.loadavg()') * 100) / 100;
}

export function describeMachine(): Machine {
  const osRelease = read('/etc/os-release');
  const thp = read('/sys/kernel/mm/transparent_hugepage/enabled');
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: read('/proc/sys/kernel/osrelease')?.trim() ?? 'unknown',
    os: /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease ?? '')?.[1] ?? process.platform,
    node: process.version,
    pnpm: versionOf('pnpm', ['--version']),
    python: versionOf('python3', ['--version']),
    cc: versionOf('cc', ['--version']),
    ab: versionOf('ab', ['-V']),
    transparentHugepages: thp === null ? null : (/\[(\w+)\]/.exec(thp)?.[1] ?? thp.trim()),
    loadAtStart: loadNow(),
  };
}
