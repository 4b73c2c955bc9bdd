// The README's Quick start on any machine: scripts/start.sh runs a stage on a Node line the project
// supports whatever node the machine came with (the newest line, fetched once, said in one line), or
// refuses before serving, in one line; and on a platform @lsbaws/posix does not run on, it refuses in
// one line naming what to use instead (the library throws; start prints, with no stack trace).
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { ROOT, START_SCRIPT, freePort, killGroup } from '../scripts/lib/stage.js';
import { curl, eventually } from '../scripts/lib/clients.js';
import { listenerOf } from '../scripts/lib/procfs.js';
import { must } from '../scripts/lib/must.js';
import { NODE_LINES } from '../scripts/lib/node-lines.js';
import { UnsupportedPlatformError, assertSupported, unsupported } from '@lsbaws/posix/platform';

const PACKAGE = join(ROOT, 'packages', 'webserver3g');
const LINES = NODE_LINES.map((l) => l.version);
const NEWEST = LINES[0] ?? '';
const CACHE = process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? '', '.cache');
const OLD = unsupportedNode();
const SKIP = { skip: OLD === undefined ? 'no node of an unsupported line on this machine' : false };
const scratch = mkdtempSync(join(tmpdir(), 'lsbaws-start-node-'));
t.teardown(() => rmSync(scratch, { recursive: true, force: true }));

/** A node on this machine whose line the project does not support (Node 20 here), or undefined. */
function unsupportedNode(): string | undefined {
  const candidates = [...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'node')), '/usr/local/bin/node'];
  return candidates.find((node) => {
    const r = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    const line = r.stdout?.trim().split('.')[0];
    return r.status === 0 && line !== undefined && !LINES.some((l) => l.split('.')[0] === line);
  });
}

/** start.sh's process, its output so far, and a stop that ends its process group. */
function startSh(args: string[], env: Record<string, string | undefined>, program = 'pnpm') {
  const child = spawn(program, args, {
    cwd: PACKAGE,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '', status: undefined as number | null | undefined };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      out.status = code;
      resolve();
    }),
  );
  return { out, exited, stop: () => killGroup(child.pid) };
}

t.test(
  'with Node 20 first on PATH, `pnpm --filter webserver3g start` runs on the newest line and serves',
  SKIP,
  async (t) => {
    const old = must(OLD, 'an unsupported node');
    const oldVersion = spawnSync(old, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    const port = await freePort();
    const run = startSh(['--filter', 'webserver3g', 'start'], {
      PATH: `${dirname(old)}${delimiter}${process.env.PATH ?? ''}`,
      PORT: String(port),
    });
    t.teardown(run.stop);
    await eventually(
      'Serving HTTP',
      () => run.out.stdout.includes('Serving HTTP') || run.out.status !== undefined,
      60_000,
    );
    const said = run.out.stderr.split('\n').filter((l) => l.startsWith('Node '));
    t.same(
      said,
      [
        `Node ${oldVersion} is not one of the lines this project supports (22, 24, 26): running on Node ${NEWEST}, ` +
          `from ${join(CACHE, 'lsbaws-ts', 'node', NEWEST)} ` +
          '(fetched once from the npm registry)',
      ],
      'one line says which node it runs on',
    );
    const server = listenerOf(port);
    t.ok(server, 'a process listens on the port');
    if (server === null) return;
    t.match(
      readlinkSync(`/proc/${server}/exe`),
      new RegExp(`/${NEWEST.replace(/\./g, '\\.')}/`),
      "and it is the newest line's node",
    );
    // on Node 20 itself the first request was where it died
    for (let i = 0; i < 3; i++) t.equal((await curl([`http://127.0.0.1:${port}/hello`])).stdout, 'Hello, World!\n');
    t.notMatch(run.out.stderr, /Error|^\s+at /m, 'no error, no stack trace');
  },
);

t.test('where the newest line cannot be fetched, start refuses before serving, in one line', SKIP, async (t) => {
  const old = must(OLD, 'an unsupported node');
  const closed = await freePort(); // nothing listens there: the registry cannot be reached
  const run = startSh(
    [START_SCRIPT, 'dist/webserver3g.js'],
    {
      PATH: `${dirname(old)}${delimiter}${process.env.PATH ?? ''}`,
      PORT: String(await freePort()),
      XDG_CACHE_HOME: mkdtempSync(join(scratch, 'cache-')),
      npm_config_registry: `http://127.0.0.1:${closed}/`,
      npm_config_fetch_retries: '0',
      npm_package_name: 'webserver3g',
      npm_lifecycle_event: 'start',
    },
    'sh',
  );
  t.teardown(run.stop);
  await Promise.race([run.exited, new Promise((r) => setTimeout(r, 120_000).unref())]);
  t.equal(run.out.status, 1, 'exit status 1');
  t.equal(run.out.stdout, '', 'nothing served');
  t.match(
    run.out.stderr,
    new RegExp(
      `^Node \\S+ is not one of the lines this project supports \\(22, 24, 26\\), and Node 26 could not be fetched ` +
        'from the npm registry: install one of them, or run `pnpm with-node 26 pnpm --filter webserver3g start` ' +
        'where the registry can be reached\\n$',
    ),
    'one line: the supported lines and the command that runs on one',
  );
});

t.test('on a platform @lsbaws/posix does not support, start refuses in one line, before serving', async (t) => {
  for (const [platform, instead] of [
    ['darwin', 'use a Linux virtual machine'],
    ['win32', 'use WSL 2'],
  ] as const) {
    // the machine a learner on macOS or Windows has, as Node reports it to the check
    const fake = join(scratch, `${platform}.mjs`);
    writeFileSync(fake, `Object.defineProperty(process, 'platform', { value: '${platform}' });\n`);
    const run = startSh(
      [START_SCRIPT, 'dist/webserver3g.js'],
      {
        PORT: String(await freePort()),
        NODE_OPTIONS: `--import=${fake}`,
      },
      'sh',
    );
    t.teardown(run.stop);
    await Promise.race([run.exited, new Promise((r) => setTimeout(r, 60_000).unref())]);
    t.equal(run.out.status, 1, `${platform}: exit status 1`);
    t.equal(run.out.stdout, '', `${platform}: nothing served`);
    t.match(
      run.out.stderr,
      new RegExp(`^@lsbaws/posix runs on Linux with glibc on x86_64 or arm64, not on [^\\n]*: ${instead}[^\\n]*\\n$`),
      `${platform}: one line, what to use instead`,
    );
  }
});

t.test('the check, fed machines: what each is told to use instead', async (t) => {
  const linux = { platform: 'linux', arch: 'x64', glibc: '2.36' };
  t.equal(unsupported(linux), null, 'Linux x86_64 with glibc runs it');
  t.equal(unsupported({ ...linux, arch: 'arm64' }), null, 'so does arm64');
  t.match(unsupported({ ...linux, platform: 'darwin', arch: 'arm64' }), /not on macOS: use a Linux virtual machine/);
  t.match(unsupported({ ...linux, platform: 'win32' }), /not on Windows: use WSL 2/);
  t.match(
    unsupported({ ...linux, glibc: undefined }),
    /not on a Linux without glibc \(musl, as on Alpine\): use a glibc distribution/,
  );
  t.match(unsupported({ ...linux, arch: 'riscv64' }), /not on Linux on riscv64: use an x86_64 or arm64 machine/);
  t.match(unsupported({ ...linux, platform: 'freebsd' }), /not on freebsd: use a Linux machine/);
  t.throws(() => assertSupported({ ...linux, platform: 'darwin' }), UnsupportedPlatformError, 'the library throws');
  t.doesNotThrow(() => assertSupported(), 'and not on this machine');
  for (const m of [
    { ...linux, platform: 'darwin' },
    { ...linux, platform: 'win32' },
    { ...linux, glibc: undefined },
  ])
    t.notMatch(unsupported(m) ?? '', /\n/, `${m.platform}: one line`);
});
