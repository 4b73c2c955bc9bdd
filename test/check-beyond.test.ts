// `pnpm check prefork|poll|net` against servers in C: the bench's programs of each design pass
// the check of their design, and the fork-per-connection server fails the others with the
// line that names the difference.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../scripts/lib/stage.js';
import { type ChecklistResult, findChecklist, runChecklist } from '../scripts/experiments/checklist.js';
import { PROGRAMS } from '../scripts/bench/servers.js';

const dir = mkdtempSync(join(tmpdir(), 'lsbaws-check-beyond-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Compiles scripts/bench/programs/c/NAME.c into dir; returns the program's path. */
function compiled(name: string): string {
  const program = join(dir, name);
  // server.c shares its loop with the bench's libserve.so: serve.c
  const sources = [join(PROGRAMS, 'c', `${name}.c`), ...(name === 'server' ? [join(PROGRAMS, 'c', 'serve.c')] : [])];
  execFileSync('gcc', ['-O2', '-o', program, ...sources], { stdio: 'pipe' });
  return program;
}

async function check(stage: string, server: string): Promise<ChecklistResult> {
  const c = await findChecklist(stage);
  if (c === undefined) throw new Error(`no check for ${stage}`);
  return runChecklist(c, { server, cwd: dir, port: await freePort() });
}

const failing = (r: ChecklistResult): string =>
  r.lines
    .filter((l) => !l.ok)
    .map((l) => `${l.text}: ${l.measured}`)
    .join('; ');

t.test('scripts/bench/programs/c/prefork.c passes prefork', async (t) => {
  const r = await check('prefork', compiled('prefork'));
  t.ok(r.passed, failing(r) || 'every expectation holds');
});

t.test('scripts/bench/programs/c/poll.c passes poll', async (t) => {
  const r = await check('poll', compiled('poll'));
  t.ok(r.passed, failing(r) || 'every expectation holds');
});

t.test('a fork-per-connection server (server.c, a right 3g) is neither pre-forked nor one process', async (t) => {
  const server = compiled('server');
  const prefork = await check('prefork', server);
  t.notOk(prefork.passed);
  const served = prefork.lines.find((l) => /^the children forked at start serve every connection/.test(l.text));
  t.equal(served?.ok, false, 'its connections are served by children forked for them');
  t.match(served?.measured ?? '', /not among the children at start/);
  const poll = await check('poll', server);
  t.notOk(poll.passed);
  const one = poll.lines.find((l) => /^holds every idle connection in one process/.test(l.text));
  t.equal(one?.ok, false, 'it needs a child per idle connection');
});
