// `pnpm observe --svg`: the picture of a live 3d, parsed as XML and checked by its text and
// structure: the parent's PID, a connection with reference count 2 while parent and child hold
// it, then 1 once the child has exited, and that child drawn as a zombie.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { startStage, ROOT } from '../scripts/lib/stage.js';
import { eventually, openConnection, HELLO_REQUEST } from '../scripts/lib/clients.js';
import { zombies } from '../scripts/lib/procfs.js';
import { snapshot } from '../scripts/lib/observe-model.js';
import { renderSvg } from '../scripts/lib/observe-svg.js';
import { zombieCommand } from './fixture.js';

const TSX = join(ROOT, 'node_modules/.bin/tsx');

function observeCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(TSX, ['scripts/observe.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The SVG as a document; any XML error fails the parse. */
function parse(svg: string): Document {
  return new DOMParser({
    onError: (level, message) => {
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
}

function elements(root: Document | Element, tag: string): Element[] {
  return Array.from(root.getElementsByTagName(tag));
}

/** The <g> elements whose class list has cls. */
function groups(root: Document | Element, cls: string): Element[] {
  return elements(root, 'g').filter((g) => (g.getAttribute('class') ?? '').split(' ').includes(cls));
}

/** The text of every <text> under el, in document order. */
function texts(el: Document | Element): string[] {
  return elements(el, 'text').map((e) => e.textContent ?? '');
}

function processBox(doc: Document, pid: number): Element | undefined {
  return groups(doc, 'process').find((g) => g.getAttribute('data-pid') === String(pid));
}

function connectionBox(doc: Document, remotePort: number): Element | undefined {
  return groups(doc, 'connection').find((g) => g.getAttribute('data-remote') === `127.0.0.1:${remotePort}`);
}

/** The lines drawn from descriptor slots to the kernel object with this id, as 'PID fd'. */
function refsTo(doc: Document, id: string): string[] {
  return elements(doc, 'path')
    .filter((p) => p.getAttribute('class') === 'ref' && p.getAttribute('data-to') === id)
    .map((p) => `${p.getAttribute('data-pid')} ${p.getAttribute('data-fd')}`)
    .sort();
}

t.test(
  '3d as a picture: reference count 2 while parent and child hold a connection, then 1 and a zombie',
  async (t) => {
    const stage = await startStage('webserver3d');
    t.teardown(() => stage.stop());
    const server = stage.serverPid();
    if (server === null) throw new Error(`no server process; output:\n${stage.output}`);
    const dir = mkdtempSync(join(tmpdir(), 'observe-svg-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));

    // a client that has not sent its request yet: the child waits in recv(), parent and child hold the connection
    const waiting = await openConnection(stage.port);
    t.teardown(() => waiting.close());
    const child = await eventually('the child in recv() holding the connection with the parent', () => {
      const s = snapshot(server);
      const conn = s.connections.find((c) => c.remote[1] === waiting.localPort);
      const kid = s.processes.find((p) => p.role === 'child' && p.blockedIn === 'recv');
      return conn?.heldBy.length === 2 && kid ? kid.pid : undefined;
    });

    const file = join(dir, '3d.svg');
    const cli = observeCli([String(stage.port), '--svg', file]);
    t.equal(cli.status, 0, cli.stderr);
    t.match(cli.stdout, new RegExp(`3d\\.svg: webserver3d, server PID ${server}`));
    const doc = parse(readFileSync(file, 'utf8'));
    const svg = doc.documentElement;
    t.equal(svg?.nodeName, 'svg');
    t.equal(svg?.getAttribute('xmlns'), 'http://www.w3.org/2000/svg');
    t.equal(svg?.getAttribute('data-pid'), String(server));
    t.ok(
      texts(doc).some((s) => s.startsWith(`webserver3d: server PID ${server}, port ${stage.port}; 1 child;`)),
      'the caption names the stage, the server PID and the port',
    );

    const parent = processBox(doc, server);
    t.ok(parent, "the parent's box");
    if (!parent) return;
    t.equal(parent.getAttribute('data-role'), 'parent');
    t.ok(
      texts(parent).includes(`PID ${server}`) && texts(parent).includes('server (parent)'),
      "the parent's PID and role",
    );
    t.ok(
      texts(parent).includes('sleeping in poll()'),
      "the parent waits in poll(), where @lsbaws/posix's accept() waits",
    );
    const listening = groups(doc, 'listening')[0];
    t.ok(listening, 'the listening socket');
    t.ok(texts(listening ?? parent).includes(`0.0.0.0:${stage.port}`), 'with its address');
    t.same(
      groups(parent, 'slot')
        .filter((s) => s.getAttribute('data-kind') === 'listening')
        .map((s) => s.getAttribute('data-to')),
      [`listen-0.0.0.0:${stage.port}`],
      "one of the parent's slots refers to it",
    );

    const kid = processBox(doc, child);
    t.ok(kid, "the child's box");
    if (!kid) return;
    t.equal(kid.getAttribute('data-ppid'), String(server), 'a child of the server');
    t.ok(texts(kid).includes(`child of ${server}`), 'says whose child it is');
    t.ok(texts(kid).includes('sleeping in recv()'), 'the child waits in recv()');
    t.notOk(
      groups(kid, 'slot').some((s) => s.getAttribute('data-kind') === 'listening'),
      'the child closed its copy of the listening socket',
    );

    const shared = connectionBox(doc, waiting.localPort);
    t.ok(shared, 'the connection, by its socket pair');
    if (!shared) return;
    t.equal(shared.getAttribute('data-local'), `127.0.0.1:${stage.port}`);
    t.equal(shared.getAttribute('data-tcp-state'), 'ESTABLISHED');
    t.equal(shared.getAttribute('data-refcount'), '2');
    t.ok(texts(shared).includes('reference count 2'), 'reference count 2, in words');
    t.ok(texts(shared).includes('2'), '...and as the big number');
    const id = shared.getAttribute('id') ?? '';
    const holders = refsTo(doc, id).map((r) => Number(r.split(' ')[0]));
    t.same(holders.sort(), [server, child].sort(), 'lines from a slot of the parent and one of the child');
    const client = groups(doc, 'client').find((g) => g.getAttribute('data-pid') === String(process.pid));
    t.ok(client, 'the client end: this test process');
    t.ok(texts(client ?? doc).some((s) => s.startsWith('client end: fd ')));
    t.ok(texts(doc).includes('zombie: exited, not reaped'), 'the legend');
    t.same(groups(doc, 'zombie'), [], 'no zombie yet');

    // the child gets its request: it answers and exits, a zombie; the parent still holds the connection
    waiting.send(HELLO_REQUEST(stage.port));
    await eventually('the child a zombie', () => zombies(server).includes(child));
    const out = observeCli(['--pid', String(child), '--svg', '-']);
    t.equal(out.status, 0, out.stderr);
    const after = parse(out.stdout);
    t.equal(after.documentElement?.getAttribute('data-pid'), String(server), "a child's PID draws its whole server");
    const zombie = processBox(after, child);
    t.ok(zombie, 'the exited child is still drawn');
    if (!zombie) return;
    t.same((zombie.getAttribute('class') ?? '').split(' '), ['process', 'zombie'], 'as a zombie');
    t.equal(zombie.getAttribute('data-state'), 'Z');
    t.ok(texts(zombie).includes('ZOMBIE'), 'marked ZOMBIE');
    t.ok(
      texts(zombie).some((s) => new RegExp(`^${zombieCommand()}$`).test(s)),
      'named as ps names it',
    );
    t.same(groups(zombie, 'slot'), [], 'with no descriptors left');
    const alone = connectionBox(after, waiting.localPort);
    t.equal(alone?.getAttribute('data-refcount'), '1', 'the connection: reference count 1');
    t.ok(texts(alone ?? after).includes('reference count 1'));
    t.same(
      refsTo(after, alone?.getAttribute('id') ?? '').map((r) => Number(r.split(' ')[0])),
      [server],
      'held by the parent only',
    );
    t.ok(
      texts(after).some((s) =>
        s.startsWith(`webserver3d: server PID ${server}, port ${stage.port}; 1 child (1 zombie);`),
      ),
      'the caption counts the zombie',
    );
    t.equal(waiting.ended, false, 'so the client never sees its end');

    // the same snapshot gives the same picture
    const snap = snapshot(server);
    t.equal(renderSvg(snap), renderSvg(snap), 'deterministic');
  },
);

t.test('3b as a picture: a second connection waits in the listen queue, held by no descriptor', async (t) => {
  const stage = await startStage('webserver3b');
  t.teardown(() => stage.stop());
  const server = stage.serverPid();
  if (server === null) throw new Error(`no server process; output:\n${stage.output}`);
  // the first client sends nothing: the server waits in recv() for it and accepts nobody else
  const first = await openConnection(stage.port);
  t.teardown(() => first.close());
  const second = await openConnection(stage.port);
  t.teardown(() => second.close());
  await eventually('one accepted, one queued', () => {
    const s = snapshot(server);
    return s.connections.length === 1 && s.queued.length === 1 ? true : undefined;
  });
  const doc = parse(renderSvg(snapshot(server)));
  t.equal(
    connectionBox(doc, first.localPort)?.getAttribute('data-refcount'),
    '1',
    'the accepted one: reference count 1',
  );
  const queued = groups(doc, 'queued');
  t.equal(queued.length, 1, 'one connection in the listen queue');
  t.equal(queued[0]?.getAttribute('data-remote'), `127.0.0.1:${second.localPort}`);
  t.equal(queued[0]?.getAttribute('data-refcount'), '0', 'no descriptor refers to it yet');
  t.ok(texts(queued[0] ?? doc).includes('in the listen queue'));
  t.same(refsTo(doc, queued[0]?.getAttribute('id') ?? ''), [], 'no line from a slot');
  const ends = elements(doc, 'path').filter((p) => p.getAttribute('class') === 'peer');
  t.same(
    ends.map((p) => p.getAttribute('data-pid')),
    [String(process.pid), String(process.pid)],
    'this test holds the client end of both',
  );
});
