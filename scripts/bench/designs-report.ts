/**
 * The design table in benchmarks.md and its chart (benchmarks-designs.svg): requests per second,
 * CPU per 1,000 requests and memory with idle connections of every design, as ratios to
 * webserver3g in the same run, and whether the stages beyond the article reach their bar.
 */
import { COLORS, page, panel, type Bar } from './chart.js';
import type { DesignSummary, DesignTable } from './designs.js';
import { minMax, partialRow, row, times } from './table.js';
import type { BenchResult } from './run.js';
import { fmt, ratio } from './stats.js';

/** Each stage beyond the article against webserver3g, requests per second in the same run: the bar. */
export const BAR_VS_3G = 3;

/** The chart's file, beside benchmarks.md. */
export const DESIGNS_CHART = 'benchmarks-designs.svg';

const measured = (t: DesignTable): DesignSummary[] => t.designs.filter((d) => d.runs.length > 0);
const webserver3g = (t: DesignTable): DesignSummary | undefined => measured(t).find((d) => d.id === 'ts-3g');

/** Answered in every round with the idle connections held: yes; in none: no; else in how many. */
const answered = (rounds: number, of: number): string =>
  of === 0 ? '–' : rounds === of ? 'yes' : rounds === 0 ? '**no**' : `${rounds} of ${of} rounds`;

function tableRows(t: DesignTable): string[] {
  const base = webserver3g(t);
  const idle = `${fmt(t.idle)} idle`;
  const head = [
    'server',
    'design',
    'req/s (median)',
    'rounds (min–max)',
    'vs 3g',
    'failed',
    'CPU ms / 1,000 req',
    'vs 3g',
    `processes, ${idle}`,
    `PSS MB, ${idle}`,
    'vs 3g',
    `RSS MB, ${idle}`,
    `answered with ${idle} held`,
  ];
  const rows = [row(...head), `| --- | --- |${' ---: |'.repeat(head.length - 2)}`];
  for (const d of t.designs) {
    if (d.runs.length === 0) {
      rows.push(partialRow(head.length, d.label, d.design, d.skip ? `skipped: ${d.skip}` : `failed: ${d.error}`));
      continue;
    }
    const idleRounds = d.runs.filter((r) => r.idle !== null).length;
    rows.push(
      row(
        d.label,
        d.design,
        `**${fmt(d.medianRps)}**`,
        minMax(d.runs.map((r) => r.load.requestsPerSecond)),
        times(d.medianRps, base?.medianRps, 2),
        d.failed,
        fmt(d.cpuMsPer1000),
        times(d.cpuMsPer1000, base?.cpuMsPer1000, 2),
        fmt(d.idleProcesses),
        fmt(d.idlePssMB, 1),
        times(d.idlePssMB, base?.idlePssMB, 2),
        fmt(d.idleRssMB, 1),
        answered(d.answeredWhileIdle, idleRounds),
      ),
    );
  }
  return rows;
}

/** The bar for each TypeScript stage beyond the article: met or not, in this run. */
function barLines(t: DesignTable): string[] {
  const base = webserver3g(t);
  return t.designs
    .filter((d) => d.kind === 'ts' && d.id !== 'ts-3g')
    .map((d) => {
      const name = `${d.label} / webserver3g.ts, requests per second`;
      const r = ratio(d.runs.length > 0 ? d.medianRps : undefined, base?.medianRps);
      if (!Number.isFinite(r)) return `- ${name}: not measured in this run.`;
      const met = r >= BAR_VS_3G ? 'met' : 'not met';
      // CPU per request depends less on what else the machine runs than requests per second do
      const cpu = ratio(base?.cpuMsPer1000, d.cpuMsPer1000);
      const less = Number.isFinite(cpu) ? `; its CPU per request ${fmt(cpu, 0)}× less than webserver3g's` : '';
      return `- ${name}: **${fmt(r, 2)}×** (bar: at least ${BAR_VS_3G}×): ${met}${less}.`;
    });
}

/** benchmarks.md's section on the designs; nothing when the run did not measure them. */
export function designsSection(r: BenchResult): string[] {
  const t = r.designs;
  if (t === undefined || t === null || t.designs.length === 0) return [];
  const o = r.options;
  const idle = fmt(t.idle);
  return [
    '## Server designs side by side',
    '',
    `![requests per second, CPU and memory of each design](${DESIGNS_CHART})`,
    '',
    'What UNIX Network Programming measures at the end of its server chapter,' +
      " for the article's last server and the stages beyond it:",
    'a fork per connection (webserver3g), pre-forked children (webserver-prefork), one process with poll()' +
      " (webserver-poll), Node's",
    'own event loop (webserver-net), each started as a learner starts it (`pnpm --filter <stage> start`),' +
      ' beside its C equivalent',
    '(scripts/bench/programs/c: server.c, prefork.c, poll.c; poll.c is the one-process design in C for both).' +
      ` Each round starts every server in turn:`,
    `200 requests not counted, then \`ab -n ${o.requests} -c ${o.concurrency}\`, then ${idle} connections` +
      ' opened and held idle; the table shows the median of',
    `${o.rounds} rounds. "vs 3g": the ratio to webserver3g.ts in this run.`,
    '',
    ...tableRows(t),
    '',
    ...barLines(t),
    '',
    '- CPU: `/proc/PID/stat` of the server and of every process under it, before and after the ab run:' +
      " each one's utime + stime plus",
    '  cutime + cstime (the children it reaped). A child forked and reaped during the run counts in its' +
      " parent's cutime/cstime, a pre-forked",
    '  child still alive in its own utime/stime. /proc counts in 10 ms ticks.',
    `- Memory: with ${idle} connections open and idle (nothing sent), once the server's processes and` +
      ' descriptors stopped changing:',
    '  the sum of PSS (`/proc/PID/smaps_rollup`: each shared page divided among the processes that map it)' +
      ' of the server and all its',
    '  descendants; RSS counts every shared page once per process. webserver3g forks one child per idle' +
      ' connection; a pre-forked',
    '  server keeps its few children, each stuck in recv() on one idle connection while the others wait' +
      ' in the listen queue.',
    `- "answered": a request on a fresh connection, sent while the ${idle} are held, answered within 3 s.` +
      ' A pre-forked server whose',
    '  children all wait on idle clients answers no one: the reason servers that pre-fork' +
      ' (Apache) time idle clients out.',
    '',
  ];
}

/** A bar per measured design with a finite value; its whisker from `range`, if given. */
function bars(
  t: DesignTable,
  value: (d: DesignSummary) => number,
  note: (d: DesignSummary) => string,
  range?: (d: DesignSummary) => number[],
): Bar[] {
  return measured(t)
    .filter((d) => Number.isFinite(value(d)))
    .map((d) => ({
      label: `${d.label} (${d.design})`,
      value: value(d),
      low: range === undefined ? undefined : Math.min(...range(d)),
      high: range === undefined ? undefined : Math.max(...range(d)),
      color: COLORS[d.kind],
      note: note(d),
    }));
}

const processes = (n: number): string => `${fmt(n)} process${n === 1 ? '' : 'es'}`;

/** benchmarks-designs.svg: the three columns of the table as bar charts; null when not measured. */
export function designsChart(r: BenchResult): string | null {
  const t = r.designs;
  if (t === undefined || t === null || measured(t).length === 0) return null;
  const base = webserver3g(t);
  const vs = (d: DesignSummary, a: number, b: number | undefined): string =>
    b === undefined || d === base ? '' : `  (${times(a, b, 2)} 3g)`;
  const o = r.options;
  const rps = panel(
    'Requests per second (higher is better)',
    `ab -n ${o.requests} -c ${o.concurrency}, median of ${o.rounds} rounds; whiskers: slowest and fastest round`,
    bars(
      t,
      (d) => d.medianRps,
      (d) => `${fmt(d.medianRps)}${vs(d, d.medianRps, base?.medianRps)}`,
      (d) => d.runs.map((x) => x.load.requestsPerSecond),
    ),
    0,
  );
  const cpu = panel(
    'Server CPU per 1,000 requests, ms (lower is better)',
    'the server and every process under it, from /proc/PID/stat',
    bars(
      t,
      (d) => d.cpuMsPer1000,
      (d) => `${fmt(d.cpuMsPer1000)}${vs(d, d.cpuMsPer1000, base?.cpuMsPer1000)}`,
    ),
    rps.height,
  );
  const memoryBars = bars(
    t,
    (d) => d.idlePssMB,
    (d) => `${fmt(d.idlePssMB, 1)}${vs(d, d.idlePssMB, base?.idlePssMB)}, ${processes(d.idleProcesses)}`,
  );
  if (memoryBars.length === 0) return page(r, [rps, cpu]);
  const memory = panel(
    `Memory with ${fmt(t.idle)} idle connections, PSS MB (lower is better)`,
    'the server and all its descendants, from /proc/PID/smaps_rollup',
    memoryBars,
    rps.height + cpu.height,
  );
  return page(r, [rps, cpu, memory]);
}
