/**
 * Output quoted in the docs, kept true to a run: stack traces without their line numbers
 * (which change with every edit of the code they point at, so `pnpm guide` and the READMEs
 * leave them out), and a check that a quoted block still matches what a run prints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './stage.js';

/** text with the line and column numbers of source locations left out: `socket.ts:118:5` → `socket.ts`. */
export function withoutLineNumbers(text: string): string {
  return text.replace(/(\.[cm]?[jt]sx?):\d+(?::\d+)?/g, '$1');
}

/** The fenced block that follows `<!-- quoted: NAME -->` in a Markdown file (a path from the repository's root). */
export function quotedBlock(file: string, name: string): string {
  const markdown = readFileSync(join(ROOT, file), 'utf8');
  const block = new RegExp(`<!-- quoted: ${name} -->\\n\`\`\`[^\\n]*\\n([\\s\\S]*?)\\n\`\`\``).exec(markdown)?.[1];
  if (block === undefined) throw new Error(`${file} has no fenced block after <!-- quoted: ${name} -->`);
  return block;
}

/**
 * The lines of a quoted block that a run's output does not have, in the block's order ([] when
 * it all matches). A quoted line matches a later output line that contains it, numbers (PIDs,
 * ports) and line numbers aside; `...` in a line stands for anything (a path's start, say), a
 * line of `...` alone for lines left out, and blank lines are not compared.
 */
export function missingFromOutput(quote: string, output: string): string[] {
  const normal = (line: string): string => withoutLineNumbers(line).replace(/\d+/g, 'N');
  const lines = output.split('\n').map(normal);
  const missing: string[] = [];
  let from = 0;
  for (const quoted of quote.split('\n')) {
    const parts = normal(quoted)
      .split('...')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    if (parts.length === 0) continue;
    const found = lines.findIndex((line, i) => i >= from && containsInOrder(line, parts));
    if (found === -1) missing.push(quoted);
    else from = found + 1;
  }
  return missing;
}

function containsInOrder(line: string, parts: string[]): boolean {
  let at = 0;
  for (const part of parts) {
    const i = line.indexOf(part, at);
    if (i === -1) return false;
    at = i + part.length;
  }
  return true;
}
