/**
 * `module:callable` to an application, the way Python's `__import__(module)` and
 * `getattr(module, callable)` find one: the module is looked up on a search path, like sys.path.
 *
 * The search path: the directory pnpm was started from (INIT_CWD), the current directory, then
 * this package's compiled examples (dist/examples), so `wsgiapp:app` finds examples/wsgiapp.ts
 * once tsc has compiled it. A module is a compiled JavaScript file: `name` is tried as
 * name.js, name.mjs, name.cjs and name/index.js; `name.js` or a path (`./apps/hello`) work too.
 * TypeScript sources cannot be loaded directly: loaders such as tsx run on a thread of their own,
 * which a forked child does not have.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Application } from './wsgi.js';

/** What went wrong finding the application; the message is one line. */
export class ImportError extends Error {
  constructor(message: string, name = 'ImportError') {
    super(message);
    this.name = name;
  }
}

/** The compiled examples: dist/examples beside dist/src. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../examples/', import.meta.url));

/** Where modules are looked for, in order, without repeats. */
export function searchPath(): string[] {
  const dirs = [process.env.INIT_CWD, process.cwd(), EXAMPLES_DIR]
    .filter((d): d is string => !!d)
    .map((d) => resolve(d));
  return [...new Set(dirs)];
}

/** 'wsgiapp:app' -> ['wsgiapp', 'app']; anything else is an ImportError. */
export function splitAppPath(appPath: string): [module: string, callable: string] {
  const colon = appPath.lastIndexOf(':');
  const module = appPath.slice(0, colon);
  const callable = appPath.slice(colon + 1);
  if (colon <= 0 || callable === '' || !/^[A-Za-z_$][\w$]*$/.test(callable)) {
    throw new ImportError(`'${appPath}' is not of the form module:callable (e.g. wsgiapp:app)`, 'ValueError');
  }
  return [module, callable];
}

/** The file a module name stands for, searching `dirs`; null when there is none. */
export function findModule(module: string, dirs = searchPath()): string | null {
  const explicit = /\.[cm]?js$/.test(module);
  const names = explicit ? [module] : [`${module}.js`, `${module}.mjs`, `${module}.cjs`, `${module}/index.js`];
  for (const dir of isAbsolute(module) ? [''] : dirs) {
    for (const name of names) {
      const file = resolve(dir, name);
      if (existsSync(file) && statSync(file).isFile()) return file;
    }
  }
  return null;
}

/** Python's __import__(module): the module's exports. */
export async function importModule(module: string): Promise<Record<string, unknown>> {
  const dirs = searchPath();
  const file = findModule(module, dirs);
  if (file === null) {
    const typescript = dirs
      .map((dir) => resolve(dir, `${module.replace(/\.[cm]?js$/, '')}.ts`))
      .find((f) => existsSync(f));
    const hint = typescript ? `; ${typescript} must be compiled to JavaScript first (tsc)` : '';
    throw new ImportError(`No module named '${module}' (searched ${dirs.join(', ')})${hint}`, 'ModuleNotFoundError');
  }
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    const reason = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
    throw new ImportError(`Loading module '${module}' (${file}) failed: ${reason}`);
  }
}

/** Python's getattr(module, name), for an application. */
export function getattr(module: Record<string, unknown>, moduleName: string, name: string): Application {
  if (!(name in module)) {
    const exported = Object.keys(module).join(', ') || 'nothing';
    throw new ImportError(
      `module '${moduleName}' has no attribute '${name}' (it exports ${exported})`,
      'AttributeError',
    );
  }
  const application = module[name];
  if (typeof application !== 'function') {
    throw new ImportError(
      `'${moduleName}:${name}' is not callable (it is ${application === null ? 'null' : typeof application})`,
      'TypeError',
    );
  }
  return application as Application;
}
