/**
 * pnpm check <stage> [--server '<command>'] [--port N] [--json]
 *
 * Checks a server against what the article expects of a stage: runs the experiments that
 * define the stage (with the article's limits) and prints a checklist, one expectation per
 * line, ✓ or ✗, with what was measured. Without --server it checks the project's own stage.
 * Exits 0 only if every expectation holds.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CHECKS, findCheck, formatLine, runCheck } from './experiments/checks.js';
import { type Context, Interrupted, stopOnSignals } from './experiments/framework.js';
import { findStage } from './lib/stages.js';

let current: Context | null = null;
const interrupted = stopOnSignals(() => current, 'check');

// `pnpm check -- 3g` passes the `--` on
const argv = hideBin(process.argv);
if (argv[0] === '--') argv.shift();

const stages = CHECKS.map((c) => c.stage).join(', ');
const args = yargs(argv)
  .scriptName('pnpm check')
  .usage(
    '$0 <stage> [--server <command>] [--port N] [--json]\n\n' +
      "Checks a server against what the article expects of a stage: runs the stage's experiments and prints\n" +
      'one line per expectation, ✓ or ✗, with what was measured. Exits 0 only if every expectation holds.',
  )
  .command('$0 <stage>', 'check a stage', (y) =>
    y.positional('stage', { type: 'string', describe: `the stage, as pnpm diff names it: ${stages}` }),
  )
  .option('server', {
    type: 'string',
    describe:
      `your server, as a shell command run in the current directory, with PORT in its ` +
      `environment and {port} replaced by the port (default: the project's own stage)`,
  })
  .option('port', {
    type: 'number',
    describe:
      'the port: given to the server as PORT, or the one a server ' +
      'that picks its own listens on (default 8888 when free)',
  })
  .option('sleep', {
    type: 'number',
    describe:
      'seconds the server sleeps after answering, in 3b and 3c (given as LSBAWS_SLEEP; ' +
      "default: the article's 60 with --server, less for the project's stages, which read it)",
  })
  .option('json', { type: 'boolean', default: false, describe: 'print the outcomes as JSON after the checklist' })
  .option('verbose', { type: 'boolean', default: false, describe: "also print the experiments' narration" })
  .check((a) => {
    if (findCheck(String(a.stage)) === undefined)
      throw new Error(`unknown stage: ${String(a.stage)} (stages: ${stages})`);
    for (const name of ['port', 'sleep'] as const) {
      const value = a[name];
      if (value !== undefined && (!Number.isInteger(value) || value < 0))
        throw new Error(`--${name}: a whole number, please`);
    }
    if (a.server !== undefined && a.server.trim() === '') throw new Error('--server: the command is empty');
    return true;
  })
  .strict()
  .wrap(Math.min(120, yargs().terminalWidth()))
  .version(false)
  .help()
  .alias('help', 'h')
  .parseSync();

async function main(): Promise<number> {
  const check = findCheck(String(args.stage));
  if (check === undefined) return 2;
  const who = args.server === undefined ? `${check.package}, the project's own` : args.server;
  process.stdout.write(`pnpm check ${check.stage}: ${who}\n`);
  let experiment = '';
  try {
    const result = await runCheck(check, {
      server: args.server,
      port: args.port,
      sleep: args.sleep ?? (args.server === undefined ? undefined : 60),
      narrate: args.verbose ? process.stdout : undefined,
      onContext: (ctx) => {
        current = ctx;
      },
      onLine: (line) => {
        if (line.experiment !== experiment) {
          experiment = line.experiment;
          process.stdout.write(`\n  pnpm experiment ${experiment}\n`);
        }
        process.stdout.write(`  ${formatLine(line)}\n`);
      },
    });
    const held = result.lines.filter((l) => l.ok).length;
    // a stage beyond the article is the project's own design, not the article's
    const whose = findStage(check.stage)?.article === null ? "this project's" : "the article's";
    process.stdout.write(
      `\n${held} of ${result.lines.length} expectations hold${result.port !== null ? ` (port ${result.port})` : ''}: ` +
        `${result.passed ? `it behaves as ${whose} ${check.stage}` : `not yet ${whose} ${check.stage}`}.\n`,
    );
    if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.passed ? 0 : 1;
  } catch (e) {
    if (e instanceof Interrupted || interrupted()) return 130;
    throw e;
  }
}

process.exitCode = await main();
