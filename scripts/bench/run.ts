/**
 * The benchmark run: builds what it needs, measures fork latency, then every server in turn
 * for a few rounds (each round measures each server once, so slow drifts of the machine hit
 * all of them alike), then a long run of webserver3g for its memory. Every process it starts
 * is stopped, also when something fails.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fds, usage, zombies, type Usage } from '../lib/procfs.js';
import { freePort } from '../lib/stage.js';
import { loadsOf, runAb, type LoadOptions, type LoadResult } from './load.js';
import { describeMachine, loadNow, type Machine } from './machine.js';
import { buildNodePrograms, measureCalls, measureForks, type CallResult, type ForkResult } from './forks.js';
import { measureDesigns, type DesignTable } from './designs.js';
import { designsOnly, type BenchOptions } from './options.js';
import { buildC, pythonSkip, serverSpecs, type RunningServer, type ServerSpec } from './servers.js';
import { measureStartups, type StartupResult } from './startup.js';
import { median, sum } from './stats.js';

/** What /proc says a load run cost the server, per request. */
export interface Cost {
  /** CPU ms of the server process itself (accept, fork, close, reaping). */
  parentCpuMs: number;
  /** CPU ms of the children it reaped (each handles one connection). */
  childCpuMs: number;
  parentFaults: number;
  childFaults: number;
  /** The server's resident set size after the run, MB. */
  parentRssMB: number;
}

export interface ServerRun extends Cost {
  round: number;
  load: LoadResult;
}

export interface ServerSummary {
  id: string;
  label: string;
  kind: ServerSpec['kind'];
  stage: ServerSpec['stage'];
  skip: string | null;
  /** Why it failed to run, if it did. */
  error: string | null;
  runs: ServerRun[];
  medianRps: number;
  failed: number;
  median: Cost & { abCpuMs: number };
}

export interface StabilityChunk extends Cost {
  /** Requests served so far, this chunk included. */
  served: number;
  requestsPerSecond: number;
  failed: number;
  openFds: number;
  zombies: number;
}

export interface Stability {
  id: string;
  label: string;
  chunks: StabilityChunk[];
  rssBeforeMB: number;
  error: string | null;
}

export interface BenchResult {
  machine: Machine;
  options: Omit<BenchOptions, 'out' | 'render'>;
  startedAt: string;
  durationSeconds: number;
  loadAtEnd: number;
  forks: ForkResult[];
  /** One C call from JavaScript through each FFI (absent in reports written before it was measured). */
  calls?: CallResult[];
  servers: ServerSummary[];
  /** Seconds from the command to the first answer, webserver3g and webserver3g.py. */
  startups: StartupResult[];
  /** The memory run: webserver3g as started. */
  stability: Stability[];
  /** The design table (scripts/bench/designs.ts), or null/absent when not measured. */
  designs?: DesignTable | null;
}

const running = new Set<RunningServer>();

/** Stops every server the benchmark still has running (for Ctrl-C). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => s.launched.stop()));
  running.clear();
}

async function start(spec: ServerSpec): Promise<RunningServer> {
  const server = await spec.start(await freePort());
  running.add(server);
  return server;
}

async function stop(server: RunningServer): Promise<void> {
  running.delete(server);
  await server.launched.stop();
}

function cost(before: Usage, after: Usage, requests: number): Cost {
  const per = (a: number, b: number): number => (b - a) / requests;
  return {
    parentCpuMs: per(before.utime + before.stime, after.utime + after.stime) * 1000,
    childCpuMs: per(before.cutime + before.cstime, after.cutime + after.cstime) * 1000,
    parentFaults: per(before.minflt, after.minflt),
    childFaults: per(before.cminflt, after.cminflt),
    parentRssMB: after.rss / 1e6,
  };
}

/** One ab run against a running server, with what it cost the server. */
async function measure(server: RunningServer, load: LoadOptions): Promise<{ load: LoadResult } & Cost> {
  const before = usage(server.pid);
  if (before === null)
    throw new Error(
      `server ${server.launched.name} (pid ${server.pid}) is gone: ${server.launched.output.slice(-2000)}`,
    );
  const result = await runAb(server.launched.port, load);
  await sleep(300); // let the last children be reaped, so that their cost is counted
  const after = usage(server.pid) ?? before;
  server.launched.output = ''; // what the server printed is not needed; do not keep megabytes of it
  return { load: result, ...cost(before, after, result.complete || 1) };
}

function summarize(spec: ServerSpec, runs: ServerRun[], error: string | null): ServerSummary {
  const m = (f: (r: ServerRun) => number): number => median(runs.map(f));
  return {
    id: spec.id,
    label: spec.label,
    kind: spec.kind,
    stage: spec.stage,
    skip: spec.skip,
    error,
    runs,
    medianRps: m((r) => r.load.requestsPerSecond),
    failed: sum(runs.map((r) => r.load.failed)),
    median: {
      parentCpuMs: m((r) => r.parentCpuMs),
      childCpuMs: m((r) => r.childCpuMs),
      parentFaults: m((r) => r.parentFaults),
      childFaults: m((r) => r.childFaults),
      parentRssMB: m((r) => r.parentRssMB),
      abCpuMs: m((r) => (r.load.abCpuSeconds * 1000) / (r.load.complete || 1)),
    },
  };
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** The first line of an Error's message: what the report says of a server that failed. */
function firstLine(e: unknown): string {
  const [line = ''] = (e as Error).message.split('\n'); // split() gives at least ['']
  return line;
}

/** Every server, `rounds` times, in turn. A server that fails to start is reported, not fatal. */
async function compareServers(specs: ServerSpec[], o: BenchOptions): Promise<ServerSummary[]> {
  const { load, warmUp } = loadsOf(o);
  const results = specs.map((spec) => ({ spec, runs: [] as ServerRun[], error: null as string | null }));
  for (let round = 1; round <= o.rounds; round++) {
    for (const result of results.filter((r) => r.spec.skip === null && r.error === null)) {
      const { spec } = result;
      let server: RunningServer | null = null;
      try {
        server = await start(spec);
        await runAb(server.launched.port, warmUp); // JIT, caches, first-fork set-up: not measured
        const run = { round, ...(await measure(server, load)) };
        result.runs.push(run);
        const { requestsPerSecond, failed, error } = run.load;
        log(
          `round ${round}/${o.rounds} ${spec.label}: ${requestsPerSecond.toFixed(0)} req/s, ${failed} failed` +
            (error ? ` (${error})` : ''),
        );
      } catch (e) {
        result.error = firstLine(e);
        log(`${spec.label}: ${result.error}`);
      } finally {
        if (server !== null) await stop(server);
      }
    }
  }
  return results.map((r) => summarize(r.spec, r.runs, r.error));
}

/** One webserver3g for `requests` requests in chunks: its memory, per-child cost, descriptors, zombies. */
async function stability(spec: ServerSpec, o: BenchOptions): Promise<Stability> {
  const chunks: StabilityChunk[] = [];
  const per = Math.floor(o.stabilityRequests / o.stabilityChunks);
  let server: RunningServer | null = null;
  try {
    server = await start(spec);
    const rssBeforeMB = (usage(server.pid)?.rss ?? 0) / 1e6;
    for (let i = 1; i <= o.stabilityChunks; i++) {
      const r = await measure(server, {
        requests: per,
        concurrency: o.concurrency,
        socketTimeout: o.socketTimeout,
        cpu: o.abCpu,
      });
      const chunk = {
        ...r,
        served: i * per,
        requestsPerSecond: r.load.requestsPerSecond,
        failed: r.load.failed,
        openFds: fds(server.pid).size,
        zombies: zombies(server.pid).length,
      };
      chunks.push(chunk);
      const cost = `rss ${chunk.parentRssMB.toFixed(1)} MB, child ${chunk.childCpuMs.toFixed(2)} ms`;
      log(`memory run, ${spec.label}: ${chunk.served}/${per * o.stabilityChunks}: ${cost}, ${chunk.failed} failed`);
    }
    return { id: spec.id, label: spec.label, chunks, rssBeforeMB, error: null };
  } catch (e) {
    return {
      id: spec.id,
      label: spec.label,
      chunks,
      rssBeforeMB: Number.NaN,
      error: firstLine(e),
    };
  } finally {
    if (server !== null) await stop(server);
  }
}

export async function runBenchmark(o: BenchOptions): Promise<BenchResult> {
  const startedAt = new Date();
  const machine = describeMachine();
  if (machine.ab === null) throw new Error('ab (ApacheBench) is not installed: apt-get install apache2-utils');
  const cSkip = buildC();
  buildNodePrograms();
  log('fork + _exit + waitpid latency...');
  const forks = designsOnly(o) ? [] : measureForks(o.forkIterations, cSkip);
  log('one C call...');
  const calls = designsOnly(o) ? [] : measureCalls(200_000);
  log('start-up...');
  const part3 = o.lsbawsPy !== null && pythonSkip(o, 'webserver3g.py') === null ? join(o.lsbawsPy, 'part3') : null;
  const startups = o.startups > 0 && !designsOnly(o) ? await measureStartups(o.startups, part3) : [];
  for (const s of startups)
    log(`start-up, ${s.label}: median ${s.medianSeconds.toFixed(3)} s${s.error ? ` (${s.error})` : ''}`);
  const specs = serverSpecs(o, cSkip);
  for (const s of specs.filter((x) => x.skip !== null)) log(`${s.label}: skipped: ${s.skip}`);
  const servers = await compareServers(specs, o);
  const memory: Stability[] = [];
  for (const spec of specs.filter((s) => o.stabilityRequests > 0 && s.id === 'ts-3g'))
    memory.push(await stability(spec, o));
  const designs = o.designs ? await measureDesigns(o, cSkip, { start, stop }) : null;
  const { out: _out, render: _render, ...options } = o;
  return {
    machine,
    options,
    startedAt: startedAt.toISOString(),
    forks,
    calls,
    startups,
    servers,
    stability: memory,
    designs,
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    loadAtEnd: loadNow(),
  };
}
