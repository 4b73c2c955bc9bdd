/** The bytes of a client connection, received as the parser needs them, before a deadline. */
import { BlockingIOError, socket, TimeoutError } from '@lsbaws/posix';
import { HttpError } from './http-error.js';

/** How much one recv() asks for. */
const RECV_SIZE = 64 * 1024;

/**
 * recv(2) that gives up at deadline (the socket's timeout is the time left), so that a client
 * that sends nothing cannot hold the process. An empty Buffer means the client closed its side.
 */
export function recvBefore(connection: socket.Socket, deadline: number): Buffer {
  const left = deadline - Date.now();
  try {
    if (left <= 0) throw new TimeoutError('recv');
    connection.settimeout(left / 1000);
    return connection.recv(RECV_SIZE);
  } catch (e) {
    if (e instanceof TimeoutError) throw new HttpError(408, 'the request did not arrive in time');
    throw e;
  }
}

/**
 * A call with MSG_DONTWAIT, which needs no timeout set (two setsockopt(2) a call fewer), or
 * nothingYet when the socket would have had to wait (BlockingIOError).
 */
export function withoutWaiting<T>(call: () => T, nothingYet: T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof BlockingIOError) return nothingYet;
    throw e;
  }
}

/** What has arrived already, or null when nothing has: a request is usually there before its child runs. */
function recvNow(connection: socket.Socket): Buffer | null {
  return withoutWaiting(() => connection.recv(RECV_SIZE, socket.MSG_DONTWAIT), null);
}

/** The bytes of a connection, read as they are needed, before a deadline. */
export class Reader {
  private data: Buffer = Buffer.alloc(0);
  private position = 0;
  private readonly deadline: number;

  constructor(
    private readonly connection: socket.Socket,
    timeoutMs: number,
  ) {
    this.deadline = Date.now() + timeoutMs;
  }

  /** The bytes received and not consumed yet. */
  get pending(): Buffer {
    return this.data.subarray(this.position);
  }

  /** Receives more; false when the client has closed its side. */
  more(): boolean {
    // past the deadline, recvBefore() says so (408) whatever has arrived
    const chunk =
      (Date.now() < this.deadline ? recvNow(this.connection) : null) ?? recvBefore(this.connection, this.deadline);
    if (chunk.length === 0) return false;
    this.data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.position = 0;
    return true;
  }

  /** The next n bytes, received if need be. */
  take(n: number, what: string): Buffer {
    while (this.pending.length < n) {
      if (!this.more()) throw new HttpError(400, `the connection closed in the middle of ${what}`);
    }
    const bytes = this.data.subarray(this.position, this.position + n);
    this.position += n;
    return bytes;
  }

  /**
   * The next line, without its CRLF (a chunk line must end with CRLF), at most max bytes however
   * its bytes arrive: in one recv() with its LF or over many.
   */
  line(max: number, what: string): string {
    for (let from = 0; ;) {
      const lf = this.pending.indexOf(0x0a, from);
      // the line's bytes so far, its CR included: max + 1 at most
      if ((lf === -1 ? this.pending.length : lf) > max + 1) {
        throw new HttpError(400, `${what} is longer than ${max} bytes`);
      }
      if (lf !== -1) {
        const line = this.take(lf + 1, what).toString('latin1');
        if (!line.endsWith('\r\n')) throw new HttpError(400, `${what} does not end with CRLF`);
        return line.slice(0, -2);
      }
      from = this.pending.length;
      if (!this.more()) throw new HttpError(400, `the connection closed in the middle of ${what}`);
    }
  }
}
