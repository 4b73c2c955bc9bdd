/** 3e: a SIGCHLD handler reaps the child, and the accept() it interrupted fails with EINTR. */
import { children, exeOf, stat, zombies } from '../../../scripts/lib/procfs.js';
import { canTrace, trace, type TraceEvent } from '../../../scripts/lib/trace.js';
import { type Experiment } from '../../../scripts/experiments/framework/experiment.js';
import { crashOf, exitOf, outputSince, seconds, tidy } from '../../../scripts/experiments/framework/output.js';

export interface EintrOutcome {
  response: string;
  /** The handler's line, "Child N terminated with status 0", printed before the crash. */
  handlerLine: string | null;
  handlerRanFirst: boolean;
  /** 'EINTR' when accept failed as the article shows. */
  crashed: string | null;
  error: string | null;
  /** ms from the answer to the crash: the child's 3 s sleep. */
  crashAfterAnswer: number | null;
  serverExited: boolean;
  /** How it ended (its exit status), or null while it runs. */
  exitStatus: string | null;
  /** The language whose words named the crash (lib/crashes.ts). */
  crashLanguage: string | null;
  /** What the server printed after the request (the handler's line, the trace). */
  output: string;
  /**
   * Its parent waited for the child: a traced wait (strace) that returned it, or, without a
   * tracer, /proc showing the child running, then gone without ever being a zombie.
   */
  childReaped: boolean;
  /** When the server survived: its zombies once the child had exited (0: the handler reaped it). */
  zombiesLeft: number | null;
  /** The program the server ran (/proc/PID/exe): the runtime, for a server that restarts accept() itself. */
  serverExe: string | null;
}

export const eintr: Experiment<EintrOutcome> = {
  name: 'eintr',
  stage: 'webserver3e',
  summary: 'the SIGCHLD handler reaps the child, then accept() fails with EINTR',
  article: 'The call to accept failed with the error EINTR',
  async run(ctx) {
    const { say } = ctx;
    say.title('eintr: a signal handler interrupts accept(), webserver3e');
    say.step('Terminal 1: start the server');
    say.cmd(ctx.command('webserver3e'));
    const stage = await say.wait('starting', ctx.start('webserver3e'));
    say.show(tidy(stage.output));
    const server = stage.serverPid();
    const serverExe = server === null ? null : exeOf(server);
    const mark = stage.output.length;

    say.step('Terminal 2');
    say.cmd(`curl ${ctx.url}`);
    const t0 = Date.now();
    const c = ctx.curl(15);
    await ctx.until('the answer', () => c.firstByteAt !== null, 10_000).catch(() => undefined);
    say.show(c.stdout);
    say.note(
      `Answered at once; the child then sleeps 3 s (so that the ` +
        `parent is back in accept() when it exits), closes and exits.`,
    );
    const reaping = await watchReaping(server ?? 0);
    ctx.defer(() => void reaping.stop());
    const exited = await say.wait('watching the server', ctx.within(stage.exited, 15_000));
    const childReaped = await reaping.stop();
    const crashAt = Date.now() - t0;
    await c.done;
    const zombiesLeft = exited || server === null ? null : zombies(server).length;

    say.step('Terminal 1');
    const printed = outputSince(stage, mark);
    say.show(tidy(printed, 24));
    const handler = /Child \d+ terminated with status \d+/.exec(printed);
    const crash = crashOf(printed);
    const crashIndex = crash ? printed.indexOf(crash.line) : -1;
    say.note(
      crash && handler
        ? `The child exited ${seconds(crashAt - (c.firstByteAt ?? 0))} after answering; the kernel sent ` +
            `SIGCHLD. The handler ran and reaped it ("${handler[0]}"), then the accept() the parent was blocked ` +
            `in returned -1 with errno ${crash.errno}, ${crash.code}: nothing catches it, and the server stops.`
        : 'unexpected: ' +
            (exited
              ? 'the server exited'
              : `the server is still running (${zombiesLeft === 0 ? 'its child reaped' : `${zombiesLeft} zombies`})`) +
            (crash ? ` with ${crash.code}` : '') +
            (handler ? `; the handler printed "${handler[0]}"` : '; no handler printed "Child N terminated"'),
    );
    say.note(
      `Node runs JavaScript signal handlers from its event loop, and installs them with SA_RESTART, ` +
        `which would restart accept() quietly; @lsbaws/posix's signal.signal() clears that flag so that ` +
        `the call fails as it did in the article's Python 2. Python 3.5+ retries accept() itself ` +
        `(PEP 475): the original webserver3e.py no longer crashes there. See docs/node-differences.md.`,
    );
    say.result(
      'When a signal handler runs while the process is blocked in a system call, ' +
        'the call can be interrupted and fail with EINTR: be ready to restart it.',
    );
    return {
      response: c.stdout,
      handlerLine: handler?.[0] ?? null,
      handlerRanFirst: handler !== null && crashIndex > handler.index,
      crashed: crash?.code ?? null,
      error: crash?.line ?? null,
      crashAfterAnswer: exited && c.firstByteAt !== null ? crashAt - c.firstByteAt : null,
      childReaped,
      serverExited: exited,
      exitStatus: exitOf(stage),
      crashLanguage: crash?.language ?? null,
      output: printed,
      zombiesLeft,
      serverExe,
    };
  },
};

/**
 * Whether the server waits for its child: traced with strace when the machine can (a wait that
 * returns a child is a reap, even when the server dies the next microsecond), else /proc.
 */
async function watchReaping(server: number): Promise<{ stop(): Promise<boolean> }> {
  if (canTrace()) {
    const events: TraceEvent[] = [];
    const tracer = trace(server, (e) => events.push(e));
    try {
      await tracer.attached;
      return {
        stop: async () => {
          await tracer.stop();
          return events.some((e) => e.event === 'reap' && e.pid === server);
        },
      };
    } catch {
      // not traceable: read /proc instead
    }
  }
  const polled = pollReaping(server);
  return { stop: () => Promise.resolve(polled.stop()) };
}

/**
 * Reads the server's children every 10 ms; stop() says whether one was seen running and then
 * gone without ever being seen a zombie: its parent waited for it as it exited.
 */
function pollReaping(server: number): { stop(): boolean } {
  const running = new Set<number>();
  const zombie = new Set<number>();
  let reaped = false;
  const read = (): void => {
    const alive = stat(server) !== null && stat(server)?.state !== 'Z';
    if (!alive) return; // its children are not its own to wait for any more
    const now = new Set(children(server));
    for (const pid of now) (stat(pid)?.state === 'Z' ? zombie : running).add(pid);
    for (const pid of running) if (!now.has(pid) && !zombie.has(pid)) reaped = true;
  };
  const timer = setInterval(read, 10);
  return {
    stop: () => {
      clearInterval(timer);
      return reaped;
    },
  };
}

export default eintr;
