/**
 * The captured outputs of the docs: blocks between `<!-- capture: experiment NAME -->` and
 * `<!-- /capture -->` in docs/guide.md and in the packages' READMEs, which `pnpm guide` fills from
 * real runs of `pnpm experiment NAME` (a README's block can show one step of the run:
 * `<!-- capture: experiment NAME step "TITLE" -->`, the step whose `▶` line has TITLE). And their
 * shape: what a learner is told to look for in them (process names, thread counts, states, errors),
 * without the PIDs and times of one run.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ROOT } from './stage.js';

/** Groups: 1 the opening line, 2 name, 3 params (JSON), 4 step, 5 the block as it is, 6 the closing line. */
export const BLOCK =
  /(<!-- capture: experiment ([\w-]+)(?: ({[^}]*}))?(?: step "([^"]+)")? -->\n)([\s\S]*?)(<!-- \/capture -->)/g;

export interface CaptureBlock {
  file: string;
  name: string;
  params: Record<string, number> | undefined;
  step: string | undefined;
  /** The text between the markers now. */
  text: string;
}

/** The files with capture blocks: the guide, then each package's README that has one. */
export function captureFiles(): string[] {
  const readmes = readdirSync(join(ROOT, 'packages'))
    .map((p) => join(ROOT, 'packages', p, 'README.md'))
    .filter((f) => existsSync(f) && readFileSync(f, 'utf8').includes('<!-- capture: experiment '));
  return [join(ROOT, 'docs/guide.md'), ...readmes];
}

/** The capture blocks of a file. */
export function blocksOf(file: string): CaptureBlock[] {
  return [...readFileSync(file, 'utf8').matchAll(BLOCK)].map((m) => ({
    file,
    name: m[2] ?? '',
    params: m[3] ? (JSON.parse(m[3]) as Record<string, number>) : undefined,
    step: m[4],
    text: m[5] ?? '',
  }));
}

/** One run serves every block of the same experiment and options. */
export const runKey = (name: string, params: Record<string, number> | undefined): string =>
  `${name} ${JSON.stringify(params ?? {})}`;

/**
 * The lines of the step of an experiment's output whose `▶` line is (or else has) title, up to the
 * next step or the result.
 */
export function stepOf(output: string, title: string): string | undefined {
  const lines = output.split('\n');
  const exact = lines.findIndex((l) => l === `▶ ${title}`);
  const start = exact >= 0 ? exact : lines.findIndex((l) => l.startsWith('▶') && l.includes(title));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && (l.startsWith('▶') || l.startsWith('Result:')));
  return lines
    .slice(start, end < 0 ? undefined : end)
    .join('\n')
    .replace(/\s+$/, '');
}

/** What a block holds, in Markdown, for a run's output: the command, then the output or its step. */
export function blockText(
  name: string,
  params: Record<string, number> | undefined,
  step: string | undefined,
  output: string,
): string | undefined {
  const command = `$ pnpm experiment ${name}${
    params
      ? ' ' +
        Object.entries(params)
          .map(([k, v]) => `--${k} ${v}`)
          .join(' ')
      : ''
  }`;
  const body = step === undefined ? output.replace(/\s+$/, '') : stepOf(output, step);
  if (body === undefined) return undefined;
  return `\`\`\`text\n${command}\n${step === undefined ? '' : '…\n'}${body}\n\`\`\`\n`;
}

/** Where a step's title names a port: `localhost:8888`, `telnet localhost 8888`, `pnpm observe 8888`. */
const PORT_NAMED = /(localhost[: ]|pnpm observe )\d+/g;

/**
 * The shape of a captured output: each fact a learner is told to look for, as a string, without
 * PIDs, ports and times. A zombie's name (`[node-MainThread] <defunct>`), a thread count, a state
 * (`sleeping in poll()`), the error a program died of (`OSError: [Errno 24] Too many open files
 * (accept)`), a line of
 * ps (its STAT and command), and the steps.
 */
export function shapeOf(text: string): Set<string> {
  const facts = new Set<string>();
  for (const m of text.matchAll(/\[[^\]\n]+\] <defunct>/g)) facts.add(`zombie ${m[0]}`);
  for (const m of text.matchAll(/\((\d+) threads\)|runs (\d+) threads/g)) facts.add(`threads ${m[1] ?? m[2]}`);
  for (const m of text.matchAll(/\b(sleeping|running|stopped) in \w+\(\)/g)) facts.add(`state ${m[0]}`);
  // the error a program died of (its stack follows), not a client's, which vary from run to run
  for (const m of text.matchAll(/OSError: \[Errno \d+\] [^\n(]+\(\w+\)(?=\n\s+at )/g)) facts.add(`error ${m[0]}`);
  for (const m of text.matchAll(/^[ \t]*\d+[ \t]+\d+[ \t]+(\S+)[ \t]+(\S.*)$/gm)) facts.add(`ps ${m[1]} ${m[2]}`);
  // a step names the port it ran on: 8888 when it was free, another when a server before it
  // still held it
  for (const m of text.matchAll(/^▶ (.*)$/gm)) facts.add(`step ${(m[1] ?? '').replace(PORT_NAMED, '$1PORT')}`);
  return facts;
}

/** A stream that keeps what an experiment prints. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}
