// docs/adding-a-stage.md, followed literally in a copy of the repository: its blocks written as
// they are, its diff applied, and then every command picks the new stage up (pnpm diff,
// experiment, check, observe, guide; the type checker and the linters; its own test) with no
// file changed outside its folder but pnpm-lock.yaml's lines for it.
import t from 'tap';
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, killGroup, ROOT } from '../scripts/lib/stage.js';
import { eventually } from '../scripts/lib/clients.js';

const DOC = readFileSync(join(ROOT, 'docs/adding-a-stage.md'), 'utf8');
const PACKAGE = 'packages/webserver-pids';

/** The doc's fenced blocks, each with its language and the line of prose just before it. */
const blocks = [...DOC.matchAll(/([^\n]*)\n\n```(\w*)\n([\s\S]*?)\n```\n/g)].map((m) => ({
  before: m[1] ?? '',
  lang: m[2] ?? '',
  text: `${m[3] ?? ''}\n`,
}));
/** The blocks that are a file, introduced by its path alone: "`packages/webserver-pids/check.ts`:". */
const files = blocks.flatMap((b) => {
  const path = /^`([^`]+)`:$/.exec(b.before)?.[1];
  return path === undefined ? [] : [{ path, text: b.text }];
});
const [copy] = blocks.filter((b) => b.lang === 'sh');
const [change] = blocks.filter((b) => b.lang === 'diff');
const guideSection = blocks.find((b) => /end of `docs\/guide\.md`:$/.test(b.before));

const scratch = mkdtempSync(join(tmpdir(), 'lsbaws-adding-a-stage-'));
const started: number[] = [];
t.teardown(() => {
  for (const pid of started) killGroup(pid);
  rmSync(scratch, { recursive: true, force: true });
});

/** The environment of a learner's shell: no tap, no loader of the test's own node. */
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(TAP|NODE_OPTIONS$|_TAPJS)/.test(k)),
) as NodeJS.ProcessEnv;

/** A command run in the scratch copy, as a learner types it there. */
function sh(command: string, timeout = 120_000): SpawnSyncReturns<string> {
  return spawnSync('bash', ['-euo', 'pipefail', '-c', command], { cwd: scratch, env, encoding: 'utf8', timeout });
}

const says = (r: SpawnSyncReturns<string>): string => `exit ${r.status}: ${r.stdout}${r.stderr}`.slice(-3000);

t.test('the doc has what this test follows', async (t) => {
  t.ok(copy, 'a sh block that makes the folder');
  t.ok(change, 'a diff block');
  t.ok(guideSection, 'a section to add to docs/guide.md');
  t.same(
    files.map((f) => f.path),
    [
      `${PACKAGE}/package.json`,
      `${PACKAGE}/experiments/pids.ts`,
      `${PACKAGE}/check.ts`,
      `${PACKAGE}/test/webserver-pids.test.ts`,
      `${PACKAGE}/README.md`,
    ],
    'a block for each file of the folder',
  );
});

t.test('a copy of the repository, the stage added as the doc says', async (t) => {
  // the tracked files, and what postinstall compiled (so that pnpm install compiles the new stage only)
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  for (const file of tracked.filter((f) => f !== '' && existsSync(join(ROOT, f))))
    cpSync(join(ROOT, file), join(scratch, file), { preserveTimestamps: true });
  const packages = tracked.filter((f) => /^packages\/[^/]+\/package\.json$/.test(f)).map(dirname);
  for (const dist of ['scripts/rechecks/dist', ...packages.map((p) => `${p}/dist`)]) {
    if (existsSync(join(ROOT, dist)))
      cpSync(join(ROOT, dist), join(scratch, dist), { recursive: true, preserveTimestamps: true });
  }
  const git = 'git -c user.name=test -c user.email=test@localhost';
  t.equal(sh(`git init -q && git add -A && ${git} commit -qm copy`).status, 0, 'the copy, committed');

  const made = sh(copy?.text ?? 'false');
  t.equal(made.status, 0, `the doc's first commands: ${says(made)}`);
  for (const f of files.filter((f) => !f.path.endsWith('/check.ts'))) writeFileSync(join(scratch, f.path), f.text);
  writeFileSync(join(scratch, 'change.diff'), change?.text ?? '');
  const applied = sh('git apply change.diff && rm change.diff');
  t.equal(applied.status, 0, `the doc's diff applies to the copied source: ${says(applied)}`);

  const t0 = Date.now();
  const install = sh('pnpm install --offline --frozen-lockfile=false');
  t.equal(install.status, 0, `pnpm install: ${says(install)}`);
  t.comment(`pnpm install --offline took ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const before = sh('pnpm check pids');
  t.equal(before.status, 2, 'pnpm check pids refuses before check.ts is written');
  t.match(before.stderr, `stage pids has no check yet: write ${PACKAGE}/check.ts`, 'and says where to write it');
  t.notMatch(before.stderr, /unknown stage/);

  for (const f of files.filter((f) => f.path.endsWith('/check.ts'))) writeFileSync(join(scratch, f.path), f.text);
  const status = sh('git status --porcelain --untracked-files=normal');
  t.same(status.stdout.split('\n').filter(Boolean).sort(), [' M pnpm-lock.yaml', `?? ${PACKAGE}/`], 'git status');
  const lock = sh('git diff --unified=0 pnpm-lock.yaml').stdout.split('\n');
  t.same(
    lock.filter((l) => /^-(?!--)/.test(l)),
    [],
    'pnpm-lock.yaml: nothing removed',
  );
  t.ok(lock.includes('+  packages/webserver-pids:'), 'its importer added');
});

t.test('the type checker and the linters pass it, and refuse an expectation without its faults', async (t) => {
  const lint = sh(`pnpm exec prettier --check ${PACKAGE} && pnpm exec eslint ${PACKAGE}`);
  t.equal(lint.status, 0, `prettier and eslint: ${says(lint)}`);
  const typecheck = sh('pnpm exec tsc -p scripts --noEmit');
  t.equal(typecheck.status, 0, `tsc -p scripts: ${says(typecheck)}`);
  const check = join(scratch, PACKAGE, 'check.ts');
  const good = readFileSync(check, 'utf8');
  t.match(good, /\n {8}faults: \['no-reaping', 'reaps-once'\],\n/);
  writeFileSync(check, good.replace(/\n {8}faults: \['no-reaping', 'reaps-once'\],\n/, '\n'));
  const missing = sh('pnpm exec tsc -p scripts --noEmit');
  writeFileSync(check, good);
  t.not(missing.status, 0, 'an expectation without faults does not type-check');
  t.match(
    missing.stdout,
    new RegExp(`${PACKAGE}/check\\.ts\\(\\d+,\\d+\\): error TS2741: Property 'faults' is missing`),
  );
});

t.test("pnpm diff 3g pids shows the doc's diff", async (t) => {
  const diff = sh('pnpm --silent diff 3g pids');
  t.equal(diff.status, 0, says(diff));
  t.equal(diff.stdout.slice(diff.stdout.indexOf('\n--- ') + 1), change?.text);
});

t.test('pnpm experiment lists pids beyond the article, and runs it', async (t) => {
  const list = sh('pnpm --silent experiment');
  t.match(list.stdout, /Beyond the article[^\n]*\n(?: {2}[^\n]*\n)*? {2}pids +pids {2}a new child for each request/);
  const file = join(scratch, PACKAGE, 'experiments/pids.ts');
  renameSync(file, `${file}.away`);
  const moved = sh('pnpm --silent experiment');
  renameSync(`${file}.away`, file);
  t.match(
    moved.stderr,
    `${PACKAGE}/package.json: "lsbaws.experiments" names pids, but ${PACKAGE}/experiments/pids.ts does not exist`,
    'an experiment listed and missing is an error naming the file',
  );
  const run = sh(`pnpm --silent experiment pids --requests 2 --port ${await freePort()}`);
  t.equal(run.status, 0, says(run));
  t.equal(run.stdout.match(/^ {2}Child PID: \d+\. Parent PID \d+$/gm)?.length, 2, 'two children printed their PIDs');
});

t.test("pnpm check pids holds the project's stage to the check the doc wrote", async (t) => {
  const check = sh(`pnpm --silent check pids --port ${await freePort()}`);
  t.equal(check.status, 0, says(check));
  t.match(
    check.stdout,
    /^2 of 2 of the design's expectations hold \(port \d+\): it behaves as this project's pids\.$/m,
  );
});

t.test('pnpm observe names the running stage', async (t) => {
  const port = await freePort();
  const stage = spawn('pnpm', ['--silent', '--filter', 'webserver-pids', 'start'], {
    cwd: scratch,
    env: { ...env, PORT: String(port) },
    detached: true,
  });
  if (stage.pid !== undefined) started.push(stage.pid);
  let output = '';
  stage.stdout.on('data', (d: Buffer) => (output += d.toString()));
  stage.stderr.on('data', (d: Buffer) => (output += d.toString()));
  await eventually('the stage to listen', () => output.includes(`Serving HTTP on port ${port}`), 60_000);
  const view = sh(`pnpm --silent observe ${port} --once`);
  killGroup(stage.pid);
  t.equal(view.status, 0, says(view));
  t.match(view.stdout, new RegExp(`^webserver-pids {2}server PID \\d+ {2}port ${port}`));
  t.match(view.stdout, /node dist\/webserver-pids\.js/);
});

t.test('its own test passes', async (t) => {
  const test = sh(`node --import tsx ${PACKAGE}/test/webserver-pids.test.ts`);
  t.equal(test.status, 0, says(test));
  t.match(test.stdout, /^# \{ total: 4, pass: 4 \}$/m);
});

t.test('pnpm guide pids fills the section the doc adds to docs/guide.md', async (t) => {
  appendFileSync(join(scratch, 'docs/guide.md'), `\n${guideSection?.text ?? ''}`);
  const guide = sh('pnpm --silent guide pids');
  t.equal(guide.status, 0, says(guide));
  const written = readFileSync(join(scratch, 'docs/guide.md'), 'utf8');
  t.match(written, /<!-- capture: experiment pids -->\n```text\n\$ pnpm experiment pids\n[\s\S]*?Child PID: \d+/);
  t.same(
    sh('git status --porcelain').stdout.split('\n').filter(Boolean).sort(),
    [' M docs/guide.md', ' M pnpm-lock.yaml', `?? ${PACKAGE}/`],
    'the guide is the one file outside the folder, and only for this optional section',
  );
});
