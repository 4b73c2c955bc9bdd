/**
 * pnpm experiment [name] [--option value ...]
 *
 * Runs one of the article's experiments end to end: starts the right stage with the right
 * limits, runs the clients, shows what happens, and stops everything it started (also on
 * Ctrl-C). Without a name, lists them. `pnpm experiment <name> --help` shows its options.
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { type AnyExperiment, type Param } from './experiments/framework/experiment.js';
import { Context, Interrupted } from './experiments/framework/context.js';
import { stopOnSignals } from './experiments/framework/signals.js';
import { experimentNamed, experiments as loadExperiments } from './experiments/index.js';
import { findStage, stageOfPackage } from './lib/stages.js';
import { didYouMean, wholeNumber } from './lib/options.js';
import { LANGS, type Lang, langOption } from './i18n/index.js';

let current: Context | null = null;
const interrupted = stopOnSignals(() => current, 'experiment');
const experiments = await loadExperiments();

function list(): string {
  const width = Math.max(...experiments.map((e) => e.name.length));
  const line = (e: AnyExperiment): string =>
    `  ${e.name.padEnd(width)}  ${stageOfPackage(e.stage).stage}  ${e.summary}`;
  const beyond = (e: AnyExperiment): boolean => stageOfPackage(e.stage).article === null;
  return [
    "The article's experiments, in its order:",
    ...experiments.filter((e) => !beyond(e)).map(line),
    '',
    'Beyond the article (stages it does not contain):',
    ...experiments.filter(beyond).map(line),
    '',
    'Each one starts the stage, runs the clients, shows what happens, and stops everything it started.',
    'Watch one while it runs: pnpm observe 8888 (in another terminal). --json also prints the outcome as JSON.',
    "An experiment's options: pnpm experiment <name> --help.",
  ].join('\n');
}

/** The experiment's own options, as yargs options with their defaults, each a whole number. */
function withParams(y: Argv, e: AnyExperiment): Argv {
  const params = Object.entries<Param>(e.params ?? {});
  for (const [name, p] of params) {
    y.option(name, { type: 'string', default: p.default, describe: p.description, coerce: wholeNumber(name) });
  }
  return y;
}

/** The names an experiment answers to: its own, and its stage's ('3d') when no other experiment uses that stage. */
function namesOf(e: AnyExperiment): string[] {
  const { stage } = stageOfPackage(e.stage);
  return experimentNamed(experiments, stage) === e ? [e.name, stage, e.stage] : [e.name];
}

async function runOne(e: AnyExperiment, args: Record<string, unknown>): Promise<boolean> {
  const params = Object.fromEntries(Object.keys(e.params ?? {}).map((k) => [k, args[k]]));
  current = await Context.create({
    out: process.stdout,
    port: args.port as number | undefined,
    lang: args.lang as Lang,
  });
  try {
    const outcome: unknown = await e.run(current, params);
    current.throwIfStopped(); // interrupted: what it measured is not an outcome
    if (args.json) process.stdout.write(`\noutcome: ${JSON.stringify(outcome)}\n`);
    return true;
  } catch (err) {
    if (err instanceof Interrupted || interrupted()) return false;
    process.stderr.write(`\nThe experiment failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return false;
  } finally {
    await current.cleanup();
    current = null;
  }
}

// `pnpm experiment -- sleeping` passes the `--` on
const argv = hideBin(process.argv);
if (argv[0] === '--') argv.shift();

const cli = yargs(argv)
  .scriptName('pnpm experiment')
  .usage('$0 <name> [--port N] [--json] [options]     (pnpm experiment all runs them all)\n\n' + list())
  .option('port', {
    type: 'string',
    coerce: wholeNumber('port', 65535),
    describe: 'the port for the stage (default 8888 when it is free, another free port otherwise)',
  })
  .option('json', { type: 'boolean', default: false, describe: 'also print the outcome as JSON' })
  .option('lang', {
    type: 'string',
    default: 'en',
    coerce: langOption,
    describe: `the narration's language (${LANGS.join(', ')}); commands and what the stages print stay as they are`,
  });
for (const e of experiments) {
  cli.command(
    namesOf(e),
    `${e.summary} (${e.stage})`,
    (y) => withParams(y, e),
    async (a) => {
      process.exitCode = (await runOne(e, a)) ? 0 : 1;
    },
  );
}
cli
  .command('all', 'run every experiment, one after the other', {}, async (a) => {
    let failed = 0;
    for (const e of experiments) {
      if (!(await runOne(e, a))) failed++;
      if (interrupted()) return;
      process.stdout.write('\n');
    }
    process.exitCode = failed === 0 ? 0 : 1;
  })
  .command(
    ['$0 [name]', 'list'],
    'list the experiments',
    (y) => y.positional('name', { type: 'string' }),
    (a) => {
      if (a.name !== undefined) {
        const stage = findStage(String(a.name))?.package ?? String(a.name);
        const several = experiments.filter((e) => e.stage === stage).map((e) => e.name);
        const which = several.length > 0 ? ` ${stage} has ${several.length}: ${several.join(', ')}.` : '';
        const names = experiments.flatMap((e) => namesOf(e));
        const mean = which === '' ? didYouMean(String(a.name), names) : '';
        process.stderr.write(`No experiment called "${String(a.name)}"${mean}.${which}\n\n${list()}\n`);
        process.exitCode = 1;
      } else process.stdout.write(`Usage: pnpm experiment <name> [--port N] [--json] [options]\n\n${list()}\n`);
    },
  )
  .strictOptions()
  .wrap(Math.min(120, cli.terminalWidth()))
  .version(false)
  .help()
  .alias('help', 'h');
await cli.parseAsync();
