// The outputs the packages' READMEs show (capture blocks, filled by `pnpm guide` on Node 26) still
// have the shape of what the experiments print now, on the Node this test runs on (CI: the whole
// suite on Node 26): the same process names, thread counts, states, errors, ps lines and steps,
// whatever the PIDs and times. Each experiment runs once, for every block of the READMEs and the
// guide that shows it; what a README's text names outside its blocks (a zombie's name, a thread
// count) must be something those runs printed.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { runExperiment } from '../scripts/experiments/framework/experiment.js';
import { experimentNamed, experiments } from '../scripts/experiments/index.js';
import { BLOCK, Capture, blockText, blocksOf, captureFiles, runKey, shapeOf } from '../scripts/lib/captures.js';
import { must } from '../scripts/lib/must.js';
import { ROOT } from '../scripts/lib/stage.js';

const [guide, ...readmes] = captureFiles();
const shown = readmes.flatMap(blocksOf);
const runs = [...new Set(shown.map((b) => runKey(b.name, b.params)))];
// the guide's blocks of the same runs come for free
const blocks = [
  ...shown,
  ...blocksOf(must(guide, 'docs/guide.md')).filter((b) => runs.includes(runKey(b.name, b.params))),
];
const missing = (want: Set<string>, have: Set<string>): string[] => [...want].filter((f) => !have.has(f));

t.test('a step is the same step whatever port it ran on', async (t) => {
  t.same(
    shapeOf('▶ pnpm observe 8888: the descriptors after fork()'),
    shapeOf('▶ pnpm observe 35813: the descriptors after fork()'),
  );
  t.same(shapeOf('▶ curl telnet://localhost:8888'), shapeOf('▶ curl telnet://localhost:40001'));
  t.not([...shapeOf('▶ sleeps 20 s')][0], [...shapeOf('▶ sleeps 60 s')][0], 'other numbers stay');
});

t.test('the READMEs have capture blocks', async (t) => {
  t.ok(shown.length >= 6, `${shown.length} blocks in ${readmes.length} READMEs`);
});

t.test(
  `every README output block has the shape of what its experiment prints on Node ${process.versions.node}`,
  async (t) => {
    const all = await experiments();
    const outputs = new Map<string, string>();
    for (const block of shown) {
      const key = runKey(block.name, block.params);
      if (outputs.has(key)) continue;
      const out = new Capture();
      await runExperiment(must(experimentNamed(all, block.name), block.name), { out, params: block.params });
      outputs.set(key, out.text);
    }
    for (const block of blocks) {
      const where = `${relative(ROOT, block.file)}: ${block.name}${block.step ? ` step "${block.step}"` : ''}`;
      const now = blockText(block.name, block.params, block.step, outputs.get(runKey(block.name, block.params)) ?? '');
      t.ok(now, `${where}: the run has that step`);
      const written = shapeOf(block.text);
      const printed = shapeOf(now ?? '');
      t.ok(written.size > 0, `${where}: the block shows something to look for`);
      t.same(
        missing(written, printed),
        [],
        `${where}: nothing it shows is missing from the run (pnpm guide re-captures)`,
      );
      t.same(missing(printed, written), [], `${where}: nothing the run prints is missing from it`);
    }
    // the READMEs' words outside their blocks, against everything the runs printed (a zombie's
    // name is the Node line's, whichever stage shows it)
    const printed = new Set([...outputs.values()].flatMap((output) => [...shapeOf(output)]));
    for (const file of readmes) {
      const words = readFileSync(file, 'utf8').replace(BLOCK, '');
      const named = [...shapeOf(words)].filter((f) => f.startsWith('zombie ') || f.startsWith('threads '));
      t.same(
        named.filter((f) => !printed.has(f)),
        [],
        `${relative(ROOT, file)}: the zombie names and thread counts its text gives are the runs' ` +
          `(${named.join(', ')})`,
      );
    }
  },
);
