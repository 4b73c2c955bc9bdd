// scripts/start.sh, the start of every package: it compiles only when a source changed, a type error
// stops it and leaves no dist/ behind, and an edited source is compiled again. Run on a package of
// its own in a scratch tree laid out like the repository's (scripts/, packages/, tsconfig.base.json),
// whose tsc records each call before it runs the real one.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, START_SCRIPT } from '../scripts/lib/stage.js';

const tree = mkdtempSync(join(tmpdir(), 'lsbaws-start-'));
t.teardown(() => rmSync(tree, { recursive: true, force: true }));
const pkg = join(tree, 'packages', 'hello');
const calls = join(tree, 'tsc-calls');
mkdirSync(join(tree, 'scripts'));
mkdirSync(join(pkg, 'src'), { recursive: true });
mkdirSync(join(tree, 'node_modules', '.bin'), { recursive: true });
// start.sh and what it runs before the program: the node line's choice and the platform's check
for (const file of ['start.sh', 'supported-node.sh', 'with-node.sh', 'node-lines.json', 'start-check.mjs'])
  copyFileSync(join(dirname(START_SCRIPT), file), join(tree, 'scripts', file));
symlinkSync(join(ROOT, 'node_modules', '@lsbaws'), join(tree, 'node_modules', '@lsbaws'));
copyFileSync(join(ROOT, 'tsconfig.base.json'), join(tree, 'tsconfig.base.json'));
symlinkSync(join(ROOT, 'node_modules', '@types'), join(tree, 'node_modules', '@types'));
const tsc = join(tree, 'node_modules', '.bin', 'tsc');
writeFileSync(tsc, `#!/bin/sh\necho "$@" >> '${calls}'\nexec '${join(ROOT, 'node_modules', '.bin', 'tsc')}' "$@"\n`);
chmodSync(tsc, 0o755);
writeFileSync(
  join(pkg, 'tsconfig.json'),
  JSON.stringify({
    extends: '../../tsconfig.base.json',
    compilerOptions: { rootDir: 'src', outDir: 'dist' },
    include: ['src'],
  }),
);
const source = (text: string): void => writeFileSync(join(pkg, 'src', 'hello.ts'), text);
const tscCalls = (): number => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').length : 0);

function start(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['../../scripts/start.sh', ...args], { cwd: pkg, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('the first start compiles and runs the program', async (t) => {
  source('const n: number = 1;\nconsole.log(`hello ${n}`);\n');
  const r = start('dist/hello.js');
  t.equal(r.stdout, 'hello 1\n', r.stderr);
  t.equal(tscCalls(), 1, 'tsc -b ran once');
});

t.test('a start with nothing changed runs the program without tsc', async (t) => {
  const r = start('dist/hello.js');
  t.equal(r.stdout, 'hello 1\n', r.stderr);
  t.equal(tscCalls(), 1, 'tsc was not called again');
});

t.test('an edited source is compiled again', async (t) => {
  source('const n: number = 2;\nconsole.log(`hello ${n}`);\n');
  const r = start('dist/hello.js');
  t.equal(r.stdout, 'hello 2\n', r.stderr);
  t.equal(tscCalls(), 2);
});

t.test('a type error stops the start and leaves nothing to run', async (t) => {
  source("const n: number = 'three';\nconsole.log(`hello ${n}`);\n");
  const r = start('dist/hello.js');
  t.equal(r.status, 1, 'the start failed');
  t.match(r.stdout, /error TS2322: Type 'string' is not assignable to type 'number'/, "tsc's error is shown");
  t.match(r.stderr, /type errors \(above\): hello not started, its dist\/ removed/);
  t.notMatch(r.stdout, /^hello/m, 'the program did not run');
  t.notOk(existsSync(join(pkg, 'dist')), 'no dist/: neither the broken line nor the last good build can be run');
  const again = start('dist/hello.js');
  t.equal(again.status, 1, 'starting again without a fix fails again (it compiles again: no stale mark)');
  t.equal(tscCalls(), 4);
});

t.test('fixed, it compiles and runs; --compile-only compiles and runs nothing', async (t) => {
  source('const n: number = 3;\nconsole.log(`hello ${n}`);\n');
  const compiled = start('--compile-only');
  t.equal(compiled.status, 0, compiled.stdout + compiled.stderr);
  t.equal(compiled.stdout, '');
  t.ok(existsSync(join(pkg, 'dist', 'hello.js')));
  t.equal(start('dist/hello.js').stdout, 'hello 3\n');
  t.equal(tscCalls(), 5, 'compiled once, by --compile-only');
});
