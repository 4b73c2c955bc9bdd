/**
 * How an HTTP/1.1 response is framed, beyond what the stages write by hand: the Date header,
 * which statuses have no body, the head as bytes, and the short error response a bad request gets.
 */
import type { ResponseHeaders } from './wsgi.js';

/** The current time as HTTP writes it: 'Tue, 31 Mar 2015 12:54:48 GMT'. */
export function httpDate(date = new Date()): string {
  return date.toUTCString();
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

/**
 * A short error response, Connection: close: [head, body]. The answer to a HEAD request has no
 * body (RFC 9110 9.3.2), and the Content-Length a GET would have.
 */
export function errorResponse(status: string, message: string, head = false): [head: string, body: Buffer] {
  const body = Buffer.from(`${status}\n${message}\n`);
  const headers: ResponseHeaders = [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(body.length)],
    ['Date', httpDate()],
    ['Server', 'WSGIServer 0.2'],
    ['Connection', 'close'],
  ];
  return [formatHead(status, headers), head ? Buffer.alloc(0) : body];
}
