/** benchmarks.md: the tables, the chart, the machine, and how to read them. */
import type { BenchResult, ServerSummary, StabilityChunk } from './run.js';
import { DEFAULT_VARIANTS } from './options.js';
import { plainAnswer } from './answer.js';
import { BAR_BY_CPU, cpuPerRequest, fmt, roundCpuRatio, roundRatio } from './stats.js';
import { whereTheTimeGoes } from './where.js';
import { designsSection } from './designs-report.js';
import { minMax, partialRow, row, times } from './table.js';

/** The command line that reproduces the run (paths of the Python checkout left as given). */
export function commandLine(r: BenchResult): string {
  const o = r.options;
  const args = [
    'pnpm bench',
    `--requests ${o.requests}`,
    `--concurrency ${o.concurrency}`,
    `--rounds ${o.rounds}`,
    `--fork-iterations ${o.forkIterations}`,
    `--stability ${o.stabilityRequests}`,
  ];
  if (o.variants.join(',') !== DEFAULT_VARIANTS.join(',')) {
    args.push(`--variants '${o.variants.length === 0 ? 'none' : o.variants.join(',')}'`);
  }
  if ((o.posixRefs ?? []).length > 0) args.push(`--posix ${o.posixRefs.join(',')}`);
  if (o.startups !== 5) args.push(`--startups ${o.startups}`);
  if (o.only !== null) args.push(`--only ${o.only.join(',')}`);
  if (o.abCpu !== null) args.push(`--ab-cpu ${o.abCpu}`);
  if (o.designs === false)
    args.push('--designs no'); // absent from the JSON of a run before the design table
  else if (o.idle !== undefined && o.idle !== 500) args.push(`--idle ${o.idle}`);
  const env = [o.lsbawsPy ? 'LSBAWS_PY=/path/to/lsbaws' : '', o.python2 ? 'PYTHON2=/path/to/python2' : '']
    .filter(Boolean)
    .join(' ');
  return `${env ? env + ' ' : ''}${args.join(' ')}`;
}

function machineTable(r: BenchResult): string[] {
  const m = r.machine;
  return [
    '| | |',
    '| --- | --- |',
    row('CPU', `${m.cpu}, ${m.cores} cores`),
    row('memory', `${m.memoryGiB} GiB`),
    row('system', `${m.os}, Linux ${m.kernel}, transparent huge pages: ${m.transparentHugepages ?? 'n/a'}`),
    row('Node', m.node),
    row('pnpm', m.pnpm ?? 'not found'),
    row('Python', m.python ?? 'not found'),
    row('C compiler', m.cc ?? 'not found'),
    row('load generator', m.ab ?? 'not found'),
    row(
      'load average (1 min)',
      `${m.loadAtStart} at the start, ${r.loadAtEnd} at the end: other work on the machine skews every figure`,
    ),
    row('run', `${r.startedAt}, ${Math.round(r.durationSeconds / 60)} min`),
  ];
}

function serverRows(r: BenchResult): string[] {
  const pythonOf = (s: ServerSummary): ServerSummary | undefined =>
    r.servers.find((p) => p.kind === 'python' && p.stage === s.stage && p.runs.length > 0);
  const c = r.servers.find((s) => s.kind === 'c' && s.runs.length > 0);
  const head = [
    'server',
    'req/s (median)',
    'rounds (min–max)',
    'vs Python',
    'vs C',
    'failed requests',
    'CPU ms/req',
    'vs Python by CPU',
    'parent CPU ms/req',
    'child CPU ms/req',
    'parent page faults/req',
    'child page faults/req',
    'parent RSS MB',
    'ab CPU ms/req',
  ];
  const rows = [row(...head), `| --- |${' ---: |'.repeat(head.length - 1)}`];
  for (const s of r.servers) {
    if (s.runs.length === 0) {
      rows.push(partialRow(head.length, s.label, s.skip ? `skipped: ${s.skip}` : `failed: ${s.error}`));
      continue;
    }
    const rps = s.runs.map((x) => x.load.requestsPerSecond);
    const py = pythonOf(s);
    const vsPy = s.kind === 'python' || py === undefined ? '' : `${fmt(roundRatio(s, py), 2)}×`;
    const vsC = s.kind === 'c' || c === undefined || s.stage !== '3g' ? '' : `${fmt(roundRatio(s, c), 2)}×`;
    const vsPyCpu = s.kind === 'python' || py === undefined ? '' : `${fmt(roundCpuRatio(s, py), 2)}×`;
    const m = s.median;
    rows.push(
      row(
        s.label,
        `**${fmt(s.medianRps)}**`,
        minMax(rps),
        vsPy,
        vsC,
        s.failed,
        fmt(cpuPerRequest(m), 2),
        vsPyCpu,
        fmt(m.parentCpuMs, 2),
        fmt(m.childCpuMs, 2),
        fmt(m.parentFaults),
        fmt(m.childFaults),
        fmt(m.parentRssMB, 1),
        fmt(m.abCpuMs, 2),
      ),
    );
  }
  return rows;
}

function forkRows(r: BenchResult): string[] {
  const cUs = r.forks.find((f) => f.id === 'c')?.medianUs ?? null; // null: C skipped, no column
  const head = ['runtime', 'median µs', '10th percentile', '90th percentile', 'vs C'];
  return [
    row(...head),
    '| --- | ---: | ---: | ---: | ---: |',
    ...r.forks.map((f) =>
      f.medianUs === null
        ? partialRow(head.length, f.label, `skipped: ${f.skip}`)
        : row(
            f.label,
            `**${fmt(f.medianUs)}**`,
            fmt(f.p10Us ?? undefined),
            fmt(f.p90Us ?? undefined),
            f.id === 'c' || cUs === null ? '' : `${times(f.medianUs, cUs, 1)} slower`,
          ),
    ),
  ];
}

function readingLines(r: BenchResult): string[] {
  const get = (id: string): ServerSummary | undefined => r.servers.find((s) => s.id === id && s.runs.length > 0);
  const ts = get('ts-3g');
  const lines: string[] = [];
  const say = (name: string, value: number, meaning: string): void => {
    if (Number.isFinite(value)) lines.push(`- ${name}: **${fmt(value, 2)}×**${meaning}.`);
  };
  const py = get('py-3g');
  const c = get('c-3g');
  const perRound = " (the median of the rounds' ratios: each round measures both under the same load)";
  if (ts && py) say('webserver3g.ts as started / webserver3g.py, requests per second', roundRatio(ts, py), perRound);
  const byCpu =
    " (Python's CPU per request, parent and reaped children from /proc, over ours: the median of the rounds' ratios;" +
    ' the bar is %s)';
  if (ts && py)
    say(
      'webserver3g.ts as started / webserver3g.py, by CPU per request',
      roundCpuRatio(ts, py),
      byCpu.replace('%s', `${BAR_BY_CPU['3g']}×`),
    );
  const ts3h = get('ts-3h');
  const py3h = get('py-3h');
  if (ts3h && py3h) {
    say(
      'webserver3h.ts / webserver3h.py (the same hello application), by CPU per request',
      roundCpuRatio(ts3h, py3h),
      byCpu.replace('%s', `${BAR_BY_CPU['3h']}×`),
    );
    say('webserver3h.ts / webserver3h.py, requests per second', roundRatio(ts3h, py3h), perRound);
  }
  if (ts && c) say('webserver3g.ts as started / server.c, requests per second', roundRatio(ts, c), perRound);
  const plain = r.servers.find(
    (s) => s.id.startsWith('ts-3g+') && s.label.endsWith('no speed flags') && s.runs.length > 0,
  );
  if (plain !== undefined && ts !== undefined) {
    const cpu = `${fmt(ts.median.childCpuMs, 2)} against ${fmt(plain.median.childCpuMs, 2)} ms of CPU`;
    const faults = `${fmt(ts.median.childFaults)} against ${fmt(plain.median.childFaults)} page faults per child`;
    say(
      'webserver3g.ts as started / with no speed flags',
      roundRatio(ts, plain),
      ` requests per second, ${cpu} and ${faults}: what the start's flags bring`,
    );
  }
  const failed = r.servers.reduce((n, s) => n + s.failed, 0);
  lines.push(`- failed requests, all servers and rounds: **${failed}**.`);
  return lines;
}

/** One C call from JavaScript through each FFI, nanoseconds. */
function callRows(r: BenchResult): string[] {
  const calls = r.calls ?? [];
  if (calls.length === 0) return [];
  return [
    '## One C call from JavaScript',
    '',
    "scripts/bench/programs/calls.ts, with the start's flags: the same call many times in a row, nanoseconds each." +
      " @lsbaws/posix builds each function's ffi-rs descriptor once and reads errno only after a call that" +
      ' failed; the ffi-rs rows call it the way a program does by default.',
    '',
    row('call', 'ns'),
    '| --- | ---: |',
    ...calls.map((c) => row(c.label, `**${fmt(c.ns)}**`)),
    '',
  ];
}

function variantNote(r: BenchResult): string[] {
  if (!r.servers.some((s) => s.id.startsWith('ts-3g+'))) return [];
  return [
    '"As started": `pnpm --filter webserver3g start`, which runs scripts/start.sh and its flags. The rows',
    '"webserver3g.ts, X" run `node --single-threaded --enable-source-maps X dist/webserver3g.js`' +
      ' (environment variables',
    'before the flags are set for node): each candidate alone, then combined.' +
      ' docs/node-differences.md says which the start keeps.',
    '',
  ];
}

function startupSection(r: BenchResult): string[] {
  const startups = r.startups ?? [];
  if (startups.length === 0) return [];
  const python = startups.find((s) => s.id === 'python' && s.seconds.length > 0);
  const head = ['command', 'median s', 'min–max s', 'vs Python'];
  const lines = [
    '## Start-up',
    '',
    `From the command to the first answer to \`GET /\`, ${r.options.startups} starts of each, taking turns.`,
    '',
    row(...head),
    '| --- | ---: | ---: | ---: |',
    ...startups.map((s) =>
      s.seconds.length === 0
        ? partialRow(head.length, s.label, `failed: ${s.error}`)
        : row(
            s.label,
            `**${fmt(s.medianSeconds, 3)}**`,
            minMax(s.seconds, 3),
            s.id === 'python' || python === undefined ? '' : times(s.medianSeconds, python.medianSeconds, 1),
          ),
    ),
    '',
  ];
  const pnpm = startups.find((s) => s.id === 'pnpm' && s.seconds.length > 0);
  if (pnpm !== undefined) {
    const median = `**${fmt(pnpm.medianSeconds, 3)} s**`;
    lines.push(`- \`pnpm --filter webserver3g start\`, nothing changed: ${median}.`);
    const node = startups.find((s) => s.id === 'node' && s.seconds.length > 0);
    if (node !== undefined) {
      const others = pnpm.medianSeconds - node.medianSeconds;
      lines.push(
        `- of which pnpm and scripts/start.sh's up-to-date check (the start less node alone): ${fmt(others, 3)} s.`,
      );
    }
    lines.push('');
  }
  return lines;
}

function stabilityRows(chunks: StabilityChunk[]): string[] {
  return [
    row(
      'requests served',
      'parent RSS MB',
      'parent CPU ms/req',
      'child CPU ms/req',
      'child page faults/req',
      'req/s',
      'failed',
      'open descriptors',
      'zombies',
    ),
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...chunks.map((c) =>
      row(
        fmt(c.served),
        fmt(c.parentRssMB, 1),
        fmt(c.parentCpuMs, 2),
        fmt(c.childCpuMs, 2),
        fmt(c.childFaults),
        fmt(c.requestsPerSecond),
        c.failed,
        c.openFds,
        c.zombies,
      ),
    ),
  ];
}

function stabilitySection(r: BenchResult): string[] {
  if (r.stability.length === 0) return [];
  const lines = [`## webserver3g over ${fmt(r.options.stabilityRequests)} requests`, ''];
  for (const s of r.stability) {
    lines.push(`### ${s.label}`, '');
    const [first] = s.chunks;
    const last = s.chunks.at(-1);
    if (first === undefined || last === undefined) {
      lines.push(`Not measured: ${s.error}`, '');
      continue;
    }
    const stopped = s.error ? ` The run stopped early: ${s.error}` : '';
    lines.push(
      `One server, ${s.chunks.length} consecutive ab runs of ${fmt(first.served)} requests.` +
        ` Its RSS was ${fmt(s.rssBeforeMB, 1)} MB before the first request,`,
      `${fmt(first.parentRssMB, 1)} MB after the first part and ${fmt(last.parentRssMB, 1)} MB at the end;` +
        ` each child cost ${fmt(first.childCpuMs, 2)} ms of CPU`,
      `and ${fmt(first.childFaults)} page faults in the first part,` +
        ` ${fmt(last.childCpuMs, 2)} ms and ${fmt(last.childFaults)} in the last.${stopped}`,
      '',
      ...stabilityRows(s.chunks),
      '',
    );
  }
  return lines;
}

function methodSection(r: BenchResult): string[] {
  const o = r.options;
  const ab = `ab -n ${o.requests} -c ${o.concurrency} -s ${o.socketTimeout} -r http://127.0.0.1:PORT/hello`;
  const pinned =
    o.abCpu === null
      ? ' (ab not pinned to a CPU: it shares the cores with the server, and its own CPU time is in the last column)'
      : `, ab pinned to CPU ${o.abCpu} with taskset`;
  return [
    '## How it is measured',
    '',
    `- Load: \`${ab}\`${pinned}.`,
    '  Each run starts a fresh server and sends it 200 requests first that are not counted' +
      " (JIT, caches, the first fork's set-up).",
    `  Rounds go through every server in turn, ${o.rounds} times; the table shows the median round;` +
      ' "vs Python" and "vs C" are the medians of the ratios within a round (one load for both).',
    '- Failed requests: ab\'s "Failed requests" (connect, receive, length, exceptions)' +
      ' plus non-2xx responses plus requests that never completed.',
    '- The TypeScript stages start as a learner starts them' +
      ' (`pnpm --filter webserver3g start`, `pnpm --filter webserver3h start -- wsgiapp:app`),',
    '  with the node flags of scripts/start.sh; the candidate rows run the compiled stage with node directly.' +
      ' The Python originals run from a checkout of rspivak/lsbaws, their code unchanged but for',
    '  the port (8888 replaced by a free one when the file is read); `PYTHONUNBUFFERED=1`,' +
      " so that the child's `print` is written before",
    '  `os._exit` as it is on a terminal' +
      ' (buffered, it would be thrown away and the Python child would do less work than the others).',
    '  webserver3h.py is Python 2 code and runs on Python 2. `server.c` (scripts/bench/programs/c/server.c) is ours:' +
      ' the same steps as webserver3g in C.',
    "  Every server's standard output is a pipe that the benchmark reads and discards.",
    '- CPU and page faults come from `/proc/PID/stat` of the server process:' +
      ' its own time (accept, fork, close, reaping) and the',
    '  time of the children it has reaped (cutime, cstime, cminflt), divided by the requests.',
    '- fork latency: `fork()` + `_exit(0)` in the child + `waitpid()`, in a loop:' +
      ' scripts/bench/programs/fork-latency.ts (Node, through @lsbaws/posix,',
    '  as started and with no speed flags), the same loop in Python, and programs/c/forkbench.c.',
    '- Start-up: the command is spawned, and a connection is tried every 5 ms until one is answered;' +
      ' the programs take turns.',
    '',
  ];
}

const MEMORY = [
  '**Memory.** Every Socket is registered with a FinalizationRegistry (it is closed when collected, as in Python).' +
    ' V8 puts',
  'each registration in its old generation, where it stays after `unregister()` until a full collection:' +
    ' 75 bytes a request,',
  'so the parent grew by about 1 MB per 15,000 requests,' +
    ' and fork() with it (the first full collection came after about',
  '110,000 sockets). @lsbaws/posix now registers a socket at the end of the tick that made it,' +
    ' and only if it is still open:',
  'the connections of a forking server, closed in that tick, never reach the registry,' +
    " and webserver3g's old generation and",
  'RSS stay flat (with `--max-semi-space-size=1`: 55.3 MB after 5,000 requests and after 20,000).',
  '',
];

export function report(r: BenchResult, chartFile: string): string {
  return [
    '# Benchmarks',
    '',
    'Generated by `pnpm bench` (scripts/bench.ts); rerun it rather than editing this file.' +
      ` This run: \`${commandLine(r)}\`.`,
    '',
    ...plainAnswer(r),
    ...designsSection(r),
    `![requests per second and fork latency](${chartFile})`,
    '',
    '## Requests per second, fork per connection',
    '',
    ...serverRows(r),
    '',
    ...variantNote(r),
    ...readingLines(r),
    '',
    ...whereTheTimeGoes(r),
    ...startupSection(r),
    '',
    '## fork + _exit + waitpid',
    '',
    ...forkRows(r),
    '',
    ...stabilitySection(r),
    ...callRows(r),
    ...MEMORY,
    ...methodSection(r),
    '## Machine',
    '',
    ...machineTable(r),
    '',
  ].join('\n');
}
