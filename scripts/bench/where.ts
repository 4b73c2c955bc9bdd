/**
 * benchmarks.md's "Where the time goes": the rows of one run that each do one thing more than the
 * row before (server.c, the same loop inside node, in JavaScript, through @lsbaws/posix, the stage),
 * what each adds, and what bounds webserver3g, said from those figures.
 */
import type { BenchResult, ServerSummary } from './run.js';
import { BAR_BY_CPU, cpuPerRequest, fmt, roundCpuRatio, roundCpuRatios, roundRatio } from './stats.js';

/**
 * The rows, cheapest first: [id, what it does, the row it adds to (the one before when not said)].
 * Each does what the row it adds to does and one thing more.
 */
const LADDER: Array<[id: string, what: string, base?: string]> = [
  ['c-3g', 'the loop in C, nothing else: what fork per connection costs on this machine'],
  [
    'loop-c',
    'the same C loop inside a node process started with the stages\u2019 flags, called once through ffi-rs: no' +
      ' JavaScript runs per request. V8 marks its heap to be left out of children, so this forks a Node process' +
      ' without its JavaScript heap',
  ],
  [
    'loop-c-forkable',
    'the same with V8\u2019s heap made the children\u2019s too, as os.fork() must for a child to run JavaScript:' +
      ' what forking a Node process whose child could run JavaScript costs, with none run',
  ],
  [
    'loop-js-ffi-rs',
    'the loop written in JavaScript: accept, fork and close are three calls through ffi-rs a request (the child' +
      ' still runs C only)',
  ],
  [
    'loop-js-koffi',
    'the same JavaScript loop through koffi, another FFI: how much of the row before is the FFI',
    'loop-c-forkable',
  ],
  [
    'loop-js-child-koffi-write',
    'the koffi loop with the stage\u2019s child in JavaScript: fork from JavaScript, the task queue made new (a byte' +
      ' copy), then close, recv, write(2) of the request to stdout, send, close and _exit through koffi',
  ],
  [
    'loop-js-child-koffi',
    'the same child printing the request with console.log, as the stage does. Strictly less than the stage does:' +
      ' no poll, no event loop, no Socket objects, no event loop of the child\u2019s own, the cheaper FFI',
  ],
  [
    'loop-js-child-ffi-rs',
    'the same program through ffi-rs (@lsbaws/posix\u2019s calls, each bound once)',
    'loop-js-child-koffi',
  ],
  [
    'loop-js-child-koffi-wsgi',
    'the same program as the koffi row with console.log, the server first loading wsgiapp:app as webserver3h loads' +
      ' it (@lsbaws/wsgi\u2019s importModule, its warm-up included). Strictly less than webserver3h does, keeping' +
      ' what it cannot drop: its library and application in the server\u2019s memory. "vs Python": against' +
      ' webserver3h.py',
    'loop-js-child-koffi',
  ],
  [
    'loop-js-child-koffi-wsgi-app',
    'the same, its child doing in JavaScript what webserver3h.py\u2019s child does: recv(1024), the request' +
      ' printed a la curl, its request line split, get_environ()\u2019s dictionary, the application called, the' +
      ' response built, printed and sent; and when SIGCHLD interrupts its blocking accept, the work of' +
      ' webserver3h\u2019s grim reaper (waitpid and its prints), without the event loop the stage\u2019s handler' +
      ' runs from. Strictly less than webserver3h does, keeping its child\u2019s work as the Python does it and' +
      ' its handler\u2019s',
  ],
  [
    'loop-js-child-ffi-rs-wsgi-app',
    'the same program through ffi-rs, the FFI webserver3h cannot drop (the child\u2019s calls and waitpid through' +
      ' @lsbaws/posix\u2019s, accept and close through descriptors built once): strictly less than webserver3h' +
      ' does, keeping its library and application, its child\u2019s work as the Python does it, its handler\u2019s' +
      ' work and its FFI',
  ],
  [
    'loop-posix-accept',
    "@lsbaws/posix's accept() (poll on the socket and on the event loop's descriptor, a Socket object) and" +
      ' a SIGCHLD handler in JavaScript that reaps with os.waitpid; the child still runs C only',
    'loop-js-ffi-rs',
  ],
  [
    'loop-posix-fork',
    "the same with @lsbaws/posix's os.fork(): the child gets its own event loop, then runs the C child through" +
      ' ffi-rs',
  ],
  [
    'ts-floor',
    "server.c written in TypeScript on @lsbaws/posix: the child's recv, write, send, close and _exit" +
      ' are calls through ffi-rs',
  ],
  ['ts-3g', 'the stage as a learner starts it: its child also decodes the request and prints it with console.log'],
  ['py-3g', "the article's webserver3g.py on Python 3"],
];

const row = (...cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;

/** CPU of the server and its children per request, ms. */
const cpu = (s: ServerSummary): number => cpuPerRequest(s.median);

/** The ladder's table: one line per row measured in this run. */
function ladderTable(r: BenchResult, rows: ServerSummary[]): string[] {
  /** The Python original of a row's stage (webserver3g.py for all but the webserver3h row). */
  const pythonOf = (s: ServerSummary): ServerSummary | undefined =>
    r.servers.find((p) => p.kind === 'python' && p.stage === s.stage && p.runs.length > 0);
  const lines = [
    row(
      'row',
      'what it does',
      'req/s',
      'vs Python',
      'parent CPU ms/req',
      'child CPU ms/req',
      'both, ms/req',
      'added to the row it builds on, ms/req',
      'child page faults/req',
    ),
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  let previous: ServerSummary | undefined;
  for (const s of rows) {
    const [, what, baseId] = LADDER.find(([id]) => id === s.id) ?? ['', ''];
    const base = baseId === undefined ? previous : rows.find((r) => r.id === baseId);
    const added =
      base === undefined || s.kind === 'python'
        ? ''
        : fmt(cpu(s) - cpu(base), 2) + (baseId === undefined ? '' : ` (to ${base.label})`);
    const python = pythonOf(s);
    lines.push(
      row(
        s.label,
        what,
        `**${fmt(s.medianRps)}**`,
        s.kind === 'python' || python === undefined ? '' : `${fmt(roundRatio(s, python), 2)}×`,
        fmt(s.median.parentCpuMs, 2),
        fmt(s.median.childCpuMs, 2),
        fmt(cpu(s), 2),
        added,
        fmt(s.median.childFaults),
      ),
    );
    previous = s;
  }
  return lines;
}

/** Sentences that read the ladder: each from the figures of this run, or nothing when a row is missing. */
function reading(get: (id: string) => ServerSummary | undefined, concurrency: number): string[] {
  const lines: string[] = [];
  const ms = (v: number): string => `${fmt(v, 2)} ms`;
  const [
    c,
    node,
    forkable,
    js,
    koffi,
    childWrite,
    childKoffi,
    childWsgi,
    childWsgiApp,
    childWsgiAppFfiRs,
    childFfiRs,
    accept,
    fork,
    floor,
    stage,
    python,
  ] = [
    'c-3g',
    'loop-c',
    'loop-c-forkable',
    'loop-js-ffi-rs',
    'loop-js-koffi',
    'loop-js-child-koffi-write',
    'loop-js-child-koffi',
    'loop-js-child-koffi-wsgi',
    'loop-js-child-koffi-wsgi-app',
    'loop-js-child-ffi-rs-wsgi-app',
    'loop-js-child-ffi-rs',
    'loop-posix-accept',
    'loop-posix-fork',
    'ts-floor',
    'ts-3g',
    'py-3g',
  ].map(get);
  const [stage3h, python3h] = ['ts-3h', 'py-3h'].map(get);
  /** A server's throughput against webserver3g.py's, as a clause. */
  const vsPython = (s: ServerSummary): string =>
    python === undefined ? '' : ` (it serves ${fmt(roundRatio(s, python), 2)}× what webserver3g.py serves)`;
  if (stage !== undefined && python !== undefined) {
    lines.push(
      `- **What bounds webserver3g is the CPU that the parent and its children spend per request**: ${ms(cpu(stage))}` +
        ` for webserver3g.ts against ${ms(cpu(python))} for webserver3g.py. ab keeps ${concurrency} connections` +
        ' open, so the parent and a child run on the cores at the same time and the throughput follows what they' +
        ' spend together, not the parent alone.',
    );
  }
  if (c !== undefined && node !== undefined) {
    lines.push(
      `- Forking a Node process and letting the child exit (the C loop inside node) costs ${ms(cpu(node))} a` +
        ` request${vsPython(node)} against ${ms(cpu(c))} for the same loop in a C process: the kernel copies the` +
        ' page tables of everything node has written to, and the child gives them back when it exits.' +
        (forkable !== undefined
          ? ` With V8\u2019s heap in the child too, as a child that runs JavaScript needs it, the same loop costs` +
            ` ${ms(cpu(forkable))}${vsPython(forkable)}: every fork copies the heap\u2019s page tables as well.`
          : ''),
    );
  }
  if (forkable !== undefined && js !== undefined) {
    lines.push(
      '- Writing the loop in JavaScript, with three calls through ffi-rs a request, adds' +
        ` ${ms(cpu(js) - cpu(forkable))}.` +
        (koffi !== undefined
          ? ` Through koffi the same loop adds ${ms(cpu(koffi) - cpu(forkable))}: the difference is ffi-rs itself,` +
            ' which converts every argument, prepares a call interface and allocates on every call, and whose' +
            ' allocations are pages that the next fork makes copy-on-write again.'
          : ''),
    );
  }
  if (koffi !== undefined && childWrite !== undefined) {
    lines.push(
      '- **Running the stage\u2019s child in JavaScript** (fork from JavaScript, the task queue made new, then close,' +
        ' recv, write(2), send, close and _exit through koffi) adds' +
        ` ${ms(childWrite.median.childCpuMs - koffi.median.childCpuMs)} to each child` +
        ` (${ms(koffi.median.childCpuMs)} to ${ms(childWrite.median.childCpuMs)}; page faults` +
        ` ${fmt(koffi.median.childFaults)} to ${fmt(childWrite.median.childFaults)}): every page of the heap that the` +
        ' child writes is copied first, and the code it runs is mapped into it page by page.' +
        (python === undefined
          ? ''
          : ` That program serves ${fmt(roundRatio(childWrite, python), 2)}× what webserver3g.py serves.`),
    );
  }
  if (childWrite !== undefined && childKoffi !== undefined) {
    const below = python !== undefined && roundRatio(childKoffi, python) < 1;
    lines.push(
      `- **Printing the request with console.log**, as the stage does, instead of write(2) adds` +
        ` ${ms(childKoffi.median.childCpuMs - childWrite.median.childCpuMs)} to each child: Node\u2019s console and` +
        ' stream code, run for the first time in every child. That program does strictly less than webserver3g and' +
        ` serves ${fmt(childKoffi.medianRps)} requests a second` +
        (python === undefined
          ? '.'
          : `, ${fmt(roundRatio(childKoffi, python), 2)}× what webserver3g.py serves` +
            (below
              ? ': with no call through @lsbaws/posix per request (of it, only the fork preparation: the heap made' +
                ' forkable, the task queue made new) and the cheaper FFI, a Node server that forks per connection' +
                ' and runs the stage\u2019s child in JavaScript is already below webserver3g.py. What is' +
                ' left in it is forking Node\u2019s heap' +
                (forkable === undefined ? '' : ` (${ms(cpu(forkable))} a request with no JavaScript at all)`) +
                ' and the JavaScript the child runs' +
                (forkable === undefined
                  ? ''
                  : ` (${ms(childKoffi.median.childCpuMs - forkable.median.childCpuMs)} more in each child,` +
                    ` console.log ${ms(childKoffi.median.childCpuMs - childWrite.median.childCpuMs)} of it)`) +
                '.'
              : ': at or above webserver3g.py, so the rows below it are where webserver3g loses to Python.')),
    );
  }
  if (childKoffi !== undefined && childFfiRs !== undefined) {
    lines.push(
      `- The same program through ffi-rs costs ${ms(cpu(childFfiRs))} a request against ${ms(cpu(childKoffi))}` +
        ` through koffi${vsPython(childFfiRs)}: what ffi-rs, @lsbaws/posix\u2019s FFI, costs beside koffi when the` +
        ' child\u2019s calls go through it too.',
    );
  }
  if (childKoffi !== undefined && childWsgi !== undefined) {
    lines.push(
      '- **The same program with webserver3h\u2019s library and application loaded in the server** (wsgiapp:app,' +
        ` as webserver3h loads it) costs ${ms(cpu(childWsgi))} a request against ${ms(cpu(childKoffi))}` +
        ` (its children ${ms(childWsgi.median.childCpuMs)} against ${ms(childKoffi.median.childCpuMs)}), its server` +
        ` ${fmt(childWsgi.median.parentRssMB, 1)} MB resident against ${fmt(childKoffi.median.parentRssMB, 1)} MB.` +
        ' That program does strictly less than webserver3h' +
        (stage3h === undefined || python3h === undefined
          ? '.'
          : ` and serves ${fmt(roundCpuRatio(childWsgi, python3h), 2)}× what webserver3h.py serves for the same` +
            ` CPU, where webserver3h serves ${fmt(roundCpuRatio(stage3h, python3h), 2)}×. Between the two is what` +
            ' webserver3h does beyond it: @lsbaws/posix\u2019s calls through ffi-rs rather than koffi, its accept()' +
            ' and SIGCHLD handler through the event loop, a libuv loop of each child\u2019s own (the rows above and' +
            ' below), and in every child the request read and parsed, the application called and the response' +
            ' framed, sent and printed.'),
    );
  }
  if (childWsgi !== undefined && childWsgiApp !== undefined) {
    lines.push(
      '- **The same program whose child does what webserver3h.py\u2019s child does**, in JavaScript (the request' +
        ' read once, printed and split, the environ built, the application called, the response built, printed and' +
        ' sent), and whose server does the stage\u2019s grim reaper\u2019s work when SIGCHLD interrupts its accept,' +
        ` costs ${ms(cpu(childWsgiApp))} a request (its children ${ms(childWsgiApp.median.childCpuMs)},` +
        ` ${fmt(childWsgiApp.median.childFaults)} page faults each against ${fmt(childWsgi.median.childFaults)})` +
        (stage3h === undefined || python3h === undefined
          ? '.'
          : ` and serves ${fmt(roundCpuRatio(childWsgiApp, python3h), 2)}× what webserver3h.py serves for the same` +
            ` CPU (webserver3h ${fmt(roundCpuRatio(stage3h, python3h), 2)}×, its children` +
            ` ${ms(stage3h.median.childCpuMs)}, ${fmt(stage3h.median.childFaults)} page faults each). It still does` +
            ' strictly less than webserver3h, whose parent waits in accept() with the event loop and runs its' +
            ' SIGCHLD handler from it, and whose child makes a libuv loop of its own, reads and checks the request' +
            ' as RFC 9112 says, keeps PEP 3333\u2019s rules, sends under a deadline and closes lingering, and' +
            ' makes its calls through ffi-rs.'),
    );
  }
  if (childWsgiApp !== undefined && childWsgiAppFfiRs !== undefined) {
    lines.push(
      '- **The same program through ffi-rs**, the FFI webserver3h cannot drop (@lsbaws/posix is libc through' +
        ` ffi-rs), costs ${ms(cpu(childWsgiAppFfiRs))} a request against ${ms(cpu(childWsgiApp))} (its children` +
        ` ${ms(childWsgiAppFfiRs.median.childCpuMs)} against ${ms(childWsgiApp.median.childCpuMs)})` +
        (python3h === undefined ? '.' : `. ${againstBar(childWsgiAppFfiRs, python3h, stage3h)}`),
    );
  }
  if (js !== undefined && accept !== undefined) {
    lines.push(
      `- @lsbaws/posix's accept() and a SIGCHLD handler in JavaScript add ${ms(cpu(accept) - cpu(js))} to the` +
        ' ffi-rs loop: more calls through ffi-rs (poll, waitpid for each signal), the Socket object, and a turn of' +
        ' the event loop whenever libuv has caught a signal.',
    );
  }
  if (accept !== undefined && fork !== undefined) {
    lines.push(
      `- os.fork() adds ${ms(cpu(fork) - cpu(accept))}, most of it in the child, which now returns into` +
        ' JavaScript (the rows with the child in JavaScript show what that costs), makes the task queue new and' +
        ' makes itself a libuv event loop of its own (uv_loop_fork: a new epoll instance, io_uring, signal pipe)' +
        ' before it calls the C child through ffi-rs: its page faults go from' +
        ` ${fmt(accept.median.childFaults)} to ${fmt(fork.median.childFaults)} a request and its CPU from` +
        ` ${ms(accept.median.childCpuMs)} to ${ms(fork.median.childCpuMs)}.`,
    );
  }
  if (floor !== undefined && stage !== undefined) {
    lines.push(
      `- The stage costs ${ms(cpu(stage))} against ${ms(cpu(floor))} for server.ts, which does what server.c` +
        ' does: the difference is what the stage\u2019s child does beyond it (decoding the request, console.log).',
    );
  }
  return lines;
}

/** The section, from the servers of this run. */
export function whereTheTimeGoes(r: BenchResult): string[] {
  const get = (id: string): ServerSummary | undefined => r.servers.find((s) => s.id === id && s.runs.length > 0);
  const rows = LADDER.map(([id]) => get(id)).filter((s): s is ServerSummary => s !== undefined);
  if (rows.length < 2) return [];
  return [
    '## Where the time goes',
    '',
    'The same fork-per-connection loop, one piece at a time, from the same run as the table above. Each row does' +
      ' what the row it builds on does (the row before, unless the column "added" names another) and one thing' +
      ' more, so the column "added to the row it builds on" is what that piece costs a request. The Node rows run' +
      " scripts/bench/programs/loop.ts (its comment says what each mode does) with the start's flags; its C child" +
      ' is scripts/bench/programs/c/serve.c.',
    '',
    ...ladderTable(r, rows),
    '',
    ...reading(get, r.options.concurrency),
    '',
  ];
}

/**
 * Where a strictly-less program for webserver3h stands against issue 27's bar for it, by CPU a request
 * against webserver3h.py: by the median of the rounds, as the bar is measured, and round by round.
 */
function againstBar(floor: ServerSummary, python: ServerSummary, stage: ServerSummary | undefined): string {
  const bar = BAR_BY_CPU['3h'];
  const rounds = roundCpuRatios(floor, python);
  const median = roundCpuRatio(floor, python);
  const below = rounds.filter((r) => r < bar).length;
  const serves =
    `It serves ${fmt(median, 3)}× what webserver3h.py serves for the same CPU (the median of the rounds` +
    ` ${rounds.map((r) => fmt(r, 3)).join(', ')}), against the bar of ${bar}×`;
  const stageRatio = stage === undefined ? Number.NaN : roundCpuRatio(stage, python);
  const stageClause = stage === undefined ? '' : ` (webserver3h: ${fmt(stageRatio, 3)}×)`;
  const verdict =
    median < bar
      ? `below it by the median, the bar\u2019s measure (${below} of ${rounds.length} rounds below it): a program` +
        ' doing strictly less than webserver3h, keeping what it cannot drop, does not reach the bar either.'
      : `at or above it by the median (${rounds.length - below} of ${rounds.length} rounds)` +
        (stageRatio >= bar ? ', as webserver3h is.' : ': what keeps webserver3h below it is its own work beyond it.');
  return `${serves}${stageClause}: ${verdict}`;
}
