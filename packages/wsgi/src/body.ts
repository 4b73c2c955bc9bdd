/**
 * The body of a request (RFC 9112 6): Content-Length (one value, digits), or Transfer-Encoding:
 * chunked, decoded (its extensions and trailers read and dropped); any other transfer coding is
 * 501; both headers at once, or chunked not last, is 400; over the body limit is 413.
 */
import { BAD_VALUE, TCHAR, TOKEN } from './grammar.js';
import { HttpError } from './http-error.js';
import type { Reader } from './reader.js';
import type { HttpRequest, Limits } from './request.js';

/** How the body is framed: chunked, or a length (0 for none). */
export function bodyFraming(request: HttpRequest): { chunked: boolean; length: number } {
  const values = (name: string): string[] =>
    request.headers.filter(([n]) => n.toLowerCase() === name).flatMap(([, v]) => v.split(','));
  const transferEncoding = request.headers.some(([n]) => n.toLowerCase() === 'transfer-encoding');
  // RFC 9110 5.6.1: empty list elements are ignored ('Transfer-Encoding: , chunked' is chunked)
  const codings = values('transfer-encoding')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '');
  const lengths = values('content-length').map((v) => v.trim());
  if (transferEncoding) {
    if (request.version === 'HTTP/1.0') throw new HttpError(400, 'Transfer-Encoding in an HTTP/1.0 request');
    if (lengths.length > 0) throw new HttpError(400, 'both Transfer-Encoding and Content-Length');
    // RFC 9112 6.1: chunked is not the last coding (there is none): the body's length is unknown
    if (codings.length === 0) throw new HttpError(400, 'Transfer-Encoding without a transfer coding');
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

/**
 * The headers with one Content-Length, the length the body is framed by, where the first was: a
 * list of one value repeated (`Content-Length: 5, 5`) or a repeated header is replaced by the
 * single value, as RFC 9110 8.6 allows, so that the application sees CONTENT_LENGTH '5'.
 * (Different values are 400 in bodyFraming; llhttp, Node's parser, answers 400 to these too.)
 */
export function withOneContentLength(
  headers: Array<[name: string, value: string]>,
  length: number,
): Array<[name: string, value: string]> {
  const fields = headers.filter(([name]) => name.toLowerCase() === 'content-length');
  const [first] = fields;
  if (first === undefined || (fields.length === 1 && !first[1].includes(','))) return headers; // one value: as sent
  return headers.flatMap((header): Array<[string, string]> => {
    if (header === first) return [[first[0], String(length)]];
    return fields.includes(header) ? [] : [header];
  });
}

/** A quoted-string (RFC 9110 5.6.4), as regular expression source. */
const QUOTED = String.raw`"(?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[^\x00-\x08\x0a-\x1f\x7f])*"`;
/** chunk-size [ *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ) ] (RFC 9112 7.1.1) */
const CHUNK_SIZE_LINE = new RegExp(
  String.raw`^([0-9A-Fa-f]{1,15})(?:[ \t]*;[ \t]*${TCHAR}+(?:[ \t]*=[ \t]*(?:${TCHAR}+|${QUOTED}))?)*$`,
);

/** A chunked body (RFC 9112 7.1), decoded: chunk-size [; extensions] CRLF data CRLF ... 0 CRLF trailers CRLF. */
export function readChunked(reader: Reader, limits: Limits): Buffer {
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
