/**
 * `module:callable` to an application, the way Python's `__import__(module)` and
 * `getattr(module, callable)` find one. What goes wrong is thrown as the error Python would raise
 * (ValueError, ModuleNotFoundError, SyntaxError, TypeError...), one line each, for the stage to
 * print with `sys.exit(error)`: the library never ends the process.
 *
 * The module is looked up on a search path, like sys.path (./module-lookup.ts), and runs as
 * written, TypeScript included: compiled with the local files it imports into one ES module
 * (./bundle.ts), before the server serves. The compiled module goes to a temporary directory, is
 * imported and removed: the next start compiles the source again. TypeScript files are
 * type-checked first (./typecheck.ts), as `pnpm start` does for the stages. Both run in a process
 * of their own (./compile-apart.ts), so that the server does not carry them. getattr
 * (./frameworks.ts) then finds the application, through its adapter for a framework's app.
 * Once a module is loaded, the server's request path is run on a canned request in memory
 * (./warm.ts), so that the children it forks inherit that first-time work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, parse } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileApart } from './compile-apart.js';
import { findModule, searchPath } from './module-lookup.js';
import { LoadError } from './sys.js';
import { warmRequestPath } from './warm.js';

/** A module's exports, with Python's `__name__`: the name it was imported by. */
export type Module = Record<string, unknown> & { readonly __name__: string };

/** Python's __import__(module): the module's exports; one that cannot be found or loaded throws an LoadError. */
export async function importModule(module: string): Promise<Module> {
  const dirs = searchPath();
  const file = findModule(module, dirs);
  if (file === null) {
    throw new LoadError('ModuleNotFoundError', `No module named '${module}' (searched ${dirs.join(', ')})`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'lsbaws-wsgi-'));
  const compiled = join(dir, `${parse(file).name}.mjs`);
  let exports: Record<string, unknown> = {};
  try {
    compileApart(file, compiled);
    exports = (await import(pathToFileURL(compiled).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof LoadError) throw e;
    const reason = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
    throw new LoadError('ImportError', `Loading module '${module}' (${file}) failed: ${reason}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // the server is about to serve: a child's first-time work, done here once, is inherited by every child
  await warmRequestPath();
  // A CommonJS module's exports are its default export; Node's own import also names them
  const { default: main } = exports;
  const named = typeof main === 'object' && main !== null && Object.keys(exports).length === 1 ? main : {};
  return Object.defineProperty({ ...named, ...exports }, '__name__', { value: module }) as Module;
}
