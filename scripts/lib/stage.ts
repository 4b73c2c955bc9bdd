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
import { cmdline, descendants, listenerOf, listenersOf, listeningPorts, stat } from './procfs.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * argv, run without NODE_OPTIONS: how the project starts every program it runs (stages,
 * client3, test fixtures, benchmarked servers). A test runner puts a module loader there (tap
 * does, and adds it back to the environment of every process it spawns, so the program's own
 * `env -u` removes it). A node started with a loader runs its hooks on a thread of their own,
 * and @lsbaws/posix refuses to fork() beside another JavaScript thread; a learner's
 * `pnpm --filter webserver3X start` has no loader either.
 */
export function withoutNodeOptions(argv: string[]): [command: string, ...args: string[]] {
  return ['env', '-u', 'NODE_OPTIONS', ...argv];
}

/** SIGKILL to the process group that pid leads (a child spawned with `detached: true`); quiet when it is gone. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
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
  /** Called as soon as it is spawned, before it is ready: to stop it even when Ctrl-C comes while it starts. */
  onLaunch?: (launched: Launched) => void;
  /** ms to wait for ready (default 60 s: the first start compiles). */
  timeout?: number;
  /**
   * Compile first (as the current user), then run scripts/start.sh, which execs node, directly
   * in the package directory, without pnpm and its shell: no parent processes or threads
   * that would count against `ulimit -u` (the 3d README's out-of-processes recipe).
   */
  direct?: boolean;
  /** Run from this directory, as `pnpm -C <repository> --filter <name> start` (default: the repository). */
  cwd?: string;
}

export class Launched {
  /** stdout and stderr, as they came (the last outputLimit characters of them). */
  output = '';
  /** How much of the output to keep: a server run for hours prints without end. */
  outputLimit = Infinity;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private listeners: Array<() => void> = [];

  constructor(
    readonly name: string,
    readonly port: number,
    readonly launcher: ChildProcess,
  ) {
    const take = (chunk: Buffer): void => {
      this.output += chunk.toString();
      if (this.output.length > this.outputLimit) this.output = this.output.slice(-this.outputLimit);
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
    const pid = this.launcher.pid;
    if (pid === undefined) return null; // the launcher was never spawned
    // only node processes: pnpm's `sh -c 'sh ../../scripts/start.sh dist/webserver3g.js'` ends with it too
    const runs = [pid, ...descendants(pid)].filter((p) => {
      const argv = cmdline(p);
      return /(^|\/)node$/.test(argv[0] ?? '') && argv.some((a) => scripts.some((script) => a.endsWith(script)));
    });
    // forked children run the same script: the server is the one whose parent does not
    return runs.find((p) => !runs.includes(stat(p)?.ppid ?? -1)) ?? null;
  }

  /** serverPid(), or an Error with the stage's output when there is no server process. */
  requireServerPid(): number {
    const pid = this.serverPid();
    if (pid === null) throw new Error(`no server process for ${this.name}; output:\n${this.output}`);
    return pid;
  }

  /** Every process started for this stage: the launcher, the server and its children. */
  processes(): number[] {
    const pid = this.launcher.pid;
    return pid === undefined ? [] : [pid, ...descendants(pid)];
  }

  /** Kills the whole process group (the server, its children, pnpm) and waits for the launcher. */
  async stop(): Promise<void> {
    if (this.launcher.exitCode === null && this.launcher.signalCode === null) killGroup(this.launcher.pid);
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

/** A server that could not be started, with why in one line (`message`) and its output. */
export class StartError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'StartError';
  }
}

/** A program that holds the listening socket on port, as 'PID 1234 (python3 my3g.py)', or null. */
export function holderOf(port: number): string | null {
  const pid = listenerOf(port);
  return pid === null ? null : `PID ${pid} (${cmdline(pid).join(' ') || stat(pid)?.comm || '?'})`;
}

/** What to say when port is taken: which program holds it, and the option that picks another. */
function portTaken(port: number): string {
  const holder = holderOf(port);
  return (
    `port ${port} is in use${holder ? ` by ${holder}` : ''}: ` +
    `stop that program, or choose another port with --port N`
  );
}

/**
 * argv running script in bash as the unprivileged uid user (setpriv), or as ourselves. The
 * user keeps CAP_DAC_READ_SEARCH and nothing else: it can read and traverse folders its uid
 * could not (a checkout under a private 0700 home or mktemp -d folder), while RLIMIT_NPROC,
 * which only CAP_SYS_RESOURCE and CAP_SYS_ADMIN lift, still applies to it.
 */
export function asUser(user: number | undefined, script: string): string[] {
  if (user === undefined) return ['bash', '-c', script];
  const keep = ['--inh-caps=-all,+dac_read_search', '--ambient-caps=+dac_read_search'];
  return ['setpriv', `--reuid=${user}`, `--regid=${user}`, '--clear-groups', ...keep, 'bash', '-c', script];
}

/** Spawns argv in a process group of its own, without NODE_OPTIONS, its output piped. */
function launch<T extends Launched>(
  Kind: new (name: string, port: number, launcher: ChildProcess) => T,
  name: string,
  port: number,
  argv: string[],
  options: { cwd: string; env: Record<string, string | undefined>; onLaunch?: (launched: Launched) => void },
): T {
  const [command, ...args] = withoutNodeOptions(argv);
  const { cwd, env } = options;
  const launcher = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const launched = new Kind(name, port, launcher);
  options.onLaunch?.(launched);
  return launched;
}

/** `pnpm --filter <name> start [-- args]` in a process group of its own. */
export async function startStage(name: string, options: StartOptions = {}): Promise<Launched> {
  const port = Number(options.env?.PORT ?? (await freePort()));
  const args = options.args?.length ? ['--', ...options.args] : [];
  const from = options.cwd === undefined ? [] : ['-C', ROOT];
  let command = ['pnpm', ...from, '--silent', '--filter', name, 'start', ...args].map(quote).join(' ');
  if (options.direct) {
    const dir = join(ROOT, 'packages', name);
    await promisify(execFile)('sh', [START_SCRIPT, '--compile-only'], { cwd: dir });
    // start.sh finds nothing to compile any more, and execs node: no shell stays behind
    command =
      `cd ${quote(dir)} && exec ` +
      `${['sh', START_SCRIPT, startProgram(name), ...(options.args ?? [])].map(quote).join(' ')}`;
  }
  const script = `${options.limits ? options.limits + ' && ' : ''}${options.direct ? '' : 'exec '}${command}`;
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), ...options.env };
  if (options.user !== undefined) env.HOME = '/tmp'; // pnpm wants a writable home
  const stage = launch(Launched, name, port, asUser(options.user, script), {
    cwd: options.cwd ?? ROOT,
    env,
    onLaunch: options.onLaunch,
  });
  const ready = options.ready === undefined ? /Serving HTTP on port \d+/ : options.ready;
  if (ready !== null) {
    try {
      await stage.waitFor(ready, options.timeout ?? 60_000);
    } catch (e) {
      await stage.stop();
      if (/EADDRINUSE|Address already in use/.test(stage.output))
        throw new StartError(`${name}: ${portTaken(port)}`, stage.output);
      throw e;
    }
  }
  return stage;
}

export interface CommandOptions {
  /** The port it must listen on: PORT in its environment, and {port} in the command. */
  port: number;
  /** Where the command runs (default: the directory pnpm was run from, INIT_CWD). */
  cwd?: string;
  env?: Record<string, string>;
  /** Shell commands run first, e.g. 'ulimit -n 256'. */
  limits?: string;
  /** Run as this unprivileged uid (setpriv), as for a stage. */
  user?: number;
  /** ms to wait for it to listen (default 30 s). */
  timeout?: number;
  /** Called as soon as it is spawned, before it listens. */
  onLaunch?: (launched: Launched) => void;
}

/** The server a learner wrote, in any language: a command, found by the port it listens on. */
export class Command extends Launched {
  /** The PID that listens on the port (the server's parent process), or null once it is gone. */
  override serverPid(): number | null {
    const mine = new Set(this.processes());
    const held = listenersOf(this.port).filter((pid) => mine.has(pid));
    return held.find((pid) => !held.includes(stat(pid)?.ppid ?? -1)) ?? null;
  }

  /** The exit as one line: 'exited with status 1', 'was killed by SIGSEGV', or null while it runs. */
  exitLine(): string | null {
    const { exitCode, signalCode } = this.launcher;
    if (exitCode !== null) return `exited with status ${exitCode}`;
    return signalCode === null ? null : `was killed by ${signalCode}`;
  }
}

/**
 * Starts a learner's server: `command` through bash, in cwd, with PORT in its environment and
 * {port} replaced, in a process group of its own, its output line-buffered (stdbuf for C's
 * stdio, PYTHONUNBUFFERED for Python) so that what it prints arrives as it prints it. Resolves
 * once one of its processes listens on the port; otherwise fails with a StartError that says
 * which: the port was taken, the server exited first, it listens on another port, or on none.
 */
export async function startServerCommand(command: string, options: CommandOptions): Promise<Command> {
  const { port } = options;
  if (listenerOf(port) !== null) throw new StartError(portTaken(port), '');
  const script = `${options.limits ? options.limits + ' && ' : ''}${command.replaceAll('{port}', String(port))}`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    PYTHONUNBUFFERED: '1',
    ...options.env,
  };
  const cwd = options.cwd ?? process.env.INIT_CWD ?? process.cwd();
  const argv = asUser(options.user, `exec stdbuf -oL -eL bash -c ${quote(script)}`);
  const server = launch(Command, command, port, argv, { cwd, env, onLaunch: options.onLaunch });
  const timeout = options.timeout ?? 30_000;
  const started = Date.now();
  const last = (): string => server.output.trim().split('\n').slice(-3).join(' | ');
  for (;;) {
    if (server.serverPid() !== null) return server;
    const exit = server.exitLine();
    if (exit !== null) {
      throw new StartError(
        `the server ${exit} before listening on port ${port}${last() ? `: ${last()}` : ''}`,
        server.output,
      );
    }
    const elsewhere = listeningPorts(server.processes()).filter((p) => p !== port);
    if (elsewhere.length > 0 && Date.now() - started > 2_000) {
      await server.stop();
      throw new StartError(
        `the server listens on port ${elsewhere.join(', ')}, not ${port}: make it listen on PORT (given ` +
          `in its environment, or {port} in the command), or check it with --port ${elsewhere[0]}`,
        server.output,
      );
    }
    if (Date.now() - started > timeout) {
      await server.stop();
      throw new StartError(
        `the server did not listen on port ${port} within ` +
          `${timeout / 1000} s (it ran, but never called listen() on that port)`,
        server.output,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** 'a' for the shell, quoted. */
export function quote(a: string): string {
  return `'${a.replace(/'/g, `'\\''`)}'`;
}
