/**
 * `module:callable` to an application, the way Python's `__import__(module)` and
 * `getattr(module, callable)` find one. What goes wrong is thrown as the error Python would raise
 * (ValueError, ModuleNotFoundError, SyntaxError, TypeError...), one line each, for the stage to
 * print with `sys.exit(error)`: the library never ends the process.
 *
 * The module is looked up on a search path, like sys.path: the directory pnpm was started from
 * (INIT_CWD), the current directory (the server's package, under pnpm), then the examples of
 * this package (wsgiapp, honoapp, expressapp). `name` is tried as name.ts, name.mts, name.js,
 * name.mjs, name.cjs, name/index.ts and name/index.js; a file name or a path (`./apps/hello.ts`)
 * works too.
 *
 * The module runs as written, TypeScript included: esbuild compiles it and the local files it
 * imports into one ES module, in this process, before the server serves (its synchronous API
 * with ESBUILD_WORKER_THREADS=0 runs the esbuild binary as a child process: no loader thread,
 * which fork() would refuse). Packages stay outside, imported from where Node resolves them for
 * the application's own directory; `@lsbaws/wsgi` is this package, the server's own copy. The
 * compiled module goes to a temporary directory, is imported and removed: the next start
 * compiles the source again. Its source map points stack traces at the application's files.
 * TypeScript files are type-checked first (./typecheck.ts), as `pnpm start` does for the stages.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, parse, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BuildFailure, BuildOptions, BuildResult, Message } from 'esbuild';
import { fromFetch, type FetchHandler } from './adapters/fetch.js';
import { fromNode, type NodeListener } from './adapters/node.js';
import { LoadError } from './sys.js';
import { typecheck } from './typecheck.js';
import type { Application } from './wsgi.js';

/** A module's exports, with Python's `__name__`: the name it was imported by. */
export type Module = Record<string, unknown> & { readonly __name__: string };

/** This package's root (the examples are in examples/), and the entry point applications import. */
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = fileURLToPath(new URL('./index.js', import.meta.url));

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
    const { code, inputs } = compile(file, compiled);
    typecheck(file, inputs);
    writeFileSync(compiled, code);
    exports = (await import(pathToFileURL(compiled).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof LoadError) throw e;
    const reason = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
    throw new LoadError('ImportError', `Loading module '${module}' (${file}) failed: ${reason}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // A CommonJS module's exports are its default export; Node's own import also names them
  const named = isObject(exports.default) && Object.keys(exports).length === 1 ? exports.default : {};
  return Object.defineProperty({ ...named, ...exports }, '__name__', { value: module }) as Module;
}

/** The directories whose packages an application in dir imports: every node_modules from dir up. */
function nodeModulesDirs(dir: string): string[] {
  const dirs: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    dirs.push(join(d, 'node_modules'));
    if (dirname(d) === d) return dirs;
  }
}

/**
 * The application file and the local files it imports, as one ES module that will be written to
 * outfile, and the local files that went into it.
 */
function compile(file: string, outfile: string): { code: string; inputs: string[] } {
  process.env.ESBUILD_WORKER_THREADS = '0'; // read when esbuild loads: its sync API then runs no thread
  const esbuild = createRequire(import.meta.url)('esbuild') as { buildSync(o: BuildOptions): BuildResult };
  const options: BuildOptions = {
    entryPoints: [file],
    absWorkingDir: dirname(file),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node}`,
    mainFields: ['main'], // what Node reads, where a package has no "exports"
    // packages stay packages: imported by a path relative to outfile, as resolved for the importing file
    external: [...nodeModulesDirs(dirname(file)), join(PACKAGE_DIR, 'dist')].map((d) => join(d, '*')),
    alias: { '@lsbaws/wsgi': ENTRY },
    // require() in a CommonJS file of the application, for a package left outside
    banner: {
      js:
        `import { createRequire as __lsbawsRequire } from ` +
        `'node:module'; const require = __lsbawsRequire(import.meta.url);`,
    },
    outfile,
    write: false,
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'silent',
    metafile: true,
  };
  try {
    const result = esbuild.buildSync(options);
    const inputs = Object.keys(result.metafile?.inputs ?? {}).map((input) => resolve(dirname(file), input));
    return { code: result.outputFiles?.[0]?.text ?? '', inputs };
  } catch (e) {
    const [error] = (e as BuildFailure).errors ?? [];
    if (error === undefined) throw e;
    throw oneLine(error, dirname(file));
  }
}

/** 'SyntaxError: /path/myapp.ts:3:14: Expected ";" but found "x"': where and what, on one line. */
function oneLine(error: Message, dir: string): LoadError {
  const where = error.location
    ? `${resolve(dir, error.location.file)}:${error.location.line}:${error.location.column + 1}: `
    : '';
  const missing = /^Could not resolve "([^"]+)"/.exec(error.text)?.[1];
  if (missing !== undefined && /^\.{0,2}\//.test(missing)) {
    const from = error.location ? dirname(resolve(dir, error.location.file)) : dir;
    return new LoadError(
      'ModuleNotFoundError',
      `${where}No local file '${missing}': ${resolve(from, missing)} does not exist ` +
        `(nor as .ts, .mts, .js or /index.ts): check the name in the import`,
    );
  }
  if (missing !== undefined) {
    const name = missing.startsWith('@') ? missing.split('/').slice(0, 2).join('/') : missing.split('/')[0];
    return new LoadError(
      'ModuleNotFoundError',
      `${where}No module named '${missing}' (install it beside the application: npm install ${name})`,
    );
  }
  return new LoadError(error.location ? 'SyntaxError' : 'ImportError', `${where}${error.text}`);
}

/**
 * Python's getattr(module, name), for an application. A framework's app given as it is runs
 * through its adapter: an object with a fetch() (Hono, or any Fetch-API app) or a function
 * called fetch through fromFetch, an Express app through fromNode. Anything else that is not
 * callable ends the program in one line that names the adapters.
 */
export function getattr(module: Module, name: string): Application {
  const what = `${module.__name__}:${name}`;
  if (!(name in module)) {
    const exported = Object.keys(module).join(', ') || 'nothing';
    throw new LoadError(
      'AttributeError',
      `module '${module.__name__}' has no attribute '${name}' (it exports ${exported})`,
    );
  }
  const value = module[name];
  if (isObject(value) && typeof value.fetch === 'function') {
    console.log(`${what} is a Fetch-API application: served through fromFetch(${name}.fetch)`);
    return fromFetch((value.fetch as FetchHandler).bind(value));
  }
  if (typeof value === 'function' && /(^| )fetch$/.test(value.name)) {
    console.log(`${what} is a Fetch-API handler: served through fromFetch(${name})`);
    return fromFetch(value as FetchHandler);
  }
  if (typeof value === 'function' && ['handle', 'set', 'use'].every((m) => typeof (value as never)[m] === 'function')) {
    console.log(`${what} is an Express application: served through fromNode(${name})`);
    return fromNode(value as NodeListener);
  }
  if (isObject(value)) {
    throw new LoadError(
      'TypeError',
      `'${what}' is not callable (it is object): export a WSGI ` +
        `application, or a framework's app through its adapter from '@lsbaws/wsgi': ` +
        `fromFetch(app.fetch) for a Fetch-API app, fromNode(app) for a Node (req, res) one`,
    );
  }
  if (typeof value !== 'function') {
    throw new LoadError('TypeError', `'${what}' is not callable (it is ${value === null ? 'null' : typeof value})`);
  }
  return refuseResponses(value as Application);
}

/**
 * An application that returns a Response is a Fetch-API handler passed as it is: say which adapter it needs.
 * Recognised by its tag, not `instanceof Response`: the global `Response` is loaded on first use (undici),
 * which a forked child would then do for every request (60 ms of CPU each, measured in `pnpm bench`).
 */
function refuseResponses(application: Application): Application {
  return async (environ, startResponse) => {
    const result = await application(environ, startResponse);
    if (Object.prototype.toString.call(result) === '[object Response]') {
      throw new TypeError(
        'the application returned a Response: it is a Fetch-API handler, (request) => Response; ' +
          "serve it through its adapter: export const app = fromFetch(handler) (from '@lsbaws/wsgi')",
      );
    }
    return result;
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
