/**
 * The event feed of `pnpm observe --events` and of the live page's timeline: traced events
 * (strace, lib/trace.ts) when this machine can trace, and otherwise, saying so, the events
 * seen between readings of /proc (observe-timeline.ts), which miss what happens between two.
 */
import { snapshot, type Snapshot } from './observe-model.js';
import { changes, toTrace } from './observe-timeline.js';
import { stat } from './procfs.js';
import { canTrace, trace, type TraceEvent } from './trace.js';

export interface EventFeed {
  /** 'strace': every event, as it happens; 'proc': what two readings of /proc differ by. */
  source: 'strace' | 'proc';
  /** Why the fallback, when it is one. */
  note: string | null;
  /** Resolves once events are being seen. */
  ready: Promise<void>;
  /** Resolves when the server has exited (or stop()). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Calls onEvent with each event of the server pid (and its children) from now on. */
export async function watchEvents(
  pid: number,
  onEvent: (e: TraceEvent) => void,
  options: { interval?: number; proc?: boolean } = {},
): Promise<EventFeed> {
  if (options.proc !== true && canTrace()) {
    const tracer = trace(pid, onEvent);
    try {
      await tracer.attached;
      return { source: 'strace', note: null, ready: tracer.attached, done: tracer.done, stop: () => tracer.stop() };
    } catch {
      return polling(pid, onEvent, options.interval ?? 250, `strace could not attach: ${tracer.error()}`);
    }
  }
  const why = options.proc === true ? 'asked for' : 'strace is not installed, or may not trace here';
  return polling(pid, onEvent, options.interval ?? 250, why);
}

function polling(pid: number, onEvent: (e: TraceEvent) => void, interval: number, why: string): EventFeed {
  let previous: Snapshot | null = null;
  let stopDone = (): void => {};
  const done = new Promise<void>((resolve) => (stopDone = resolve));
  const read = (): void => {
    if (stat(pid) === null || stat(pid)?.state === 'Z') {
      clearInterval(timer);
      stopDone();
      return;
    }
    let snap: Snapshot;
    try {
      snap = snapshot(pid);
    } catch {
      return;
    }
    const events = changes(previous, snap);
    previous = snap;
    for (const e of events) {
      const event = toTrace(e);
      if (event) onEvent(event);
    }
  };
  const timer = setInterval(read, interval);
  read();
  return {
    source: 'proc',
    note: `/proc polling every ${interval} ms (${why}): events between two readings are missed or merged`,
    ready: Promise.resolve(),
    done,
    stop: async () => {
      clearInterval(timer);
      stopDone();
      await done;
    },
  };
}
