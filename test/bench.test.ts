// `pnpm bench`, smoke-tested with a tiny run: it must produce every row, serve every request,
// and write the report and the chart. No figure is checked against a time: the machine is shared.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { must } from '../scripts/lib/must.js';
import { ROOT } from '../scripts/lib/stage.js';
import { parseAb } from '../scripts/bench/load.js';
import { parseOptions } from '../scripts/bench/options.js';
import type { BenchResult } from '../scripts/bench/run.js';
import { designSpecs } from '../scripts/bench/designs.js';

const AB_REPORT = `
Document Length:        14 bytes
Complete requests:      298
Failed requests:        3
   (Connect: 0, Receive: 1, Length: 2, Exceptions: 0)
Non-2xx responses:      1
Requests per second:    612.40 [#/sec] (mean)
Time per request:       32.658 [ms] (mean)
  50%     31
  99%     58
`;

t.test(
  "ab's report: failed requests count ab's failures, non-2xx answers and requests that never completed",
  async (t) => {
    const r = parseAb(AB_REPORT, 300, 0.5, null);
    t.equal(r.complete, 298);
    t.equal(r.failed, 3 + 1 + 2);
    t.equal(r.requestsPerSecond, 612.4);
    t.equal(r.p99Ms, 58);
    t.equal(
      parseAb('', 300, 0, 'apr_socket_connect(): Connection refused (111)').failed,
      300,
      'nothing completed: all failed',
    );
  },
);

t.test('options: defaults, LSBAWS_PY, and a refusal of what it does not know', async (t) => {
  const o = parseOptions([], { LSBAWS_PY: '/somewhere/lsbaws' });
  t.equal(o.requests, 4000);
  t.equal(o.out, join(ROOT, 'bench-report'), 'the report goes to bench-report/ unless told: docs/ only when asked');
  t.equal(parseOptions(['--out', 'docs'], {}).out, join(process.cwd(), 'docs'));
  t.ok(o.variants.includes('') && o.variants.includes('--jitless'), 'the candidates alone, and none');
  t.same(parseOptions(['--variants', 'none'], {}).variants, []);
  t.same(parseOptions(['--variants', ',UV_USE_IO_URING=0 --no-lazy'], {}).variants, [
    '',
    'UV_USE_IO_URING=0 --no-lazy',
  ]);
  t.equal(o.lsbawsPy, '/somewhere/lsbaws');
  t.equal(parseOptions(['--requests=500', '--only', 'ts-3g,c-3g'], {}).requests, 500);
  t.same(parseOptions(['--only', 'ts-3g,c-3g'], {}).only, ['ts-3g', 'c-3g']);
  t.throws(() => parseOptions(['--rounds', '0'], {}), /--rounds wants an integer >= 1/);
  t.throws(() => parseOptions(['--fast'], {}), /unknown option --fast/);
  t.equal(o.designs, true, 'the design table is measured by default');
  t.equal(o.idle, 500);
  t.equal(parseOptions(['--designs', 'no', '--idle', '0'], {}).designs, false);
  t.throws(() => parseOptions(['--designs', 'maybe'], {}), /--designs wants yes or no/);
});

t.test('the design table: every design answers, with its CPU, its memory with idle connections held', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'lsbaws-designs-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const args = ['scripts/bench.ts', '--only', 'designs', '--requests', '200', '--rounds', '1', '--idle', '20'];
  const run = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [...args, '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 600_000,
  });
  t.equal(run.status, 0, `pnpm bench --only designs exited 0\n${run.stderr}`);

  const result = JSON.parse(readFileSync(join(out, 'benchmarks.json'), 'utf8')) as BenchResult;
  const table = must(result.designs, 'the design table in benchmarks.json');
  t.same(result.forks, [], '--only designs: nothing else measured');
  const c = spawnSync('cc', ['--version']).status === 0;
  const expected = designSpecs(c ? null : 'no cc').filter((s) => s.skip === null);
  t.same(
    [...new Set(expected.map((s) => s.design))].sort(),
    ['3g', 'net', 'poll', 'prefork'],
    'webserver3g and every stage beyond the article, from the registry',
  );
  if (c)
    t.ok(
      ['c-3g', 'c-prefork', 'c-poll'].every((id) => expected.some((s) => s.id === id)),
      'the C equivalents',
    );
  for (const spec of expected) {
    const d = must(
      table.designs.find((x) => x.id === spec.id),
      `design ${spec.id} in benchmarks.json`,
    );
    t.equal(d.error, null, `${spec.id}: no error`);
    t.equal(d.runs.length, 1, `${spec.id}: one round`);
    t.equal(d.failed, 0, `${spec.id}: no failed request`);
    t.equal(d.runs[0]?.load.complete, 200, `${spec.id}: every request answered`);
    t.ok(d.cpuMsPer1000 >= 0, `${spec.id}: its CPU measured`);
    const idle = must(d.runs[0]?.idle, `${spec.id}: the idle connections measured`);
    t.equal(idle.connected, 20, `${spec.id}: 20 idle connections held`);
    t.ok(idle.pssMB > 0 && idle.rssMB >= idle.pssMB, `${spec.id}: PSS and RSS of its processes`);
    t.type(idle.answered, 'boolean');
  }
  const forking = must(
    table.designs.find((d) => d.id === 'ts-3g'),
    'webserver3g in the design table',
  );
  t.ok(forking.idleProcesses > 1, 'webserver3g forked for idle clients');
  t.equal(table.designs.find((d) => d.id === 'ts-poll')?.idleProcesses, 1, 'webserver-poll: one process');

  const md = readFileSync(join(out, 'benchmarks.md'), 'utf8');
  t.match(md, '## Server designs side by side');
  t.match(md, /^\| webserver-prefork\.ts \| prefork \| \*\*[\d,]+\*\* \|/m, 'the prefork row has a figure');
  t.match(md, /^- webserver-poll\.ts \/ webserver3g\.ts, requests per second: \*\*[\d.]+×\*\* .*: (met|not met)[.;]/m);
  const svg = readFileSync(join(out, 'benchmarks-designs.svg'), 'utf8');
  t.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  t.match(svg, /webserver-net\.ts/);
});

t.test('a tiny run writes benchmarks.md, .svg and .json with every row and no failed request', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'lsbaws-bench-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const args = [
    'scripts/bench.ts',
    '--requests',
    '300',
    '--concurrency',
    '5',
    '--rounds',
    '2',
    '--fork-iterations',
    '50',
    '--stability',
    '400',
    '--stability-chunks',
    '2',
    '--variants',
    ',UV_USE_IO_URING=0 --no-lazy',
    '--posix',
    'HEAD',
    '--startups',
    '2',
    '--out',
    out,
  ];
  const run = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  t.equal(run.status, 0, `pnpm bench exited 0\n${run.stderr}`);

  const result = JSON.parse(readFileSync(join(out, 'benchmarks.json'), 'utf8')) as BenchResult;
  const server = (id: string) =>
    must(
      result.servers.find((s) => s.id === id),
      `server ${id} in benchmarks.json`,
    );
  const c = spawnSync('cc', ['--version']).status === 0;
  const loops = [
    'loop-c',
    'loop-c-forkable',
    'loop-js-ffi-rs',
    'loop-js-koffi',
    'loop-js-child-koffi-write',
    'loop-js-child-koffi',
    'loop-js-child-ffi-rs',
    'loop-js-child-koffi-wsgi',
    'loop-js-child-koffi-wsgi-app',
    'loop-js-child-ffi-rs-wsgi-app',
    'loop-posix-accept',
    'loop-posix-fork',
  ];
  const measured = [
    'ts-3g',
    'ts-3g+v1',
    'ts-3g+v2',
    'ts-3h',
    'ts-floor',
    'ts-floor+plain',
    ...(c ? ['c-3g', ...loops] : []),
  ];
  t.equal(server('ts-3g+v1').label, 'webserver3g.ts, no speed flags');
  t.equal(server('ts-3g+v2').label, 'webserver3g.ts, UV_USE_IO_URING=0 --no-lazy');
  t.equal(server('ts-3g@HEAD').label, 'webserver3g.ts, @lsbaws/posix at HEAD');
  for (const id of measured) {
    t.equal(server(id).runs.length, 2, `${id}: two rounds`);
    t.equal(server(id).failed, 0, `${id}: no failed request`);
    t.ok(
      server(id).runs.every((r) => r.load.complete === 300),
      `${id}: every request completed`,
    );
  }
  for (const id of ['py-3g', 'py-3h']) {
    const s = server(id);
    if (s.skip !== null) t.match(s.skip, /lsbaws|Python 2/, `${id} skipped, with the reason`);
    else t.equal(s.failed, 0, `${id}: no failed request`);
  }
  t.ok(result.forks.find((f) => f.id === 'node')?.medianUs, 'fork latency through @lsbaws/posix measured');
  t.ok(result.forks.find((f) => f.id === 'node-plain')?.medianUs, '... and with no speed flags');
  for (const id of ['posix-getpid', 'ffi-rs-getpid', 'koffi-getpid', 'posix-write', 'ffi-rs-write', 'koffi-write'])
    t.ok((result.calls?.find((x) => x.id === id)?.ns ?? 0) > 0, `one C call, ${id}: measured`);
  for (const id of ['pnpm', 'pnpm-touched', 'node']) {
    const s = result.startups.find((x) => x.id === id);
    t.equal(s?.seconds.length, 2, `start-up, ${id}: two starts, each answered`);
  }
  t.equal(result.stability[0]?.chunks.length, 2, 'the memory run, in two parts');
  t.ok(
    result.stability[0]?.chunks.every((ch) => ch.failed === 0),
    'the memory run: no failed request',
  );

  const md = readFileSync(join(out, 'benchmarks.md'), 'utf8');
  for (const heading of [
    '## Requests per second',
    '## fork + _exit + waitpid',
    '## Start-up',
    '## webserver3g over 400 requests',
    ...(c ? ['## Where the time goes'] : []),
    '## One C call from JavaScript',
    '## Machine',
  ])
    t.match(md, heading);
  t.match(md, /^\| webserver3g\.ts, as started \| \*\*[\d,]+\*\* \|/m, 'the webserver3g row has a figure');
  t.match(md, /^\| `pnpm --filter webserver3g start`, nothing changed \| \*\*[\d.]+\*\* \|/m, 'so has its start-up');
  t.match(md, /!\[[^\]]*\]\(benchmarks\.svg\)/, 'the report shows the chart');
  const svg = readFileSync(join(out, 'benchmarks.svg'), 'utf8');
  t.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  t.match(svg, /webserver3g\.ts/);
});
