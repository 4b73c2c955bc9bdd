/**
 * Type-checks a TypeScript application before the server serves it, the way `pnpm start` has tsc
 * check a stage: the TypeScript compiler (tsc, run as a child process, strict) on the application
 * and the local files it imports. An error is thrown with tsc's messages, one line each, as
 * `TypeScriptError: /home/you/myapp.ts:3:7: error TS2322: Type 'string' is not assignable to type 'number'.`
 * (a package without types is imported as `any`, as esbuild does, not an error).
 *
 * A check that passed is remembered, by the contents of the files checked (and tsc's version), in
 * a directory of the system's temporary directory: an application that did not change starts
 * without running tsc again.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoadError } from './sys.js';

const require = createRequire(import.meta.url);
/** This package's root, and the types applications import as '@lsbaws/wsgi'. */
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const TYPES = fileURLToPath(new URL('./index.d.ts', import.meta.url));
/** Where checks that passed are remembered (LSBAWS_TYPECHECK_CACHE to put it elsewhere). */
export const CACHE_DIR = process.env.LSBAWS_TYPECHECK_CACHE ?? join(tmpdir(), 'lsbaws-wsgi-typecheck');

/** Whether a file is TypeScript that tsc checks. */
function isTypeScript(file: string): boolean {
  return /\.[cm]?ts$/.test(file) && !file.endsWith('.d.ts');
}

/** The compiler options: what esbuild accepts (imports of ./x.js or ./x.ts for x.ts), strict. */
function config(file: string): object {
  const typeRoots = [join(PACKAGE_DIR, 'node_modules', '@types')];
  for (let d = dirname(file); ; d = dirname(d)) {
    typeRoots.push(join(d, 'node_modules', '@types'));
    if (dirname(d) === d) break;
  }
  return {
    compilerOptions: {
      noEmit: true,
      strict: true,
      target: 'es2022',
      lib: ['es2023'],
      module: 'preserve',
      moduleResolution: 'bundler',
      allowImportingTsExtensions: true,
      allowJs: false,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots,
      paths: { '@lsbaws/wsgi': [TYPES] },
    },
    files: [file],
  };
}

/** Throws a LoadError with tsc's messages when the TypeScript among inputs (file and what it imports) has errors. */
export function typecheck(file: string, inputs: string[]): void {
  const local = inputs.filter((f) => !f.split(sep).includes('node_modules'));
  if (!local.some(isTypeScript)) return;
  const tscPackage = require.resolve('typescript/package.json');
  const { version } = JSON.parse(readFileSync(tscPackage, 'utf8')) as { version: string };
  const tsconfig = JSON.stringify(config(file));
  const hash = createHash('sha256').update(`${version}\0${tsconfig}`);
  for (const input of [...local].sort()) hash.update(`\0${input}\0`).update(readFileSync(input));
  const passed = join(CACHE_DIR, hash.digest('hex'));
  if (existsSync(passed)) return;

  mkdirSync(CACHE_DIR, { recursive: true });
  const project = join(CACHE_DIR, `tsconfig-${process.pid}.json`);
  writeFileSync(project, tsconfig);
  try {
    const tsc = join(dirname(tscPackage), 'bin', 'tsc');
    const cwd = dirname(file);
    const r = spawnSync(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { cwd, encoding: 'utf8' });
    // A package without types (TS7016) is imported as `any`, as esbuild does: not an error here
    const errors = `${r.stdout}${r.stderr}`
      .split(/\n(?! )/)
      .filter((line) => line.trim() !== '' && !/: error TS7016: /.test(line))
      .map((line) => line.replace(/^(.+?)\((\d+),(\d+)\): /, (_, f: string, l, c) => `${resolve(cwd, f)}:${l}:${c}: `));
    if (errors.length === 0 && (r.status === 0 || r.stdout.includes(': error TS7016: '))) {
      writeFileSync(passed, file);
      return;
    }
    throw new LoadError('TypeScriptError', errors.join('\n'));
  } finally {
    rmSync(project, { force: true });
  }
}
