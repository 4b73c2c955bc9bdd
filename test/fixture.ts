/** Runs a compiled program of test/fixtures/ the way the stages run: node --single-threaded. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { killGroup, withoutNodeOptions } from '../scripts/lib/stage.js';
import { must } from '../scripts/lib/must.js';
import { runningLine } from '../scripts/lib/node-lines.js';

const DIST = fileURLToPath(new URL('./fixtures/dist/', import.meta.url));
/** The re-check programs of docs/fork-in-node.md, compiled with @lsbaws/posix. */
const CHECKS = fileURLToPath(new URL('../scripts/rechecks/dist/', import.meta.url));

export interface Fixture {
  child: ChildProcessWithoutNullStreams;
  /** The fixture's PID. */
  pid: number;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout line that parses as JSON and satisfies match. */
  line: <T = unknown>(match?: (v: Record<string, unknown>) => boolean, timeout?: number) => Promise<T>;
  exited: Promise<number | null>;
  kill: () => void;
}

/** Starts test/fixtures/dist/NAME.js, or with NAME `checks/X`, the re-check program X. */
export function startFixture(name: string, args: string[] = [], nodeArgs = ['--single-threaded']): Fixture {
  const program = name.startsWith('checks/') ? `${CHECKS}${name.slice('checks/'.length)}.js` : `${DIST}${name}.js`;
  return startNodeProgram(program, args, nodeArgs);
}

/** Runs a compiled program (a path) with node --single-threaded and these node args, env added. */
export function startNodeProgram(
  file: string,
  args: string[] = [],
  nodeArgs = ['--single-threaded'],
  env: Record<string, string> = {},
): Fixture {
  const name = file.replace(/^.*\//, '');
  const [command, ...argv] = withoutNodeOptions([process.execPath, ...nodeArgs, file, ...args]);
  const child = spawn(command, argv, { stdio: 'pipe', detached: true, env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    waiters.forEach((w) => w());
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      waiters.forEach((w) => w());
      resolve(code);
    }),
  );
  const line = <T>(match: (v: Record<string, unknown>) => boolean = () => true, timeout = 30_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name}: no matching line in ${timeout} ms; stdout:\n${out}\nstderr:\n${err}`)),
        timeout,
      );
      const check = (): void => {
        for (const text of out.split('\n')) {
          try {
            const value = JSON.parse(text);
            if (match(value)) {
              clearTimeout(timer);
              resolve(value as T);
              return;
            }
          } catch {
            // not JSON
          }
        }
        if (child.exitCode !== null) {
          clearTimeout(timer);
          reject(new Error(`${name} exited ${child.exitCode}; stdout:\n${out}\nstderr:\n${err}`));
        }
      };
      waiters.push(check);
      check();
    });
  const kill = (): void => killGroup(child.pid);
  return { child, pid: must(child.pid, `a PID for ${name}`), stdout: () => out, stderr: () => err, line, exited, kill };
}

/**
 * What ps shows in brackets for a zombie of a Node process: the name the running Node line gives its
 * main thread (the kernel keeps only that of an exited process), from scripts/node-lines.json
 * (test/posix.test.ts checks it on the running line).
 */
export function mainThreadName(): string {
  return runningLine().mainThread;
}

/** A zombie's command as ps shows it, as a RegExp source: \[node-MainThread\] <defunct>. */
export function zombieCommand(): string {
  return `\\[${mainThreadName()}\\] <defunct>`;
}
