/**
 * benchmarks.svg: two horizontal bar charts, requests per second (median, with the range of
 * the rounds) and fork + _exit + waitpid latency, coloured by language.
 */
import type { ForkResult } from './forks.js';
import type { BenchResult, ServerSummary } from './run.js';
import { fmt, max, min, sum } from './stats.js';

export const COLORS = { ts: '#3178c6', python: '#e0b000', c: '#6b6b6b' } as const;
const GROUPS = {
  '3g': 'webserver3g: "Hello, World!" from a forked child',
  '3h': 'webserver3h: the WSGI example application',
} as const;
const WIDTH = 1040;
const LABEL = 470; // left column for the names
const BAR_AREA = WIDTH - LABEL - 190; // room on the right for the figures
const ROW = 30;
const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
/** The chart's CSS, a rule a line. */
const STYLE = [
  '.title{font-size:16px;font-weight:600;fill:#1f2328}',
  '.sub{font-size:12px;fill:#59636e}',
  '.label{font-size:12px;fill:#1f2328}',
  '.value{font-size:12px;fill:#1f2328}',
  '.range{stroke:#1f2328;stroke-width:1.2;fill:none;opacity:.7}',
  '.foot{font-size:11px;fill:#59636e}',
  '.group{font-size:12px;font-weight:600;fill:#59636e}',
].join('');

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface Bar {
  /** A heading row above this bar (a new group), if any. */
  group?: string;
  label: string;
  value: number;
  low?: number;
  high?: number;
  color: string;
  note: string;
}

export function panel(title: string, subtitle: string, bars: Bar[], y0: number): { svg: string; height: number } {
  const top = Math.max(...bars.map((b) => b.high ?? b.value), 1);
  const x = (v: number): number => LABEL + (v / top) * BAR_AREA;
  const parts = [
    `<text x="20" y="${y0 + 22}" class="title">${esc(title)}</text>`,
    `<text x="20" y="${y0 + 40}" class="sub">${esc(subtitle)}</text>`,
  ];
  let y = y0 + 56;
  for (const b of bars) {
    if (b.group !== undefined) {
      parts.push(`<text x="20" y="${y + 17}" class="group">${esc(b.group)}</text>`);
      y += ROW - 6;
    }
    parts.push(`<text x="${LABEL - 10}" y="${y + 15}" class="label" text-anchor="end">${esc(b.label)}</text>`);
    const width = Math.max(1, x(b.value) - LABEL).toFixed(1);
    parts.push(`<rect x="${LABEL}" y="${y + 3}" width="${width}" height="${ROW - 10}" rx="3" fill="${b.color}"/>`);
    if (b.low !== undefined && b.high !== undefined && b.high > b.low) {
      const mid = y + 3 + (ROW - 10) / 2;
      const [low, high] = [x(b.low).toFixed(1), x(b.high).toFixed(1)];
      // the whisker: from low to high, with an upright stroke at each end
      const ends = `M${low} ${mid - 5}V${mid + 5}M${high} ${mid - 5}V${mid + 5}`;
      parts.push(`<path d="M${low} ${mid}H${high}${ends}" class="range"/>`);
    }
    const right = (Math.max(x(b.value), x(b.high ?? 0)) + 8).toFixed(1);
    parts.push(`<text x="${right}" y="${y + 15}" class="value">${esc(b.note)}</text>`);
    y += ROW;
  }
  return { svg: parts.join('\n'), height: y - y0 + 20 };
}

function rpsBars(servers: ServerSummary[]): Bar[] {
  const python = new Map(
    servers.filter((s) => s.kind === 'python' && s.runs.length > 0).map((s) => [s.stage, s.medianRps]),
  );
  let stage = '';
  return servers
    .filter((s) => s.runs.length > 0)
    .map((s) => {
      const rps = s.runs.map((r) => r.load.requestsPerSecond);
      const vsPy = python.get(s.stage);
      const ratio = s.kind === 'ts' && vsPy ? `  (${fmt(s.medianRps / vsPy, 2)}× Python)` : '';
      const group = s.stage === stage ? undefined : GROUPS[s.stage];
      stage = s.stage;
      return {
        group,
        label: s.id.startsWith('ts-3g+')
          ? s.label.replace(/^webserver3g\.ts, /, '3g, ').replace("the start's flags", 'start')
          : s.label,
        value: s.medianRps,
        low: min(rps),
        high: max(rps),
        color: COLORS[s.kind],
        note: `${fmt(s.medianRps)}${ratio}`,
      };
    });
}

function forkBars(forks: ForkResult[]): Bar[] {
  const color = (f: ForkResult): string => (f.id === 'python' ? COLORS.python : f.id === 'c' ? COLORS.c : COLORS.ts);
  // a skipped runtime (no median) has no bar; a bar without percentiles, no whisker
  return forks.flatMap((f) =>
    f.medianUs === null
      ? []
      : [
          {
            label: f.label.replace(/ \(.*\)$/, ''),
            value: f.medianUs,
            low: f.p10Us ?? undefined,
            high: f.p90Us ?? undefined,
            color: color(f),
            note: `${fmt(f.medianUs)} µs`,
          },
        ],
  );
}

export function chart(result: BenchResult): string {
  const o = result.options;
  const a = panel(
    'Requests per second (higher is better)',
    `ab -n ${o.requests} -c ${o.concurrency}, median of ${o.rounds} rounds; whiskers: slowest and fastest round`,
    rpsBars(result.servers),
    0,
  );
  const b = panel(
    'fork + _exit + waitpid, µs (lower is better)',
    `median of ${o.forkIterations} iterations; whiskers: 10th to 90th percentile`,
    forkBars(result.forks),
    a.height,
  );
  return page(result, [a, b]);
}

/** An SVG of panels one under the other, with the machine and the date at the foot. */
export function page(result: BenchResult, panels: { svg: string; height: number }[]): string {
  const m = result.machine;
  const machine = [
    `${m.cpu}, ${m.cores} cores`,
    `${m.memoryGiB} GiB`,
    `Linux ${m.kernel}`,
    `Node ${m.node}`,
    m.python ?? 'no Python',
  ];
  const footer = `${machine.join(', ')} · ${result.startedAt.slice(0, 10)}`;
  const height = sum(panels.map((p) => p.height)) + 30;
  const size = `width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}"`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" ${size} font-family="${FONT}">`,
    `<style>${STYLE}</style>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...panels.map((p) => p.svg),
    `<text x="20" y="${height - 12}" class="foot">${esc(footer)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
