/**
 * PEP 3333's rules for what an application passes to start_response: a status line, [name,
 * value] pairs of strings, names that are tokens, values without control characters, and no
 * hop-by-hop header (the connection is the server's business).
 */
import { BAD_VALUE, TOKEN } from './grammar.js';
import type { ResponseHeaders } from './wsgi.js';

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
