/**
 * pnpm experiment [name] [--option value ...]
 *
 * Runs one of the article's experiments end to end: starts the right stage with the right
 * limits, runs the clients, shows what happens, and stops everything it started (also on
 * Ctrl-C). Without a name, lists them.
 */
import { Context, Interrupted } from './experiments/framework.js';
import { experiments, findExperiment } from './experiments/index.js';

const OPTIONS: Record<string, Record<string, string>> = {
  sleeping: { '--sleep': 'sleep: seconds the server sleeps after each answer (default 10; the article: 60)' },
  concurrent: { '--clients': 'clients: how many curls (default 2)' },
  zombies: { '--requests': 'requests: how many curls, hence zombies (default 1)' },
  'out-of-descriptors': {
    '--limit': 'limit: ulimit -n (default 256)',
    '--clients': 'clients: client3 --max-clients (default 300)',
  },
  'out-of-processes': {
    '--children': "children: room the process limit leaves beyond Node's threads (default 9)",
    '--clients': 'clients: client3 --max-clients (default 500)',
    '--uid': 'uid: the unprivileged user (default 65534)',
  },
  'zombies-again': {
    '--clients': 'clients: client3 --max-clients (default 128)',
    '--connections': 'connections: children exiting while the parent is stopped (default 10)',
  },
  'no-zombies': {
    '--clients': 'clients: client3 --max-clients (default 128)',
    '--connections': 'connections: children exiting while the parent is stopped (default 10)',
  },
  wsgi: { '--clients': 'clients: client3 --max-clients for the burst (default 64)' },
};

function list(): string {
  const width = Math.max(...experiments.map((e) => e.name.length));
  return [
    'Usage: pnpm experiment <name> [--port N] [--json] [options]     (pnpm experiment all runs them all)',
    '',
    "The article's experiments, in its order:",
    ...experiments.map((e) => `  ${e.name.padEnd(width)}  ${e.stage.replace('webserver', '')}  ${e.summary}`),
    '',
    'Each one starts the stage, runs the clients, shows what happens, and stops everything it started.',
    'Watch one while it runs: pnpm observe 8888 (in another terminal). --json also prints the outcome as JSON.',
    `Options: ${Object.entries(OPTIONS)
      .map(([n, o]) => `${n} ${Object.keys(o).join(' ')}`)
      .join('; ')}`,
  ].join('\n');
}

function parseOptions(
  name: string,
  argv: string[],
): { port?: number; json: boolean; params: Record<string, number> } | string {
  const known = OPTIONS[name] ?? {};
  const params: Record<string, number> = {};
  let port: number | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') {
      json = true;
      continue;
    }
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    const value = Number(inline ?? argv[++i]);
    if (!Number.isInteger(value) || value < 0) return `${flag} needs a whole number`;
    if (flag === '--port') port = value;
    else if (known[flag]) params[known[flag].split(':')[0]!] = value;
    else {
      const accepted = ['--port', '--json', ...Object.keys(known)].join(', ');
      return `unknown option ${flag} for ${name} (it takes: ${accepted})`;
    }
  }
  return { port, json, params };
}

let current: Context | null = null;
let interrupted = false;

async function stopAll(signal: string): Promise<void> {
  if (interrupted) return;
  interrupted = true;
  process.stdout.write(`\n${signal}: stopping everything the experiment started...\n`);
  await current?.cleanup();
  process.stdout.write('stopped.\n');
  process.exit(130);
}
process.on('SIGINT', () => void stopAll('Ctrl-C'));
process.on('SIGTERM', () => void stopAll('SIGTERM'));
process.on('SIGHUP', () => void stopAll('SIGHUP'));

async function runOne(name: string, argv: string[]): Promise<boolean> {
  const experiment = findExperiment(name);
  if (!experiment) {
    process.stderr.write(`No experiment called "${name}".\n\n${list()}\n`);
    return false;
  }
  const parsed = parseOptions(experiment.name, argv);
  if (typeof parsed === 'string') {
    process.stderr.write(`${parsed}\n`);
    return false;
  }
  current = await Context.create({ out: process.stdout, port: parsed.port });
  try {
    const outcome = await experiment.run(current, parsed.params);
    if (parsed.json) process.stdout.write(`\noutcome: ${JSON.stringify(outcome)}\n`);
    return true;
  } catch (e) {
    if (e instanceof Interrupted || interrupted) return false;
    process.stderr.write(`\nThe experiment failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return false;
  } finally {
    await current.cleanup();
    current = null;
  }
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
  if (name === undefined || name === '--help' || name === '-h' || name === 'list') {
    process.stdout.write(list() + '\n');
    return 0;
  }
  if (name === 'all') {
    let failed = 0;
    for (const e of experiments) {
      if (!(await runOne(e.name, rest))) failed++;
      if (interrupted) return 130;
      process.stdout.write('\n');
    }
    return failed === 0 ? 0 : 1;
  }
  return (await runOne(name, rest)) ? 0 : 1;
}

process.exitCode = await main();
