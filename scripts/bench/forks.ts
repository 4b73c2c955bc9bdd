/**
 * fork + _exit + waitpid latency: the same loop in Node through @lsbaws/posix (with the node
 * flags every start runs with, and with only those fork() needs), in Python (os.fork) and in C.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { nodeRun, ROOT, withoutNodeOptions } from '../lib/stage.js';
import { BUILD_DIR, describeVariant, nodeCommand, PROGRAMS, type NodeVariant } from './servers.js';

export interface ForkResult {
  id: 'node' | 'python' | 'c' | 'node-plain';
  label: string;
  /** Microseconds per fork + _exit + waitpid; null when skipped. */
  medianUs: number | null;
  p10Us: number | null;
  p90Us: number | null;
  skip: string | null;
}

/** The Python loop (ours, not the article's): prints the same JSON line as the others. */
const PYTHON_LOOP = `
import json, os, sys, time
n = int(sys.argv[1])
pid = os.fork()
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
us = []
for i in range(n):
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    us.append((time.perf_counter() - t) * 1e6)
us.sort()
at = lambda q: round(us[int(len(us) * q)], 1)
print(json.dumps({'iterations': n, 'medianUs': at(0.5), 'p10Us': at(0.1), 'p90Us': at(0.9)}))
`;

function run(
  program: string[],
  timeout: number,
  env: Record<string, string> = {},
): Pick<ForkResult, 'medianUs' | 'p10Us' | 'p90Us'> {
  const [command, ...argv] = withoutNodeOptions(program);
  const out = execFileSync(command, argv, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const line = out.trim().split('\n').at(-1) ?? ''; // split() gives at least ['']
  if (line === '') throw new Error(`the fork loop ${program.slice(0, 1).join('')} printed nothing on stdout`);
  const r = JSON.parse(line) as { medianUs: number; p10Us: number; p90Us: number };
  return { medianUs: r.medianUs, p10Us: r.p10Us, p90Us: r.p90Us };
}

const skipped = (id: ForkResult['id'], label: string, skip: string): ForkResult => ({
  id,
  label,
  medianUs: null,
  p10Us: null,
  p90Us: null,
  skip,
});

/** Compiles scripts/bench/programs/*.ts: the fork loop here, and server.ts for the servers.ts rows. */
export function buildNodePrograms(): void {
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', PROGRAMS], { cwd: ROOT, stdio: 'pipe' });
}

export function measureForks(iterations: number, cSkip: string | null): ForkResult[] {
  const timeout = 60_000 + iterations * 100;
  const n = String(iterations);
  const nodeLoop = (id: 'node' | 'node-plain', v: NodeVariant): ForkResult => {
    const { argv, env } = nodeCommand(v, join(BUILD_DIR, 'fork-latency.js'), [n]);
    const label = `Node ${process.version} (@lsbaws/posix), ${id === 'node' ? 'as started' : describeVariant(v)}`;
    return { id, label, skip: null, ...run(argv, timeout, env) };
  };
  return [
    nodeLoop('node', nodeRun()),
    nodeLoop('node-plain', { env: {}, flags: [] }),
    { id: 'python', label: 'Python 3 (os.fork)', skip: null, ...run(['python3', '-c', PYTHON_LOOP, n], timeout) },
    cSkip === null
      ? { id: 'c', label: 'C (programs/c/forkbench.c)', skip: null, ...run([join(BUILD_DIR, 'forkbench'), n], timeout) }
      : skipped('c', 'C', cSkip),
  ];
}

/** One C call from JavaScript (programs/calls.ts): nanoseconds per call, through each FFI. */
export interface CallResult {
  id: string;
  label: string;
  ns: number;
}

/** programs/calls.ts with the start's flags: one JSON line of CallResults. */
export function measureCalls(iterations: number): CallResult[] {
  const { argv, env } = nodeCommand(nodeRun(), join(BUILD_DIR, 'calls.js'), [String(iterations)]);
  const [command, ...args] = withoutNodeOptions(argv);
  const out = execFileSync(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as CallResult[];
}
