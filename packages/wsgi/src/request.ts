/**
 * One HTTP/1.x request, as read off a client connection (./recv-request.ts) as RFC 9112 and
 * RFC 9110 say, within the limits below and a deadline: the request line (./request-line.ts) and
 * its target (./target.ts), the header section (./headers.ts, ./head.ts), strictly, then the body
 * (./body.ts), by its Content-Length or chunked. What a client gets wrong is an HttpError
 * (./http-error.ts) with the status it earns.
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

/** The limits a request is read within. */
export type Limits = typeof LIMITS;
