/**
 * `pnpm diff 3e 3f`: what changed from one stage of the article to another.
 * Prints the unified diff between packages/webserver3e/src/webserver3e.ts and
 * packages/webserver3f/src/webserver3f.ts, in colour when stdout is a terminal.
 * A stage can be written 3e, webserver3e or e; Parts 1 and 2 are 1 and 2 (`pnpm diff 2 3h`: the
 * article's closing exercise, Part 2's server made concurrent). Exits 0 when the diff is printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every stage that has its source file, in the article's order: ['1', '2', '3a', '3b', ...]. */
function stages(): string[] {
  return readdirSync(join(ROOT, 'packages'))
    .map((name) => /^webserver(\d[a-z]?)$/.exec(name)?.[1])
    .filter((stage): stage is string => stage !== undefined && existsSync(join(ROOT, source(stage))))
    .sort();
}

/** The source file of a stage, relative to the repository root. */
function source(stage: string): string {
  return `packages/webserver${stage}/src/webserver${stage}.ts`;
}

/** '3e', 'webserver3e', 'e' (any case) → '3e'; '2', 'webserver2' → '2'; anything else → undefined. */
function stageOf(arg: string): string | undefined {
  const m = /^(?:webserver)?(?:([12])|3?([a-z]))$/i.exec(arg);
  return m?.[1] ?? (m?.[2] === undefined ? undefined : `3${m[2].toLowerCase()}`);
}

function usage(problem: string, status = 2): never {
  const known = stages();
  process.stderr.write(
    `${problem}\n\n` +
      'usage: pnpm diff <from> <to>\n' +
      '  prints what changed in the server from one stage of the article to another, e.g.\n' +
      '  pnpm diff 3e 3f\n\n' +
      `stages: ${known.join(' ')}\n` +
      '  (3e can also be written webserver3e or e; pnpm diff 2 3h is the closing exercise)\n',
  );
  process.exit(status);
}

const args = process.argv.slice(2).filter((arg) => arg !== '--'); // `pnpm diff -- 3e 3f` passes the `--` on
if (args.includes('-h') || args.includes('--help')) usage('Show the differences between two stages of the server.', 0);
if (args.length !== 2) usage(`expected two stages, got ${args.length}${args.length ? `: ${args.join(' ')}` : ''}`);

const known = stages();
const files = args.map((arg) => {
  const stage = stageOf(arg);
  if (stage === undefined || !known.includes(stage)) usage(`unknown stage: ${arg}`);
  return source(stage);
});

if (files[0] === files[1]) process.stderr.write(`${args[0]} and ${args[1]} are the same stage: no differences\n`);

const color = process.stdout.isTTY ? 'always' : 'never';
let result = spawnSync('git', ['--no-pager', 'diff', '--no-index', `--color=${color}`, '--', ...files], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
  // no git: the diff command prints the same hunks
  result = spawnSync('diff', ['-u', ...(color === 'always' ? ['--color=always'] : []), ...files], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}
if (result.error) {
  process.stderr.write(`pnpm diff: cannot run git or diff: ${result.error.message}\n`);
  process.exit(2);
}
// git diff and diff exit 1 when the files differ, which is what was asked for; 2 or more is trouble
process.exit(result.status === 0 || result.status === 1 ? 0 : (result.status ?? 2));
