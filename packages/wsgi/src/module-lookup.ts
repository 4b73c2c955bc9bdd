/**
 * Where `module` of `module:callable` is, the way Python's sys.path finds one: the directory pnpm
 * was started from (INIT_CWD), the current directory (the server's package, under pnpm), then the
 * examples of this package (wsgiapp, honoapp, expressapp). `name` is tried as name.ts, name.mts,
 * name.js, name.mjs, name.cjs, name/index.ts and name/index.js; a file name or a path
 * (`./apps/hello.ts`) works too.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoadError } from './sys.js';

/** This package's root (the examples are in examples/). */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Where modules are looked for, in order, without repeats. */
export function searchPath(): string[] {
  const dirs = [process.env.INIT_CWD, process.cwd(), join(PACKAGE_DIR, 'examples')];
  return [...new Set(dirs.filter((d): d is string => !!d).map((d) => resolve(d)))];
}

/** 'wsgiapp:app' -> ['wsgiapp', 'app']; anything else is a ValueError, as in Python. */
export function splitAppPath(appPath: string | undefined): [module: string, callable: string] {
  // sys.argv[1], which the main block has checked is there
  if (appPath === undefined) throw new LoadError('ValueError', 'no module:callable given');
  const colon = appPath.lastIndexOf(':');
  const module = appPath.slice(0, colon);
  const callable = appPath.slice(colon + 1);
  if (colon <= 0 || callable === '' || !/^[A-Za-z_$][\w$]*$/.test(callable)) {
    throw new LoadError('ValueError', `'${appPath}' is not of the form module:callable (e.g. wsgiapp:app)`);
  }
  return [module, callable];
}

/** The file a module name stands for, searching dirs; null when there is none. */
export function findModule(module: string, dirs = searchPath()): string | null {
  const explicit = /\.[cm]?[jt]s$/.test(module);
  const names = explicit
    ? [module]
    : ['.ts', '.mts', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'].map((ending) => module + ending);
  for (const dir of isAbsolute(module) ? [''] : dirs) {
    for (const name of names) {
      const file = resolve(dir, name);
      if (existsSync(file) && statSync(file).isFile()) return file;
    }
  }
  return null;
}
