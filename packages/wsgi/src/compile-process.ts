/**
 * `node compile-process.js FILE OUTFILE`: compiles an application (./bundle.ts), type-checks it
 * (./typecheck.ts) and writes the module to OUTFILE, for a server that does not carry them
 * (./compile-apart.ts). Prints one line of JSON: `{}`, or what went wrong, a CompileFailure:
 * `{"name":"SyntaxError","message":"...","load":true}`.
 */
import { writeFileSync } from 'node:fs';
import { compile } from './bundle.js';
import type { CompileFailure } from './compile-apart.js';
import { LoadError } from './sys.js';
import { typecheck } from './typecheck.js';

/** Compiles, checks and writes; what went wrong, or null. */
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
