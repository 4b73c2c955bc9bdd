/**
 * pnpm check <stage> [--server '<command>'] [--port N] [--strict] [--json]
 *
 * Checks a server against what the article expects of a stage: runs the experiments that
 * define the stage (with the article's limits) and prints a checklist, one expectation per
 * line, ✓ or ✗, with what was measured and, when it fails, the fault the measurements show and
 * its fix (framework/diagnosis.ts), or no fix when none fits. The verdict is the article's
 * lines; the project's own expectations are shown apart and count with --strict. Without
 * --server it checks the project's own stage.
 *
 * Exit status: 0 when the lines that count hold; 1 when one fails; 3 when the only ones that do
 * not hold are hidden by the server's runtime (–: a 3e on Python 3, which retries accept()
 * after a signal handler itself), neither a pass nor a fail of the program; 2 for a usage
 * error, 130 on Ctrl-C.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { type ChecklistLine, findChecklist, formatLine, runChecklist } from './experiments/checklist.js';
import { type Context, Interrupted } from './experiments/framework/context.js';
import { stopOnSignals } from './experiments/framework/signals.js';
import { didYouMean, wholeNumber } from './lib/options.js';
import { LANGS, type Lang, langOption, translate } from './i18n/index.js';
import { findStage, stages as registry } from './lib/stages.js';

let current: Context | null = null;
const interrupted = stopOnSignals(() => current, 'check');

// `pnpm check -- 3g` passes the `--` on
const argv = hideBin(process.argv);
if (argv[0] === '--') argv.shift();

const stages = registry()
  .filter((s) => s.check !== null)
  .map((s) => s.stage)
  .join(', ');
let failure: string | null = null;
const args = yargs(argv)
  .scriptName('pnpm check')
  .usage(
    '$0 <stage> [--server <command>] [--port N] [--strict] [--json]\n\n' +
      "Checks a server against what the article expects of a stage: runs the stage's experiments and prints\n" +
      'one line per expectation, ✓ or ✗, with what was measured, and the fault it shows. The verdict is the\n' +
      "article's lines; the project's own are shown apart and count with --strict. Exits 0 when the lines\n" +
      "that count hold, 1 when one fails, 3 when the server's runtime hides what the stage shows (–).",
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
    type: 'string',
    coerce: wholeNumber('port', 65535),
    describe:
      'the port: given to the server as PORT, or the one a server ' +
      'that picks its own listens on (default 8888 when free)',
  })
  .option('sleep', {
    type: 'string',
    coerce: wholeNumber('sleep'),
    describe:
      'seconds the server sleeps after answering, in 3b and 3c (given as LSBAWS_SLEEP; ' +
      "default: the article's 60 with --server, less for the project's stages, which read it)",
  })
  .option('strict', {
    type: 'boolean',
    default: false,
    describe: "the project's own expectations (beyond the article, e.g. a 4xx for a malformed request) count too",
  })
  .option('json', { type: 'boolean', default: false, describe: 'print the outcomes as JSON after the checklist' })
  .option('verbose', { type: 'boolean', default: false, describe: "also print the experiments' narration" })
  .option('lang', {
    type: 'string',
    default: 'en',
    coerce: langOption,
    describe: `the checklist's language (${LANGS.join(', ')}); what was measured is quoted as it is`,
  })
  .check((a) => {
    const stage = findStage(String(a.stage));
    if (stage === undefined) {
      const names = registry().flatMap((s) => [s.stage, s.package]);
      throw new Error(`unknown stage: ${String(a.stage)}${didYouMean(String(a.stage), names)} (stages: ${stages})`);
    }
    if (stage.check === null) {
      throw new Error(
        `stage ${stage.stage} has no check yet: write ${stage.dir}/check.ts, what pnpm check holds it to ` +
          `(docs/adding-a-stage.md; stages with one: ${stages})`,
      );
    }
    if (a.server !== undefined && a.server.trim() === '') throw new Error('--server: the command is empty');
    return true;
  })
  .strict()
  .wrap(Math.min(120, yargs().terminalWidth()))
  .version(false)
  .help()
  .alias('help', 'h')
  .exitProcess(false)
  .fail((msg, err) => {
    failure ??= msg ?? err?.message ?? 'invalid arguments'; // the first: a bad option, not what follows from it
  })
  .parseSync();

/** The article's lines as they come, grouped by experiment; the project's own kept for the end. */
function printer(): { line(l: ChecklistLine): void; own: ChecklistLine[] } {
  let experiment = '';
  const own: ChecklistLine[] = [];
  const told = new Set<string>();
  return {
    own,
    line(l) {
      if (l.by === 'project') {
        own.push(l);
        return;
      }
      if (l.experiment !== experiment) {
        experiment = l.experiment;
        process.stdout.write(`\n  pnpm experiment ${experiment}\n`);
      }
      process.stdout.write(`  ${formatLine(l, told, lang)}\n`);
    },
  };
}

const lang = (args.lang ?? 'en') as Lang;
/** A line of the checklist's own, in the language asked for. */
const say = (message: string): string => translate(lang, message);

async function main(): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) return 0; // yargs has printed the help
  if (failure !== null) {
    process.stderr.write(`${failure as string}\n(pnpm check --help lists the stages and options)\n`);
    return 2;
  }
  const checklist = await findChecklist(String(args.stage));
  if (checklist === undefined) return 2;
  const who = args.server === undefined ? say(`${checklist.package}, the project's own`) : args.server;
  process.stdout.write(`pnpm check ${checklist.stage}: ${who}\n`);
  const print = printer();
  try {
    const result = await runChecklist(checklist, {
      server: args.server,
      port: args.port,
      sleep: args.sleep ?? (args.server === undefined ? undefined : 60),
      strict: args.strict,
      narrate: args.verbose ? process.stdout : undefined,
      lang,
      onContext: (ctx) => {
        current = ctx;
      },
      onLine: (line) => print.line(line),
    });
    const article = result.lines.filter((l) => l.by === 'article');
    // a stage beyond the article is a design of its own: its lines are the design's, not the article's
    const beyond = findStage(checklist.stage)?.article === null;
    const whose = beyond ? "this project's" : "the article's";
    const expectations = beyond ? "the design's" : "the article's";
    if (print.own.length > 0) {
      const counted = args.strict ? 'counted: --strict' : 'not counted without --strict';
      process.stdout.write(`\n  ${say(`Beyond the article: the project's own expectations (${counted})`)}\n`);
      for (const l of print.own) process.stdout.write(`  ${formatLine(l, undefined, lang)}\n`);
    }
    const held = article.filter((l) => l.ok).length;
    const own =
      print.own.length > 0
        ? say(`; ${print.own.filter((l) => l.ok).length} of ${print.own.length} of the project's own`)
        : '';
    const verdict = result.passed
      ? `it behaves as ${whose} ${checklist.stage}`
      : result.hidden
        ? `neither a pass nor a fail: its runtime hides what ${checklist.stage} shows (–), ` +
          'so the program cannot be judged on that line here'
        : `not yet ${whose} ${checklist.stage}`;
    process.stdout.write(
      `\n${say(`${held} of ${article.length} of ${expectations} expectations hold`)}${own}` +
        `${result.port !== null ? ` (${say(`port ${result.port}`)})` : ''}: ${say(verdict)}` +
        `${args.strict ? ' (--strict)' : ''}.\n`,
    );
    if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.passed ? 0 : result.hidden ? 3 : 1;
  } catch (e) {
    if (e instanceof Interrupted || interrupted()) return 130;
    throw e;
  }
}

process.exitCode = await main();
