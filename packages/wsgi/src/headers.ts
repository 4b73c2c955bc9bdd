/**
 * The header section (RFC 9112 5): `name: value` lines, names are tokens, values without control
 * characters; lines end as the request line does (all CRLF, or all a bare LF, which client3
 * sends: RFC 9112 2.2 allows it), so a bare LF among CRLF lines, which a proxy would not split
 * on, is 400; obsolete line folding is 400. Exactly one Host in HTTP/1.1, valid (RFC 9110 7.2).
 */
import { BAD_VALUE, TOKEN, isValidHost } from './grammar.js';
import { HttpError } from './http-error.js';

/** The lines of a head (the request line, then the header lines), without their endings, which must agree. */
export function headLines(text: string): string[] {
  const lines = text.split('\n').slice(0, -2); // the blank line, and the nothing after the last LF
  const crlf = lines[0]?.endsWith('\r') ?? false;
  if (crlf) {
    if (!lines.every((l) => l.endsWith('\r')) || !text.endsWith('\r\n\r\n')) {
      throw new HttpError(400, 'a bare LF among the CRLF line endings of the headers');
    }
    return lines.map((l) => l.slice(0, -1));
  }
  if (text.includes('\r')) throw new HttpError(400, 'a CR in a head whose lines end with a bare LF');
  return lines;
}

/** The header lines, checked: [name, value] pairs in order, names as sent, values without surrounding blanks. */
export function parseHeaderLines(lines: string[]): Array<[name: string, value: string]> {
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (colon <= 0 || !TOKEN.test(name))
      throw new HttpError(400, `malformed header line: ${JSON.stringify(line.slice(0, 200))}`);
    if (BAD_VALUE.test(value)) throw new HttpError(400, `control characters in header ${name}`);
    headers.push([name, value]);
  }
  return headers;
}

/** The Host header's value ('' when an HTTP/1.0 request has none), checked. */
export function hostHeader(headers: Array<[name: string, value: string]>, version: string): string {
  const hosts = headers.filter(([name]) => name.toLowerCase() === 'host');
  if (hosts.length > 1 || (hosts.length === 0 && version === 'HTTP/1.1'))
    throw new HttpError(400, 'an HTTP/1.1 request needs exactly one Host header');
  const host = hosts[0]?.[1] ?? '';
  if (!isValidHost(host)) throw new HttpError(400, `invalid Host: ${JSON.stringify(host.slice(0, 200))}`);
  return host;
}
