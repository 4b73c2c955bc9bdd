/**
 * One client connection of a WSGI server: what the stages hold in `clientConnection`. The stages
 * read the request line and build the response as the Python does; this does what the Python
 * leaves out.
 *
 * - `recvRequest()` reads the whole request within limits and a deadline, and checks it strictly
 *   (./request.ts): where the Python's `recv(1024)` trusts one read to hold a whole request.
 * - `checkStart()`, `write()`, `readBody()` and `frame()` keep PEP 3333's rules for the response:
 *   start_response's arguments, write() before the body, a body of bytes or strings, sync or
 *   async, the headers only for HEAD; `Content-Length` and `Connection: close` (one request per
 *   connection) added to the application's headers.
 * - `sendall(data)` is the socket's sendall, under a deadline for the whole response
 *   (LSBAWS_RESPONSE_TIMEOUT), so a client that does not read cannot hold the server longer.
 * - `serve(handler)` runs the stage's handleOneRequest and makes what goes wrong an answer:
 *   4xx for a bad request, 500 for an application that failed (also outside the request's
 *   promises, or one that never finishes), a line on stderr for a client that went away.
 */
import { socket, OSError, TimeoutError } from '@lsbaws/posix';
import { HttpError, LIMITS, recvBefore, recvRequest, type HttpRequest } from './request.js';
import { errorResponse, hasNoBody, statusLine } from './response.js';
import { curlLines } from './print.js';
import {
  ErrorStream,
  checkResponse,
  type Chunk,
  type HeadersSet,
  type ResponseBody,
  type ResponseHeaders,
} from './wsgi.js';

/** How long a client has to take the whole response, in ms (LSBAWS_RESPONSE_TIMEOUT, seconds; default 10). */
export const RESPONSE_TIMEOUT_MS = Number(process.env.LSBAWS_RESPONSE_TIMEOUT ?? 10) * 1000;

/** Python's `listen_socket.accept()`, giving the client connection as a Connection. */
export async function accept(listenSocket: socket.Socket): Promise<[Connection, socket.Address]> {
  const [clientConnection, clientAddress] = await listenSocket.accept();
  return [new Connection(clientConnection, clientAddress), clientAddress];
}

export class Connection {
  /** The request, once recvRequest() has read it. */
  request: HttpRequest | null = null;
  /** start_response was called for this response. */
  private started = false;
  /** What write() was given: it goes before the body the application returns. */
  private written: Buffer[] = [];
  /** The whole body's length, for Content-Length (also for HEAD, which sends none of it). */
  private bodyLength = 0;
  private responseDeadline = 0;
  private responseStarted = false;
  /** serve() is running: close() waits for it, which may still have an error to answer. */
  private serving = false;
  private closed = false;

  constructor(
    readonly socket: socket.Socket,
    readonly address: socket.Address,
    readonly limits = LIMITS,
    readonly responseTimeoutMs = RESPONSE_TIMEOUT_MS,
  ) {}

  /** The whole request, read and checked (HttpError when it is not a request this server takes). */
  recvRequest(): HttpRequest {
    this.request = recvRequest(this.socket, this.address, this.limits);
    return this.request;
  }

  /**
   * start_response's rules (PEP 3333): valid status and headers; a second call only with excInfo,
   * which replaces the response (nothing of it is sent before the application is done).
   */
  checkStart(status: string, responseHeaders: ResponseHeaders, excInfo?: unknown): void {
    if (excInfo !== undefined && excInfo !== null) {
      if (this.responseStarted) throw excInfo;
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
   * request and a status without a body; frame() still knows the length.
   */
  async readBody(result: ResponseBody): Promise<Buffer> {
    const chunks = this.written;
    for await (const data of result) {
      const bytes = toBytes(data);
      if (!this.started) throw new Error('the application returned body data before calling start_response');
      chunks.push(bytes);
    }
    if (!this.started) throw new Error('the application returned without calling start_response');
    const body = Buffer.concat(chunks);
    this.bodyLength = body.length;
    return this.request?.method === 'HEAD' ? Buffer.alloc(0) : body;
  }

  /**
   * The status and headers to send: the application's and the server's (one Date and Server: the
   * application's win), with Content-Length and `Connection: close`, one request per connection.
   */
  frame(headersSet: HeadersSet): [status: string, responseHeaders: ResponseHeaders] {
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
    const headOnly = this.request?.method === 'HEAD' && this.bodyLength === 0; // the application's length stands
    if (!hasNoBody(status) && !seen.has('content-length') && !headOnly) {
      headers.push(['Content-Length', String(this.bodyLength)]);
    }
    headers.push(['Connection', 'close']);
    return [status, headers];
  }

  /**
   * The socket's sendall(data), under one deadline for the whole response: a client that reads
   * nothing holds the server at most responseTimeoutMs, however many calls the response takes.
   */
  sendall(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    if (!this.responseStarted) this.responseDeadline = Date.now() + this.responseTimeoutMs;
    this.responseStarted = true;
    for (let sent = 0; sent < bytes.length;) {
      const left = this.responseDeadline - Date.now();
      if (left <= 0) throw new TimeoutError('send');
      this.socket.settimeout(left / 1000);
      sent += this.socket.send(bytes.subarray(sent));
    }
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
    // answered from a turn of the loop, not inside 'beforeExit': the server's next wait then runs in
    // that turn, and the loop, once empty again, emits 'beforeExit' for the next stuck application
    const stuck = (): void => {
      setImmediate(() => stray(new Error('the application never finished its response')));
    };
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
   * an application that failed (its error goes to wsgi.errors). A client that went away, or did
   * not take its response in time, costs one line on stderr.
   */
  private fail(e: unknown): void {
    const client = `${this.address[0]}:${this.address[1]}`;
    if (e instanceof OSError && (e.syscall === 'send' || e.syscall === 'recv')) {
      const why =
        e instanceof TimeoutError ? `did not take the response within ${this.responseTimeoutMs / 1000} s` : '';
      console.error(`Client ${client} went away: ${why || e.message}`);
      return;
    }
    let status: string, message: string;
    if (e instanceof HttpError) {
      console.error(`Bad request from ${client}: ${e.statusLine}: ${e.message}`);
      [status, message] = [e.statusLine, e.message];
    } else {
      const request = this.request === null ? '' : `${this.request.method} ${this.request.target} from `;
      new ErrorStream(process.stderr).write(
        `Error in the application (${request}${client}):\n${e instanceof Error ? e.stack : String(e)}\n`,
      );
      [status, message] = [statusLine(500), 'A server error occurred.  Please contact the administrator.'];
    }
    if (this.responseStarted || this.socket.fileno() === -1) {
      return; // too late for another status: the client sees the response end early
    }
    const [head, body] = errorResponse(status, message);
    console.log(curlLines('> ', head, body));
    try {
      this.sendall(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    } catch {
      // gone already
    }
    this.closed = true;
    lingeringClose(this.socket);
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

/** PEP 3333: if the iterable the application returned has a close() method, the server calls it at the end. */
export async function closeIterable(result: unknown): Promise<void> {
  try {
    const close = (result as { close?: unknown } | null)?.close;
    if (typeof close === 'function') await (close as () => unknown).call(result);
  } catch (e) {
    console.error('Error in close() of the response body:', e);
  }
}

/**
 * Closes a connection after an answer that may have left the client's data unread (an error
 * response): shuts our side, reads and discards what is still coming for lingerMs (2 s), then
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
