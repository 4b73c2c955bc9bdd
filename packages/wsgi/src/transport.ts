/**
 * The response's way out: the socket's sendall under one deadline for the whole response
 * (LSBAWS_RESPONSE_TIMEOUT), so a client that does not read cannot hold the server longer, and
 * the lingering close that lets the client read the answer before the connection goes.
 */
import { socket, TimeoutError } from '@lsbaws/posix';
import { recvBefore, withoutWaiting } from './reader.js';

/** How long a client has to take the whole response, in ms (LSBAWS_RESPONSE_TIMEOUT, seconds; default 10). */
export const RESPONSE_TIMEOUT_MS = Number(process.env.LSBAWS_RESPONSE_TIMEOUT ?? 10) * 1000;

/** Sends a response on a socket, within one deadline from its first byte. */
export class Transport {
  private deadline = 0;
  /** Some of the response was handed to the socket: too late for another status. */
  started = false;

  constructor(
    private readonly socket: socket.Socket,
    readonly timeoutMs = RESPONSE_TIMEOUT_MS,
  ) {}

  /**
   * The socket's sendall(data), under one deadline for the whole response: a client that reads
   * nothing holds the server at most timeoutMs, however many calls the response takes.
   */
  sendall(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    if (!this.started) this.deadline = Date.now() + this.timeoutMs;
    this.started = true;
    // what the socket's buffer takes at once (all of a small response), with no timeout to set
    for (let sent = withoutWaiting(() => this.socket.send(bytes, socket.MSG_DONTWAIT), 0); sent < bytes.length;) {
      const left = this.deadline - Date.now();
      if (left <= 0) throw new TimeoutError('send');
      this.socket.settimeout(left / 1000);
      sent += this.socket.send(bytes.subarray(sent));
    }
  }
}

/**
 * Closes a connection after a response (the application's or an error answer), which may have
 * left the client's data unread (a pipelined request, a body not read): shuts our side, reads and
 * discards what is still coming for lingerMs (2 s) or until the client closes, then closes.
 * Closing with unread data would make the kernel reset the connection, and the client could lose
 * the response.
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
