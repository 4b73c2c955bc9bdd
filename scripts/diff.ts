/**
 * `pnpm diff 3e 3f`: what changed from one stage of the article to another.
 * Prints the unified diff between packages/webserver3e/src/webserver3e.ts and
 * packages/webserver3f/src/webserver3f.ts, in colour when stdout is a terminal.
 * A stage can be written 3e, webserver3e or e; Parts 1 and 2 are 1 and 2 (`pnpm diff 2 3h`: the
 * article's closing exercise, Part 2's server made concurrent); the stages are the workspace's
 * (scripts/lib/stages.ts). With one stage, it is compared with the stage it follows. Exits 0 when
 * the diff is printed.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findStage, stageNames, type Stage } from './lib/stages.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function usage(problem: string, status = 2): never {
  process.stderr.write(
    `${problem}\n\n` +
      'usage: pnpm diff <from> <to>   or   pnpm diff <stage>   (against the stage it follows)\n' +
      '  prints what changed in the server from one stage of the article to another, e.g.\n' +
      '  pnpm diff 3e 3f\n\n' +
      `stages: ${stageNames().join(' ')}\n` +
      '  (3e can also be written webserver3e or e; pnpm diff 2 3h is the closing exercise)\n',
  );
  process.exit(status);
}

const args = process.argv.slice(2).filter((arg) => arg !== '--'); // `pnpm diff -- 3e 3f` passes the `--` on
if (args.includes('-h') || args.includes('--help')) usage('Show the differences between two stages of the server.', 0);
if (args.length < 1 || args.length > 2)
  usage(`expected one or two stages, got ${args.length}${args.length ? `: ${args.join(' ')}` : ''}`);

const chosen = args.map((arg) => findStage(arg) ?? usage(`unknown stage: ${arg}`));
if (chosen.length === 1) {
  const [only] = chosen as [Stage];
  if (only.follows === null) usage(`${only.stage} is the first stage: it follows none`);
  chosen.unshift(findStage(only.follows) ?? usage(`${only.stage} follows ${only.follows}, which is no stage`));
}
const files = chosen.map((stage) => stage.source);

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
