// pnpm fuzz, run as a maintainer runs it: a short differential run of webserver3h against Node's
// http (llhttp) from a fixed seed, and the replay of every disagreement the fuzzer has found
// (test/conformance/fuzz-cases.json), and of issue 28's four cases (fuzz-known.json), each of
// which must give what its entry expects: 'agree', or the one rule of scripts/fuzz/rules.ts
// that explains it.
import t from 'tap';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, withoutNodeOptions } from '../scripts/lib/stage.js';

/** `pnpm fuzz args`: its exit code and output. */
function fuzz(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, ...rest] = withoutNodeOptions(['pnpm', '--silent', 'fuzz', ...args]);
  return new Promise((resolve) => {
    execFile(command, rest, { cwd: ROOT, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

t.test('a short run from a fixed seed: no unexplained disagreement, the parent alive, descriptors flat', async (t) => {
  const { code, stdout, stderr } = await fuzz(['--requests', '400', '--seed', '28']);
  t.match(stdout, /^seed 28, 400 cases in /m, 'the 400 cases ran');
  t.match(stdout, /^agreements: \d+$/m);
  t.match(stdout, /^unexplained: 0$/m, `no unexplained disagreement\n${stdout}`);
  const fds = /^parent: alive; descriptors (\d+) -> (\d+)$/m.exec(stdout);
  t.ok(fds, `the parent lived and no zombie was left\n${stdout}${stderr}`);
  t.equal(fds?.[2], fds?.[1], 'its descriptors are as many after as before');
  t.equal(code, 0, 'the exit status says so');
});

interface Expected {
  name: string;
  expect: string;
  request: string;
}

for (const file of ['fuzz-cases.json', 'fuzz-known.json']) {
  t.test(`the disagreements of test/conformance/${file}, replayed to both servers`, async (t) => {
    const path = join(ROOT, 'test', 'conformance', file);
    const cases = (JSON.parse(readFileSync(path, 'utf8')) as { cases: Expected[] }).cases;
    const { stdout, stderr } = await fuzz(['--replay', path, '--json']);
    const outcomes = new Map(
      stdout
        .split('\n')
        .filter((l) => l.startsWith('{"id"'))
        .map((l) => JSON.parse(l) as { name: string; verdict: string; rules: string[]; unexplained: unknown[] })
        .map((o) => [o.name, o]),
    );
    t.equal(outcomes.size, cases.length, `each case was judged\n${stderr}`);
    for (const c of cases) {
      const o = outcomes.get(c.name);
      const got = o === undefined ? 'no outcome' : o.verdict === 'explained' ? o.rules.join(', ') : o.verdict;
      t.equal(
        got,
        c.expect,
        `${c.name}: ${c.expect}${o?.unexplained.length ? ` (${JSON.stringify(o.unexplained)})` : ''}`,
      );
    }
  });
}
