// `pnpm experiment`, the command: the list of every stage's experiments in the registry's order,
// the errors, and the narrations a learner reads. Each experiment's own outcome is tested in its
// stage's folder (packages/<stage>/test/<experiment>.test.ts).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, ROOT } from '../scripts/lib/stage.js';
import { runExperiment } from '../scripts/experiments/framework/experiment.js';
import { type Experiment } from '../scripts/experiments/framework/experiment.js';
import { stageOfPackage, stages } from '../scripts/lib/stages.js';
import { experiments as loadExperiments, findExperiment } from '../scripts/experiments/index.js';
import helloWorld from '../packages/webserver1/experiments/hello-world.js';
import iterative from '../packages/webserver3a/experiments/iterative.js';
import concurrent from '../packages/webserver3c/experiments/concurrent.js';

const experiments = await loadExperiments();

t.test('pnpm experiment lists every experiment on one line each, and refuses an unknown name', async (t) => {
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  const listed = spawnSync(tsx, ['scripts/experiment.ts'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(listed.status, 0);
  for (const e of experiments)
    t.match(listed.stdout, new RegExp(`^  ${e.name} +${stageOfPackage(e.stage).stage}  \\S`, 'm'), e.name);
  // the registry's order: each experiment's stage is a stage of scripts/lib/stages.ts, in its order
  const order = stages().map((s) => s.package);
  const at = experiments.map((e) => order.indexOf(e.stage));
  t.notOk(at.includes(-1), `every experiment runs a stage of the registry: ${experiments.map((e) => e.stage)}`);
  t.same(
    at,
    [...at].sort((a, b) => a - b),
    'in the order of their stages',
  );
  t.same(
    experiments.filter((e) => e.stage === 'webserver3d').map((e) => e.name),
    ['no-close', 'out-of-descriptors', 'zombies', 'out-of-processes'],
    "a stage's experiments in the article's order",
  );
  for (const s of stages().filter((s) => s.article === null))
    t.ok(
      await findExperiment(s.stage),
      `pnpm experiment ${s.stage} finds the experiment of a stage beyond the article`,
    );
  const unknown = spawnSync(tsx, ['scripts/experiment.ts', 'no-such-thing'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(unknown.status, 1);
  t.match(unknown.stderr, /No experiment called "no-such-thing"/);
  // each experiment's options, with their defaults, and errors in yargs' words
  const help = spawnSync(tsx, ['scripts/experiment.ts', 'sleeping', '--help'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(help.status, 0);
  t.match(help.stdout, /--sleep +seconds the server sleeps after each answer[^\n]*\n?[^\n]*\[default: 10\]/);
  const typo = spawnSync(tsx, ['scripts/experiment.ts', 'sleeping', '--slep', '3'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(typo.status, 1);
  t.match(typo.stderr, /Unknown argument: slep/);
  const notNumber = spawnSync(tsx, ['scripts/experiment.ts', 'zombies', '--requests', 'two'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  t.equal(notNumber.status, 1);
  t.match(notNumber.stderr, /--requests: a whole number, please/);
});

/** Runs an experiment on a free port and returns its narration, as a learner reads it. */
async function narration<O, P>(
  experiment: Experiment<O, P>,
  params?: Partial<P>,
): Promise<{ text: string; port: number }> {
  let text = '';
  const port = await freePort();
  const out = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream;
  await runExperiment(experiment, { port, params, out: out as never });
  return { text, port };
}

t.test('the narrations: no nc, the port given, the sleep as set, nothing said to compile', async (t) => {
  const hello = await narration(helloWorld);
  t.match(hello.text, new RegExp(`typed by hand \\(telnet localhost ${hello.port},`), 'the telnet hint names the port');
  const it = await narration(iterative);
  t.match(it.text, new RegExp(`Terminal 2: curl telnet://localhost:${it.port}, and type nothing yet`));
  const c = await narration(concurrent, { clients: 2, sleep: 3 });
  t.match(c.text, /all sleeping \(S\) their 3 s \(the article's time\.sleep\(60\)\)/);
  for (const [name, text] of [
    ['hello-world', hello.text],
    ['iterative', it.text],
    ['concurrent', c.text],
  ]) {
    t.notMatch(text, /\bnc\b/, `${name}: no nc, which the test tools do not install`);
    t.notMatch(text, /compiling/, `${name}: nothing compiles`);
  }
});

t.test('a mistyped experiment gets a "did you mean"', async (t) => {
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  const typo = spawnSync(tsx, ['scripts/experiment.ts', 'sleping'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(typo.status, 1);
  t.match(typo.stderr, /^No experiment called "sleping" \(did you mean "sleeping"\?\)\./);
  const port = spawnSync(tsx, ['scripts/experiment.ts', 'sleeping', '--port', 'abc'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(port.status, 1);
  t.match(port.stderr, /--port: a port number \(0 to 65535\), please \(got "abc"\)/);
});
