// No import circle in the project's TypeScript (packages/, scripts/, test/): madge reads the
// imports of every module (resolving './x.js' to x.ts as tsc does) and lists the circles. No
// circle anywhere, of runtime imports or through `import type` (a type-only circle is still two
// modules that cannot be read apart).
import t from 'tap';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../scripts/lib/stage.js';

/** What the test uses of madge's result (madge ships no types). */
interface Graph {
  circular(): string[][];
  obj(): Record<string, string[]>;
  warnings(): { skipped: string[] };
}
type Madge = (paths: string[], config: object) => Promise<Graph>;
const madge = createRequire(import.meta.url)('madge') as Madge;

/**
 * The TypeScript sources under dirs: no node_modules, no dist/ (built output, and the checkouts of
 * other revisions `pnpm bench --posix` keeps there, whose imports madge would read and not resolve,
 * since it excludes a module only after reading it), no declarations.
 */
function sources(dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources([path]);
      return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
    }),
  );
}

/** The import graph of the TypeScript under dirs, type-only imports counted or not. */
function graph(dirs: string[], typeImports: boolean, baseDir = ROOT): Promise<Graph> {
  return madge(sources(dirs), {
    baseDir,
    fileExtensions: ['ts'],
    excludeRegExp: [/node_modules/, /(^|\/)dist\//, /\.d\.ts$/],
    tsConfig: join(ROOT, 'tsconfig.base.json'),
    detectiveOptions: { ts: { skipTypeImports: !typeImports }, tsx: { skipTypeImports: !typeImports } },
  });
}

t.test('madge finds a circle where there is one (a -> b -> a), through import type too', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lsbaws-circles-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = (): number => b;\n");
  writeFileSync(
    join(dir, 'b.ts'),
    "import type { a } from './a.js';\nexport const b = 1;\nexport type A = typeof a;\n",
  );
  t.same((await graph([dir], true, dir)).circular(), [['a.ts', 'b.ts']]);
  t.same((await graph([dir], false, dir)).circular(), [], 'and a type-only one is not a runtime circle');
});

t.test('packages/, scripts/ and test/: no circle, type-only imports counted', async (t) => {
  const g = await graph(
    ['packages', 'scripts', 'test'].map((d) => join(ROOT, d)),
    true,
  );
  const modules = Object.keys(g.obj());
  t.ok(
    modules.includes('packages/wsgi/src/connection.ts'),
    `the graph holds the packages' modules (${modules.length})`,
  );
  t.ok(
    g.obj()['packages/wsgi/src/connection.ts']?.includes('packages/wsgi/src/recv-request.ts'),
    'and their imports: connection.ts imports recv-request.ts',
  );
  t.same(
    g.warnings().skipped.filter((s) => !s.startsWith('@lsbaws/')),
    [],
    "every import resolved (but a workspace package's name, which madge leaves as a package: " +
      'its modules are in the graph by their paths)',
  );
  t.ok(
    g.obj()['packages/posix/src/platform/types.ts']?.includes('packages/posix/src/platform/linux-numbers.ts'),
    'type-only imports are in the graph: platform/types.ts imports linux-numbers.ts for its names',
  );
  t.same(g.circular(), [], 'no circle');
  t.same(g.obj()['packages/wsgi/src/wsgi.ts'], [], "@lsbaws/wsgi's interface types (wsgi.ts) import nothing");
  t.same(g.obj()['packages/posix/src/platform/linux-numbers.ts'], [], "Linux's numbers import nothing");
});
