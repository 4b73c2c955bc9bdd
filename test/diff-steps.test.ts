// The promise that consecutive stages differ only where the Python differs, for every step of
// the article: `pnpm diff A B` adds and removes about as many lines as the Python's own diff.
//
// The Python numbers come from rspivak/lsbaws (commit ca0c07b), counted as `diff -u` prints
// them: lines starting with + or -, the two file-name lines left out, e.g.
//   diff -u part3/webserver3f.py part3/webserver3g.py   → +15 -6
// Tolerance: each count within 10 lines or 25% of the Python's, whichever is more. TypeScript
// spends a few lines the Python does not (typed declarations such as `let pid: number, status:
// number;`, the `await` on accept, a template literal for the response), and stage 2 and 3h keep
// what they do beyond the Python in @lsbaws/wsgi, so 2→3h removes fewer lines than the Python.
// The stages beyond the article have no Python: their step is small instead (at most 60 lines
// changed, about one screen; the article's Part 3 steps change 14 to 38).
import t from 'tap';
import { pnpmDiff } from './diff.js';
import { findStage, stages } from '../scripts/lib/stages.js';

interface Step {
  from: string;
  to: string;
  /** What `diff -u` of the Python files prints: [added, removed]. */
  python: [number, number];
  command: string;
}

const py = (from: string, to: string, python: [number, number]): Step => ({
  from,
  to,
  python,
  command: `diff -u ${findStage(from)?.article ?? from} ${findStage(to)?.article ?? to}`,
});

const STEPS: Step[] = [
  py('1', '2', [140, 19]), // part1/webserver1.py → part2/webserver2.py
  py('1', '3a', [26, 12]),
  py('3a', '3b', [9, 5]),
  py('3b', '3c', [26, 10]),
  py('3c', '3d', [16, 14]),
  py('3d', '3e', [21, 17]),
  py('3e', '3f', [18, 13]),
  py('3f', '3g', [15, 6]),
  py('3g', '3h', [154, 48]),
  py('2', '3h', [58, 19]), // the closing exercise: Part 2's server made concurrent
];

const within = (ts: number, python: number): boolean => Math.abs(ts - python) <= Math.max(10, 0.25 * python);

t.test(
  "every step of the registry between two of the article's stages is in the table, and only such stages",
  async (t) => {
    const article = stages().filter((s) => s.article !== null && s.follows !== null);
    for (const s of article) {
      const follows = s.follows ?? '';
      t.ok(
        STEPS.some((step) => step.from === follows && step.to === s.stage),
        `${follows} → ${s.stage} has its Python numbers`,
      );
    }
    for (const step of STEPS) t.ok(findStage(step.from)?.article && findStage(step.to)?.article, step.command);
  },
);

for (const step of STEPS) {
  t.test(`pnpm diff ${step.from} ${step.to} changes what ${step.command} changes`, async (t) => {
    const diff = pnpmDiff(step.from, step.to);
    t.equal(diff.status, 0, 'pnpm diff exits 0');
    const [added, removed] = step.python;
    t.ok(within(diff.added.length, added), `added: ${diff.added.length} lines, the Python ${added}`);
    t.ok(within(diff.removed.length, removed), `removed: ${diff.removed.length} lines, the Python ${removed}`);
  });
}

for (const s of stages().filter((s) => s.article === null)) {
  t.test(`pnpm diff ${s.stage}: a stage beyond the article is one small step from ${s.follows}`, async (t) => {
    const diff = pnpmDiff(s.follows ?? '', s.stage);
    t.equal(diff.status, 0, 'pnpm diff exits 0');
    const changed = diff.added.length + diff.removed.length;
    t.ok(changed <= 60, `${changed} lines changed (+${diff.added.length} -${diff.removed.length}), at most 60`);
    t.ok(diff.added.length > 0, 'and it does change something');
  });
}
