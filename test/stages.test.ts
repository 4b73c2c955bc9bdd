// The registry of stages (scripts/lib/stages.ts): every stage package says what it is in its
// package.json, and pnpm diff takes its stages from there.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findStage, stages } from '../scripts/lib/stages.js';
import { ROOT } from '../scripts/lib/stage.js';

const TSX = ['--import', 'tsx'];

t.test("the article's stages, in its order, each with its Python file", async (t) => {
  const article = stages().filter((s) => s.article !== null);
  t.same(
    article.map((s) => [s.stage, s.article]),
    [
      ['1', 'part1/webserver1.py'],
      ['2', 'part2/webserver2.py'],
      ...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((l) => [`3${l}`, `part3/webserver3${l}.py`]),
    ],
  );
  t.same(
    stages()
      .slice(0, article.length)
      .map((s) => s.stage),
    article.map((s) => s.stage),
    'the stages beyond the article come after it',
  );
});

t.test('every server package is a stage; the libraries and client3 are not', async (t) => {
  const registered = new Set(stages().map((s) => s.package));
  for (const dir of readdirSync(join(ROOT, 'packages'))) {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      lsbaws?: unknown;
    };
    t.equal(registered.has(manifest.name), manifest.lsbaws !== undefined, `${dir}: in the registry when it says so`);
    if (/^webserver/.test(dir)) t.ok(registered.has(manifest.name), `${dir} is a stage`);
  }
  for (const s of stages()) {
    t.ok(s.follows === null || findStage(s.follows) !== undefined, `${s.stage} follows a stage`);
    t.match(s.source, new RegExp(`^packages/[^/]+/src/[^/]+\\.ts$`), `${s.stage}: one source file`);
  }
});

t.test('a stage is found by its name, its package, or its letter', async (t) => {
  t.equal(findStage('3e')?.package, 'webserver3e');
  t.equal(findStage('webserver3e')?.stage, '3e');
  t.equal(findStage('E')?.stage, '3e');
  t.equal(findStage('2')?.package, 'webserver2');
  t.equal(findStage('3z'), undefined);
  t.equal(findStage('i'), undefined);
});

t.test('pnpm diff <stage> compares a stage with the one it follows; pnpm diff 3z is refused', async (t) => {
  for (const s of stages()) {
    const r = spawnSync(process.execPath, [...TSX, 'scripts/diff.ts', s.stage], { cwd: ROOT, encoding: 'utf8' });
    if (s.follows === null) {
      t.equal(r.status, 2, `${s.stage} follows none`);
      t.match(r.stderr, /is the first stage/);
      continue;
    }
    const from = findStage(s.follows);
    t.equal(r.status, 0, `pnpm diff ${s.stage}`);
    t.match(r.stdout, `--- a/${from?.source ?? '?'}`, `${s.stage} against ${s.follows}`);
    t.match(r.stdout, `+++ b/${s.source}`);
  }
  const bad = spawnSync(process.execPath, [...TSX, 'scripts/diff.ts', '3e', '3z'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(bad.status, 2);
  t.match(bad.stderr, /unknown stage: 3z/);
  t.match(
    bad.stderr,
    new RegExp(
      `stages: ${stages()
        .map((s) => s.stage)
        .join(' ')}`,
    ),
  );
});
