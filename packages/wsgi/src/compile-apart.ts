/**
 * The server's side of compiling an application in a node process of its own
 * (./compile-process.ts): the server never loads esbuild, ./typecheck.ts or node:crypto, whose
 * memory every fork() would copy the page tables of and every child would unmap at its exit
 * (docs/fork-in-node.md, "What facts 7 and 8 are worth"). The process prints one line of JSON:
 * `{}` when the module is written, or what went wrong, a CompileFailure.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LoadError } from './sys.js';

/** What went wrong: a LoadError, which Python would raise on loading (load: true), or another error. */
export interface CompileFailure {
  readonly name: string;
  readonly message: string;
  readonly load: boolean;
}

/** The program that compiles and type-checks an application. */
const COMPILER = fileURLToPath(new URL('./compile-process.js', import.meta.url));

/** Compiles file and the local files it imports into outfile, type-checked; throws what went wrong. */
export function compileApart(file: string, outfile: string): void {
  const r = spawnSync(process.execPath, [COMPILER, file, outfile], { encoding: 'utf8' });
  if (r.error !== undefined) throw r.error; // not started (EAGAIN, ENOMEM...) or stopped (ENOBUFS)
  const answer = parseAnswer((r.stdout ?? '').trim().split('\n').pop() ?? '');
  if (r.status !== 0 || answer === null) {
    // the process failed without answering: the stderr line that names its error, else its last one
    const lines = (r.stderr ?? '').split('\n').filter((line) => line.trim() !== '');
    const why = lines.find((line) => /^\w*Error\b/.test(line)) ?? lines.at(-1);
    throw new Error(`the compiling process ended with ${r.signal ?? `status ${r.status}`}${why ? `: ${why}` : ''}`);
  }
  if (!('name' in answer)) return;
  if (answer.load) throw new LoadError(answer.name, answer.message);
  throw Object.assign(new Error(answer.message), { name: answer.name });
}

/** The process's answer: {} or a CompileFailure; null for anything else. */
function parseAnswer(line: string): CompileFailure | Record<string, never> | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  if (Object.keys(value).length === 0) return {};
  const { name, message, load } = value as Partial<CompileFailure>;
  return typeof name === 'string' && typeof message === 'string' && typeof load === 'boolean'
    ? { name, message, load }
    : null;
}
