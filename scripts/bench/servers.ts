/**
 * The servers the benchmark compares, and how each starts: the TypeScript stages the way a
 * learner starts them (pnpm start), the Python originals from a checkout of rspivak/lsbaws
 * (their code unchanged but for the port), and our C fork-per-connection server.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { must } from '../lib/must.js';
import { ROOT, START_SCRIPT, Launched, nodeRun, startProgram, startStage, withoutNodeOptions } from '../lib/stage.js';
import { versionOf } from './machine.js';
import type { BenchOptions } from './options.js';

export type Kind = 'ts' | 'python' | 'c';

export interface ServerSpec {
  /** e.g. 'ts-3g'; variants add '+v1', '+v2'..., server.ts without speed flags '+plain'. */
  id: string;
  /** e.g. 'webserver3g.ts'. */
  label: string;
  kind: Kind;
  stage: '3g' | '3h';
  /** Why it cannot run here (the report says so), or null. */
  skip: string | null;
  start(port: number): Promise<RunningServer>;
}

export interface RunningServer {
  /** The server's own process: the parent of the per-connection children. */
  pid: number;
  launched: Launched;
}

/** The benchmarked programs besides the stages (scripts/bench/programs), and where they are built. */
export const PROGRAMS = join(ROOT, 'scripts', 'bench', 'programs');
export const BUILD_DIR = join(PROGRAMS, 'dist');
const READY = /Serving HTTP on port \d+/;
const START_TIMEOUT = 120_000;

/**
 * Runs a Python file of the checkout with 8888 (the port the originals hard-code) replaced by
 * the benchmark's port, and nothing else changed. Works on Python 2 and 3.
 */
export const PYTHON_WITH_PORT = [
  'import sys',
  'path, port = sys.argv[1], sys.argv[2]',
  "source = open(path).read().replace('8888', port)",
  'sys.argv = [path] + sys.argv[3:]',
  "exec(compile(source, path, 'exec'), {'__name__': '__main__', '__file__': path})",
].join('\n');

/** Starts a program in a process group of its own and waits for its "Serving HTTP" line. */
export async function launch(
  name: string,
  port: number,
  program: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<RunningServer> {
  const [command, ...argv] = withoutNodeOptions(program);
  const child = spawn(command, argv, {
    cwd,
    env: { ...process.env, ...env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const launched = new Launched(name, port, child);
  try {
    await launched.waitFor(READY, START_TIMEOUT);
  } catch (e) {
    await launched.stop();
    throw e;
  }
  return { pid: must(child.pid, `a PID for ${name}, which printed its ready line`), launched };
}

/** A stage started with `pnpm --filter <stage> start`, as the README tells a learner. */
export async function startLikeALearner(stage: string, port: number, args: string[] = []): Promise<RunningServer> {
  const launched = await startStage(stage, { env: { PORT: String(port) }, args, timeout: START_TIMEOUT });
  const pid = launched.serverPid();
  if (pid === null) {
    await launched.stop();
    throw new Error(`${stage}: started, but its node process was not found`);
  }
  return { pid, launched };
}

/** The flags every start needs whatever its speed: fork() needs the first, readable traces the second. */
export const REQUIRED_FLAGS = ['--single-threaded', '--enable-source-maps'];

/** A way to run node: environment variables and flags, e.g. `UV_USE_IO_URING=0 --no-lazy`. */
export interface NodeVariant {
  env: Record<string, string>;
  flags: string[];
}

/** "UV_USE_IO_URING=0 --no-lazy" as a NodeVariant. */
export function parseVariant(text: string): NodeVariant {
  const words = text.split(/\s+/).filter(Boolean);
  const env = Object.fromEntries(
    words.filter((w) => /^\w+=/.test(w)).map((w) => w.split(/=(.*)/s, 2) as [string, string]),
  );
  return { env, flags: words.filter((w) => !/^\w+=/.test(w)) };
}

/**
 * The variant as written on a command line: "UV_USE_IO_URING=0 --no-lazy", "no speed flags", or
 * "the start's flags + UV_USE_IO_URING=0" when it has every flag scripts/start.sh has.
 */
export function describeVariant(v: NodeVariant): string {
  const start = nodeRun().flags.filter((f) => !REQUIRED_FLAGS.includes(f));
  const flags = v.flags.filter((f) => !REQUIRED_FLAGS.includes(f));
  const all = start.length > 0 && start.every((f) => flags.includes(f));
  const words = [
    ...Object.entries(v.env).map(([k, x]) => `${k}=${x}`),
    ...flags.filter((f) => !all || !start.includes(f)),
  ];
  if (all) return words.length === 0 ? "the start's flags" : `the start's flags + ${words.join(' ')}`;
  return words.length === 0 ? 'no speed flags' : words.join(' ');
}

/** argv and environment of `node <REQUIRED_FLAGS> <variant's flags> script args`. */
export function nodeCommand(
  v: NodeVariant,
  script: string,
  args: string[] = [],
): { argv: string[]; env: Record<string, string> } {
  const flags = [...REQUIRED_FLAGS, ...v.flags.filter((f) => !REQUIRED_FLAGS.includes(f))];
  return { argv: [process.execPath, ...flags, script, ...args], env: v.env };
}

/** A stage run by node with a variant's flags, compiled first the way its start script compiles it. */
async function startWithVariant(
  stage: string,
  port: number,
  v: NodeVariant,
  args: string[] = [],
): Promise<RunningServer> {
  const dir = join(ROOT, 'packages', stage);
  execFileSync('sh', [START_SCRIPT, '--compile-only'], { cwd: dir, stdio: 'pipe' });
  const { argv, env } = nodeCommand(v, startProgram(stage), args);
  return launch(stage, port, argv, dir, env);
}

/** server.ts (server.c in Node) run with a variant's flags. */
function startNodeFloor(port: number, v: NodeVariant): Promise<RunningServer> {
  const { argv, env } = nodeCommand(v, join(BUILD_DIR, 'server.js'));
  return launch('server.ts', port, argv, ROOT, env);
}

/** The Python 2 to run webserver3h.py with, or null. */
function findPython2(options: BenchOptions): string | null {
  for (const candidate of [options.python2, 'python2', 'python2.7']) {
    if (candidate && /^Python 2\./.test(versionOf(candidate, ['--version']) ?? '')) return candidate;
  }
  return null;
}

export function pythonSkip(options: BenchOptions, file: string): string | null {
  if (options.lsbawsPy === null) return 'no checkout of rspivak/lsbaws given (--lsbaws-py DIR or LSBAWS_PY=DIR)';
  if (!existsSync(join(options.lsbawsPy, 'part3', file))) return `${join(options.lsbawsPy, 'part3', file)} not found`;
  return null;
}

/** Builds programs/c/*.c with the system compiler into programs/dist; returns why not, or null. */
export function buildC(): string | null {
  if (versionOf('cc', ['--version']) === null) return 'no C compiler (cc) on this machine';
  mkdirSync(BUILD_DIR, { recursive: true });
  const c = (file: string): string => join(PROGRAMS, 'c', file);
  const builds = [
    ['-o', join(BUILD_DIR, 'server'), c('server.c'), c('serve.c')],
    ['-o', join(BUILD_DIR, 'forkbench'), c('forkbench.c')],
    ['-o', join(BUILD_DIR, 'prefork'), c('prefork.c')],
    ['-o', join(BUILD_DIR, 'poll'), c('poll.c')],
    ['-shared', '-fPIC', '-o', join(BUILD_DIR, 'libserve.so'), c('serve.c')], // for programs/loop.ts
  ];
  for (const args of builds) execFileSync('cc', ['-O2', '-Wall', ...args], { stdio: 'pipe' });
  return null;
}

/** programs/loop.ts's modes: the loop of server.c inside node, one piece at a time (its comment says each). */
export const LOOP_MODES = [
  ['c-loop', 'the C loop inside node (ffi-rs, called once)'],
  ['c-loop-forkable', 'the same, V8\u2019s heap in the child too'],
  ['js-ffi-rs', 'a JavaScript loop, C child (ffi-rs)'],
  ['js-koffi', 'the same JavaScript loop (koffi)'],
  ['js-child-koffi-write', 'the JavaScript loop and child, no @lsbaws/posix (koffi), printing with write(2)'],
  ['js-child-koffi', 'the same child printing with console.log'],
  ['js-child-ffi-rs', 'the same through ffi-rs'],
  ['posix-accept', "@lsbaws/posix's accept and signal, C child"],
  ['posix-fork', "@lsbaws/posix's accept, signal and fork, C child"],
] as const;

/** programs/loop.ts in one mode, run with the start's flags. */
function startLoop(port: number, mode: string): Promise<RunningServer> {
  const { argv, env } = nodeCommand(nodeRun(), join(BUILD_DIR, 'loop.js'), [mode]);
  return launch(`loop.ts ${mode}`, port, argv, ROOT, env);
}

/**
 * webserver3g and @lsbaws/posix as they are at a git revision (git archive), compiled in a folder of
 * their own under programs/dist/at/ against this checkout's node_modules; returns the stage's script.
 */
function buildAtRevision(ref: string): string {
  const dir = join(BUILD_DIR, 'at', ref.replace(/[^\w.-]/g, '_'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = execFileSync('git', ['archive', ref, 'tsconfig.base.json', 'packages/posix', 'packages/webserver3g'], {
    cwd: ROOT,
    maxBuffer: 64 << 20,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: files });
  const link = (target: string, path: string): void => {
    mkdirSync(join(path, '..'), { recursive: true });
    symlinkSync(target, path);
  };
  link(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  link(realpathSync(join(ROOT, 'packages/posix/node_modules/ffi-rs')), join(dir, 'packages/posix/node_modules/ffi-rs'));
  link(join(dir, 'packages/posix'), join(dir, 'packages/webserver3g/node_modules/@lsbaws/posix'));
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', join(dir, 'packages/webserver3g')], { stdio: 'pipe' });
  return join(dir, 'packages/webserver3g', startProgram('webserver3g'));
}

/** webserver3g on @lsbaws/posix at `ref`, with the start's flags (built at its first start). */
function atRevision(ref: string): ServerSpec {
  let script: string | null = null;
  return {
    id: `ts-3g@${ref}`,
    label: `webserver3g.ts, @lsbaws/posix at ${ref}`,
    kind: 'ts',
    stage: '3g',
    skip: null,
    start: (port) => {
      script ??= buildAtRevision(ref);
      const { argv, env } = nodeCommand(nodeRun(), script);
      return launch(`webserver3g@${ref}`, port, argv, join(script, '..', '..'), env);
    },
  };
}

/** "Python 3.11" for a Python interpreter, or the fallback. */
function pythonName(python: string, fallback: string): string {
  return /^Python (\d+\.\d+)/.exec(versionOf(python, ['--version']) ?? '')?.[0] ?? fallback;
}

/** Every server of the comparison, in table order; skipped ones carry the reason. */
export function serverSpecs(options: BenchOptions, cSkip: string | null): ServerSpec[] {
  const part3 = options.lsbawsPy === null ? '' : join(options.lsbawsPy, 'part3');
  const python2 = findPython2(options);
  const python =
    (file: string, interpreter: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    (port: number) =>
      launch(file, port, [interpreter, '-c', PYTHON_WITH_PORT, join(part3, file), String(port), ...args], part3, {
        PYTHONUNBUFFERED: '1',
        ...env,
      });
  const specs: ServerSpec[] = [
    {
      id: 'ts-3g',
      label: 'webserver3g.ts, as started',
      kind: 'ts',
      stage: '3g',
      skip: null,
      start: (port) => startLikeALearner('webserver3g', port),
    },
    {
      id: 'py-3g',
      label: `webserver3g.py (${pythonName('python3', 'Python 3')})`,
      kind: 'python',
      stage: '3g',
      skip: pythonSkip(options, 'webserver3g.py'),
      start: python('webserver3g.py', 'python3', []),
    },
    {
      id: 'c-3g',
      label: 'server.c',
      kind: 'c',
      stage: '3g',
      skip: cSkip,
      start: (port) => launch('server.c', port, [join(BUILD_DIR, 'server')], ROOT),
    },
    ...LOOP_MODES.map(([mode, label]) => ({
      id: `loop-${mode.replace(/^c-loop/, 'c')}`,
      label,
      kind: 'ts' as const,
      stage: '3g' as const,
      skip: cSkip,
      start: (port: number) => startLoop(port, mode),
    })),
    {
      id: 'ts-floor',
      label: 'server.ts (server.c on Node), as started',
      kind: 'ts',
      stage: '3g',
      skip: null,
      start: (port) => startNodeFloor(port, nodeRun()),
    },
    {
      id: 'loop-js-child-koffi-wsgi',
      label:
        'the strictly-less program (koffi, console.log), the server holding webserver3h\u2019s library and application',
      kind: 'ts',
      stage: '3h',
      skip: cSkip,
      start: (port) => startLoop(port, 'js-child-koffi-wsgi'),
    },
    {
      id: 'loop-js-child-koffi-wsgi-app',
      label: 'the same, its child doing webserver3h.py\u2019s work in JavaScript, the reaper\u2019s work on EINTR',
      kind: 'ts',
      stage: '3h',
      skip: cSkip,
      start: (port) => startLoop(port, 'js-child-koffi-wsgi-app'),
    },
    {
      id: 'loop-js-child-ffi-rs-wsgi-app',
      label: 'the same through ffi-rs, each call\u2019s descriptor built once',
      kind: 'ts',
      stage: '3h',
      skip: cSkip,
      start: (port) => startLoop(port, 'js-child-ffi-rs-wsgi-app'),
    },
    {
      id: 'ts-3h',
      label: 'webserver3h.ts + wsgiapp',
      kind: 'ts',
      stage: '3h',
      skip: null,
      start: (port) => startLikeALearner('webserver3h', port, ['wsgiapp:app']),
    },
    {
      id: 'py-3h',
      label: `webserver3h.py + wsgiapp (${python2 === null ? 'Python 2' : pythonName(python2, 'Python 2')})`,
      kind: 'python',
      stage: '3h',
      skip:
        pythonSkip(options, 'webserver3h.py') ??
        (python2 === null
          ? 'webserver3h.py is Python 2 code (import StringIO) and no Python 2 was found' +
            ' (--python2 PATH or PYTHON2=PATH)'
          : null),
      start: python('webserver3h.py', python2 ?? 'python2', ['wsgiapp:app'], {
        PYTHONPATH: join(options.lsbawsPy ?? '', 'part2'),
      }),
    },
  ];
  // webserver3g run by node with each variant's flags, beside it as started; server.ts without speed flags
  const plain = { env: {}, flags: [] };
  specs.splice(
    1,
    0,
    ...options.variants.map((text, i) => {
      const v = parseVariant(text);
      return {
        id: `ts-3g+v${i + 1}`,
        label: `webserver3g.ts, ${describeVariant(v)}`,
        kind: 'ts' as const,
        stage: '3g' as const,
        skip: null,
        start: (port: number) => startWithVariant('webserver3g', port, v),
      };
    }),
  );
  specs.splice(1 + options.variants.length, 0, ...options.posixRefs.map(atRevision));
  specs.splice(specs.findIndex((s) => s.id === 'ts-floor') + 1, 0, {
    id: 'ts-floor+plain',
    label: `server.ts, ${describeVariant(plain)}`,
    kind: 'ts',
    stage: '3g',
    skip: null,
    start: (port) => startNodeFloor(port, plain),
  });
  const only = options.only;
  return only === null ? specs : specs.filter((s) => only.includes(s.id) || only.includes(s.id.replace(/[+@].*/, '')));
}
