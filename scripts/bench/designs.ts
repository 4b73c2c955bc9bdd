/**
 * The design table, as UNIX Network Programming draws it at the end of its server chapter: every
 * server design side by side in one run. webserver3g (a fork per connection) and every stage beyond
 * the article (the registry's stages with no Python file), started as a learner starts them, and
 * the C equivalents of scripts/bench/programs/c. For each, in rounds that take turns: requests
 * per second under ab, the server's CPU per 1,000 requests (the server and every process under it),
 * and its memory while it holds many idle connections (PSS of the server and all its descendants).
 */
import { connect, type Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { descendants, fds, memoryOf, usage } from '../lib/procfs.js';
import { stages } from '../lib/stages.js';
import { loadsOf, runAb, type LoadOptions, type LoadResult } from './load.js';
import type { BenchOptions } from './options.js';
import { BUILD_DIR, launch, PROGRAMS, startLikeALearner, type RunningServer } from './servers.js';
import { median, sum } from './stats.js';

export interface DesignSpec {
  /** 'ts-3g', 'ts-prefork', 'c-poll'... */
  id: string;
  label: string;
  /** The stage whose design it is: '3g', 'prefork', 'poll', 'net'. */
  design: string;
  kind: 'ts' | 'c';
  /** Why it cannot run here, or null. */
  skip: string | null;
  start(port: number): Promise<RunningServer>;
}

/** The server while it held the idle connections. */
export interface IdleMemory {
  /** Connections opened, and how many of them the kernel completed. */
  opened: number;
  connected: number;
  /** The server and its descendants. */
  processes: number;
  /** Sums over those processes, MB. */
  pssMB: number;
  rssMB: number;
  /** Whether a request on a fresh connection was answered while they were held. */
  answered: boolean;
}

export interface DesignRun {
  round: number;
  load: LoadResult;
  /** CPU ms per 1,000 requests of the server and every process under it, reaped or alive. */
  cpuMsPer1000: number;
  idle: IdleMemory | null;
}

export interface DesignSummary {
  id: string;
  label: string;
  design: string;
  kind: DesignSpec['kind'];
  skip: string | null;
  error: string | null;
  runs: DesignRun[];
  medianRps: number;
  failed: number;
  cpuMsPer1000: number;
  idlePssMB: number;
  idleRssMB: number;
  idleProcesses: number;
  /** Rounds in which a request was answered while the idle connections were held, of those measured. */
  answeredWhileIdle: number;
}

export interface DesignTable {
  idle: number;
  designs: DesignSummary[];
}

/** The C program of a design: programs/c/<stage>.c, server.c for webserver3g's. */
const cProgram = (design: string): string => (design === '3g' ? 'server' : design);

/** webserver3g, then every stage beyond the article: each in TypeScript, then in C where there is a C one. */
export function designSpecs(cSkip: string | null): DesignSpec[] {
  return stages()
    .filter((s) => s.stage === '3g' || s.article === null)
    .flatMap((s): DesignSpec[] => {
      const ts: DesignSpec = {
        id: `ts-${s.stage}`,
        label: `${s.package}.ts`,
        design: s.stage,
        kind: 'ts',
        skip: null,
        start: (port) => startLikeALearner(s.package, port),
      };
      const program = cProgram(s.stage);
      if (!existsSync(join(PROGRAMS, 'c', `${program}.c`))) return [ts];
      const c: DesignSpec = {
        id: `c-${s.stage}`,
        label: `${program}.c`,
        design: s.stage,
        kind: 'c',
        skip: cSkip,
        start: (port) => launch(`${program}.c`, port, [join(BUILD_DIR, program)], PROGRAMS),
      };
      return [ts, c];
    });
}

/** The processes of a server: itself and everything under it. */
const tree = (pid: number): number[] => [pid, ...descendants(pid)];

/**
 * CPU seconds of a server's tree: each process's own time and that of the children it reaped.
 * A child alive at the first reading and reaped by the second moves from one term to the other.
 */
function treeCpuSeconds(pid: number): number {
  return sum(
    tree(pid)
      .map((p) => usage(p))
      .map((u) => (u === null ? 0 : u.utime + u.stime + u.cutime + u.cstime)),
  );
}

/** ab against a running server, and the CPU its tree spent. */
async function measureLoad(server: RunningServer, load: LoadOptions): Promise<Omit<DesignRun, 'round' | 'idle'>> {
  if (usage(server.pid) === null) throw new Error(`${server.launched.name} (pid ${server.pid}) is gone`);
  const before = treeCpuSeconds(server.pid);
  const result = await runAb(server.launched.port, load);
  await sleep(300); // the last children reaped, so that their time is in their parent's
  const after = treeCpuSeconds(server.pid);
  server.launched.output = '';
  return { load: result, cpuMsPer1000: ((after - before) * 1e6) / (result.complete || 1) };
}

/** Opens a connection to 127.0.0.1:port; resolves with it once connected, or with null. */
function open(port: number, timeout: number): Promise<Socket | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const fail = (): void => {
      socket.destroy();
      resolve(null);
    };
    socket.setTimeout(timeout, fail);
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.removeListener('error', fail);
      socket.on('error', () => undefined); // the server may close it: nothing to do
      resolve(socket);
    });
  });
}

/** Whether GET /hello on a fresh connection is answered with "Hello, World!" within the timeout. */
function answers(port: number, timeout: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeout, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('Hello, World!')) done(true);
    });
    socket.once('end', () => done(reply.includes('Hello, World!')));
  });
}

/** The server's processes and their open descriptors, until they stop changing (bounded). */
async function settle(pid: number, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = '';
  let same = 0;
  while (Date.now() < deadline && same < 4) {
    const pids = tree(pid);
    const now = `${pids.length} ${sum(pids.map((p) => fds(p).size))}`;
    same = now === last ? same + 1 : 0;
    last = now;
    await sleep(250);
  }
}

/** Holds `count` idle connections to the server, measures its tree's memory, then closes them. */
export async function measureIdle(server: RunningServer, count: number): Promise<IdleMemory> {
  const port = server.launched.port;
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < count; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => open(port, 10_000)));
      sockets.push(...batch.filter((s): s is Socket => s !== null));
    }
    await settle(server.pid, 60_000);
    const pids = tree(server.pid);
    const memory = pids.map((p) => memoryOf(p) ?? { rss: 0, pss: 0 });
    const answered = await answers(port, 3000);
    return {
      opened: count,
      connected: sockets.length,
      processes: pids.length,
      pssMB: sum(memory.map((m) => m.pss)) / 1e6,
      rssMB: sum(memory.map((m) => m.rss)) / 1e6,
      answered,
    };
  } finally {
    for (const s of sockets) s.destroy();
    server.launched.output = '';
  }
}

function summarize(spec: DesignSpec, runs: DesignRun[], error: string | null): DesignSummary {
  const idle = runs.flatMap((r) => (r.idle === null ? [] : [r.idle]));
  return {
    id: spec.id,
    label: spec.label,
    design: spec.design,
    kind: spec.kind,
    skip: spec.skip,
    error,
    runs,
    medianRps: median(runs.map((r) => r.load.requestsPerSecond)),
    failed: sum(runs.map((r) => r.load.failed)),
    cpuMsPer1000: median(runs.map((r) => r.cpuMsPer1000)),
    idlePssMB: median(idle.map((m) => m.pssMB)),
    idleRssMB: median(idle.map((m) => m.rssMB)),
    idleProcesses: median(idle.map((m) => m.processes)),
    answeredWhileIdle: idle.filter((m) => m.answered).length,
  };
}

/** Starting and stopping a server the way the run does (it stops what is left on Ctrl-C). */
export interface Starter {
  start(spec: { start(port: number): Promise<RunningServer> }): Promise<RunningServer>;
  stop(server: RunningServer): Promise<void>;
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Every design, `rounds` times in turn: a fresh server each time, warmed up, loaded, then held idle. */
export async function measureDesigns(o: BenchOptions, cSkip: string | null, servers: Starter): Promise<DesignTable> {
  const { load, warmUp } = loadsOf(o);
  const results = designSpecs(cSkip).map((spec) => ({ spec, runs: [] as DesignRun[], error: null as string | null }));
  for (const r of results.filter((x) => x.spec.skip !== null)) log(`design ${r.spec.label}: skipped: ${r.spec.skip}`);
  for (let round = 1; round <= o.rounds; round++) {
    for (const result of results.filter((r) => r.spec.skip === null && r.error === null)) {
      let server: RunningServer | null = null;
      try {
        server = await servers.start(result.spec);
        await runAb(server.launched.port, warmUp); // JIT, caches, the first fork's set-up: not measured
        const measured = await measureLoad(server, load);
        const idle = o.idle > 0 ? await measureIdle(server, o.idle) : null;
        result.runs.push({ round, ...measured, idle });
        const memory = idle === null ? '' : `, ${idle.pssMB.toFixed(0)} MB PSS with ${idle.connected} idle`;
        const { requestsPerSecond, failed } = measured.load;
        log(
          `design round ${round}/${o.rounds} ${result.spec.label}: ${requestsPerSecond.toFixed(0)} req/s,` +
            ` ${measured.cpuMsPer1000.toFixed(0)} CPU ms/1000${memory}, ${failed} failed`,
        );
      } catch (e) {
        result.error = (e as Error).message.split('\n')[0] ?? '';
        log(`design ${result.spec.label}: ${result.error}`);
      } finally {
        if (server !== null) await servers.stop(server);
      }
    }
  }
  return { idle: o.idle, designs: results.map((r) => summarize(r.spec, r.runs, r.error)) };
}
