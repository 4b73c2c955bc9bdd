/** benchmarks.md: the tables, the chart, the machine, and how to read them. */
import type { BenchResult, ServerSummary, StabilityChunk } from './run.js';
import { DEFAULT_VARIANTS } from './options.js';
import { fmt, ratio } from './stats.js';
import { designsSection } from './designs-report.js';

/** webserver3g as started against webserver3g.py: the bar, and the moonshot. */
const BAR_VS_PYTHON = 0.6;
const MOONSHOT_VS_PYTHON = 1.0;
const TARGET_VS_C = 0.3;
/** `pnpm --filter webserver3g start` with nothing changed, to the first answer, seconds. */
const TARGET_STARTUP = 0.6;

/** A Markdown table row, `| a | b |`: an empty string is an empty cell (`|  |`). */
export const row = (...cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;

/** A row that fills only its first cells and leaves the other columns blank (`| |`): a measurement not made. */
export const partialRow = (columns: number, ...cells: string[]): string =>
  row(...cells) + ' |'.repeat(columns - cells.length);

/** a / b as a table shows it: `1.23×`. */
export const times = (a: number | undefined, b: number | undefined, decimals: number): string =>
  `${fmt(ratio(a, b), decimals)}×`;

/** The lowest and the highest value of the rounds: `1,234–1,456`. */
export const minMax = (values: number[], decimals = 0): string =>
  `${fmt(Math.min(...values), decimals)}–${fmt(Math.max(...values), decimals)}`;

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
    'parent CPU ms/req',
    'child CPU ms/req',
    'child page faults/req',
    'parent RSS MB',
    'ab CPU ms/req',
  ];
  const rows = [row(...head), '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const s of r.servers) {
    if (s.runs.length === 0) {
      rows.push(partialRow(head.length, s.label, s.skip ? `skipped: ${s.skip}` : `failed: ${s.error}`));
      continue;
    }
    const rps = s.runs.map((x) => x.load.requestsPerSecond);
    const py = pythonOf(s);
    const vsPy = s.kind === 'python' || py === undefined ? '' : times(s.medianRps, py.medianRps, 2);
    const vsC = s.kind === 'c' || c === undefined || s.stage !== '3g' ? '' : times(s.medianRps, c.medianRps, 2);
    const m = s.median;
    rows.push(
      row(
        s.label,
        `**${fmt(s.medianRps)}**`,
        minMax(rps),
        vsPy,
        vsC,
        s.failed,
        fmt(m.parentCpuMs, 2),
        fmt(m.childCpuMs, 2),
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

function targetLines(r: BenchResult): string[] {
  const get = (id: string): ServerSummary | undefined => r.servers.find((s) => s.id === id && s.runs.length > 0);
  const ts = get('ts-3g');
  const lines: string[] = [];
  const check = (name: string, value: number, target: number): void => {
    if (!Number.isFinite(value)) return void lines.push(`- ${name}: not measured in this run.`);
    lines.push(
      `- ${name}: **${fmt(value, 2)}×** (target at least ${target}×): ${value >= target ? 'met' : 'not met'}.`,
    );
  };
  const vsPython = ratio(ts?.medianRps, get('py-3g')?.medianRps);
  check('webserver3g.ts as started / webserver3g.py, requests per second (the bar)', vsPython, BAR_VS_PYTHON);
  check('webserver3g.ts as started / webserver3g.py, requests per second (the moonshot)', vsPython, MOONSHOT_VS_PYTHON);
  check(
    'webserver3g.ts as started / server.c, requests per second',
    ratio(ts?.medianRps, get('c-3g')?.medianRps),
    TARGET_VS_C,
  );
  const plain = r.servers.find(
    (s) => s.id.startsWith('ts-3g+') && s.label.endsWith('no speed flags') && s.runs.length > 0,
  );
  if (plain !== undefined && ts !== undefined) {
    const rps = times(ts.medianRps, plain.medianRps, 2);
    const cpu = `${fmt(ts.median.childCpuMs, 2)} against ${fmt(plain.median.childCpuMs, 2)} ms of CPU`;
    const faults = `${fmt(ts.median.childFaults)} against ${fmt(plain.median.childFaults)} page faults per child`;
    lines.push(
      `- webserver3g.ts as started / with no speed flags: **${rps}** requests per second, ${cpu} and ${faults}:` +
        " what the start's flags bring.",
    );
  }
  for (const floor of [get('ts-floor'), get('ts-floor+plain')]) {
    if (floor === undefined) continue;
    const vsPy = ratio(floor.medianRps, get('py-3g')?.medianRps);
    if (Number.isFinite(vsPy)) {
      lines.push(
        `- ${floor.label} / webserver3g.py: **${fmt(vsPy, 2)}×**: a Node child that does only what server.c's` +
          ' child does (no console.log, nothing decoded). No code in the stage can do better with these flags.',
      );
    }
  }
  const failed = r.servers.reduce((n, s) => n + s.failed, 0);
  lines.push(`- failed requests, all servers and rounds: **${failed}**.`);
  return lines;
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
    const met = pnpm.medianSeconds <= TARGET_STARTUP ? 'met' : 'not met';
    const median = `**${fmt(pnpm.medianSeconds, 3)} s**`;
    lines.push(
      `- \`pnpm --filter webserver3g start\`, nothing changed: ${median} (target at most ${TARGET_STARTUP} s): ${met}.`,
    );
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
    `  Rounds go through every server in turn, ${o.rounds} times; the table shows the median round.`,
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

const WHERE_THE_TIME_GOES = [
  '## Where the time goes',
  '',
  'Measured on this machine while building the benchmark,' +
    ' with `perf record -g` on webserver3g and every child it forked',
  '(1,500 requests; each sample sorted by what the kernel or node was doing), /proc and small loops.' +
    ' "Before" is node with',
  'only `--single-threaded --enable-source-maps`, "after" with the start\'s flags;' +
    ' the per-request figures of this run are in',
  'the tables above (rows "no speed flags" and "as started").' +
    " Shares are of the parent's or of the children's CPU time.",
  '',
  row('cost', 'before', 'after', 'what moved it'),
  '| --- | ---: | ---: | --- |',
  row(
    'parent: the fork() system call',
    '38%',
    '37%',
    'nothing measured here: it copies the page tables of every anonymous page',
  ),
  row(
    'parent: page faults after each fork (copy-on-write of the pages it writes)',
    '23%',
    '28%',
    "nothing: V8's heap and malloc's",
  ),
  row(
    'parent: JavaScript, V8 and node',
    '26%',
    '22%',
    "(after: node's code runs from huge pages, where perf cannot name it)",
  ),
  row(
    'parent: ffi-rs',
    '2.0%',
    '1.7%',
    'nothing: ffi-rs 1.3.7 has no call interface to keep, `define()` calls `load()` each time',
  ),
  row(
    'child: page faults',
    '33% (377 a request)',
    '31% (245)',
    '`--use-largepages=silent`: the code is shared, not faulted in',
  ),
  row(
    'child: parsing and compiling the functions only children run',
    '11.5%',
    'none seen',
    '`--no-lazy`: compiled once, in the parent',
  ),
  row('child: ffi-rs', '2.7%', '3.0%', 'nothing (as in the parent)'),
  row(
    "child: libuv's new loop (uv_loop_fork, io_uring)",
    'under 1%',
    'under 1%',
    '`UV_USE_IO_URING=0` changed neither faults nor CPU',
  ),
  row('child: exit (unmapping)', '1.3%', '2.3%', 'nothing'),
  row(
    'child CPU, all of it, per request (`pnpm bench --requests 1500 --rounds 3`)',
    '2.11 ms',
    '1.55 ms',
    'the three flags: −27%',
  ),
  row('parent CPU per request (same run)', '1.09 ms', '1.05 ms', 'hardly anything: this is what bounds the throughput'),
  '',
  '**The parent bounds the throughput.** It accepts, forks and closes one connection after the other,' +
    ' so requests per second',
  "are at most 1 / (the parent's CPU per request):" +
    ' about 1.05 ms for webserver3g.ts against 0.39 ms for webserver3g.py in the',
  "same run. Two thirds of it are the kernel's work for fork():" +
    ' copying the page-table entries of every anonymous page (a Node',
  'server maps about 60 MB, python3 15 MB, and V8 puts its 256 KB heap pages at random addresses,' +
    ' each needing page-table',
  'pages of its own: about 500 KB of page tables against 70 KB),' +
    ' then a copy-on-write fault for each page the parent writes',
  "again (about 95 a request: half in V8's heap, where functions update their feedback and budget counters," +
    " half in malloc's).",
  'The flags work on the child; none of the candidates measured moves the parent,' +
    ' so they raise the throughput less than',
  "they cut the child's CPU. The accept() pre-yield costs about 4 µs a request," +
    ' and SIGCHLD interrupts accept() (EINTR) for',
  'a few requests in a thousand: neither matters.',
  '',
  '**The parent, measured again on a quiet machine** (load below 1; `ab -n 3000 -c 20`, /proc/PID/stat and',
  "/proc/PID/status before and after): 0.87 ms and 124 page faults a request for webserver3g.ts with the start's",
  'flags, 0.36 ms and 67 for webserver3g.py; 568 KB of page tables against 68 KB. `perf record -e page-faults -d`',
  "on the parent puts 35% of its faults in malloc's main heap and about half in V8's 256 KB heap pages. A full",
  'garbage collection before the first request changed nothing (6.7 MB of heap before and after, the same faults).',
  '`UV_USE_IO_URING=0` cannot help on Node 20.20: its libuv (1.46) makes no io_uring_setup call in the stage,',
  'parent or child (`strace -f`), so that row differs from the one without flags by noise only. Python slows down',
  'more than Node on a busy machine, so the ratio to Python is higher there: 0.63× with a load of 7 to 11, 0.56× to',
  '0.57× on the quiet machine, in the same kind of run.',
  '',
  '**The ceiling.** scripts/bench/programs/server.ts is server.c in Node, statement for statement,' +
    ' on the same @lsbaws/posix:',
  'its child reads, writes the request with a raw write(2), sends, closes and exits, with no console.log and nothing',
  "decoded. Its rows, with the start's flags and without, are what any stage code could reach:" +
    " what webserver3g's child does",
  'beyond them costs little beside fork() of a Node parent.',
  '',
  '**The child.** A child that only returns from fork() and calls `_exit` through ffi-rs' +
    ' already takes about 130 page faults;',
  "webserver3g's child 377 without the flags." +
    " A third were reads of node's own machine code and 9% of its read-only data:",
  'fork() does not copy the page tables of file mappings, so each child faulted back in the code it ran, which',
  '`--use-largepages=silent` removes. The others copy pages that the child writes:' +
    ' V8 heap pages (the interpreter writes the',
  'age of every function it enters and its counters), malloc pages, libc and thread data, the stack.' +
    ' Functions that only',
  'children run (handleRequest, recv, sendall, `_exit`, Buffer.allocUnsafe) were compiled in every child, with a',
  '`malloc_consolidate` that wrote (so copied) many malloc pages: `--no-lazy` compiles them in the parent.' +
    ' `console.log` runs',
  "interpreted and without feedback in the child. Looking up libuv's loop once in the parent instead of in every child",
  '(@lsbaws/posix) saved about 12 faults.',
  '',
  '**ffi-rs.** A trivial call (getpid) costs about 2.4 µs against 0.18 µs for `process.getuid()`,' +
    ' 6.6 µs with a buffer',
  'argument: ffi-rs converts every argument, prepares a call interface and builds the errno object on each call, and',
  'its `define()` only wraps `load()`, so there is no prepared interface to keep.' +
    ' A dozen calls a request make 2 to 3% of',
  'either process: not the lever.',
  '',
  '**What does not help measurably** (page faults of the child):' +
    ' `Buffer.alloc` instead of `allocUnsafe` in recv (+10: alloc',
  'takes malloc memory, allocUnsafe a pool already mapped), calls without errno for `_exit` and `uv_loop_fork` (+6),',
  "resolving recv's and send's symbols in the parent (−2), `mallopt(M_MXFAST, 0)` (−3)," +
    ' `UV_THREADPOOL_SIZE=1` (−6),',
  '`--no-opt`, `--no-sparkplug` (slower), and the candidates of the table above that the start leaves out.',
  '',
  '**The moonshot** (webserver3g.ts as fast as webserver3g.py)' +
    " needs the parent's CPU per request at Python's 0.39 ms, so a",
  'fork() of the Node parent about three times cheaper.' +
    ' The flags moved the parent by about 4% and the ratio to Python by',
  'what the child gave back; what would be needed beyond is a smaller parent to copy: V8 with pointer compression (a',
  'custom node build: 4 GB of heap in one reservation, so half the heap and far fewer page-table pages),' +
    ' or V8 and malloc',
  "placing their pages together (a PROT_NONE reservation of the heap's hint range cut the page tables only from 632 to",
  '504 KB and did not raise throughput). Neither is a flag or a change to the stage.',
  '',
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
    `![requests per second and fork latency](${chartFile})`,
    '',
    '## Requests per second, fork per connection',
    '',
    ...serverRows(r),
    '',
    ...variantNote(r),
    ...targetLines(r),
    '',
    ...designsSection(r),
    ...startupSection(r),
    '',
    '## fork + _exit + waitpid',
    '',
    ...forkRows(r),
    '',
    ...stabilitySection(r),
    ...WHERE_THE_TIME_GOES,
    ...methodSection(r),
    '## Machine',
    '',
    ...machineTable(r),
    '',
  ].join('\n');
}
