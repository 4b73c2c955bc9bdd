/**
 * Starting a stage the way a learner does (`pnpm --filter webserver3X start`), optionally
 * under `ulimit` settings or as an unprivileged user, watching its output, finding its
 * processes, and stopping everything it started. Shared by the tests and `pnpm experiment`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { cmdline, descendants, stat } from './procfs.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * argv, run without NODE_OPTIONS: how the project starts every program it runs (stages,
 * client3, test fixtures, benchmarked servers). A test runner puts a module loader there (tap
 * does, and adds it back to the environment of every process it spawns, so the program's own
 * `env -u` removes it). A node started with a loader runs its hooks on a thread of their own,
 * and @lsbaws/posix refuses to fork() beside another JavaScript thread; a learner's
 * `pnpm --filter webserver3X start` has no loader either.
 */
export function withoutNodeOptions(argv: string[]): string[] {
  return ['env', '-u', 'NODE_OPTIONS', ...argv];
}

/** How every package's `pnpm start` runs its program: compiled if needed, then node with the flags. */
export const START_SCRIPT = join(ROOT, 'scripts', 'start.sh');

/** The program a package's start script runs (`sh ../../scripts/start.sh dist/webserver3g.js`). */
export function startProgram(name: string): string {
  const file = join(ROOT, 'packages', name, 'package.json');
  const start = (JSON.parse(readFileSync(file, 'utf8')) as { scripts: { start: string } }).scripts.start;
  const program = /^sh \.\.\/\.\.\/scripts\/start\.sh (\S+\.js)$/.exec(start)?.[1];
  if (program === undefined)
    throw new Error(`${file}: the start script is not \`sh ../../scripts/start.sh dist/PROGRAM.js\`: ${start}`);
  return program;
}

/** How scripts/start.sh runs node: the environment it exports and node's flags. */
export function nodeRun(): { env: Record<string, string>; flags: string[] } {
  const text = readFileSync(START_SCRIPT, 'utf8');
  const env = Object.fromEntries([...text.matchAll(/^export (\w+)=(\S*)$/gm)].map(([, name, value]) => [name, value]));
  const flags = /^exec node ((?:--\S+ )*)"\$@"$/m.exec(text)?.[1];
  if (flags === undefined) throw new Error(`${START_SCRIPT}: no line \`exec node --flags... "$@"\``);
  return { env, flags: flags.trim().split(' ') };
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /** Extra command-line arguments for the stage (after `--`). */
  args?: string[];
  /** Extra environment (PORT is set for you). */
  env?: Record<string, string>;
  /** Shell commands run first in the stage's shell, e.g. 'ulimit -n 256'. */
  limits?: string;
  /** Run as this unprivileged uid/gid (setpriv), e.g. 65534, so that `ulimit -u` is enforced. */
  user?: number;
  /** Wait for this in the output before returning (default: the stage's "Serving HTTP" line). */
  ready?: RegExp | null;
  /** ms to wait for ready (default 60 s: the first start compiles). */
  timeout?: number;
  /**
   * Compile first (as the current user), then run scripts/start.sh, which execs node, directly
   * in the package directory, without pnpm and its shell: no parent processes or threads
   * that would count against `ulimit -u` (the 3d README's out-of-processes recipe).
   */
  direct?: boolean;
}

export class Launched {
  /** stdout and stderr, as they came. */
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private listeners: Array<() => void> = [];

  constructor(
    readonly name: string,
    readonly port: number,
    readonly launcher: ChildProcess,
  ) {
    const take = (chunk: Buffer): void => {
      this.output += chunk.toString();
      for (const listener of this.listeners) listener();
    };
    launcher.stdout?.on('data', take);
    launcher.stderr?.on('data', take);
    this.exited = new Promise((resolve) => launcher.once('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => this.listeners.forEach((l) => l()));
  }

  /** Resolves when the output matches re (searching from `from`); rejects on timeout or exit. */
  waitFor(re: RegExp, timeout = 10_000, from = 0): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      let done = false;
      const check = (): void => {
        if (done) return;
        const m = this.output.slice(from).match(re);
        if (m !== null) finish(() => resolve(m));
        else if (this.launcher.exitCode !== null || this.launcher.signalCode !== null) {
          finish(() => reject(new Error(`${this.name} exited before printing ${re}; output:\n${this.output}`)));
        }
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`${this.name}: no ${re} within ${timeout} ms; output:\n${this.output}`))),
        timeout,
      );
      const finish = (then: () => void): void => {
        done = true;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        then();
      };
      this.listeners.push(check);
      check();
    });
  }

  /** The PID of the node process running the stage (the server's parent process), or null. */
  serverPid(): number | null {
    // dist/webserver3g.js, or dist/src/webserver3h.js for a stage that compiles examples beside its source
    const scripts = [`dist/${this.name}.js`, `dist/src/${this.name}.js`];
    const pid = this.launcher.pid!;
    // only node processes: pnpm's `sh -c 'sh ../../scripts/start.sh dist/webserver3g.js'` ends with it too
    const runs = [pid, ...descendants(pid)].filter((p) => {
      const argv = cmdline(p);
      return /(^|\/)node$/.test(argv[0] ?? '') && argv.some((a) => scripts.some((script) => a.endsWith(script)));
    });
    // forked children run the same script: the server is the one whose parent does not
    return runs.find((p) => !runs.includes(stat(p)?.ppid ?? -1)) ?? null;
  }

  /** Every process started for this stage: the launcher, the server and its children. */
  processes(): number[] {
    return [this.launcher.pid!, ...descendants(this.launcher.pid!)];
  }

  /** Kills the whole process group (the server, its children, pnpm) and waits for the launcher. */
  async stop(): Promise<void> {
    if (this.launcher.exitCode === null && this.launcher.signalCode === null) {
      try {
        process.kill(-this.launcher.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await this.exited;
    // a forked child that started its own process group would survive the group kill
    for (const pid of descendants(1).filter((p) => stat(p)?.pgrp === this.launcher.pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

/** `pnpm --filter <name> start [-- args]` in a process group of its own. */
export async function startStage(name: string, options: StartOptions = {}): Promise<Launched> {
  const port = Number(options.env?.PORT ?? (await freePort()));
  const args = options.args?.length ? ['--', ...options.args] : [];
  const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
  let command = ['pnpm', '--silent', '--filter', name, 'start', ...args].map(quote).join(' ');
  if (options.direct) {
    const dir = join(ROOT, 'packages', name);
    await promisify(execFile)('sh', [START_SCRIPT, '--compile-only'], { cwd: dir });
    // start.sh finds nothing to compile any more, and execs node: no shell stays behind
    command = `cd ${quote(dir)} && exec ${['sh', START_SCRIPT, startProgram(name), ...(options.args ?? [])].map(quote).join(' ')}`;
  }
  const script = `${options.limits ? options.limits + ' && ' : ''}${options.direct ? '' : 'exec '}${command}`;
  const argv = withoutNodeOptions(
    options.user === undefined
      ? ['bash', '-c', script]
      : ['setpriv', `--reuid=${options.user}`, `--regid=${options.user}`, '--clear-groups', 'bash', '-c', script],
  );
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), ...options.env };
  if (options.user !== undefined) env.HOME = '/tmp'; // pnpm wants a writable home
  const launcher = spawn(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stage = new Launched(name, port, launcher);
  const ready = options.ready === undefined ? /Serving HTTP on port \d+/ : options.ready;
  if (ready !== null) {
    try {
      await stage.waitFor(ready, options.timeout ?? 60_000);
    } catch (e) {
      await stage.stop();
      throw e;
    }
  }
  return stage;
}
