/**
 * What every experiment of `pnpm experiment` shares: the narration a learner reads (commands
 * as they would type them, the output they would see, what it means), the stages and clients
 * it starts (all stopped at the end, also on Ctrl-C), and a few helpers about the server's
 * output and its processes.
 */
import { execFileSync } from 'node:child_process';
import type { Writable } from 'node:stream';
import { startServerCommand, startStage, freePort, type Launched, type StartOptions } from '../lib/stage.js';
import { stat } from '../lib/procfs.js';
import {
  eventually,
  settlesWithin,
  sleep,
  startClient3,
  startCurl,
  type RunningClient3,
  type WatchedCurl,
} from '../lib/clients.js';
import { snapshot, type Snapshot } from '../lib/observe-model.js';
import { render } from '../lib/observe-render.js';
import { withoutLineNumbers } from '../lib/quoted.js';

/** The article's port: the experiments use it when it is free, so that the commands read as in the article. */
export const ARTICLE_PORT = 8888;

export interface Experiment<Outcome, Options = Record<string, never>> {
  /** What you type after `pnpm experiment`. */
  name: string;
  /** The stage it runs. */
  stage: string;
  /** One line for the list. */
  summary: string;
  /** The section of the article it reproduces. */
  article: string;
  /** Its options (`pnpm experiment <name> --help`), each with its default. */
  params?: { [K in keyof Options]: Param };
  run(ctx: Context, options?: Partial<Options>): Promise<Outcome>;
}

/** An option of an experiment: a whole number with a default. */
export interface Param {
  description: string;
  default: number;
}

/** The options given, and the experiment's defaults for the others. */
export function optionsOf<O, P>(experiment: Experiment<O, P>, given: Partial<P> = {}): P {
  const defaults = Object.fromEntries(Object.entries<Param>(experiment.params ?? {}).map(([k, p]) => [k, p.default]));
  return { ...defaults, ...given } as P;
}

/** An experiment of any outcome, for the registry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- experiments of every outcome and option type
export type AnyExperiment = Experiment<any, any>;

/** The learner-facing narration, written to a stream. */
export class Narrator {
  private readonly tty: boolean;
  constructor(
    private readonly stream: Writable & { isTTY?: boolean },
    private readonly onView: (snap: Snapshot) => void = () => {},
  ) {
    this.tty = stream.isTTY === true;
  }

  private write(text: string): void {
    this.stream.write(text);
  }

  /** The experiment's title. */
  title(text: string): void {
    this.write(`${this.bold(`=== ${text} ===`)}\n`);
  }

  /** A new step: what we do now, and where (which terminal) a learner would do it. */
  step(text: string): void {
    this.write(`\n${this.bold(`▶ ${text}`)}\n`);
  }

  /** A command as the learner would type it. */
  cmd(command: string): void {
    this.write(`  $ ${command}\n`);
  }

  /** Output the learner would see (indented like the command). */
  show(text: string): void {
    const trimmed = text.replace(/\s+$/, '');
    if (trimmed === '') return;
    this.write(
      trimmed
        .split('\n')
        .map((l) => (l.trim() === '' ? '' : `  ${l}`))
        .join('\n') + '\n',
    );
  }

  /** A `pnpm observe` view shown to the learner; `pnpm guide` also draws it as a picture (ContextOptions.onView). */
  view(view: { snap: Snapshot; text: string }): void {
    this.show(view.text);
    this.onView(view.snap);
  }

  /** What it means. */
  note(text: string): void {
    this.write(
      wrap(text, 92)
        .map((l, i) => (i === 0 ? `  → ${l}` : `    ${l}`))
        .join('\n') + '\n',
    );
  }

  /** The conclusion, matching the article. */
  result(text: string): void {
    this.write(`\n${this.bold('Result:')} ${wrap(text, 88).join('\n        ')}\n`);
  }

  /** Runs a long step, showing that something is happening (a ticking counter on a terminal). */
  async wait<T>(label: string, work: Promise<T>): Promise<T> {
    const started = Date.now();
    if (!this.tty) {
      this.write(`  … ${label}\n`);
      return work;
    }
    const line = (): string => `  … ${label} ${((Date.now() - started) / 1000).toFixed(0)} s`;
    this.write(line());
    const timer = setInterval(() => this.write(`\r${line()}`), 1000);
    try {
      return await work;
    } finally {
      clearInterval(timer);
      this.write(`\r  … ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    }
  }

  private bold(text: string): string {
    return this.tty ? `\x1b[1m${text}\x1b[0m` : text;
  }
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    lines.push(line);
  }
  return lines;
}

export interface ContextOptions {
  /** Where the narration goes (default: nowhere). */
  out?: Writable & { isTTY?: boolean };
  /** The port for the stage; default: 8888 when it is free, another free port otherwise. */
  port?: number;
  /** Called with the snapshot of every `pnpm observe` view the narration shows, in order. */
  onView?: (snap: Snapshot) => void;
  /** Run this server instead of the stage the experiment names (`pnpm check`). */
  target?: Target;
}

/**
 * The server an experiment runs, when not the stage it names: another stage of the project
 * (stage 1 for 3a's experiment), or a learner's command (any language), found by its port.
 */
export type Target =
  | { kind: 'stage'; name: string; args?: string[] }
  | { kind: 'command'; command: string; cwd?: string; timeout?: number };

/** The server died while the experiment still needed it: says when, how, and what it printed last. */
export class ServerGone extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerGone';
  }
}

/** What an experiment runs with: narration, a port, and everything it started, to stop at the end. */
export class Context {
  readonly say: Narrator;
  readonly port: number;
  readonly target: Target | undefined;
  private readonly cleanups: Array<() => void | Promise<void>> = [];
  private stopped = false;

  private constructor(
    out: Writable & { isTTY?: boolean },
    port: number,
    target: Target | undefined,
    onView?: (snap: Snapshot) => void,
  ) {
    this.say = new Narrator(out, onView);
    this.port = port;
    this.target = target;
  }

  static async create(options: ContextOptions = {}): Promise<Context> {
    const port = options.port ?? ((await isFree(ARTICLE_PORT)) ? ARTICLE_PORT : await freePort());
    return new Context(options.out ?? nullStream(), port, options.target, options.onView);
  }

  /**
   * Starts a stage on this context's port (or the target in its place, with the same limits,
   * environment and user); it is stopped by cleanup().
   */
  async start(name: string, options: StartOptions = {}): Promise<Launched> {
    this.check();
    const env = { ...options.env, PORT: String(this.port) };
    const target = this.target;
    // stopped by cleanup() even when Ctrl-C comes while it starts
    const onLaunch = (launched: Launched): void => this.defer(() => launched.stop());
    const stage =
      target?.kind === 'command'
        ? await startServerCommand(target.command, {
            port: this.port,
            env,
            limits: options.limits,
            user: options.user,
            cwd: target.cwd,
            timeout: target.timeout,
            onLaunch,
          })
        : await startStage(target?.name ?? name, {
            ...options,
            args: target?.args ?? options.args,
            env,
            onLaunch,
          });
    this.check();
    return stage;
  }

  /** The command that starts the stage, as the learner types it (the target's, when there is one). */
  command(name: string, args: string[] = []): string {
    if (this.target?.kind === 'command') return this.target.command.replaceAll('{port}', String(this.port));
    const stage = this.target?.name ?? name;
    const rest = (this.target?.args ?? args).join(' ');
    return `${this.portEnv}pnpm --filter ${stage} start${rest ? ` -- ${rest}` : ''}`;
  }

  /**
   * Throws ServerGone when the server of stage (the process server) is no longer running;
   * when: 'after the first request'.
   */
  async alive(stage: Launched, server: number | null, when: string): Promise<void> {
    const gone = (): boolean => server === null || stat(server) === null || stat(server)?.state === 'Z';
    if (!gone()) return;
    // the launcher ends with the server: wait a little for its status and last words
    await settlesWithin(stage.exited, 2_000);
    const { exitCode, signalCode } = stage.launcher;
    const how =
      exitCode !== null
        ? `exited with status ${exitCode}`
        : signalCode !== null
          ? `was killed by ${signalCode}`
          : 'is gone';
    const last = tidy(stage.output, 1_000).trim().split('\n').slice(-2).join(' | ');
    throw new ServerGone(`the server ${how} ${when}${last ? ` (its last output: ${last})` : ''}`);
  }

  /**
   * curl http://127.0.0.1:PORT/hello (or path, with extra curl arguments such as --data-binary) in the background,
   * stopped by cleanup().
   */
  curl(maxTime = 10, path = '/hello', extra: string[] = []): WatchedCurl {
    this.check();
    // localhost as in the article (so the server prints Host: localhost:8888); --ipv4 skips the ::1 attempt
    const c = startCurl(['--ipv4', ...extra, `http://localhost:${this.port}${path}`], maxTime);
    this.defer(() => c.stop());
    return c;
  }

  /** client3 with the article's arguments, stopped (with every client it forked) by cleanup(). */
  client3(args: string[]): RunningClient3 {
    this.check();
    const c = startClient3(this.port, args);
    this.defer(() => c.stop());
    return c;
  }

  /** Registers something to undo at the end. */
  defer(fn: () => void | Promise<void>): void {
    this.cleanups.push(fn);
  }

  /** Stops everything started, newest first. Safe to call twice. */
  async cleanup(): Promise<void> {
    this.stopped = true;
    for (let fn = this.cleanups.pop(); fn !== undefined; fn = this.cleanups.pop()) {
      try {
        await fn();
      } catch {
        // keep cleaning
      }
    }
  }

  /** Throws once cleanup() has begun (Ctrl-C): the experiment stops at its next step. */
  check(): void {
    if (this.stopped) throw new Interrupted();
  }

  /** `PORT=N ` when not on the article's port, for the commands shown. */
  get portEnv(): string {
    return this.port === ARTICLE_PORT ? '' : `PORT=${this.port} `;
  }

  /** The URL as the article writes it. */
  get url(): string {
    return `http://localhost:${this.port}/hello`;
  }

  /** sleep that gives up early on Ctrl-C. */
  async pause(ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      this.check();
      await sleep(Math.min(100, end - Date.now()));
    }
    this.check();
  }

  /** eventually(), giving up early on Ctrl-C. */
  until<T>(what: string, check: () => T | undefined | false, timeout = 10_000): Promise<T> {
    return eventually(
      what,
      () => {
        this.check();
        return check();
      },
      timeout,
    );
  }

  /** settlesWithin(), giving up early on Ctrl-C: true if promise settles within ms. */
  within(promise: Promise<unknown>, ms: number): Promise<boolean> {
    return settlesWithin(promise, ms, (n) => this.pause(n));
  }
}

export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

/** Runs one experiment in a fresh context and stops everything it started, whatever happens. */
export async function runExperiment<O, P>(
  experiment: Experiment<O, P>,
  options: ContextOptions & { params?: Partial<P> } = {},
): Promise<O> {
  const ctx = await Context.create(options);
  try {
    return await experiment.run(ctx, optionsOf(experiment, options.params));
  } finally {
    await ctx.cleanup();
  }
}

function nullStream(): Writable {
  return { write: () => true } as unknown as Writable;
}

async function isFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** The part of a stage's output that came after mark (a length of stage.output taken earlier). */
export function outputSince(stage: Launched, mark: number): string {
  return stage.output.slice(mark);
}

/**
 * What the stage printed after mark, once that holds the request line of a `GET /hello`, or after 5 s
 * when it does not (the experiment then shows and judges what there is).
 */
export async function printedRequest(ctx: Context, stage: Launched, mark: number): Promise<string> {
  await ctx
    .until('the server to print the request', () => /GET \/hello/.test(outputSince(stage, mark)), 5_000)
    .catch(() => undefined);
  return outputSince(stage, mark);
}

/**
 * The error a server died with, from its output, or null: the stages' and Python's
 * `OSError: [Errno 24] Too many open files (accept)` (Python 3 names the subclass,
 * `InterruptedError: [Errno 4] ...`, and no call), or C's perror, `accept: Too many open files`.
 */
export function crashOf(output: string): { code: string; errno: number; message: string; line: string } | null {
  const m = /\b\w*Error: \[Errno (\d+)\] ([^\n]*)/.exec(output);
  if (m) {
    const errno = Number(m[1]);
    const code = /code: '(E[A-Z]+)'/.exec(output.slice(m.index))?.[1] ?? ERRNO_NAMES[errno]?.[0] ?? `E${errno}`;
    return { code, errno, message: m[2] ?? '', line: m[0] };
  }
  for (const [errno, [code, text]] of Object.entries(ERRNO_NAMES)) {
    const perror = new RegExp(`^[\\w ]*: ${text}$`, 'm').exec(output);
    if (perror) return { code, errno: Number(errno), message: text, line: perror[0] };
  }
  return null;
}

const ERRNO_NAMES: Record<number, [string, string]> = {
  4: ['EINTR', 'Interrupted system call'],
  11: ['EAGAIN', 'Resource temporarily unavailable'],
  12: ['ENOMEM', 'Cannot allocate memory'],
  23: ['ENFILE', 'Too many open files in system'],
  24: ['EMFILE', 'Too many open files'],
  98: ['EADDRINUSE', 'Address already in use'],
};

/** The stage's output with the long paths of a stack trace shortened, no line numbers, and at most max lines. */
export function tidy(output: string, max = 14): string {
  const lines = withoutLineNumbers(output)
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.replaceAll(`file://${process.cwd()}/`, '').replaceAll(`${process.cwd()}/`, ''));
  while (lines.at(-1)?.trim() === '') lines.pop();
  if (lines.length <= max) return lines.join('\n');
  return [...lines.slice(0, max - 1), `[... ${lines.length - max + 1} more lines]`].join('\n');
}

/** `ps -o pid,ppid,stat,cmd --ppid PID` (the server's children) as the learner would run it. */
export function psChildren(pid: number): string {
  try {
    return execFileSync('ps', ['-o', 'pid,ppid,stat,cmd', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch (e) {
    // ps exits 1 when no process matched; it still printed the header
    return (e as { stdout?: string }).stdout ?? '';
  }
}

/** `ps -o pid,ppid,stat,cmd -p PID...` */
export function ps(pids: number[]): string {
  try {
    return execFileSync('ps', ['-o', 'pid,ppid,stat,cmd', '-p', pids.join(',')], { encoding: 'utf8' });
  } catch (e) {
    return (e as { stdout?: string }).stdout ?? '';
  }
}

/** One `pnpm observe --once` view of the stage, without the clock (the article's pictures, live). */
export function observe(pid: number, maxChildren = 6): { snap: Snapshot; text: string } {
  const snap = snapshot(pid);
  return { snap, text: render(snap, { noClock: true, maxChildren }) };
}

/** The number of lines in text that match re. */
export function countLines(text: string, re: RegExp): number {
  return text.split('\n').filter((l) => re.test(l)).length;
}

/** "0.02 s" */
export function seconds(ms: number | null): string {
  return ms === null ? 'never' : `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)} s`;
}

/** The distinct `OSError: [Errno N] ... (call)` lines in output, with how often each occurs. */
export function errorsOf(output: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of output.matchAll(/^(?:OSError|IOError): \[Errno \d+\] [^\n]*$/gm))
    counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  return counts;
}

/** What client3 --max-clients=N did to a server meant to crash under it (out-of-descriptors, out-of-processes). */
export interface CrashRun {
  /** The server exited (within a minute). */
  ended: boolean;
  /** The last number the server printed (3d prints how many connections it keeps). */
  last: number;
  /** The numbers it printed, in order. */
  numbers: number[];
  crash: ReturnType<typeof crashOf>;
  /** client3's clients that connected and sent the request ("0"). */
  connected: number;
  /** Each distinct error line of the clients, with how many printed it, and their total. */
  errors: Map<string, number>;
  failed: number;
}

/**
 * Terminal 2 of the 3d crashes: client3 --max-clients=N against stage until the server dies
 * (at most a minute), then until every client has finished; sample runs every 20 ms meanwhile.
 */
export async function client3UntilCrash(
  ctx: Context,
  stage: Launched,
  clients: number,
  until: string,
  sample?: () => void,
): Promise<CrashRun> {
  const { say } = ctx;
  say.step(`Terminal 2: ${clients} clients at once`);
  say.cmd(`${ctx.portEnv}pnpm --filter client3 start -- --max-clients=${clients}`);
  const client = ctx.client3([`--max-clients=${clients}`]);
  const watch = sample ? setInterval(sample, 20) : undefined;
  ctx.defer(() => clearInterval(watch));
  const ended = await say.wait(until, ctx.within(stage.exited, 60_000));
  clearInterval(watch);
  const clientDone = await say.wait('until every client has finished', ctx.within(client.done, 60_000));
  if (!clientDone) client.stop();
  const numbers = stage.output
    .split('\n')
    .filter((l) => /^\d+$/.test(l.trim()))
    .map(Number);
  const errors = errorsOf(client.output);
  return {
    ended,
    numbers,
    last: numbers.at(-1) ?? 0,
    crash: crashOf(stage.output),
    connected: countLines(client.output, /^0$/),
    errors,
    failed: [...errors.values()].reduce((a, b) => a + b, 0),
  };
}

/** client3's output as the article shows it: its "0" lines, then each error line with its count. */
export function client3Lines(run: CrashRun): string {
  const errors = [...run.errors].map(([line, count]) => `${line}  (x${count})`).join('\n');
  return `0\n0\n...  (${run.connected} lines "0")\n${errors}`;
}

/**
 * What `pnpm experiment` and `pnpm check` do on Ctrl-C, SIGTERM or SIGHUP: say so, stop
 * everything the running context started, and exit 130. Returns whether that has begun.
 * Their package scripts run `node --import tsx`, not the `tsx` command: that one relays a
 * signal to its node child and SIGKILLs it when the child has not acknowledged within 30 ms
 * twice, which a busy machine's event loop (reading /proc) misses: nothing was then stopped.
 */
export function stopOnSignals(current: () => Context | null, what: string): () => boolean {
  let interrupted = false;
  const stop = async (signal: string): Promise<void> => {
    if (interrupted) return;
    interrupted = true;
    process.stdout.write(`\n${signal}: stopping everything the ${what} started...\n`);
    await current()?.cleanup();
    process.stdout.write('stopped.\n');
    process.exit(130);
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
  return () => interrupted;
}
