/**
 * `node compile-process.js FILE OUTFILE`: compiles an application (./bundle.ts), type-checks it
 * (./typecheck.ts) and writes the module to OUTFILE, in a process of its own, for
 * ./importer.ts. The server then never loads esbuild, the TypeScript checker's crypto and what they
 * bring: 1.2 MB more of V8's heap and OpenSSL's set-up in malloc's, which every fork() of the
 * server would copy the page tables of and every child would unmap at its exit. It prints one
 * line of JSON: `{}`, or the error to throw, `{"name":"SyntaxError","message":"...","load":true}`
 * (`load`: an error Python would raise on loading, as it is; otherwise what made the load fail).
 */
import { writeFileSync } from 'node:fs';
import { compile } from './bundle.js';
import { LoadError } from './sys.js';
import { typecheck } from './typecheck.js';

/** What went wrong: a LoadError (load: true), or another error that made loading fail. */
export interface CompileFailure {
  readonly name: string;
  readonly message: string;
  readonly load: boolean;
}

function compileToFile(file: string, outfile: string): CompileFailure | null {
  try {
    const { code, inputs } = compile(file, outfile);
    typecheck(file, inputs);
    writeFileSync(outfile, code);
    return null;
  } catch (e) {
    if (e instanceof LoadError) return { name: e.pythonName, message: e.message, load: true };
    if (e instanceof Error) return { name: e.name, message: e.message, load: false };
    return { name: 'Error', message: String(e), load: false };
  }
}

const [file, outfile] = process.argv.slice(2);
if (file === undefined || outfile === undefined) throw new Error('usage: compile-process.js FILE OUTFILE');
process.stdout.write(`${JSON.stringify(compileToFile(file, outfile) ?? {})}\n`);
