/**
 * One client connection of a WSGI server: what the stages hold in `clientConnection`, doing the
 * work the Python does in a line or two, robustly.
 *
 * - `recv()` reads the whole request (the head, then the body by its Content-Length) within
 *   limits and a deadline, and parses it strictly: the Python's `recv(1024)` and the split of
 *   its request line.
 * - `checkStart()`, `write()`, `buffer()` and `sendall()` send the response PEP 3333's way: the
 *   status line and headers once, before the first body byte; a small body held back and sent
 *   whole with its Content-Length, a large one (or one sent with write()) streamed; nothing of
 *   the body for HEAD, 1xx, 204 and 304; `Connection: close`, one request per connection.
 * - `serve(handler)` runs the stage's handleOneRequest and makes what goes wrong an answer:
 *   4xx for a bad request, 500 for an application that failed (also outside the request's
 *   promises, or one that never finishes), a line on stderr for a client that went away.
 */
import { socket, OSError } from '@lsbaws/posix';
import {
  HttpError,
  checkResponse,
  curlLines,
  errorResponse,
  formatHead,
  hasHeader,
  hasNoBody,
  lingeringClose,
  parseHttpRequest,
  recvRequest,
  statusLine,
  LIMITS,
  SHOWN_BODY_BYTES,
  type HttpRequest,
  type Message,
} from './http.js';
import { ErrorStream, type Chunk, type HeadersSet, type ResponseHeaders } from './wsgi.js';

/** A body up to this size is sent whole, with its Content-Length; a larger one streams. */
export const BUFFERED_BODY_SIZE = 256 * 1024;

/** Python's `listen_socket.accept()`, giving the client connection as a Connection. */
export async function accept(listenSocket: socket.Socket): Promise<[Connection, socket.Address]> {
  const [clientConnection, clientAddress] = await listenSocket.accept();
  return [new Connection(clientConnection, clientAddress), clientAddress];
}

export class Connection {
  /** The request, once recv() has read it. */
  request: HttpRequest | null = null;
  /** The bytes recv() read, parsed or not (a bad request is printed too). */
  private received: Buffer | null = null;
  /** start_response was called for this response (the server's headersSet may be a previous request's). */
  private started = false;
  private headersSent = false;
  /** The response has no body to send: HEAD, or a status without one. */
  private bodyless = false;
  private held: Buffer[] = [];
  private heldSize = 0;
  /** What went out, for the 'curl -v' print. */
  private sent: Message = { head: Buffer.alloc(0), body: Buffer.alloc(0), bodySize: 0 };
  /** serve() is running: close() waits for it, which may still have an error to answer. */
  private serving = false;
  private closed = false;

  constructor(
    readonly socket: socket.Socket,
    readonly address: socket.Address,
    readonly limits = LIMITS,
  ) {}

  /** The whole request, read and parsed (HttpError when it is not a request this server takes). */
  recv(): HttpRequest {
    this.received = recvRequest(this.socket, this.limits);
    this.request = parseHttpRequest(this.received, this.address);
    return this.request;
  }

  /**
   * start_response's rules (PEP 3333): valid status and headers; a second call only with excInfo,
   * which replaces a response not sent yet, and is thrown again once the headers are out.
   */
  checkStart(status: string, responseHeaders: ResponseHeaders, excInfo?: unknown): void {
    if (excInfo !== undefined && excInfo !== null) {
      if (this.headersSent) throw excInfo;
      this.held = [];
      this.heldSize = 0;
    } else if (this.started) {
      throw new Error('start_response was called a second time without excInfo');
    }
    checkResponse(status, responseHeaders);
    this.started = true;
  }

  /** PEP 3333's write(): the status line and headers if they are not out yet, then data, at once. */
  write(headersSet: HeadersSet, data: Chunk): void {
    if (!this.started) throw new Error('write() was called before start_response');
    this.sendHead(headersSet);
    this.sendBody(toBytes(data));
  }

  /** A chunk of the body the application returned: held back while the body is small, then streamed. */
  buffer(headersSet: HeadersSet, data: Chunk): void {
    const bytes = toBytes(data);
    if (!this.started) throw new Error('the application returned body data before calling start_response');
    if (this.headersSent) return this.sendBody(bytes);
    this.held.push(bytes);
    this.heldSize += bytes.length;
    if (this.heldSize > BUFFERED_BODY_SIZE) this.sendHead(headersSet);
  }

  /**
   * The end of the response: sends what is not sent yet (the status line and headers with the
   * body's Content-Length, then the body held back) and returns what went out, to print.
   */
  sendall(status: string | undefined, responseHeaders: ResponseHeaders | undefined): Message {
    if (!this.started || status === undefined || responseHeaders === undefined) {
      throw new Error('the application returned without calling start_response');
    }
    // The body is complete: its length is known (for HEAD, only if the application gave one)
    const length = this.request?.method === 'HEAD' && this.heldSize === 0 ? undefined : this.heldSize;
    this.sendHead([status, responseHeaders], length);
    return this.sent;
  }

  /**
   * Runs handler (the server's handleOneRequest) to its end, and answers what goes wrong, if an
   * answer can still be given: 4xx for a bad request, 500 for an application that failed, in
   * the request's promises or outside them (an uncaught exception), or that never finishes (the
   * event loop runs dry). Then the connection is closed.
   */
  async serve(handler: () => Promise<void>): Promise<void> {
    let stray: (e: unknown) => void = () => {};
    const strayError = new Promise<never>((resolve, reject) => (stray = reject));
    const stuck = (): void => stray(new Error('the application never finished its response'));
    process.on('uncaughtException', stray);
    process.on('beforeExit', stuck);
    this.serving = true;
    try {
      const work = handler();
      work.catch(() => {}); // an abandoned handler that fails later is not an unhandled rejection
      await Promise.race([work, strayError]);
    } catch (e) {
      this.fail(e);
    } finally {
      process.off('uncaughtException', stray);
      process.off('beforeExit', stuck);
      this.serving = false;
      this.close();
    }
  }

  /** Closes the connection (once); during serve(), when serve() is done. */
  close(): void {
    if (this.serving || this.closed) return;
    this.closed = true;
    this.socket.close();
  }

  /**
   * What goes wrong becomes an answer, if one can still be given: 4xx for a bad request, 500 for
   * an application that failed (its error goes to wsgi.errors). A client that went away costs
   * one line on stderr.
   */
  private fail(e: unknown): void {
    const client = `${this.address[0]}:${this.address[1]}`;
    if (e instanceof OSError && (e.syscall === 'send' || e.syscall === 'recv')) {
      console.error(`Client ${client} went away: ${e.message}`);
      return;
    }
    let status: string, message: string;
    if (e instanceof HttpError) {
      if (this.received !== null && this.request === null) {
        // Print formatted request data a la 'curl -v', as far as it went
        console.log(curlLines('< ', { head: Buffer.alloc(0), body: this.received, bodySize: this.received.length }));
      }
      console.error(`Bad request from ${client}: ${e.statusLine}: ${e.message}`);
      [status, message] = [e.statusLine, e.message];
    } else {
      const request = this.request === null ? '' : `${this.request.method} ${this.request.target} from `;
      new ErrorStream(process.stderr).write(
        `Error in the application (${request}${client}):\n${e instanceof Error ? e.stack : String(e)}\n`,
      );
      [status, message] = [statusLine(500), 'A server error occurred.  Please contact the administrator.'];
    }
    if (this.headersSent || this.socket.fileno() === -1) {
      return; // too late for another status: the client sees the response end early
    }
    this.headersSent = true;
    const response = errorResponse(status, message);
    console.log(curlLines('> ', response));
    try {
      this.socket.sendall(Buffer.concat([response.head, response.body]));
    } catch {
      // gone already
    }
    this.closed = true;
    lingeringClose(this.socket);
  }

  /**
   * Sends the status line and headers (and the body held back so far), once. With contentLength,
   * the body is complete and the response says how long it is; without, it ends when the
   * connection closes.
   */
  private sendHead(headersSet: HeadersSet, contentLength?: number): void {
    if (this.headersSent) return;
    const [status, responseHeaders] = headersSet;
    if (status === undefined || responseHeaders === undefined) throw new Error('no headers were set');
    const headers = withoutRepeats(responseHeaders);
    if (contentLength !== undefined && !hasNoBody(status) && !hasHeader(headers, 'Content-Length')) {
      headers.push(['Content-Length', String(contentLength)]);
    }
    headers.push(['Connection', 'close']); // one request per connection
    const head = Buffer.from(formatHead(status, headers), 'latin1');
    this.sent.head = head;
    const held = this.held;
    this.held = [];
    this.headersSent = true;
    this.bodyless = this.request?.method === 'HEAD' || hasNoBody(status);
    if (this.bodyless) {
      this.socket.sendall(head);
      return;
    }
    // head and held body in one sendall
    this.socket.sendall(Buffer.concat([head, ...held]));
    for (const chunk of held) this.noteSent(chunk);
  }

  private sendBody(bytes: Buffer): void {
    if (bytes.length === 0 || this.bodyless) return;
    this.socket.sendall(bytes);
    this.noteSent(bytes);
  }

  /** Keeps the first bytes of the body for the 'curl -v' print, and counts the rest. */
  private noteSent(bytes: Buffer): void {
    const { body, bodySize } = this.sent;
    if (body.length < SHOWN_BODY_BYTES) {
      this.sent.body = Buffer.concat([body, bytes.subarray(0, SHOWN_BODY_BYTES - body.length)]);
    }
    this.sent.bodySize = bodySize + bytes.length;
  }
}

/** The headers without a second Date or Server: one the application set itself wins over the server's. */
function withoutRepeats(headers: ResponseHeaders): ResponseHeaders {
  const seen = new Set<string>();
  return headers.filter(([name]) => {
    const lower = name.toLowerCase();
    if (lower !== 'date' && lower !== 'server') return true;
    if (seen.has(lower)) return false;
    seen.add(lower);
    return true;
  });
}

/** A body chunk as bytes: strings are sent as UTF-8. */
function toBytes(data: Chunk): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) {
    return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
  throw new TypeError(`the application's body must hold bytes or strings, got ${typeof data}`);
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
