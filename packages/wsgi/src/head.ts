/**
 * The head of a request: the request line and the header section, up to and including the blank
 * line, read (./reader.ts) within the limits, then parsed: the line endings and the header lines
 * (./headers.ts), the request line (./request-line.ts), Host and the target (./target.ts).
 */
import { HttpError } from './http-error.js';
import type { Reader } from './reader.js';
import { checkRequestLineSoFar, parseRequestLine } from './request-line.js';
import type { HttpRequest, Limits } from './request.js';
import { headLines, hostHeader, parseHeaderLines } from './headers.js';
import { parseTarget } from './target.js';

/** The request line and the header section, up to and including the blank line (leading blank lines skipped). */
export function readHead(reader: Reader, limits: Limits): Buffer {
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

function tooLarge(limits: Limits): HttpError {
  return new HttpError(431, `the request line and headers are longer than ${limits.maxHeadBytes} bytes`);
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
  const [requestLine = '', ...headerLines] = headLines(text);
  // Break down the request line into components
  const { method, target, version } = parseRequestLine(requestLine);
  const headers = parseHeaderLines(headerLines);
  const { host, path, query } = parseTarget(method, target, hostHeader(headers, version));
  const seen = headers.map(([name, value]): [string, string] => [name, name.toLowerCase() === 'host' ? host : value]);
  return { text, head, body: Buffer.alloc(0), method, target, path, query, version, host, headers: seen, client };
}
