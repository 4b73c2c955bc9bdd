// scripts/node-lines.json is the one place a Node line is written down: what cannot read it (package.json,
// the stages' headers, the docs) is checked against it here. docs/new-node-line.md says how to add a line.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_LINES } from '../scripts/lib/node-lines.js';
import { stages } from '../scripts/lib/stages.js';
import { ROOT } from '../scripts/lib/stage.js';

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
/** The lines oldest first, as prose lists them: "22, 24 and 26" (or "22, 24 & 26" with and = '&'). */
const listed = (and: string): string => {
  const lines = NODE_LINES.map((l) => l.line).reverse();
  return lines.length === 1 ? `${lines[0]}` : `${lines.slice(0, -1).join(', ')} ${and} ${lines.at(-1)}`;
};

t.test(
  'scripts/with-node.sh --versions (sed, for .ci/run and every start) reads the versions JSON.parse reads',
  async (t) => {
    const out = execFileSync('bash', [join(ROOT, 'scripts', 'with-node.sh'), '--versions'], { encoding: 'utf8' });
    t.same(
      out.trim().split('\n'),
      NODE_LINES.map((l) => l.version),
    );
  },
);

t.test('each line is well formed, newest first', async (t) => {
  t.ok(NODE_LINES.length > 0, 'at least one line');
  for (const l of NODE_LINES) {
    t.match(l.version, new RegExp(`^${l.line}\\.\\d+\\.\\d+$`), `Node ${l.line}: an exact version of that line`);
    t.match(l.engines, new RegExp(`^\\^${l.line}\\.\\d+\\.\\d+$`), `Node ${l.line}: an engines range of that line`);
    t.match(l.mainThread, /^\S{1,15}$/, `Node ${l.line}: a thread name (at most 15 characters, as Linux keeps)`);
    t.ok(Number.isInteger(l.idleThreads) && l.idleThreads > 0, `Node ${l.line}: a thread count`);
  }
  const majors = NODE_LINES.map((l) => l.line);
  t.same(
    majors,
    [...majors].sort((a, b) => b - a),
    'newest first (.ci/run runs the whole suite on the first)',
  );
});

t.test("package.json's engines.node is the lines' ranges", async (t) => {
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
  t.equal(
    engines,
    NODE_LINES.map((l) => l.engines)
      .reverse()
      .join(' || '),
  );
});

t.test('every stage (and client3) says it was tested with these lines', async (t) => {
  const files = [...stages().map((s) => s.source), 'packages/client3/src/client3.ts'];
  for (const file of files) {
    const header = /Tested with Node (.+?) on Linux/.exec(read(file));
    t.equal(header?.[1], listed('&'), `${file}: "Tested with Node ${listed('&')} on Linux"`);
  }
});

t.test("README's supported lines, and docs/fork-in-node.md's table per line, are these lines", async (t) => {
  t.match(read('README.md'), `Node ${listed('and')}, the LTS lines`, 'README: "Supported: … Node 22, 24 and 26"');
  const doc = read('docs/fork-in-node.md');
  t.match(doc, `Node ${listed('and')}, the LTS lines`, "fork-in-node.md's opening names the lines");
  const rows = doc.split('\n').filter((line) => line.startsWith('| '));
  const cells = (row: string): string[] =>
    row
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
  const header = rows.find((r) => r.startsWith('| fact, re-check'));
  const names = rows.find((r) => r.startsWith("| the main thread's name"));
  t.ok(header !== undefined && names !== undefined, "the table has its header and the main thread's row");
  for (const l of NODE_LINES) {
    const column = cells(header ?? '').indexOf(`Node ${l.version}`);
    t.ok(column > 0, `a column for Node ${l.version}`);
    t.equal(cells(names ?? '')[column], `\`${l.mainThread}\``, `Node ${l.line}'s main thread is named ${l.mainThread}`);
  }
});
