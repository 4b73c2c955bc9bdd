/** Reading what a server printed: the request, its crash, its numbers, tidied for the narration. */
import type { Launched } from '../../lib/stage.js';
import { withoutLineNumbers } from '../../lib/quoted.js';

export { crashOf } from '../../lib/crashes.js';

/** What printedRequest needs of an experiment's Context: a wait with a deadline. */
export interface Waits {
  until(what: string, check: () => boolean, ms: number): Promise<unknown>;
}

/** The part of a stage's output that came after mark (a length of stage.output taken earlier). */
export function outputSince(stage: Launched, mark: number): string {
  return stage.output.slice(mark);
}

/**
 * What the stage printed after mark, once that holds the request line of a `GET /hello`, or after 5 s
 * when it does not (the experiment then shows and judges what there is).
 */
export async function printedRequest(ctx: Waits, stage: Launched, mark: number): Promise<string> {
  await ctx
    .until('the server to print the request', () => /GET \/hello/.test(outputSince(stage, mark)), 5_000)
    .catch(() => undefined);
  return outputSince(stage, mark);
}

/** The stage's output with the long paths of a stack trace shortened, no line numbers, and at most max lines. */
export function tidy(output: string, max = 14): string {
  const lines = withoutLineNumbers(output)
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.replaceAll(`file://${process.cwd()}/`, '').replaceAll(`${process.cwd()}/`, ''));
  while (lines.at(-1)?.trim() === '') lines.pop();
  if (lines.length <= max) return lines.join('\n');
  return [...lines.slice(0, max - 1), `[... ${lines.length - max + 1} more lines]`].join('\n');
}

/** The number of lines in text that match re. */
export function countLines(text: string, re: RegExp): number {
  return text.split('\n').filter((l) => re.test(l)).length;
}

/** "0.02 s" */
export function seconds(ms: number | null): string {
  return ms === null ? 'never' : `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)} s`;
}

/** The distinct `OSError: [Errno N] ... (call)` lines in output, with how often each occurs. */
export function errorsOf(output: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of output.matchAll(/^(?:OSError|IOError): \[Errno \d+\] [^\n]*$/gm))
    counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  return counts;
}

/** How the server's process ended, as the kernel told its parent: 'status 1', 'signal SIGKILL', or null (running). */
export function exitOf(stage: Launched): string | null {
  const { exitCode, signalCode } = stage.launcher;
  return exitCode !== null ? `status ${exitCode}` : signalCode !== null ? `signal ${signalCode}` : null;
}
