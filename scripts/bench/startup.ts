/**
 * Start-up: from the command to the first answer, for webserver3g started as a learner starts it
 * (`pnpm --filter webserver3g start`, with nothing changed, and after its source was touched, so
 * that tsc -b runs), node alone with the start's flags, and `python3 webserver3g.py`. The programs
 * take turns, so that a slow moment of the machine hits all of them alike.
 */
import { spawn } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, Launched, nodeRun, ROOT, startProgram, withoutNodeOptions } from '../lib/stage.js';
import { nodeCommand, PYTHON_WITH_PORT } from './servers.js';
import { median } from './stats.js';

export interface StartupResult {
  id: 'pnpm' | 'pnpm-touched' | 'node' | 'python';
  label: string;
  /** Seconds from spawn to the first complete answer, one per start. */
  seconds: number[];
  medianSeconds: number;
  /** Why it could not be measured, or null. */
  error: string | null;
}

interface Program {
  id: StartupResult['id'];
  label: string;
  argv: (port: number) => string[];
  cwd: string;
  env: Record<string, string>;
  /** Run before each start. */
  before?: () => void;
}

const TIMEOUT_MS = 60_000;

/** Resolves when a GET / on 127.0.0.1:port has been answered; retries while nothing listens. */
async function firstAnswer(port: number, launched: Launched, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (launched.launcher.exitCode !== null) throw new Error(`exited before answering:\n${launched.output}`);
    const answered = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1', () => sock.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
      sock.setTimeout(10_000, () => sock.destroy());
      sock.once('data', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
      sock.once('close', () => resolve(false));
    });
    if (answered) return;
    await sleep(5);
  }
  throw new Error(`no answer within ${TIMEOUT_MS} ms:\n${launched.output}`);
}

/** One start of a program: seconds to its first answer. */
async function once(p: Program): Promise<number> {
  const port = await freePort();
  p.before?.();
  const [command = 'env', ...argv] = withoutNodeOptions(p.argv(port));
  const started = process.hrtime.bigint();
  const child = spawn(command, argv, {
    cwd: p.cwd,
    env: { ...process.env, ...p.env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const launched = new Launched(p.id, port, child);
  try {
    await firstAnswer(port, launched, Date.now() + TIMEOUT_MS);
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    await launched.stop();
  }
}

/** python: webserver3g.py's folder, or null to leave Python out. */
export async function measureStartups(runs: number, part3: string | null): Promise<StartupResult[]> {
  const dir = join(ROOT, 'packages', 'webserver3g');
  const source = join(dir, 'src', 'webserver3g.ts');
  const pnpm = ['pnpm', '--filter', 'webserver3g', 'start'];
  const { argv, env } = nodeCommand(nodeRun(), startProgram('webserver3g'));
  const programs: Program[] = [
    { id: 'pnpm', label: '`pnpm --filter webserver3g start`, nothing changed', argv: () => pnpm, cwd: ROOT, env: {} },
    {
      id: 'pnpm-touched',
      label: '`pnpm --filter webserver3g start`, source touched (tsc -b runs)',
      argv: () => pnpm,
      cwd: ROOT,
      env: {},
      before: () => utimesSync(source, new Date(), new Date()),
    },
    { id: 'node', label: "node alone, with the start's flags", argv: () => argv, cwd: dir, env },
  ];
  if (part3 !== null) {
    const file = join(part3, 'webserver3g.py');
    programs.push({
      id: 'python',
      label: '`python3 webserver3g.py`',
      argv: (port) => ['python3', '-c', PYTHON_WITH_PORT, file, String(port)],
      cwd: part3,
      env: { PYTHONUNBUFFERED: '1' },
    });
  }
  const results: StartupResult[] = programs.map((p) => ({
    id: p.id,
    label: p.label,
    seconds: [],
    medianSeconds: Number.NaN,
    error: null,
  }));
  await once(programs[0] as Program).catch(() => 0); // a first start: caches warm, dist/ built
  for (let i = 0; i < runs; i++) {
    for (const [j, p] of programs.entries()) {
      const result = results[j] as StartupResult;
      if (result.error !== null) continue;
      try {
        result.seconds.push(await once(p));
      } catch (e) {
        result.error = (e as Error).message.split('\n')[0] ?? 'failed';
      }
    }
  }
  for (const r of results) r.medianSeconds = median(r.seconds);
  return results;
}
