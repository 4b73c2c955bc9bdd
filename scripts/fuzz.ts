/**
 * pnpm fuzz: differential fuzzing of webserver3h against Node's own http server (llhttp).
 *
 *   pnpm fuzz --requests 200000 [--seed 1] [--concurrency 4]
 *   pnpm fuzz --replay test/conformance/fuzz-cases.json
 *
 * Prints the counts (cases by class, agreements, each rule that explained a difference,
 * unexplained disagreements with a minimal reproduction each) and exits 1 on an unexplained
 * disagreement, a dead parent, a zombie left or a descriptor leak. See scripts/fuzz/compare.ts for
 * what is compared, scripts/fuzz/rules.ts for the differences that are choices, not bugs.
 */
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { wholeNumber } from './lib/options.js';
import { cases, CLASSES, llhttpCorpus, type Case } from './fuzz/generate.js';
import { minimize } from './fuzz/minimize.js';
import { Random } from './fuzz/random.js';
import { RULES } from './fuzz/rules.js';
import { run, startServers } from './fuzz/run.js';

const argv = await yargs(hideBin(process.argv))
  .scriptName('pnpm fuzz')
  .usage(
    "$0 [--requests N] [--seed S] [--concurrency C]\n\nwebserver3h against Node's http (llhttp), request by request.",
  )
  .option('requests', { type: 'number', default: 1000, coerce: wholeNumber('requests'), describe: 'how many cases' })
  .option('seed', {
    type: 'number',
    default: 1,
    coerce: wholeNumber('seed', 2 ** 32 - 1),
    describe: 'the PRNG seed: the same seed, the same cases',
  })
  .option('concurrency', {
    type: 'number',
    default: 4,
    coerce: wholeNumber('concurrency', 64),
    describe: 'cases at a time',
  })
  .option('timeout', {
    type: 'number',
    default: 6000,
    coerce: wholeNumber('timeout'),
    describe: 'ms each exchange may take',
  })
  .option('skip', {
    type: 'number',
    default: 0,
    coerce: wholeNumber('skip'),
    describe: 'make but do not send the first N cases (to go back to case N of a long run)',
  })
  .option('replay', {
    type: 'string',
    describe: 'a JSON file of cases ({"cases":[{"name","request"}]}) instead of generated ones',
  })
  .option('rules', { type: 'boolean', default: false, describe: 'print the table of rules (what, why, RFC) and exit' })
  .option('json', { type: 'boolean', default: false, describe: 'one JSON line per case, then the report as JSON' })
  .strict()
  .parseAsync();

if (argv.rules) {
  for (const rule of RULES) console.log(`${rule.name} (${rule.rfc})\n  what: ${rule.what}\n  why: ${rule.why}`);
  process.exit(0);
}
const seed = argv.seed ?? 1;
const timeout = argv.timeout ?? 6000;
let list: Iterable<Case>;
if (argv.replay !== undefined) {
  const file = JSON.parse(readFileSync(argv.replay, 'utf8')) as { cases: Array<{ name: string; request: string }> };
  list = file.cases.map((c, id) => ({ id, kind: 'replayed' as const, name: c.name, request: c.request }));
} else {
  const all = cases(new Random(seed), argv.requests ?? 1000, llhttpCorpus());
  const skip = argv.skip ?? 0;
  list = (function* () {
    for (const c of all) if (c.id >= skip) yield c;
  })();
}

const concurrency = Math.max(1, argv.concurrency ?? 4);
const started = Date.now();
const servers = await startServers();
process.on('SIGINT', () => void servers.stop().then(() => process.exit(130)));
let failed = true;
try {
  const report = await run(servers, list, {
    concurrency,
    timeout,
    onOutcome: (o, tally) => {
      if (argv.json) {
        const { id, name } = o.case;
        console.log(JSON.stringify({ id, name, verdict: o.verdict, rules: o.rules, unexplained: o.unexplained }));
      }
      // an unexplained case at once, on stderr, so that a long run's log shows it before the end
      if (o.verdict === 'unexplained' && !argv.json)
        console.error(
          `unexplained: case ${o.case.id} (${o.case.kind}): ` +
            `${o.unexplained.map((f) => `${f.kind}: ${f.detail}`).join('; ')} ` +
            `${JSON.stringify(o.case.request.slice(0, 300))}`,
        );
      if (tally.cases % 1000 === 0) {
        console.error(
          `${new Date().toISOString()} ${tally.cases} cases: ${tally.agreements} agreements, ` +
            `${tally.explained} explained, ${tally.unexplained.length} unexplained ` +
            `(${(tally.cases / ((Date.now() - started) / 1000)).toFixed(1)} cases/s)`,
        );
      }
    },
  });

  const { tally } = report;
  const lines: string[] = [];
  lines.push(
    `seed ${seed}, ${tally.cases} cases in ${report.seconds.toFixed(0)} s ` +
      `(${(tally.cases / report.seconds).toFixed(1)} cases/s, ${concurrency} at a time)`,
  );
  if (argv.replay === undefined)
    lines.push(`  by class: ${CLASSES.map((k) => `${k} ${tally.byClass.get(k) ?? 0}`).join(', ')}`);
  lines.push(`agreements: ${tally.agreements}`);
  lines.push(`explained by a rule: ${tally.explained}`);
  for (const rule of RULES) {
    const n = tally.byRule.get(rule.name) ?? 0;
    if (n > 0) lines.push(`  ${rule.name}: ${n} (${rule.rfc})`);
  }
  const { unexplained } = tally;
  lines.push(`unexplained: ${unexplained.length}`);
  console.log(lines.join('\n'));

  // one minimal reproduction for each kind of finding (at most 10)
  const seen = new Set<string>();
  for (const o of unexplained) {
    const kind = o.unexplained.map((f) => f.kind).join('+');
    if (seen.has(kind) || seen.size >= 10) continue;
    seen.add(kind);
    const small = await minimize(o.case.request, kind, servers.ports, timeout);
    console.log(
      `  case ${o.case.id} (${o.case.kind}): ${o.unexplained.map((f) => `${f.kind}: ${f.detail}`).join('; ')}`,
    );
    const shown = JSON.stringify(small.request.slice(0, 600));
    const more = small.request.length > 600 ? ` ... (the first 600 of ${small.request.length} bytes)` : '';
    console.log(`    reproduction: ${shown}${more}`);
    if (small.findings.length > 0)
      console.log(`    it gives: ${small.findings.map((f) => `${f.kind}: ${f.detail}`).join('; ')}`);
  }
  console.log(
    `parent: ${report.parent.length === 0 ? 'alive' : report.parent.join('; ')}; ` +
      `descriptors ${report.fdsBefore} -> ${report.fdsAfter}`,
  );
  failed = unexplained.length > 0 || report.parent.length > 0;
  if (argv.json)
    console.log(JSON.stringify({ cases: tally.cases, unexplained: unexplained.length, parent: report.parent }));
} finally {
  await servers.stop();
}
process.exitCode = failed ? 1 : 0;
