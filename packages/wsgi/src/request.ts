/**
 * Reading one HTTP/1.x request off a client connection, as RFC 9112 and RFC 9110 say, within limits
 * and a deadline: the request line and the header section (strictly), then the body, by its
 * Content-Length or chunked. What a client gets wrong is an HttpError with the status it earns.
 *
 * - The request line: method SP request-target SP HTTP-version. A target in origin-form
 *   (`/path?query`), absolute-form (`http://host/path`, whose authority then stands for Host) or
 *   `*` for OPTIONS; CONNECT (authority-form) is not implemented: 501. HTTP/1.0 and HTTP/1.1;
 *   a higher 1.x is served as 1.1; any other version is 505. A request line over 8 KiB is 414.
 * - The header section: `name: value` lines, names are tokens, values without control characters;
 *   lines end as the request line does (all CRLF, or all a bare LF, which client3 sends: RFC 9112
 *   section 2.2 allows it), so a bare LF among CRLF lines, which a proxy would not split on, is 400.
 *   Obsolete line folding is 400. Exactly one Host in HTTP/1.1, with a valid value (RFC 9110 7.2).
 * - The body: Content-Length (one value, digits), or Transfer-Encoding: chunked, decoded (its
 *   extensions and trailers read and dropped); any other transfer coding is 501; both headers at
 *   once, or chunked not last, is 400. Over the body limit is 413.
 * - Bytes that cannot begin a request line (a TLS ClientHello) are 400 at once, not at the deadline.
 */
import { METHODS } from 'node:http';
import { isIPv6 } from 'node:net';
import { socket, TimeoutError } from '@lsbaws/posix';
import { statusLine } from './response.js';

/** A request, read and checked. */
export interface HttpRequest {
  /** The request line and the header section as received (latin1 text), up to and including the blank line. */
  text: string;
  /** The same, as bytes. */
  head: Buffer;
  /** The body, decoded when it came chunked. */
  body: Buffer;
  method: string;
  /** The request target as sent: '/hello%20world?x=1', or 'http://example.com/x' */
  target: string;
  /** The path, percent-decoded, as latin1 text of the raw bytes (PEP 3333's PATH_INFO): '/hello world' */
  path: string;
  /** What follows '?', as sent: 'x=1' */
  query: string;
  /** 'HTTP/1.0' or 'HTTP/1.1' (a higher HTTP/1.x is served as 1.1) */
  version: string;
  /** The host the request is for: the absolute-form target's authority, else the Host header ('' if none). Valid. */
  host: string;
  /**
   * The headers as the application sees them, in order, names as sent: Host is `host`, and a chunked
   * body, decoded, has a Content-Length instead of its Transfer-Encoding.
   */
  headers: Array<[name: string, value: string]>;
  /** The client's [address, port]. */
  client: [host: string, port: number];
}

/** Limits on what one request may be. */
export const LIMITS = {
  /** The request line (414 past it). */
  maxRequestLineBytes: 8 * 1024,
  /** The request line and the headers, up to and including the blank line (431 past it). */
  maxHeadBytes: 64 * 1024,
  /** The body, as Content-Length says or as its chunks add up (413 past it). */
  maxBodyBytes: 1024 * 1024,
  /** The whole request must have arrived within this many ms of the accept (LSBAWS_REQUEST_TIMEOUT, seconds). */
  requestTimeoutMs: Number(process.env.LSBAWS_REQUEST_TIMEOUT ?? 30) * 1000,
};

/** An error the client caused, answered with status (400, 408, 413, 414, 431, 501, 505...). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** '400 Bad Request' */
  get statusLine(): string {
    return statusLine(this.status);
  }
}

/** How much one recv() asks for. */
const RECV_SIZE = 64 * 1024;
/** A token's characters (RFC 9110 5.6.2), as regular expression source; a token: methods, header names. */
const TCHAR = String.raw`[!#$%&'*+\-.^_${'`'}|~0-9A-Za-z]`;
export const TOKEN = new RegExp(`^${TCHAR}+$`);
/** What can begin a request line: a method (or part of one), then a space. */
const REQUEST_LINE_START = new RegExp(`^${TCHAR}*( |$)`);
/** A header value may not hold control characters but tab (CR and LF least of all). */
export const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
/** What a request line may hold: visible ASCII and spaces. */
const REQUEST_LINE_BYTE = /^[\x21-\x7e ]*$/;

/**
 * recv(2) that gives up at deadline (the socket's timeout is the time left), so that a client
 * that sends nothing cannot hold the process. An empty Buffer means the client closed its side.
 */
export function recvBefore(connection: socket.Socket, deadline: number): Buffer {
  const left = deadline - Date.now();
  try {
    if (left <= 0) throw new TimeoutError('recv');
    connection.settimeout(left / 1000);
    return connection.recv(RECV_SIZE);
  } catch (e) {
    if (e instanceof TimeoutError) throw new HttpError(408, 'the request did not arrive in time');
    throw e;
  }
}

/** The bytes of a connection, read as they are needed, before a deadline. */
class Reader {
  private data: Buffer = Buffer.alloc(0);
  private position = 0;
  private readonly deadline: number;

  constructor(
    private readonly connection: socket.Socket,
    timeoutMs: number,
  ) {
    this.deadline = Date.now() + timeoutMs;
  }

  /** The bytes received and not consumed yet. */
  get pending(): Buffer {
    return this.data.subarray(this.position);
  }

  /** Receives more; false when the client has closed its side. */
  more(): boolean {
    const chunk = recvBefore(this.connection, this.deadline);
    if (chunk.length === 0) return false;
    this.data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.position = 0;
    return true;
  }

  /** The next n bytes, received if need be. */
  take(n: number, what: string): Buffer {
    while (this.pending.length < n) {
      if (!this.more()) throw new HttpError(400, `the connection closed in the middle of ${what}`);
    }
    const bytes = this.data.subarray(this.position, this.position + n);
    this.position += n;
    return bytes;
  }

  /** The next line, without its CRLF (a chunk line must end with CRLF), at most max bytes. */
  line(max: number, what: string): string {
    for (let from = 0; ;) {
      const lf = this.pending.indexOf(0x0a, from);
      if (lf !== -1) {
        const line = this.take(lf + 1, what).toString('latin1');
        if (!line.endsWith('\r\n')) throw new HttpError(400, `${what} does not end with CRLF`);
        return line.slice(0, -2);
      }
      if (this.pending.length > max) throw new HttpError(400, `${what} is longer than ${max} bytes`);
      from = this.pending.length;
      if (!this.more()) throw new HttpError(400, `the connection closed in the middle of ${what}`);
    }
  }
}

/**
 * Reads one whole request from connection and checks it: the head, then the body, over as many
 * recv() calls as it takes. Answers "100 Continue" when the client asked for it. Anything after
 * the request (a pipelined one) is left unread: one request per connection.
 */
export function recvRequest(
  connection: socket.Socket,
  client: [host: string, port: number],
  limits = LIMITS,
): HttpRequest {
  const reader = new Reader(connection, limits.requestTimeoutMs);
  const head = readHead(reader, limits);
  const request = parseHead(head, client);
  const framing = bodyFraming(request);
  if (framing.length > limits.maxBodyBytes) {
    throw new HttpError(413, `the body (${framing.length} bytes) is larger than ${limits.maxBodyBytes} bytes`);
  }
  const expects = request.headers.some(([n, v]) => n.toLowerCase() === 'expect' && /^100-continue$/i.test(v));
  if (expects && request.version === 'HTTP/1.1' && (framing.chunked || framing.length > reader.pending.length)) {
    connection.sendall('HTTP/1.1 100 Continue\r\n\r\n');
  }
  if (framing.chunked) {
    request.body = readChunked(reader, limits);
    request.headers = request.headers.filter(([name]) => name.toLowerCase() !== 'transfer-encoding');
    request.headers.push(['Content-Length', String(request.body.length)]);
  } else {
    request.body = reader.take(framing.length, `the body (${framing.length} bytes)`);
  }
  return request;
}

/** The request line and the header section, up to and including the blank line (leading blank lines skipped). */
function readHead(reader: Reader, limits: typeof LIMITS): Buffer {
  for (;;) {
    let data = reader.pending;
    const leading = /^(\r?\n)*/.exec(data.toString('latin1', 0, 64))?.[0].length ?? 0;
    if (leading > 0) {
      reader.take(leading, 'the blank lines before the request'); // RFC 9112 2.2: ignored
      data = reader.pending;
    }
    checkRequestLineSoFar(data, limits);
    const end = endOfHead(data);
    if (end !== -1 && end > limits.maxHeadBytes) throw tooLarge(limits);
    if (end !== -1) return reader.take(end, 'the headers');
    if (data.length > limits.maxHeadBytes) throw tooLarge(limits);
    if (!reader.more()) {
      throw new HttpError(
        400,
        data.length === 0 ? 'empty request' : 'the connection closed in the middle of the headers',
      );
    }
  }
}

function tooLarge(limits: typeof LIMITS): HttpError {
  return new HttpError(431, `the request line and headers are longer than ${limits.maxHeadBytes} bytes`);
}

/** What has arrived of the request line can still be one: no bytes a request line cannot hold, not too long. */
function checkRequestLineSoFar(data: Buffer, limits: typeof LIMITS): void {
  const lf = data.indexOf(0x0a);
  const line = data.toString('latin1', 0, Math.min(lf === -1 ? data.length : lf, limits.maxRequestLineBytes + 1));
  const withoutCr = lf !== -1 && line.endsWith('\r') ? line.slice(0, -1) : line;
  if (!REQUEST_LINE_BYTE.test(withoutCr) || !REQUEST_LINE_START.test(withoutCr)) {
    throw new HttpError(400, `this is not an HTTP request: ${JSON.stringify(withoutCr.slice(0, 40))}`);
  }
  if (withoutCr.length > limits.maxRequestLineBytes) {
    throw new HttpError(414, `the request line is longer than ${limits.maxRequestLineBytes} bytes`);
  }
}

/** Index just past the first empty line (a line ending CRLF or LF after another), -1 if none yet. */
export function endOfHead(data: Buffer, from = 0): number {
  for (let i = data.indexOf(0x0a, from); i !== -1; i = data.indexOf(0x0a, i + 1)) {
    if (data[i + 1] === 0x0a) return i + 2;
    if (data[i + 1] === 0x0d && data[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/** The request line and headers of head, checked; the body is read after. */
export function parseHead(head: Buffer, client: [host: string, port: number]): HttpRequest {
  const text = head.toString('latin1');
  let lines = text.split('\n').slice(0, -2); // the blank line, and the nothing after the last LF
  const crlf = lines[0]?.endsWith('\r') ?? false;
  if (crlf) {
    if (!lines.every((l) => l.endsWith('\r')) || !text.endsWith('\r\n\r\n')) {
      throw new HttpError(400, 'a bare LF among the CRLF line endings of the headers');
    }
    lines = lines.map((l) => l.slice(0, -1));
  } else if (text.includes('\r')) {
    throw new HttpError(400, 'a CR in a head whose lines end with a bare LF');
  }

  // Break down the request line into components
  const requestLine = lines[0] ?? '';
  const m = /^([^ ]+) ([^ ]+) (HTTP\/(\d)\.(\d))$/.exec(requestLine);
  if (m === null) throw new HttpError(400, `malformed request line: ${JSON.stringify(requestLine.slice(0, 200))}`);
  const [, method, target, sentVersion, major, minor] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!TOKEN.test(method)) throw new HttpError(400, `malformed method: ${JSON.stringify(method.slice(0, 200))}`);
  // RFC 9110 9.1: a method the server does not know is 501 (the methods Node's parser knows, llhttp's list)
  if (!METHODS.includes(method))
    throw new HttpError(501, `method ${JSON.stringify(method.slice(0, 100))} is not implemented`);
  if (major !== '1') throw new HttpError(505, `${sentVersion} is not supported`);
  const version = minor === '0' ? 'HTTP/1.0' : 'HTTP/1.1'; // HTTP/1.2 and up: served as 1.1 (RFC 9110 6.2)

  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (colon <= 0 || !TOKEN.test(name))
      throw new HttpError(400, `malformed header line: ${JSON.stringify(line.slice(0, 200))}`);
    if (BAD_VALUE.test(value)) throw new HttpError(400, `control characters in header ${name}`);
    headers.push([name, value]);
  }
  const hosts = headers.filter(([name]) => name.toLowerCase() === 'host');
  if (hosts.length > 1 || (hosts.length === 0 && version === 'HTTP/1.1'))
    throw new HttpError(400, 'an HTTP/1.1 request needs exactly one Host header');
  let host = hosts[0]?.[1] ?? '';
  if (!isValidHost(host)) throw new HttpError(400, `invalid Host: ${JSON.stringify(host.slice(0, 200))}`);

  let pathAndQuery: string;
  const absolute = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(target);
  if (method === 'CONNECT') throw new HttpError(501, 'CONNECT is not implemented');
  if (target.startsWith('/')) pathAndQuery = target;
  else if (absolute !== null) {
    // RFC 9112 3.2.2: the target's authority is the host; the Host header is ignored
    const authority = (absolute[2] ?? '').replace(/^[^@]*@/, ''); // userinfo: not the host, dropped as llhttp does
    if (authority === '' || !isValidHost(authority))
      throw new HttpError(400, `invalid authority in the request target: ${JSON.stringify(target.slice(0, 200))}`);
    host = authority;
    pathAndQuery = absolute[3] || '/';
    if (!pathAndQuery.startsWith('/') && !pathAndQuery.startsWith('?'))
      throw new HttpError(400, 'malformed request target');
    if (pathAndQuery.startsWith('?')) pathAndQuery = `/${pathAndQuery}`;
  } else if (target === '*')
    pathAndQuery = '*'; // asterisk-form: OPTIONS *, and M-SEARCH * (SSDP)
  else throw new HttpError(400, `malformed request target: ${JSON.stringify(target.slice(0, 200))}`);
  if (/[\x00-\x20\x7f-\xff]/.test(pathAndQuery)) throw new HttpError(400, 'malformed request target');
  pathAndQuery = pathAndQuery.replace(/#.*$/, ''); // a fragment is the client's business: dropped, as llhttp does
  const question = pathAndQuery.indexOf('?');
  const rawPath = question === -1 ? pathAndQuery : pathAndQuery.slice(0, question);
  const query = question === -1 ? '' : pathAndQuery.slice(question + 1);
  const seen = headers.map(([name, value]): [string, string] => [name, name.toLowerCase() === 'host' ? host : value]);
  return {
    text,
    head,
    body: Buffer.alloc(0),
    method,
    target,
    path: percentDecode(rawPath),
    query,
    version,
    host,
    headers: seen,
    client,
  };
}

/** reg-name, IPv4 or [IPv6] (RFC 3986), then an optional port up to 65535: 'localhost:8888', '[::1]', ''. */
export function isValidHost(host: string): boolean {
  const m = /^(\[[^\]]*\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::(\d{0,5}))?$/.exec(host);
  if (m === null) return false;
  const [, name = '', port] = m;
  if (port !== undefined && port !== '' && Number(port) > 65535) return false;
  if (name.startsWith('[')) return isIPv6(name.slice(1, -1));
  if (/%(?![0-9A-Fa-f]{2})/.test(name)) return false;
  return name !== '' || host === '';
}

/** How the body is framed: chunked, or a length (0 for none). */
function bodyFraming(request: HttpRequest): { chunked: boolean; length: number } {
  const values = (name: string): string[] =>
    request.headers.filter(([n]) => n.toLowerCase() === name).flatMap(([, v]) => v.split(','));
  const codings = values('transfer-encoding')
    .map((c) => c.trim().toLowerCase())
    .filter((c, i, all) => c !== '' || all.length === 1);
  const lengths = values('content-length').map((v) => v.trim());
  if (codings.length > 0) {
    if (request.version === 'HTTP/1.0') throw new HttpError(400, 'Transfer-Encoding in an HTTP/1.0 request');
    if (lengths.length > 0) throw new HttpError(400, 'both Transfer-Encoding and Content-Length');
    if (codings.some((c) => !TOKEN.test(c))) throw new HttpError(400, `malformed Transfer-Encoding: ${codings}`);
    const other = codings.find((c) => c !== 'chunked');
    if (other !== undefined) throw new HttpError(501, `transfer coding ${JSON.stringify(other)} is not implemented`);
    if (codings.length > 1) throw new HttpError(400, 'chunked more than once in Transfer-Encoding');
    return { chunked: true, length: 0 };
  }
  if (lengths.length === 0) return { chunked: false, length: 0 };
  if (!lengths.every((v) => /^\d{1,15}$/.test(v)) || new Set(lengths.map(Number)).size !== 1) {
    throw new HttpError(400, `invalid Content-Length: ${lengths.join(', ')}`);
  }
  return { chunked: false, length: Number(lengths[0]) };
}

/** A quoted-string (RFC 9110 5.6.4), as regular expression source. */
const QUOTED = String.raw`"(?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[^\x00-\x08\x0a-\x1f\x7f])*"`;
/** chunk-size [ *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ) ] (RFC 9112 7.1.1) */
const CHUNK_SIZE_LINE = new RegExp(
  String.raw`^([0-9A-Fa-f]{1,15})(?:[ \t]*;[ \t]*${TCHAR}+(?:[ \t]*=[ \t]*(?:${TCHAR}+|${QUOTED}))?)*$`,
);

/** A chunked body (RFC 9112 7.1), decoded: chunk-size [; extensions] CRLF data CRLF ... 0 CRLF trailers CRLF. */
function readChunked(reader: Reader, limits: typeof LIMITS): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const line = reader.line(1024, 'a chunk-size line');
    const m = CHUNK_SIZE_LINE.exec(line);
    if (m === null) throw new HttpError(400, `malformed chunk-size line: ${JSON.stringify(line.slice(0, 100))}`);
    const size = parseInt(m[1] ?? '', 16);
    if (size === 0) break;
    total += size;
    if (total > limits.maxBodyBytes) {
      throw new HttpError(413, `the chunked body is larger than ${limits.maxBodyBytes} bytes`);
    }
    chunks.push(Buffer.from(reader.take(size, 'a chunk')));
    if (reader.take(2, 'a chunk').toString('latin1') !== '\r\n')
      throw new HttpError(400, 'a chunk does not end with CRLF');
  }
  // the trailer section: header lines, dropped, up to the blank line
  for (let size = 0; ;) {
    const line = reader.line(limits.maxHeadBytes, 'the trailer section');
    if (line === '') break;
    size += line.length;
    const colon = line.indexOf(':');
    if (
      colon <= 0 ||
      !TOKEN.test(line.slice(0, colon)) ||
      BAD_VALUE.test(line.slice(colon + 1)) ||
      size > limits.maxHeadBytes
    )
      throw new HttpError(400, `malformed trailer line: ${JSON.stringify(line.slice(0, 100))}`);
  }
  return Buffer.concat(chunks, total);
}

/** %XX -> the byte XX, as latin1 text (PEP 3333's PATH_INFO); a stray % stays as it is. */
function percentDecode(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
