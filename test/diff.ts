/** `pnpm diff A B` as a learner runs it, for the tests of the stages: the diff, and its added and removed lines. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../scripts/lib/stage.js';

export interface Diff {
  status: number | null;
  text: string;
  /** Lines added and removed (not counting the +++ and --- file names). */
  added: string[];
  removed: string[];
}

export function pnpmDiff(from: string, to: string): Diff {
  const run = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/diff.ts', from, to], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const lines = run.stdout.split('\n');
  return {
    status: run.status,
    text: run.stdout,
    added: lines.filter((l) => l.startsWith('+') && !l.startsWith('+++ ')),
    removed: lines.filter((l) => l.startsWith('-') && !l.startsWith('--- ')),
  };
}
