/**
 * Reading one whole request off a client connection: the head (./head.ts), then the body
 * (./body.ts), over as many recv() calls as it takes, before the request's deadline.
 */
import type { socket } from '@lsbaws/posix';
import { bodyFraming, readChunked, withOneContentLength } from './body.js';
import { parseHead, readHead } from './head.js';
import { HttpError } from './http-error.js';
import { Reader } from './reader.js';
import { methodSoFar } from './request-line.js';
import { LIMITS, type HttpRequest, type Limits } from './request.js';

/**
 * Reads one whole request from connection and checks it: the head, then the body, over as many
 * recv() calls as it takes. Answers "100 Continue" when the client asked for it. Anything after
 * the request (a pipelined one) is left unread: one request per connection. An HttpError
 * carries the request's method when what arrived names one (its answer to HEAD has no body).
 */
export function recvRequest(
  connection: socket.Socket,
  client: [host: string, port: number],
  limits = LIMITS,
): HttpRequest {
  const reader = new Reader(connection, limits.requestTimeoutMs);
  let head: Buffer | undefined;
  try {
    head = readHead(reader, limits);
    const request = parseHead(head, client);
    readBody(connection, reader, request, limits);
    return request;
  } catch (e) {
    if (e instanceof HttpError) e.method = methodSoFar(head ?? reader.pending);
    throw e;
  }
}

/** The body of request, read and decoded; its framing headers then say what the application gets. */
function readBody(connection: socket.Socket, reader: Reader, request: HttpRequest, limits: Limits): void {
  const framing = bodyFraming(request);
  if (framing.length > limits.maxBodyBytes) {
    throw new HttpError(413, `the body (${framing.length} bytes) is larger than ${limits.maxBodyBytes} bytes`);
  }
  const expects = request.headers.some(([n, v]) => n.toLowerCase() === 'expect' && /^100-continue$/i.test(v));
  if (expects && request.version === 'HTTP/1.1' && (framing.chunked || framing.length > reader.pending.length)) {
    connection.sendall('HTTP/1.1 100 Continue\r\n\r\n');
  }
  if (framing.chunked) {
    request.body = readChunked(reader, limits);
    request.headers = request.headers.filter(([name]) => name.toLowerCase() !== 'transfer-encoding');
    request.headers.push(['Content-Length', String(request.body.length)]);
  } else {
    request.body = reader.take(framing.length, `the body (${framing.length} bytes)`);
    request.headers = withOneContentLength(request.headers, framing.length);
  }
}
