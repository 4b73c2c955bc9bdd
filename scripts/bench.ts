/**
 * pnpm bench [options]: webserver3g and 3h against the Python originals and a C server, side by
 * side, plus fork latency; writes benchmarks.md, benchmarks.svg and benchmarks.json (docs/ by
 * default). `pnpm bench --help` lists the options. Stops everything it started, also on Ctrl-C.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chart } from './bench/chart.js';
import { DESIGNS_CHART, designsChart } from './bench/designs-report.js';
import { parseOptions, USAGE } from './bench/options.js';
import { report } from './bench/report.js';
import { runBenchmark, stopAll, type BenchResult } from './bench/run.js';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  let options;
  try {
    options = parseOptions(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopAll().finally(() => process.exit(130)));
  }
  try {
    const result =
      options.render === null
        ? await runBenchmark(options)
        : (JSON.parse(readFileSync(options.render, 'utf8')) as BenchResult);
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, 'benchmarks.svg'), chart(result));
    writeFileSync(join(options.out, 'benchmarks.md'), report(result, 'benchmarks.svg'));
    const designs = designsChart(result);
    if (designs !== null) writeFileSync(join(options.out, DESIGNS_CHART), designs);
    if (options.render === null)
      writeFileSync(join(options.out, 'benchmarks.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`wrote ${join(options.out, 'benchmarks.md')}, benchmarks.svg and benchmarks.json\n`);
    return 0;
  } finally {
    await stopAll();
  }
}

process.exitCode = await main();
