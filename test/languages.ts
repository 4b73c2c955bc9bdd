// The interpreters the tests run learners' programs with: Python 2 and 3 from pyenv when it has
// them (the article's programs are Python 2), else from PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The path of a python of that major version, or null when this machine has none. */
export function pythonFor(major: 2 | 3): string | null {
  const root = process.env.PYENV_ROOT ?? join(homedir(), '.pyenv');
  try {
    const versions = readdirSync(join(root, 'versions'))
      .filter((v) => v.startsWith(`${major}.`))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const newest = versions.at(-1);
    if (newest !== undefined && existsSync(join(root, 'versions', newest, 'bin', `python${major}`)))
      return join(root, 'versions', newest, 'bin', `python${major}`);
  } catch {
    // no pyenv
  }
  const onPath = spawnSync('sh', ['-c', `command -v python${major}`], { encoding: 'utf8' });
  if (onPath.status !== 0) return null;
  const found = onPath.stdout.trim();
  // a pyenv shim that has no such version answers, but fails when run
  return spawnSync(found, ['-c', 'pass']).status === 0 ? found : null;
}
