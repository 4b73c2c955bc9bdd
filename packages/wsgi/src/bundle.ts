/**
 * An application's module as it runs: esbuild compiles it and the local files it imports into one
 * ES module, in ./compile-process.ts's process (its synchronous API with ESBUILD_WORKER_THREADS=0
 * runs the esbuild binary as a child process: no worker thread). Packages stay
 * outside, imported from where Node resolves them for the application's own directory;
 * `@lsbaws/wsgi` is this package, the server's own copy. Its source map points stack traces at
 * the application's files. What esbuild refuses is one line, as Python would name it.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildFailure, BuildOptions, BuildResult, Message } from 'esbuild';
import { PACKAGE_DIR } from './module-lookup.js';
import { LoadError } from './sys.js';

/** The entry point applications import as '@lsbaws/wsgi'. */
const ENTRY = fileURLToPath(new URL('./index.js', import.meta.url));

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
export function compile(file: string, outfile: string): { code: string; inputs: string[] } {
  process.env.ESBUILD_WORKER_THREADS = '0'; // read when esbuild loads: one compile runs the binary once, no thread
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
