/**
 * HTTP/1.x for the WSGI servers (webserver2, webserver3h): reading a whole request from a
 * connection (the head, then the body by Content-Length) within limits and a deadline, parsing
 * it strictly, and the small pieces of a response (status lines, Date, the head, the hop-by-hop
 * headers). Errors a client causes are HttpError(4xx/5xx).
 */
import { STATUS_CODES } from 'node:http';
import { socket, TimeoutError } from '@lsbaws/posix';
import type { ResponseHeaders } from './wsgi.js';

/** A message as it went over the wire, for the 'curl -v' print: its head, and its body or the first bytes of it. */
export interface Message {
  /** The start line and the headers, up to and including the blank line. */
  head: Buffer;
  body: Buffer;
  /** The whole body's size (body may hold only its first bytes). */
  bodySize: number;
}

/** A request, parsed. */
export interface HttpRequest extends Message {
  /** The request line, split and checked: [method, path (percent-decoded), version]: ['GET', '/hello', 'HTTP/1.1'] */
  requestLine: [method: string, path: string, version: string];
  method: string;
  /** The request target as sent: '/hello%20world?x=1' */
  target: string;
  /** The path, percent-decoded, as latin1 text of the raw bytes (PEP 3333's PATH_INFO): '/hello world' */
  path: string;
  /** What follows '?', as sent: 'x=1' */
  query: string;
  /** 'HTTP/1.0' or 'HTTP/1.1' */
  version: string;
  /** The headers in order, names as sent. */
  headers: Array<[name: string, value: string]>;
  /** The client's [address, port]. */
  client: [host: string, port: number];
}

/** Limits on what one request may be. */
export const LIMITS = {
  /** The request line and the headers, up to and including the blank line. */
  maxHeadBytes: 64 * 1024,
  /** The body (Content-Length). */
  maxBodyBytes: 1024 * 1024,
  /** The whole request must have arrived within this many ms of the accept (LSBAWS_REQUEST_TIMEOUT, seconds). */
  requestTimeoutMs: Number(process.env.LSBAWS_REQUEST_TIMEOUT ?? 30) * 1000,
};

/** How much one recv() asks for. */
const RECV_SIZE = 64 * 1024;

/** An error the client caused, answered with status (400, 408, 411, 413, 431, 505...). */
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

/** '404' -> '404 Not Found' */
export function statusLine(code: number): string {
  return `${code} ${STATUS_CODES[code] ?? 'Unknown'}`;
}

/** A header name: an RFC 9110 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A header value may not hold control characters but tab (CR and LF least of all). */
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * recv(2) that gives up at deadline (the socket's timeout is the time left), so that a client
 * that sends nothing cannot hold the process. An empty Buffer means the client closed its side.
 */
function recvBefore(connection: socket.Socket, deadline: number): Buffer {
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

/**
 * Reads one whole request: the head (up to the blank line), then as many body bytes as its
 * Content-Length says, over as many recv() calls as it takes. Returns exactly those bytes.
 * Answers "100 Continue" when the client asked for it. Throws HttpError when the client
 * sends nothing, too much, or closes too early; it does not judge the head beyond framing
 * (parseHttpRequest does).
 */
export function recvRequest(connection: socket.Socket, limits = LIMITS): Buffer {
  const deadline = Date.now() + limits.requestTimeoutMs;
  let data: Buffer = Buffer.alloc(0);
  let headEnd = -1; // index just past the blank line
  while (headEnd === -1) {
    const chunk = recvBefore(connection, deadline);
    if (chunk.length === 0) {
      throw new HttpError(
        400,
        data.length === 0 ? 'empty request' : 'the connection closed in the middle of the headers',
      );
    }
    const searchFrom = Math.max(0, data.length - 3);
    data = data.length === 0 ? chunk : Buffer.concat([data, chunk]);
    headEnd = endOfHead(data, searchFrom);
    if ((headEnd === -1 && data.length > limits.maxHeadBytes) || headEnd > limits.maxHeadBytes) {
      throw new HttpError(431, `the request line and headers are longer than ${limits.maxHeadBytes} bytes`);
    }
  }

  const head = data.toString('latin1', 0, headEnd);
  const contentLength = bodyLength(head);
  if (contentLength > limits.maxBodyBytes) {
    throw new HttpError(413, `the body (${contentLength} bytes) is larger than ${limits.maxBodyBytes} bytes`);
  }
  const total = headEnd + contentLength;
  if (data.length < total && /^expect:[ \t]*100-continue[ \t]*$/im.test(head) && / HTTP\/1\.1\r?\n/.test(head)) {
    connection.sendall('HTTP/1.1 100 Continue\r\n\r\n');
  }
  const chunks: Buffer[] = [data];
  let received = data.length;
  while (received < total) {
    const chunk = recvBefore(connection, deadline);
    if (chunk.length === 0)
      throw new HttpError(400, `the connection closed after ${received - headEnd} of ${contentLength} body bytes`);
    chunks.push(chunk);
    received += chunk.length;
  }
  const request = chunks.length === 1 ? data : Buffer.concat(chunks, received);
  return request.subarray(0, total); // anything after it (a pipelined request) is not ours to answer
}

/** Index just past the first empty line (CRLF CRLF, or bare LFs), searching from `from`; -1 if none yet. */
function endOfHead(data: Buffer, from: number): number {
  for (let i = data.indexOf(0x0a, from); i !== -1; i = data.indexOf(0x0a, i + 1)) {
    if (data[i + 1] === 0x0a) return i + 2;
    if (data[i + 1] === 0x0d && data[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/** The body length a head announces: its Content-Length, 0 if none. */
function bodyLength(head: string): number {
  if (/^transfer-encoding:/im.test(head)) {
    throw new HttpError(411, 'chunked request bodies are not supported: send a Content-Length');
  }
  const values = [...head.matchAll(/^content-length:[ \t]*([^\r\n]*?)[ \t]*\r?$/gim)].flatMap(([, value = '']) =>
    value.split(/[ \t]*,[ \t]*/),
  );
  if (values.length === 0) return 0;
  if (!values.every((v) => /^\d{1,15}$/.test(v)) || new Set(values.map(Number)).size !== 1) {
    throw new HttpError(400, `invalid Content-Length: ${values.join(', ')}`);
  }
  return Number(values[0]);
}

/**
 * Parses a request that recvRequest read from client: the request line, the headers and the body.
 * Strict: anything malformed is an HttpError(400) (505 for an HTTP version other than 1.0/1.1).
 */
export function parseHttpRequest(data: Buffer, client: [host: string, port: number]): HttpRequest {
  const headEnd = endOfHead(data, 0);
  if (headEnd === -1) throw new HttpError(400, 'the request has no end of headers');
  const lines = data.toString('latin1', 0, headEnd).split(/\r?\n/);
  lines.length -= 2; // the empty line and what follows the last newline

  // Break down the request line into components
  const requestLine = lines[0] ?? '';
  const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) (HTTP\/\d\.\d)$/.exec(requestLine);
  if (m === null) throw new HttpError(400, `malformed request line: ${JSON.stringify(requestLine.slice(0, 200))}`);
  const [, method, target, version] = m as unknown as [string, string, string, string];
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') throw new HttpError(505, `${version} is not supported`);

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
  const hosts = headers.filter(([name]) => name.toLowerCase() === 'host').length;
  if (hosts > 1 || (hosts === 0 && version === 'HTTP/1.1'))
    throw new HttpError(400, 'an HTTP/1.1 request needs exactly one Host header');

  let pathAndQuery: string;
  if (target.startsWith('/')) pathAndQuery = target;
  else if (/^https?:\/\/[^/?#]+/i.test(target)) pathAndQuery = target.replace(/^https?:\/\/[^/?#]+/i, '') || '/';
  else if (target === '*' && method === 'OPTIONS') pathAndQuery = '*';
  else throw new HttpError(400, `malformed request target: ${JSON.stringify(target.slice(0, 200))}`);
  if (/[\x00-\x20\x7f#]/.test(pathAndQuery)) throw new HttpError(400, 'malformed request target');
  const question = pathAndQuery.indexOf('?');
  const rawPath = question === -1 ? pathAndQuery : pathAndQuery.slice(0, question);
  const query = question === -1 ? '' : pathAndQuery.slice(question + 1);

  const path = percentDecode(rawPath);
  const [head, body] = [data.subarray(0, headEnd), data.subarray(headEnd)];
  return {
    requestLine: [method, path, version],
    method,
    target,
    path,
    query,
    version,
    headers,
    client,
    head,
    body,
    bodySize: body.length,
  };
}

/** %XX -> the byte XX, as latin1 text (PEP 3333's PATH_INFO); a stray % stays as it is. */
function percentDecode(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Headers that describe the connection, which is the server's business: an application may not
 * set them (PEP 3333), and the adapters drop those a framework sets.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

/** Checks what an application passed to start_response (PEP 3333's rules); throws TypeError. */
export function checkResponse(status: unknown, headers: unknown): asserts headers is ResponseHeaders {
  if (typeof status !== 'string' || !/^[1-9]\d\d [^\x00-\x1f\x7f]*$/.test(status)) {
    throw new TypeError(`start_response: status must look like '200 OK', got ${JSON.stringify(status)}`);
  }
  if (!Array.isArray(headers)) throw new TypeError('start_response: headers must be an array of [name, value] pairs');
  for (const header of headers) {
    if (
      !Array.isArray(header) ||
      header.length !== 2 ||
      typeof header[0] !== 'string' ||
      typeof header[1] !== 'string'
    ) {
      throw new TypeError(
        `start_response: each header must be a [name, value] pair of strings, got ${JSON.stringify(header)}`,
      );
    }
    const [name, value] = header as [string, string];
    if (!TOKEN.test(name)) throw new TypeError(`start_response: invalid header name ${JSON.stringify(name)}`);
    if (BAD_VALUE.test(value)) throw new TypeError(`start_response: control characters in the value of ${name}`);
    if (HOP_BY_HOP.has(name.toLowerCase()))
      throw new TypeError(`start_response: hop-by-hop header ${name} is not allowed`);
  }
}

/** Whether a response with this status line has no body (1xx, 204, 304), nor a Content-Length. */
export function hasNoBody(status: string): boolean {
  return status.startsWith('1') || status.startsWith('204') || status.startsWith('304');
}

/** Whether headers include name (any case). */
export function hasHeader(headers: ResponseHeaders, name: string): boolean {
  const lower = name.toLowerCase();
  return headers.some(([n]) => n.toLowerCase() === lower);
}

/** 'HTTP/1.1 200 OK\r\nName: value\r\n...\r\n\r\n' */
export function formatHead(status: string, headers: ResponseHeaders): string {
  let head = `HTTP/1.1 ${status}\r\n`;
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  return head + '\r\n';
}

/** The current time as HTTP writes it: 'Tue, 31 Mar 2015 12:54:48 GMT'. */
export function httpDate(date = new Date()): string {
  return date.toUTCString();
}

/** A short error response, Connection: close. */
export function errorResponse(status: string, message: string): Message {
  const body = Buffer.from(`${status}\n${message}\n`);
  const headers: ResponseHeaders = [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(body.length)],
    ['Date', httpDate()],
    ['Server', 'WSGIServer 0.2'],
    ['Connection', 'close'],
  ];
  return { head: Buffer.from(formatHead(status, headers), 'latin1'), body, bodySize: body.length };
}

/**
 * Python's str.splitlines() for a byte string shown as text: the lines without their endings,
 * no empty last line for a final line break.
 */
export function splitlines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** How much of a body the 'curl -v' print shows. */
export const SHOWN_BODY_BYTES = 4096;

/**
 * A message formatted a la 'curl -v': each line prefixed ('< ' for the request, '> ' for the
 * response). The head is shown whole, the body's first SHOWN_BODY_BYTES; the rest is counted.
 */
export function curlLines(prefix: string, message: Message): string {
  const shown = message.body.subarray(0, SHOWN_BODY_BYTES);
  let text = splitlines(Buffer.concat([message.head, shown]).toString('utf8'))
    .map((line) => `${prefix}${line}\n`)
    .join('');
  if (message.bodySize > shown.length) text += `${prefix}[... ${message.bodySize - shown.length} more bytes]\n`;
  return text;
}

/**
 * Closes a connection after an answer that may have left the client's data unread (an error
 * response): shuts our side, reads and discards what is still coming for a short while, then
 * closes. Closing with unread data would make the kernel reset the connection, and the client
 * could lose the answer.
 */
export function lingeringClose(connection: socket.Socket, lingerMs = 2000): void {
  try {
    connection.shutdown(socket.SHUT_WR);
    const deadline = Date.now() + lingerMs;
    for (let drained = 0; drained < 16 * 1024 * 1024;) {
      const chunk = recvBefore(connection, deadline);
      if (chunk.length === 0) break;
      drained += chunk.length;
    }
  } catch {
    // the client is gone, or took too long: close anyway
  } finally {
    connection.close();
  }
}
