/**
 * benchmarks.md's "Where the time goes": the rows of one run that each do one thing more than the
 * row before (server.c, the same loop inside node, in JavaScript, through @lsbaws/posix, the stage),
 * what each adds, and what bounds webserver3g, said from those figures.
 */
import type { BenchResult, ServerSummary } from './run.js';
import { fmt, roundRatio } from './stats.js';

/** The rows, cheapest first; each does what the one before does and one thing more. */
const LADDER: Array<[id: string, what: string]> = [
  ['c-3g', 'the loop in C, nothing else: what fork per connection costs on this machine, the floor'],
  [
    'loop-c',
    'the same C loop inside a node process started with the stages\u2019 flags, called once through ffi-rs: no' +
      ' JavaScript runs per request, so this is what forking a Node process (about 60 MB mapped) costs',
  ],
  [
    'loop-js-ffi-rs',
    'the loop written in JavaScript: accept, fork and close are three calls through ffi-rs a request (the child' +
      ' still runs C only)',
  ],
  ['loop-js-koffi', 'the same JavaScript loop through koffi, another FFI: how much of the row before is the FFI'],
  [
    'loop-posix-accept',
    "@lsbaws/posix's accept() (poll on the socket and on the event loop's descriptor, a Socket object) and" +
      ' a SIGCHLD handler in JavaScript that reaps with os.waitpid',
  ],
  [
    'loop-posix-fork',
    "the same with @lsbaws/posix's os.fork(): the child gets its own event loop and exit path," +
      ' then runs the C child through ffi-rs',
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
const cpu = (s: ServerSummary): number => s.median.parentCpuMs + s.median.childCpuMs;

/** The ladder's table: one line per row measured in this run. */
function ladderTable(r: BenchResult, rows: ServerSummary[]): string[] {
  const python = r.servers.find((s) => s.id === 'py-3g' && s.runs.length > 0);
  const lines = [
    row(
      'row',
      'what it does',
      'req/s',
      'vs Python',
      'parent CPU ms/req',
      'child CPU ms/req',
      'both, ms/req',
      'added to the row before, ms/req',
      'child page faults/req',
    ),
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  let before: ServerSummary | undefined;
  for (const s of rows) {
    const what = LADDER.find(([id]) => id === s.id)?.[1] ?? '';
    const added = before === undefined || s.kind === 'python' ? '' : fmt(cpu(s) - cpu(before), 2);
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
    if (s.id !== 'loop-js-koffi') before = s; // koffi is a side step: the next row builds on ffi-rs
  }
  return lines;
}

/** Sentences that read the ladder: each from the figures of this run, or nothing when a row is missing. */
function reading(get: (id: string) => ServerSummary | undefined, concurrency: number): string[] {
  const lines: string[] = [];
  const ms = (v: number): string => `${fmt(v, 2)} ms`;
  const [c, node, js, koffi, accept, fork, floor, stage, python] = [
    'c-3g',
    'loop-c',
    'loop-js-ffi-rs',
    'loop-js-koffi',
    'loop-posix-accept',
    'loop-posix-fork',
    'ts-floor',
    'ts-3g',
    'py-3g',
  ].map(get);
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
        ` request against ${ms(cpu(c))} for the same loop in a C process: the kernel copies the page tables of` +
        ' everything node maps, and the child gives them back when it exits.' +
        (python !== undefined
          ? ` Still, that row serves ${fmt(roundRatio(node, python), 2)}× what webserver3g.py` +
            ' serves: the size of a Node process is not what keeps the stage below Python.'
          : ''),
    );
  }
  if (node !== undefined && js !== undefined) {
    lines.push(
      `- Writing the loop in JavaScript, with three calls through ffi-rs a request, adds ${ms(cpu(js) - cpu(node))}.` +
        (koffi !== undefined
          ? ` Through koffi the same loop adds ${ms(cpu(koffi) - cpu(node))}: the difference is ffi-rs itself,` +
            ' which converts every argument, prepares a call interface and allocates on every call, and whose' +
            ' allocations are pages that the next fork makes copy-on-write again.'
          : ''),
    );
  }
  if (js !== undefined && accept !== undefined) {
    lines.push(
      `- @lsbaws/posix's accept() and a SIGCHLD handler in JavaScript add ${ms(cpu(accept) - cpu(js))}: more calls` +
        ' through ffi-rs (poll, waitpid for each signal), the Socket object, and a turn of the event loop' +
        ' whenever libuv has caught a signal.',
    );
  }
  if (accept !== undefined && fork !== undefined) {
    lines.push(
      `- os.fork() adds ${ms(cpu(fork) - cpu(accept))}, in both processes. The rows before forked from C, which` +
        " leaves V8's heap out of the child (V8 marks it so); os.fork() makes it the child's too, so that the" +
        ' child can run JavaScript. From then on every page either process writes while they share it is' +
        ` copied first: the parent's page faults go from ${fmt(accept.median.parentFaults)} to` +
        ` ${fmt(fork.median.parentFaults)} a request and the child's from ${fmt(accept.median.childFaults)} to` +
        ` ${fmt(fork.median.childFaults)} (its stack, V8 heap pages, malloc pages), and the child's CPU from` +
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
      ' what the row before does and one thing more, so the column "added to the row before" is what that piece' +
      ' costs a request. The Node rows run scripts/bench/programs/loop.ts (its comment says what each mode does)' +
      " with the start's flags; its C child is scripts/bench/programs/c/serve.c.",
    '',
    ...ladderTable(r, rows),
    '',
    ...reading(get, r.options.concurrency),
    '',
  ];
}
