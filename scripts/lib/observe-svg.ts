/**
 * An observe-model Snapshot drawn as one SVG picture, in the spirit of the article's figures:
 * each process a box (PID, role, state), its descriptors as numbered slots, lines from the slots
 * to the kernel objects they refer to (the listening socket, each connection with its socket
 * pair, TCP state and reference count), and the client process at the far end when it runs on
 * this machine. A zombie is a red box with a dashed outline; a legend explains the marks.
 *
 * The layout is this file's own, not a layout engine's: three fixed columns (processes, kernel
 * objects, clients), each stacked top to bottom, a kernel object placed level with the first
 * slot that refers to it, a client level with its first connection. The pictures have at most a
 * few dozen boxes, and a fixed column layout keeps the article's left-to-right reading (process,
 * descriptor, kernel, client) that a general graph layout would not promise. It is deterministic:
 * the same snapshot gives the same bytes. Every label is an SVG <text>, and the groups carry
 * data-* attributes (PID, state, reference count), so that tests and readers can search it.
 */
import type { Connection, FdInfo, ProcessInfo, Snapshot } from './observe-model.js';
import { shortCommand } from './observe-model.js';
import { ranges } from './observe-render.js';

export interface SvgOptions {
  /** At most this many children are drawn; the rest are summed up in one box (default 6). */
  maxChildren?: number;
  /** At most this many descriptor slots per process (default 10); the rest are summed up. */
  maxSlots?: number;
  /** At most this many connections are drawn (default 10). */
  maxConnections?: number;
}

// one monospace font, so that text widths are known: DejaVu Sans Mono and its peers advance 0.6 em
const FONT = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace";
const SIZE = 13;
const CHAR = SIZE * 0.6;
const LINE = 18;
const PAD = 8;
const GAP = 14;
const INDENT = 14;

// three columns in 980 pixels, about the width a README shows an image at without shrinking it
const WIDTH = 980;
const PROC_X = 12;
const PROC_W = 384;
const KERNEL_X = 456;
const KERNEL_W = 296;
const CLIENT_X = 800;
const CLIENT_W = 168;
const TOP = 62;

const INK = '#1f2328';
const MUTED = '#59636e';
const LOOK = {
  process: { fill: '#eef4fb', stroke: '#3465a4', ink: INK },
  zombie: { fill: '#fdecea', stroke: '#c62828', ink: '#b71c1c' },
  stopped: { fill: '#fff4e0', stroke: '#c77700', ink: '#8a5300' },
  client: { fill: '#f3f0fa', stroke: '#6a4c93', ink: INK },
};
/** The colour of a line and of the kernel object at its end. */
const LINK = {
  listen: '#3465a4',
  single: '#2e7d32',
  shared: '#d35400',
  closing: '#8c959f',
  client: '#6a4c93',
};
type LinkKind = keyof typeof LINK;

/** Escapes text for SVG character data and attribute values. */
function esc(s: string | number): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${x}" y="${y}"${attrs ? ' ' + attrs : ''}>${esc(s)}</text>`;
}

/** s cut to fit width pixels, with an ellipsis. */
function fit(s: string, width: number): string {
  const max = Math.floor(width / CHAR);
  return s.length <= max ? s : s.slice(0, Math.max(1, max - 1)) + '…';
}

/** A cubic curve from (x1, y1) to (x2, y2), leaving and arriving horizontally. */
function curve(x1: number, y1: number, x2: number, y2: number): string {
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

const addr = ([ip, port]: [string, number]): string => `${ip}:${port}`;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A connection's id in the picture, from its socket pair: 'conn-127.0.0.1:8888-127.0.0.1:51234'. */
export function connectionId(c: { local: [string, number]; remote: [string, number] }): string {
  return `conn-${addr(c.local)}-${addr(c.remote)}`;
}

/** What a process is doing, in the article's words: 'sleeping in accept()', 'zombie', 'stopped'. */
export function stateText(p: ProcessInfo): string {
  if (p.state === 'Z') return 'zombie';
  if (p.blockedIn) return `${p.stateWord} in ${p.blockedIn}()`;
  return p.stateWord;
}

/** One line about the whole picture: 'webserver3d: server PID 1234, port 8888; 2 children (1 zombie); 1 connection'. */
export function caption(snap: Snapshot): string {
  const kids = snap.processes.filter((p) => p.role === 'child').length;
  return (
    `${snap.stage}: server PID ${snap.pid}` +
    (snap.ports.length ? `, port ${snap.ports.join(', ')}` : '') +
    `; ${plural(kids, 'child', 'children')}` +
    (snap.zombies ? ` (${plural(snap.zombies, 'zombie')})` : '') +
    `; ${plural(snap.connections.length, 'connection')}` +
    (snap.sharedConnections ? ` (${snap.sharedConnections} held by 2 processes or more)` : '')
  );
}

interface Slot {
  /** The descriptor number, or -1 for a line that sums several up. */
  fd: number;
  label: string;
  kind: FdInfo['kind'] | 'more';
  /** The id of the kernel object it is drawn to, if any. */
  to?: string;
  /** Its baseline. */
  y: number;
}

interface ProcBox {
  p: ProcessInfo;
  x: number;
  y: number;
  w: number;
  h: number;
  rows: Row[];
  slots: Slot[];
}

/** A line of a process box's header: a pill (state) and text. */
interface Row {
  pill?: { text: string; fill: string; ink: string };
  text: string;
  cls: string;
  ink: string;
  bold?: boolean;
  /** Muted text after it ('server (parent)' after the PID). */
  after?: string;
}

interface KernelBox {
  id: string;
  /** A connection waiting in the listen queue is 'queued': no descriptor refers to it yet. */
  kind: 'listening' | 'connection' | 'queued';
  link: LinkKind;
  y: number;
  h: number;
  lines: string[];
  refcount: number;
  conn?: Connection;
  /** The socket pair and TCP state of a connection, accepted or queued. */
  pair?: { local: [string, number]; remote: [string, number]; state: string };
  /** Who holds the client end. */
  peers?: Connection['peer'];
}

interface ClientBox {
  pid: number;
  comm: string;
  y: number;
  h: number;
  ends: Array<{ to: KernelBox; fd: number }>;
}

const STD = ['stdin', 'stdout', 'stderr'];

function slotsOf(p: ProcessInfo, max: number): Array<Omit<Slot, 'y'>> {
  const slots: Array<Omit<Slot, 'y'>> = [];
  const runtime = p.fds.filter((f) => f.kind === 'runtime');
  for (const f of p.fds) {
    if (f.kind === 'runtime') {
      if (f === runtime[0]) {
        slots.push({
          fd: -1,
          label: `${ranges(runtime.map((r) => r.fd))}: Node's event loop (${runtime.length})`,
          kind: 'runtime',
        });
      }
    } else if (f.kind === 'listening' && f.tcp) {
      slots.push({ fd: f.fd, label: 'listening socket', kind: f.kind, to: `listen-${addr(f.tcp.local)}` });
    } else if (f.kind === 'connection' && f.tcp) {
      slots.push({
        fd: f.fd,
        label: `connection, client port ${f.tcp.remote[1]}`,
        kind: f.kind,
        to: connectionId(f.tcp),
      });
    } else {
      slots.push({ fd: f.fd, label: `${f.fd <= 2 ? `${STD[f.fd]}: ` : ''}${f.description}`, kind: f.kind });
    }
  }
  if (slots.length <= max) return slots;
  const rest = slots.slice(max - 1);
  const conns = rest.filter((s) => s.kind === 'connection').length;
  return [
    ...slots.slice(0, max - 1),
    {
      fd: -1,
      label: `${rest.length} more descriptors${conns ? ` (${plural(conns, 'connection')})` : ''}`,
      kind: 'more',
    },
  ];
}

/** The header rows of a process box; explain: the first zombie also says what a zombie is. */
function rowsOf(p: ProcessInfo, explain: boolean): Row[] {
  const zombie = p.state === 'Z';
  const stopped = p.state === 'T' || p.state === 't';
  const look = zombie ? LOOK.zombie : stopped ? LOOK.stopped : LOOK.process;
  const rows: Row[] = [
    {
      text: `PID ${p.pid}`,
      after: p.role === 'parent' ? 'server (parent)' : `child of ${p.ppid}`,
      cls: 'pid',
      ink: INK,
      bold: true,
    },
  ];
  if (zombie) {
    rows.push({
      pill: { text: 'ZOMBIE', fill: look.stroke, ink: '#ffffff' },
      text: `[${p.comm}] <defunct>`,
      cls: 'state',
      ink: look.ink,
    });
    if (explain) rows.push({ text: 'exited; its parent has not wait()ed for it', cls: 'note', ink: look.ink });
  } else {
    const pill = stopped
      ? { text: 'STOPPED', fill: look.stroke, ink: '#ffffff' }
      : { text: stateText(p), fill: '#ffffff', ink: INK };
    rows.push({ pill, text: '', cls: 'state', ink: INK });
    rows.push({
      text: shortCommand(p.argv) + (p.threads > 1 ? `  (${p.threads} threads)` : ''),
      cls: 'command',
      ink: MUTED,
    });
  }
  const signals: string[] = [];
  // a zombie's masks are those it died with: nothing can be delivered to it any more
  if (!zombie && p.signals.caught.includes('SIGCHLD')) signals.push('has a SIGCHLD handler');
  if (!zombie && p.signals.pending.length > 0) signals.push(`pending: ${p.signals.pending.join(', ')}`);
  if (signals.length > 0) rows.push({ text: signals.join('; '), cls: 'signals', ink: MUTED });
  return rows;
}

/** The picture of one snapshot. */
export function renderSvg(snap: Snapshot, options: SvgOptions = {}): string {
  const maxChildren = options.maxChildren ?? 6;
  const kids = snap.processes.filter((p) => p.role === 'child');
  const shown = snap.processes.filter((p) => p.role === 'parent' || kids.indexOf(p) < maxChildren);
  const hidden = kids.slice(maxChildren);

  // column 1: the server first, each child below its parent, indented
  const boxes: ProcBox[] = [];
  let y = TOP;
  for (const p of shown) {
    const rows = rowsOf(p, p.state === 'Z' && p === shown.find((q) => q.state === 'Z'));
    const slots = p.state === 'Z' ? [] : slotsOf(p, options.maxSlots ?? 10);
    const firstSlot = y + PAD + 13 + rows.length * LINE + 6;
    const lastBaseline =
      slots.length > 0 ? firstSlot + (slots.length - 1) * LINE : y + PAD + 13 + (rows.length - 1) * LINE;
    const x = PROC_X + p.depth * INDENT;
    const box: ProcBox = { p, x, y, w: PROC_W - p.depth * INDENT, h: lastBaseline + 5 + PAD - y, rows, slots: [] };
    box.slots = slots.map((s, i) => ({ ...s, y: firstSlot + i * LINE }));
    boxes.push(box);
    y += box.h + GAP;
  }
  const more = hidden.length > 0 ? { y, h: PAD * 2 + LINE * 2 } : null;
  const procBottom = more ? more.y + more.h + GAP : y;

  // column 2: the listening sockets and the connections a drawn slot refers to, each level with its first slot
  const slotYs = new Map<string, number>();
  for (const b of boxes) for (const s of b.slots) if (s.to && !slotYs.has(s.to)) slotYs.set(s.to, s.y);
  const kernel: KernelBox[] = [];
  const listening = snap.processes.flatMap((p) => p.fds).filter((f) => f.kind === 'listening' && f.tcp);
  for (const local of [...new Set(listening.map((f) => addr(f.tcp?.local ?? ['', 0])))]) {
    const refcount = listening.filter((f) => addr(f.tcp?.local ?? ['', 0]) === local).length;
    const port = Number(local.split(':').pop());
    const queued = snap.queued.filter((q) => q.local[1] === port).length;
    const lines = ['listening socket  LISTEN', local, `reference count ${refcount}`];
    if (queued > 0) lines.push(`${queued} in its queue, not accept()ed`);
    kernel.push({ id: `listen-${local}`, kind: 'listening', link: 'listen', y: 0, h: 0, lines, refcount });
  }
  const conns = snap.connections.filter((c) => slotYs.has(connectionId(c)));
  const drawn = conns.slice(0, options.maxConnections ?? 10);
  for (const c of drawn) {
    const refcount = c.heldBy.length;
    const lines = [
      `connection  ${c.state}`,
      `{${addr(c.local)},`,
      ` ${addr(c.remote)}}`,
      `reference count ${refcount}`,
    ];
    if (c.state === 'CLOSE_WAIT') lines.push('the client has closed its end');
    const link: LinkKind = c.state === 'CLOSE_WAIT' ? 'closing' : refcount > 1 ? 'shared' : 'single';
    kernel.push({
      id: connectionId(c),
      kind: 'connection',
      link,
      y: 0,
      h: 0,
      lines,
      refcount,
      conn: c,
      pair: c,
      peers: c.peer,
    });
  }
  // the first few connections waiting in a listen queue, below their listening socket
  const queued = snap.queued.slice(0, 3);
  for (const q of queued) {
    const lines = ['in the listen queue', `{${addr(q.local)},`, ` ${addr(q.remote)}}`, 'not accept()ed: no descriptor'];
    const listen = `listen-0.0.0.0:${q.local[1]}`;
    const y = slotYs.get(listen) ?? slotYs.get(`listen-${addr(q.local)}`) ?? TOP;
    slotYs.set(`queued-${connectionId(q)}`, y + 0.5);
    kernel.push({
      id: `queued-${connectionId(q)}`,
      kind: 'queued',
      link: 'closing',
      y: 0,
      h: 0,
      lines,
      refcount: 0,
      pair: q,
      peers: q.peer,
    });
  }
  const wanted = (k: KernelBox): number => (slotYs.get(k.id) ?? TOP) - LINE;
  kernel.sort((a, b) => wanted(a) - wanted(b));
  let ky = TOP;
  for (const k of kernel) {
    k.h = PAD * 2 + k.lines.length * LINE;
    k.y = Math.max(ky, wanted(k));
    ky = k.y + k.h + GAP;
  }
  const undrawn = snap.connections.length - drawn.length;
  const kernelBottom = undrawn > 0 ? ky + LINE + GAP : ky;

  // column 3: the processes holding the client end of a connection, on this machine
  const byPid = new Map<number, ClientBox>();
  for (const k of kernel) {
    for (const peer of k.peers ?? []) {
      const c = byPid.get(peer.pid) ?? { pid: peer.pid, comm: peer.comm, y: 0, h: PAD * 2 + LINE * 2, ends: [] };
      c.ends.push({ to: k, fd: peer.fd });
      byPid.set(peer.pid, c);
    }
  }
  const clients = [...byPid.values()];
  let cy = TOP;
  for (const c of clients) {
    c.y = Math.max(cy, c.ends[0]?.to.y ?? TOP);
    cy = c.y + c.h + GAP;
  }

  const height = Math.max(procBottom, kernelBottom, cy) + 74;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" ` +
      `viewBox="0 0 ${WIDTH} ${height}" font-family="${esc(FONT)}" font-size="${SIZE}" ` +
      `fill="${INK}" data-stage="${esc(snap.stage)}" data-pid="${snap.pid}">`,
  );
  out.push(`<title>${esc(caption(snap))}</title>`);
  out.push(`<defs>${(Object.keys(LINK) as LinkKind[]).map(arrow).join('')}</defs>`);
  out.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
  out.push(
    text(PROC_X, 24, fit(caption(snap), WIDTH - 2 * PROC_X), 'class="caption" font-size="14" font-weight="bold"'),
  );
  out.push(text(PROC_X, 46, 'processes and their descriptors', `fill="${MUTED}"`));
  out.push(text(KERNEL_X, 46, 'in the kernel', `fill="${MUTED}"`));
  if (clients.length > 0) out.push(text(CLIENT_X, 46, 'client processes', `fill="${MUTED}"`));

  // lines first, so that the boxes cover their ends
  const byId = new Map(kernel.map((k) => [k.id, k]));
  const boxOf = new Map(boxes.map((b) => [b.p.pid, b]));
  for (const b of boxes) {
    const parent = boxOf.get(b.p.ppid);
    if (b.p.role === 'child' && parent) {
      const x = parent.x + INDENT / 2;
      out.push(
        `<path class="fork" d="M${x},${parent.y + parent.h} V${b.y + 16} ` +
          `H${b.x}" fill="none" stroke="${MUTED}" stroke-width="1.5"/>`,
      );
    }
  }
  if (more && boxes[0]) {
    const x = boxes[0].x + INDENT / 2;
    out.push(
      `<path class="fork" d="M${x},${boxes[0].y + boxes[0].h} V${more.y + 16} ` +
        `H${PROC_X + INDENT}" fill="none" stroke="${MUTED}" stroke-width="1.5"/>`,
    );
  }
  for (const b of boxes) {
    for (const s of b.slots) {
      const k = s.to === undefined ? undefined : byId.get(s.to);
      if (!k) continue;
      out.push(
        `<path class="ref" data-pid="${b.p.pid}" data-fd="${s.fd}" ` +
          `data-to="${esc(k.id)}" d="${curve(b.x + b.w, s.y - 4, KERNEL_X, k.y + PAD + 9)}" ` +
          `fill="none" stroke="${LINK[k.link]}" stroke-width="2" marker-end="url(#arrow-${k.link})"/>`,
      );
    }
  }
  // a queued connection hangs from its listening socket
  for (const k of kernel) {
    const listen =
      k.kind === 'queued' && k.pair
        ? (byId.get(`listen-0.0.0.0:${k.pair.local[1]}`) ?? byId.get(`listen-${addr(k.pair.local)}`))
        : undefined;
    if (!listen) continue;
    out.push(
      `<path class="queue" d="M${KERNEL_X + 24},${listen.y + listen.h} V${k.y}" ` +
        `fill="none" stroke="${LINK.listen}" stroke-width="2" stroke-dasharray="4 3"/>`,
    );
  }
  for (const c of clients) {
    for (const end of c.ends) {
      out.push(
        `<path class="peer" data-pid="${c.pid}" data-fd="${end.fd}" ` +
          `data-to="${esc(end.to.id)}" ` +
          `d="${curve(KERNEL_X + KERNEL_W, end.to.y + PAD + 9, CLIENT_X, c.y + PAD + 9)}" ` +
          `fill="none" stroke="${LINK.client}" stroke-width="1.5" stroke-dasharray="5 3"/>`,
      );
    }
  }

  for (const b of boxes) out.push(processBox(b));
  if (more) out.push(moreChildren(hidden, more.y, more.h));
  for (const k of kernel) out.push(kernelBox(k));
  if (undrawn > 0)
    out.push(
      text(
        KERNEL_X,
        ky + 13,
        `… and ${plural(undrawn, 'more connection')}`,
        `class="more-connections" fill="${MUTED}"`,
      ),
    );
  for (const c of clients) out.push(clientBox(c));
  out.push(legend(height - 62));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function arrow(kind: LinkKind): string {
  return (
    `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">` +
    `<path d="M0,0 L10,5 L0,10 z" fill="${LINK[kind]}"/></marker>`
  );
}

function pillWidth(s: string): number {
  return s.length * CHAR + 14;
}

function processBox(b: ProcBox): string {
  const { p, x, y, w, h } = b;
  const zombie = p.state === 'Z';
  const stopped = p.state === 'T' || p.state === 't';
  const look = zombie ? LOOK.zombie : stopped ? LOOK.stopped : LOOK.process;
  const classes = ['process', zombie ? 'zombie' : '', stopped ? 'stopped' : ''].filter(Boolean).join(' ');
  const who = p.role === 'parent' ? 'the server' : `a child of PID ${p.ppid}`;
  const parts = [
    `<g class="${classes}" data-pid="${p.pid}" ` +
      `data-ppid="${p.ppid}" data-role="${p.role}" data-state="${esc(p.state)}">`,
    `<title>${esc(`PID ${p.pid}, ${who}: ${stateText(p)}`)}</title>`,
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="8" fill="${look.fill}" stroke="${look.stroke}" ` +
      `stroke-width="${zombie ? 2.5 : 1.5}"${zombie ? ' stroke-dasharray="7 4"' : ''}/>`,
  ];
  b.rows.forEach((row, i) => {
    const base = y + PAD + 13 + i * LINE;
    let tx = x + PAD;
    if (row.pill) {
      const pw = pillWidth(row.pill.text);
      parts.push(
        `<rect x="${tx}" y="${base - 13}" width="${pw}" height="18" ` +
          `rx="9" fill="${row.pill.fill}" stroke="${look.stroke}"/>`,
      );
      parts.push(text(tx + 7, base, row.pill.text, `class="state" font-weight="bold" fill="${row.pill.ink}"`));
      tx += pw + 8;
    }
    if (row.text) {
      const attrs = `class="${row.cls}" fill="${row.ink}"${row.bold ? ' font-weight="bold"' : ''}`;
      parts.push(text(tx, base, fit(row.text, x + w - PAD - tx), attrs));
      tx += (row.text.length + 1) * CHAR;
    }
    if (row.after) parts.push(text(tx, base, fit(row.after, x + w - PAD - tx), `class="role" fill="${MUTED}"`));
  });
  if (!zombie && b.slots.length === 0) {
    parts.push(text(x + PAD, y + PAD + 13 + b.rows.length * LINE, '(descriptors not readable)', `fill="${MUTED}"`));
  }
  for (const s of b.slots) {
    const linked = s.to !== undefined;
    const sx = x + PAD;
    parts.push(
      `<g class="slot" data-fd="${s.fd}" data-kind="${s.kind}"${s.to ? ` data-to="${esc(s.to)}"` : ''}>` +
        `<rect x="${sx}" y="${s.y - 13}" width="34" height="17" fill="#ffffff" stroke="${linked ? INK : '#8c959f'}"/>` +
        text(
          sx + 17,
          s.y,
          s.fd >= 0 ? String(s.fd) : '…',
          `class="fd" text-anchor="middle"${linked ? ' font-weight="bold"' : ''}`,
        ) +
        text(sx + 42, s.y, fit(s.label, w - 2 * PAD - 42), linked ? '' : `fill="${MUTED}"`) +
        `</g>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

function moreChildren(hidden: ProcessInfo[], y: number, h: number): string {
  const byState = new Map<string, number>();
  for (const k of hidden) byState.set(stateText(k), (byState.get(stateText(k)) ?? 0) + 1);
  const zombies = hidden.filter((k) => k.state === 'Z').length;
  const x = PROC_X + INDENT;
  const w = PROC_W - INDENT;
  const more = plural(hidden.length, 'more child', 'more children');
  return (
    `<g class="more-children" data-count="${hidden.length}" data-zombies="${zombies}">` +
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="8" fill="${zombies ? LOOK.zombie.fill : '#f6f8fa'}" ` +
    `stroke="${zombies ? LOOK.zombie.stroke : '#8c959f'}" stroke-width="${zombies ? 2 : 1}" stroke-dasharray="7 4"/>` +
    text(x + PAD, y + PAD + 13, `… and ${more}`, 'font-weight="bold"') +
    text(
      x + PAD,
      y + PAD + 13 + LINE,
      fit(
        [...byState].map(([word, n]) => (word === 'zombie' ? plural(n, word) : `${n} ${word}`)).join(', '),
        w - 2 * PAD,
      ),
      `fill="${zombies ? LOOK.zombie.ink : MUTED}"`,
    ) +
    `</g>`
  );
}

function kernelBox(k: KernelBox): string {
  const colour = LINK[k.link];
  const attrs = k.pair
    ? ` data-local="${esc(addr(k.pair.local))}" ` +
      `data-remote="${esc(addr(k.pair.remote))}" data-tcp-state="${esc(k.pair.state)}"`
    : '';
  const parts = [`<g class="${k.kind}" id="${esc(k.id)}" data-refcount="${k.refcount}"${attrs}>`];
  if (k.conn)
    parts.push(`<title>${esc(`open in ${k.conn.heldBy.map((h) => `PID ${h.pid} fd ${h.fd}`).join(', ')}`)}</title>`);
  parts.push(
    `<rect x="${KERNEL_X}" y="${k.y}" width="${KERNEL_W}" height="${k.h}" rx="4" fill="#ffffff" ` +
      `stroke="${colour}" stroke-width="2"${k.kind === 'queued' ? ' stroke-dasharray="6 4"' : ''}/>`,
  );
  k.lines.forEach((line, i) => {
    const attrs =
      i === 0
        ? 'font-weight="bold"'
        : line.startsWith('reference count')
          ? `class="refcount-text" fill="${colour}"`
          : '';
    parts.push(text(KERNEL_X + PAD, k.y + PAD + 13 + i * LINE, fit(line, KERNEL_W - 2 * PAD - 44), attrs));
  });
  // the reference count, big: how many descriptors are open on it
  const cx = KERNEL_X + KERNEL_W - 26;
  const cy = k.y + PAD + 9 + LINE;
  parts.push(`<circle cx="${cx}" cy="${cy}" r="17" fill="${colour}"/>`);
  parts.push(
    text(
      cx,
      cy + 6,
      String(k.refcount),
      'class="refcount" text-anchor="middle" font-size="18" font-weight="bold" fill="#ffffff"',
    ),
  );
  parts.push('</g>');
  return parts.join('');
}

function clientBox(c: ClientBox): string {
  return (
    `<g class="client" ` +
    `data-pid="${c.pid}"><title>${esc(`${c.comm} (PID ${c.pid}) holds the client end`)}</title><rect ` +
    `x="${CLIENT_X}" y="${c.y}" width="${CLIENT_W}" height="${c.h}" rx="8" ` +
    `fill="${LOOK.client.fill}" stroke="${LOOK.client.stroke}" stroke-width="1.5"/>` +
    text(CLIENT_X + PAD, c.y + PAD + 13, fit(`${c.comm} PID ${c.pid}`, CLIENT_W - 2 * PAD), 'font-weight="bold"') +
    text(
      CLIENT_X + PAD,
      c.y + PAD + 13 + LINE,
      fit(`client end: fd ${c.ends.map((e) => e.fd).join(', ')}`, CLIENT_W - 2 * PAD),
      `fill="${MUTED}"`,
    ) +
    `</g>`
  );
}

/** Two rows: the boxes and marks, then the lines. */
function legend(y: number): string {
  const parts = [`<line x1="${PROC_X}" y1="${y}" x2="${WIDTH - PROC_X}" y2="${y}" stroke="#d0d7de"/>`];
  let x = PROC_X;
  let row = y + 22;
  const item = (mark: (x: number, y: number) => string, label: string): void => {
    parts.push(mark(x, row) + text(x + 34, row, label, `fill="${MUTED}"`));
    x += 34 + label.length * CHAR + 20;
  };
  const box = (look: { fill: string; stroke: string }, dashed: boolean) => (bx: number, by: number) =>
    `<rect x="${bx}" y="${by - 12}" width="26" height="16" rx="4" fill="${look.fill}" stroke="${look.stroke}"` +
    `${dashed ? ' stroke-width="2" stroke-dasharray="5 3"' : ''}/>`;
  const line = (kind: LinkKind) => (lx: number, ly: number) =>
    `<path d="M${lx},${ly - 4} H${lx + 26}" stroke="${LINK[kind]}" ` +
    `stroke-width="2"${kind === 'client' ? ' stroke-dasharray="5 3"' : ''}/>`;
  item(box(LOOK.process, false), 'process');
  item(box(LOOK.zombie, true), 'zombie: exited, not reaped');
  item(
    (bx, by) =>
      `<rect x="${bx}" y="${by - 12}" width="26" height="16" fill="#ffffff" stroke="${INK}"/>` +
      text(bx + 13, by, '4', 'text-anchor="middle" font-weight="bold"'),
    'descriptor 4',
  );
  item(
    (bx, by) =>
      `<circle cx="${bx + 13}" cy="${by - 4}" r="10" fill="${LINK.shared}"/>` +
      text(bx + 13, by + 1, '2', 'text-anchor="middle" font-weight="bold" fill="#ffffff"'),
    'reference count: descriptors open on it',
  );
  x = PROC_X;
  row += 24;
  item(line('listen'), 'listening socket');
  item(line('shared'), 'held by 2+ processes');
  item(line('single'), 'held by one');
  item(line('closing'), 'CLOSE_WAIT');
  item(line('client'), 'client end');
  return `<g class="legend">${parts.join('')}</g>`;
}
