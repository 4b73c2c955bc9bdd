/**
 * What an experiment runs with: its narration, a port, the server it starts (a stage, or a
 * learner's command for `pnpm check`) and the clients, all stopped at the end, also on Ctrl-C.
 */
import type { Writable } from 'node:stream';
import { startServerCommand, startStage, freePort, type Launched, type StartOptions } from '../../lib/stage.js';
import { stat } from '../../lib/procfs.js';
import {
  eventually,
  settlesWithin,
  sleep,
  startClient3,
  startCurl,
  type RunningClient3,
  type WatchedCurl,
} from '../../lib/clients.js';
import type { Snapshot } from '../../lib/observe-model.js';
import { Narrator } from './narrator.js';
import type { Lang } from '../../i18n/index.js';
import { tidy } from './output.js';

/** The article's port: the experiments use it when it is free, so that the commands read as in the article. */
export const ARTICLE_PORT = 8888;

export interface ContextOptions {
  /** Where the narration goes (default: nowhere). */
  out?: Writable & { isTTY?: boolean };
  /** The narration's language (default: English); commands and output are shown as they are. */
  lang?: Lang;
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
  /** Everything it printed, for what it died of (lib/crashes.ts). */
  readonly output: string;
  constructor(message: string, output = '') {
    super(message);
    this.name = 'ServerGone';
    this.output = output;
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
    lang?: Lang,
  ) {
    this.say = new Narrator(out, onView, lang);
    this.port = port;
    this.target = target;
  }

  static async create(options: ContextOptions = {}): Promise<Context> {
    const port = options.port ?? ((await isFree(ARTICLE_PORT)) ? ARTICLE_PORT : await freePort());
    return new Context(options.out ?? nullStream(), port, options.target, options.onView, options.lang);
  }

  /**
   * Starts a stage on this context's port (or the target in its place, with the same limits,
   * environment and user); it is stopped by cleanup().
   */
  async start(name: string, options: StartOptions = {}): Promise<Launched> {
    this.throwIfStopped();
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
    this.throwIfStopped();
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
    throw new ServerGone(`the server ${how} ${when}${last ? ` (its last output: ${last})` : ''}`, stage.output);
  }

  /**
   * curl http://127.0.0.1:PORT/hello (or path, with extra curl arguments such as --data-binary) in the background,
   * stopped by cleanup().
   */
  curl(maxTime = 10, path = '/hello', extra: string[] = []): WatchedCurl {
    this.throwIfStopped();
    // localhost as in the article (so the server prints Host: localhost:8888); --ipv4 skips the ::1 attempt
    const c = startCurl(['--ipv4', ...extra, `http://localhost:${this.port}${path}`], maxTime);
    this.defer(() => c.stop());
    return c;
  }

  /** client3 with the article's arguments, stopped (with every client it forked) by cleanup(). */
  client3(args: string[]): RunningClient3 {
    this.throwIfStopped();
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
  throwIfStopped(): void {
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
      this.throwIfStopped();
      await sleep(Math.min(100, end - Date.now()));
    }
    this.throwIfStopped();
  }

  /** eventually(), giving up early on Ctrl-C. */
  until<T>(what: string, probe: () => T | undefined | false, timeout = 10_000): Promise<T> {
    return eventually(
      what,
      () => {
        this.throwIfStopped();
        return probe();
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
