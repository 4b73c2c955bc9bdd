/**
 * The state of one response under PEP 3333's rules, apart from the socket it goes out on:
 * start_response's arguments (checked by ./pep3333.ts), write() before the body, a body of bytes
 * or strings, sync or async, none of it for HEAD; then its framing: `Content-Length` and
 * `Connection: close` (one request per connection) added to the application's headers.
 */
import { hasNoBody } from './framing.js';
import { checkResponse } from './pep3333.js';
import type { Chunk, HeadersSet, ResponseBody, ResponseHeaders } from './wsgi.js';

export class ResponseState {
  /** start_response was called for this response. */
  private started = false;
  /** What write() was given: it goes before the body the application returns. */
  private written: Buffer[] = [];
  /** The whole body's length, for Content-Length (also for HEAD, which sends none of it). */
  private bodyLength = 0;

  /**
   * start_response's rules (PEP 3333): valid status and headers; a second call only with excInfo,
   * which replaces the response if none of it was sent yet (sent), and is thrown again if it was.
   */
  checkStart(status: string, responseHeaders: ResponseHeaders, excInfo: unknown, sent: boolean): void {
    if (excInfo !== undefined && excInfo !== null) {
      if (sent) throw excInfo;
      this.written = [];
    } else if (this.started) {
      throw new Error('start_response was called a second time without excInfo');
    }
    checkResponse(status, responseHeaders);
    this.started = true;
  }

  /** PEP 3333's write(): data goes out before the body the application returns ("buffered for transmission"). */
  write(data: Chunk): void {
    if (!this.started) throw new Error('write() was called before start_response');
    this.written.push(toBytes(data));
  }

  /**
   * The body of the response: what write() was given, then the chunks of the iterable the
   * application returned (start_response must be called by the first one). Empty for a HEAD
   * request (head) and a status without a body; frame() still knows the length.
   */
  async readBody(result: ResponseBody, head: boolean): Promise<Buffer> {
    const chunks = this.written;
    for await (const data of result) {
      const bytes = toBytes(data);
      if (!this.started) throw new Error('the application returned body data before calling start_response');
      chunks.push(bytes);
    }
    if (!this.started) throw new Error('the application returned without calling start_response');
    const body = Buffer.concat(chunks);
    this.bodyLength = body.length;
    return head ? Buffer.alloc(0) : body;
  }

  /**
   * The status and headers to send: the application's and the server's (one Date and Server: the
   * application's win), with Content-Length and `Connection: close`, one request per connection.
   */
  frame(headersSet: HeadersSet, head: boolean): [status: string, responseHeaders: ResponseHeaders] {
    const [status, responseHeaders] = headersSet;
    if (status === undefined || responseHeaders === undefined) throw new Error('no headers were set');
    const seen = new Set<string>();
    const headers = responseHeaders.filter(([name]) => {
      const lower = name.toLowerCase();
      if (lower === 'content-length' || lower === 'date' || lower === 'server') {
        if (seen.has(lower)) return false;
        seen.add(lower);
      }
      return true;
    });
    const headOnly = head && this.bodyLength === 0; // the application's length stands
    if (!hasNoBody(status) && !seen.has('content-length') && !headOnly) {
      headers.push(['Content-Length', String(this.bodyLength)]);
    }
    headers.push(['Connection', 'close']);
    return [status, headers];
  }
}

/** PEP 3333: if the iterable the application returned has a close() method, the server calls it at the end. */
export async function closeIterable(result: unknown): Promise<void> {
  try {
    const close = (result as { close?: unknown } | null)?.close;
    if (typeof close === 'function') await (close as () => unknown).call(result);
  } catch (e) {
    console.error('Error in close() of the response body:', e);
  }
}

/** A body chunk as bytes: strings are sent as UTF-8. */
function toBytes(data: Chunk): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) {
    return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
  throw new TypeError(`the application's body must hold bytes or strings, got ${typeof data}`);
}
