/**
 * The requests the fuzzer sends (latin1 strings, one byte a character), from a seeded Random:
 * made from a grammar of HTTP/1.1 requests with deliberate faults (methods, targets, versions,
 * header names and values, bare CR and LF, obs-fold, Content-Length and Transfer-Encoding
 * combinations, chunk sizes and extensions, trailers), mutated byte by byte, taken from llhttp's own
 * corpus (test/conformance/llhttp-requests.json) and mutated, or pipelined behind one another.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/stage.js';
import type { Random } from './random.js';

/** Where a case comes from: what the report counts cases by. */
export const CLASSES = ['grammar', 'mutated', 'corpus', 'mutated-corpus', 'pipelined'] as const;
export type CaseClass = (typeof CLASSES)[number];

export interface Case {
  id: number;
  /** Its class, or 'replayed' for a case read from a file. */
  kind: CaseClass | 'replayed';
  /** A replayed case's name. */
  name?: string;
  /** The bytes, as latin1 text. */
  request: string;
}

/** llhttp's request corpus, as test/webserver3h-conformance.test.ts reads it. */
export function llhttpCorpus(): string[] {
  const file = join(ROOT, 'test', 'conformance', 'llhttp-requests.json');
  const corpus = JSON.parse(readFileSync(file, 'utf8')) as { cases: Array<{ request: string }> };
  return corpus.cases.map((c) => c.request);
}

const METHODS: ReadonlyArray<readonly [number, string]> = [
  [30, 'GET'],
  [30, 'POST'],
  [8, 'PUT'],
  [5, 'HEAD'],
  [4, 'DELETE'],
  [3, 'OPTIONS'],
  [3, 'PATCH'],
  [1, 'TRACE'],
  [1, 'CONNECT'],
  [1, 'PROPFIND'],
  [1, 'get'],
  [1, 'FOO'],
  [1, 'G@T'],
  [1, ''],
  [1, 'GET\t'],
  [1, 'POST '],
];

const TARGETS: ReadonlyArray<readonly [number, () => string]> = [
  [20, () => '/'],
  [20, () => '/echo?x=1&y=%20z'],
  [5, () => '/a/b/../c'],
  [3, () => '/%41%2F%zz%'],
  [3, () => '*'],
  [3, () => 'http://example.com/abs?q=1'],
  [1, () => 'http://user@example.com:8080'],
  [1, () => 'https://[::1]:443/x'],
  [1, () => 'http://a b/'],
  [2, () => '/frag#ment'],
  [1, () => '/sp ace'],
  [1, () => '/tab\there'],
  [1, () => '/\x7f'],
  [1, () => '/\x80\xff'],
  [1, () => '/q?a=\x01'],
  [1, () => 'x'],
  [1, () => 'example.com:443'],
  [1, () => ''],
  [1, () => `/${'a'.repeat(9000)}`],
];

const VERSIONS: ReadonlyArray<readonly [number, string]> = [
  [60, 'HTTP/1.1'],
  [12, 'HTTP/1.0'],
  [1, 'HTTP/1.2'],
  [1, 'HTTP/2.0'],
  [1, 'HTTP/0.9'],
  [1, 'HTTP/3.1'],
  [1, 'http/1.1'],
  [1, 'HTTP/1.10'],
  [1, 'HTTP/11'],
  [1, 'HTTP/1.1 '],
  [1, 'HTTP/1'],
  [1, 'HTTP/1.a'],
];

const HOSTS: ReadonlyArray<readonly [number, string | null]> = [
  [40, 'example.com'],
  [5, 'localhost:8888'],
  [3, '[::1]:8080'],
  [3, null],
  [1, ''],
  [1, 'a b'],
  [1, 'x/y'],
  [1, 'a:99999'],
  [1, '[::1'],
];

const NAMES = [
  'X-Test',
  'User-Agent',
  'Accept',
  'Cookie',
  'Connection',
  'Expect',
  'Upgrade',
  'X_Under',
  'Content-Type',
];
const BAD_NAMES = ['X Test', 'X-Test ', ' X-Test', 'X-T\x01', 'X-T\x7f', 'X(T)', 'X-T\xe9', '', 'X:T'];
const VALUES = ['value', 'keep-alive', 'close', '100-continue', 'a, b', '"quoted"', 'a=b; c=d', 'websocket'];
const BAD_VALUES = ['a\x00b', 'a\x01b', 'a\x7fb', 'a\rb', ' lead', 'trail\t', 'caf\xe9', 'a\x0bb'];

/** A Content-Length header's value for a body of n bytes, sometimes wrong or odd. */
function contentLength(random: Random, n: number): string[] {
  return random.weighted<string[]>([
    [30, [String(n)]],
    [2, [`${n}, ${n}`]],
    [2, [String(n), String(n)]],
    [2, [String(n), String(n + 1)]],
    [1, [`+${n}`]],
    [1, [`-${n}`]],
    [1, [`0${n}`]],
    [1, [` ${n} `]],
    [1, [`${n}\t`]],
    [1, [`${n}a`]],
    [1, ['']],
    [1, ['99999999999999999999']],
    [1, [`0x${n.toString(16)}`]],
    [2, [String(Math.max(0, n - 1))]],
    [2, [String(n + 2)]],
  ]);
}

const CODINGS: ReadonlyArray<readonly [number, string]> = [
  [30, 'chunked'],
  [2, 'Chunked'],
  [2, 'chunked '],
  [2, 'gzip, chunked'],
  [2, 'chunked, chunked'],
  [2, 'chunked, gzip'],
  [1, 'identity'],
  [1, 'xchunked'],
  [1, '"chunked"'],
  [1, 'chunked;q=1'],
  [1, ', chunked'],
  [1, ''],
];

/** A chunked body holding body, with odd sizes, extensions, line ends and trailers now and then. */
function chunked(random: Random, body: string, eol: string): string {
  let out = '';
  let rest = body;
  while (rest.length > 0) {
    const n = Math.min(rest.length, random.int(1, 40));
    let size = n.toString(16);
    size = random.weighted([
      [20, size],
      [2, size.toUpperCase()],
      [2, `000${size}`],
      [1, `${size} `],
      [1, ` ${size}`],
      [1, `0x${size}`],
      [1, `${size}\t`],
      [1, `-${size}`],
    ]);
    const ext = random.weighted([
      [20, ''],
      [2, ';a=b'],
      [2, ';name'],
      [1, ' ; a = "q \\" x"'],
      [1, ';a="unterminated'],
      [1, ';a=b\rc'],
      [1, `;${'e'.repeat(random.int(100, 2000))}`],
      [1, `;${'e'.repeat(random.int(17_000, 40_000))}`],
      [1, ';\x01'],
      [1, ';a=b;c'],
    ]);
    const end = random.weighted([
      [30, '\r\n'],
      [1, '\n'],
      [1, '\r'],
      [1, ''],
      [1, '\r\n\r\n'],
    ]);
    out += `${size}${ext}${eol}${rest.slice(0, n)}${end}`;
    rest = rest.slice(n);
  }
  const last = random.weighted([
    [20, '0'],
    [1, '00'],
    [1, '0;ext=1'],
    [1, '0 '],
    [1, ''],
  ]);
  const trailers = random.weighted([
    [20, ''],
    [2, `T: 1${eol}`],
    [1, `Bad Trailer${eol}`],
    [1, `T: a\x01b${eol}`],
    [1, `Content-Length: 3${eol}`],
  ]);
  const overflow = random.chance(0.02) ? `fffffffffffffffff${eol}` : '';
  return `${overflow}${out}${last}${eol}${trailers}${eol}`;
}

/** One request from the grammar, faults now and then. */
export function grammarRequest(random: Random): string {
  const eol = random.weighted([
    [40, '\r\n'],
    [3, '\n'],
    [1, '\r'],
  ]);
  const mixedEol = (): string => (random.chance(0.03) ? random.pick(['\n', '\r', '\r\r\n', '\n\r']) : eol);
  const method = random.weighted(METHODS);
  const target = random.weighted(TARGETS)();
  const version = random.weighted(VERSIONS);
  const sp = (): string =>
    random.weighted([
      [50, ' '],
      [1, '  '],
      [1, '\t'],
      [1, ''],
    ]);
  const lead = random.chance(0.03) ? random.pick(['\r\n', '\n', '\r\n\r\n', ' ']) : '';
  let head = `${lead}${method}${sp()}${target}${sp()}${version}${mixedEol()}`;
  const headers: string[] = [];
  const host = random.weighted(HOSTS);
  if (host !== null) headers.push(`Host: ${host}`);
  if (random.chance(0.02)) headers.push('Host: other.example');
  for (let i = random.int(0, 3); i > 0; i--) {
    const name = random.chance(0.1) ? random.pick(BAD_NAMES) : random.pick(NAMES);
    const value = random.chance(0.1) ? random.pick(BAD_VALUES) : random.pick(VALUES);
    const colon = random.weighted([
      [30, ': '],
      [3, ':'],
      [1, ' : '],
      [1, ':\t'],
      [1, ' '],
    ]);
    headers.push(`${name}${colon}${value}`);
  }
  if (random.chance(0.03)) headers.push(`X-Fold: a${eol}${random.pick([' ', '\t'])}b`); // obs-fold
  const bodyText = random.chance(0.5) ? '' : 'b'.repeat(random.int(1, 200)).replace(/^b/, 'B');
  const framing = random.weighted([
    [30, 'length'],
    [15, 'chunked'],
    [3, 'both'],
    [3, 'none'],
  ]);
  let body = '';
  const cl = random.weighted([
    [20, 'Content-Length'],
    [1, 'content-length'],
    [1, 'CONTENT-LENGTH'],
  ]);
  const te = random.weighted([
    [20, 'Transfer-Encoding'],
    [1, 'transfer-encoding'],
    [1, 'TRANSFER-ENCODING'],
  ]);
  if (framing === 'length' && (bodyText !== '' || random.chance(0.2))) {
    for (const v of contentLength(random, bodyText.length)) headers.push(`${cl}: ${v}`);
    body = bodyText;
  } else if (framing === 'chunked') {
    const coding = random.weighted(CODINGS);
    if (random.chance(0.05)) headers.push(`${te}: gzip`, `${te}: ${coding}`);
    else if (random.chance(0.03)) headers.push(`${te}:`, `${te}: ${coding}`);
    else headers.push(`${te}: ${coding}`);
    body = chunked(random, bodyText, eol);
  } else if (framing === 'both') {
    const both = [`${te}: ${random.weighted(CODINGS)}`, `${cl}: ${random.int(0, bodyText.length + 5)}`];
    headers.push(...(random.chance(0.5) ? both : both.reverse()));
    body = chunked(random, bodyText, eol);
  } else if (framing === 'none') body = bodyText;
  if (random.chance(0.1)) shuffle(random, headers);
  for (const h of headers) head += `${h}${mixedEol()}`;
  return `${head}${eol}${body}`;
}

function shuffle<T>(random: Random, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

/** A few byte-level changes to request: a bare CR or LF, a space, a control byte, a byte dropped or doubled... */
export function mutate(random: Random, request: string): string {
  let out = request;
  for (let n = random.int(1, 3); n > 0; n--) {
    const at = random.int(0, out.length);
    const op = random.int(0, 9);
    if (op === 0) out = out.slice(0, at) + '\r' + out.slice(at);
    else if (op === 1) out = out.slice(0, at) + '\n' + out.slice(at);
    else if (op === 2)
      out = out.slice(0, at) + random.pick([' ', '\t', '\x00', '\x7f', '\x80', ':', ';', ',']) + out.slice(at);
    else if (op === 3) out = out.slice(0, at) + out.slice(at + 1);
    else if (op === 4) out = out.slice(0, at) + out.slice(at, at + 1) + out.slice(at);
    else if (op === 5)
      out = out.replace(/\r\n(?=[^\r\n])/, `\r\n${random.pick(['\t', ' '])}`); // a folded line
    else if (op === 6) {
      // a header line repeated
      const lines = out.split('\r\n');
      const i = random.int(1, Math.max(1, lines.length - 3));
      lines.splice(i, 0, lines[i] ?? '');
      out = lines.join('\r\n');
    } else if (op === 7) out = out.replace(/\d/, () => String(random.int(0, 9)));
    else if (op === 8) out = out.replace(/\r\n/g, () => (random.chance(0.3) ? '\n' : '\r\n'));
    else out = out.replace(/[A-Za-z]/, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));
  }
  return out;
}

/** HTTP/1.1 without Host: given one (RFC 9112 3.2 requires it; llhttp, a parser, does not). */
export function withHost(request: string): string {
  const start = /^(\r\n)*/.exec(request)?.[0].length ?? 0;
  const end = request.indexOf('\r\n\r\n', start);
  const head = end === -1 ? request : request.slice(0, end);
  if (!/^[^\r\n]* HTTP\/1\.1\r\n/.test(request.slice(start)) || /\r\nhost:/i.test(head)) return request;
  const eol = request.indexOf('\r\n', start);
  return `${request.slice(0, eol + 2)}Host: example.com\r\n${request.slice(eol + 2)}`;
}

/** The cases of a run: count of them, from seed, in a fixed mix of classes. */
export function* cases(random: Random, count: number, corpus: string[]): Generator<Case> {
  for (let id = 0; id < count; id++) {
    const kind = random.weighted<CaseClass>([
      [40, 'grammar'],
      [20, 'mutated'],
      [10, 'corpus'],
      [15, 'mutated-corpus'],
      [15, 'pipelined'],
    ]);
    let request: string;
    if (kind === 'grammar') request = grammarRequest(random);
    else if (kind === 'mutated') request = mutate(random, grammarRequest(random));
    else if (kind === 'corpus') request = withHost(random.pick(corpus));
    else if (kind === 'mutated-corpus') request = mutate(random, withHost(random.pick(corpus)));
    else {
      const first = random.chance(0.7) ? grammarRequest(random) : withHost(random.pick(corpus));
      const second = random.weighted([
        [60, () => `GET /second HTTP/1.1\r\nHost: example.com\r\n\r\n`],
        [38, () => grammarRequest(random)],
        // a long pipelined tail: what webserver3h leaves unread when it closes after the first
        [2, () => `POST /second HTTP/1.1\r\nHost: example.com\r\nContent-Length: 100000\r\n\r\n${'t'.repeat(100_000)}`],
      ])();
      request = `${first}${random.chance(0.1) ? '\r\n' : ''}${second}`;
      if (random.chance(0.3)) request = mutate(random, request);
    }
    yield { id, kind, request };
  }
}
