/**
 * One client connection of a WSGI server: what the stages hold in `clientConnection`. The stages
 * read the request line and build the response as the Python does; this does what the Python
 * leaves out, each part in its module:
 *
 * - `recvRequest()` reads the whole request within limits and a deadline, and checks it strictly
 *   (./recv-request.ts): where the Python's `recv(1024)` trusts one read to hold a whole request.
 * - `checkStart()`, `write()`, `readBody()` and `frame()` keep PEP 3333's rules for the response
 *   (./response.ts): start_response's arguments, write() before the body, the headers only for
 *   HEAD; `Content-Length` and `Connection: close` added to the application's headers.
 * - `sendall(data)` is the socket's sendall, under a deadline for the whole response
 *   (LSBAWS_RESPONSE_TIMEOUT, ./transport.ts), so a client that does not read cannot hold the
 *   server longer.
 * - `serve(handler)` runs the stage's handleOneRequest and makes what goes wrong an answer
 *   (./error-answer.ts): 4xx for a bad request, 500 for an application that failed (also outside
 *   the request's promises, or one that never finishes), a line on stderr for a client that went away.
 */
import type { socket } from '@lsbaws/posix';
import { errorAnswer } from './error-answer.js';
import { HttpError } from './http-error.js';
import { errorResponse } from './framing.js';
import { curlLines } from './print.js';
import { recvRequest } from './recv-request.js';
import { LIMITS, type HttpRequest } from './request.js';
import { ResponseState } from './response.js';
import { RESPONSE_TIMEOUT_MS, Transport, lingeringClose } from './transport.js';
import type { Chunk, HeadersSet, ResponseBody, ResponseHeaders } from './wsgi.js';

/** Python's `listen_socket.accept()`, giving the client connection as a Connection. */
export async function accept(listenSocket: socket.Socket): Promise<[Connection, socket.Address]> {
  const [clientConnection, clientAddress] = await listenSocket.accept();
  return [new Connection(clientConnection, clientAddress), clientAddress];
}

export class Connection {
  /** The request, once recvRequest() has read it. */
  request: HttpRequest | null = null;
  private readonly response = new ResponseState();
  private readonly transport: Transport;
  /** serve() is running: close() waits for it, which may still have an error to answer. */
  private serving = false;
  private closed = false;

  constructor(
    readonly socket: socket.Socket,
    readonly address: socket.Address,
    readonly limits = LIMITS,
    readonly responseTimeoutMs = RESPONSE_TIMEOUT_MS,
  ) {
    this.transport = new Transport(socket, responseTimeoutMs);
  }

  /** The whole request, read and checked (HttpError when it is not a request this server takes). */
  recvRequest(): HttpRequest {
    this.request = recvRequest(this.socket, this.address, this.limits);
    return this.request;
  }

  /** start_response's rules (PEP 3333): see ResponseState.checkStart. */
  checkStart(status: string, responseHeaders: ResponseHeaders, excInfo?: unknown): void {
    this.response.checkStart(status, responseHeaders, excInfo, this.transport.started);
  }

  /** PEP 3333's write(): data goes out before the body the application returns. */
  write(data: Chunk): void {
    this.response.write(data);
  }

  /** The body of the response (empty for HEAD): see ResponseState.readBody. */
  readBody(result: ResponseBody): Promise<Buffer> {
    return this.response.readBody(result, this.isHead());
  }

  /** The status and headers to send, with Content-Length and `Connection: close`: see ResponseState.frame. */
  frame(headersSet: HeadersSet): [status: string, responseHeaders: ResponseHeaders] {
    return this.response.frame(headersSet, this.isHead());
  }

  /** The socket's sendall(data), under one deadline for the whole response. */
  sendall(data: Uint8Array | string): void {
    this.transport.sendall(data);
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

  /**
   * Closes the connection (once); during serve(), when serve() is done. After a response, the
   * close lingers (./transport.ts): what the client sent and we did not read (a pipelined request)
   * would otherwise make the kernel reset the connection, and the client could lose the response.
   */
  close(): void {
    if (this.serving || this.closed) return;
    this.closed = true;
    if (this.transport.started) lingeringClose(this.socket);
    else this.socket.close();
  }

  private isHead(): boolean {
    return this.request?.method === 'HEAD';
  }

  /** What goes wrong becomes an answer, if one can still be given (./error-answer.ts). */
  private fail(e: unknown): void {
    const answer = errorAnswer(e, `${this.address[0]}:${this.address[1]}`, this.request, this.responseTimeoutMs);
    if (answer === null || this.transport.started || this.socket.fileno() === -1) {
      return; // too late for another status: the client sees the response end early
    }
    const head = this.isHead() || (e instanceof HttpError && e.method === 'HEAD');
    const [responseHead, body] = errorResponse(...answer, head);
    console.log(curlLines('> ', responseHead, body));
    try {
      this.sendall(Buffer.concat([Buffer.from(responseHead, 'latin1'), body]));
    } catch {
      // gone already: close() closes
    }
  }
}
