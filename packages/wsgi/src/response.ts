/**
 * The pieces of an HTTP/1.1 response the WSGI servers need beyond the ones the stages write by
 * hand: status lines, the Date header, the hop-by-hop headers an application may not set, the
 * checks PEP 3333 puts on start_response, and the short error response a bad request gets.
 */
import { STATUS_CODES } from 'node:http';
import { BAD_VALUE, TOKEN } from './request.js';
import type { ResponseHeaders } from './wsgi.js';

/** '404' -> '404 Not Found' */
export function statusLine(code: number): string {
  return `${code} ${STATUS_CODES[code] ?? 'Unknown'}`;
}

/** The current time as HTTP writes it: 'Tue, 31 Mar 2015 12:54:48 GMT'. */
export function httpDate(date = new Date()): string {
  return date.toUTCString();
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

/** 'HTTP/1.1 200 OK\r\nName: value\r\n...\r\n\r\n' */
export function formatHead(status: string, headers: ResponseHeaders): string {
  let head = `HTTP/1.1 ${status}\r\n`;
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  return head + '\r\n';
}

/** A short error response, Connection: close: [head, body]. */
export function errorResponse(status: string, message: string): [head: string, body: Buffer] {
  const body = Buffer.from(`${status}\n${message}\n`);
  const headers: ResponseHeaders = [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(body.length)],
    ['Date', httpDate()],
    ['Server', 'WSGIServer 0.2'],
    ['Connection', 'close'],
  ];
  return [formatHead(status, headers), body];
}
