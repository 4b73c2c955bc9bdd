/**
 * Runs a Node `(req, res)` application (an http.createServer listener: an Express app, a Koa
 * app's callback(), a plain function) as a WSGI-style application.
 *
 *   import express from 'express';
 *   const express_ = express().get('/hello', (req, res) => res.type('text').send('Hello!\n'));
 *   export const app = fromNode(express_);
 *
 * How: the environ becomes a real http.IncomingMessage (method, url, headers, and the body of
 * wsgi.input as its stream), and the application answers on a real http.ServerResponse, so
 * that whatever a framework adds to their prototypes keeps working. The response is attached
 * to a socket that is not a network connection: a Duplex that hands what the ServerResponse
 * writes to the adapter, which reads the status line and headers off that byte stream (the
 * one stable contract of ServerResponse: its wire format), passes them to start_response,
 * and yields the bytes after them as the body. Node is told to frame nothing (no chunked
 * encoding, no keep-alive, no Date): framing the response is the WSGI server's job.
 *
 * Nothing here touches the client connection: the application is driven only through the
 * environ and start_response, as PEP 3333 would have it.
 *
 * Limits: interim responses (103 Early Hints, 100 Continue) are dropped; an application that
 * sets Transfer-Encoding: chunked itself gets its body passed on chunk-framed, which it should
 * not do (PEP 3333 forbids hop-by-hop headers, and Node chunks on its own when allowed to).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import { environHeaders, environTarget } from '../environ.js';
import { http } from '../node-http.js';
import { HOP_BY_HOP } from '../pep3333.js';
import type { Application, Environ, ResponseHeaders, StartResponse } from '../wsgi.js';

/** A Node request listener: what http.createServer takes. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * The socket under the request and the response. Reading gives nothing (the request body is
 * pushed into the IncomingMessage directly); what is written goes to `sink`.
 */
class EnvironSocket extends Duplex {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly remoteFamily = 'IPv4';
  readonly localAddress: string;
  readonly localPort: number;
  readonly encrypted = false;

  constructor(
    environ: Environ,
    private readonly sink: (chunk: Buffer) => void,
  ) {
    super();
    this.remoteAddress = typeof environ.REMOTE_ADDR === 'string' ? environ.REMOTE_ADDR : undefined;
    this.remotePort = typeof environ.REMOTE_PORT === 'string' ? Number(environ.REMOTE_PORT) : undefined;
    this.localAddress = environ.SERVER_NAME;
    this.localPort = Number(environ.SERVER_PORT);
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.sink(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    callback();
  }

  // net.Socket methods that frameworks call on req.socket
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  address(): { address: string; family: string; port: number } {
    return { address: this.localAddress, family: 'IPv4', port: this.localPort };
  }
}

/** The IncomingMessage an environ describes, its body already in it. */
export function toIncomingMessage(environ: Environ, socket: Duplex): IncomingMessage {
  const req = new http.IncomingMessage(socket as never);
  const version = /^HTTP\/(\d)\.(\d)$/.exec(environ.SERVER_PROTOCOL) ?? ['HTTP/1.1', '1', '1'];
  req.httpVersionMajor = Number(version[1]);
  req.httpVersionMinor = Number(version[2]);
  req.httpVersion = `${req.httpVersionMajor}.${req.httpVersionMinor}`;
  req.method = environ.REQUEST_METHOD;
  req.url = environTarget(environ);
  const headers = environHeaders(environ);
  req.rawHeaders = headers.flat();
  req.headers = Object.fromEntries(headers);
  (req as { headersDistinct: Record<string, string[]> }).headersDistinct = Object.fromEntries(
    headers.map(([n, v]) => [n, [v]]),
  );
  const body = environ['wsgi.input'].read();
  if (body.length > 0) req.push(body);
  req.push(null);
  req.complete = true;
  return req;
}

/** Reads the status line and headers Node wrote; calls startResponse with them. */
function startFromHead(head: string, startResponse: StartResponse): void {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = statusLine.replace(/^HTTP\/\d\.\d /, '');
  const headers: ResponseHeaders = [];
  for (const line of lines) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    if (!HOP_BY_HOP.has(name.toLowerCase())) headers.push([name, line.slice(colon + 1).trim()]);
  }
  startResponse(status, headers);
}

/** The WSGI-style application that runs listener. */
export function fromNode(listener: NodeListener): Application {
  return (environ, startResponse) => {
    // What the ServerResponse writes, split into the head and the body chunks
    let head: Buffer | null = Buffer.alloc(0);
    const queue: Buffer[] = [];
    let finished = false;
    let failure: { error: unknown } | null = null;
    let wake: (() => void) | null = null;
    const notify = (): void => {
      wake?.();
      wake = null;
    };

    const socket = new EnvironSocket(environ, (chunk) => {
      while (head !== null) {
        const bytes = Buffer.concat([head, chunk]);
        const end = bytes.indexOf('\r\n\r\n');
        if (end === -1) {
          head = bytes;
          return;
        }
        chunk = bytes.subarray(end + 4);
        const text = bytes.toString('latin1', 0, end);
        if (/^HTTP\/\d\.\d 1\d\d /.test(text)) {
          head = Buffer.alloc(0); // an interim response (writeContinue, writeEarlyHints): not ours to pass on
          continue;
        }
        head = null;
        try {
          startFromHead(text, startResponse);
        } catch (error) {
          failure = { error };
        }
      }
      if (chunk.length > 0) queue.push(chunk);
      notify();
    });

    const req = toIncomingMessage(environ, socket);
    const res = new http.ServerResponse(req);
    res.useChunkedEncodingByDefault = false; // the WSGI server frames the body
    res.shouldKeepAlive = false;
    res.sendDate = false; // the WSGI server adds Date
    res.assignSocket(socket as never);
    res.on('finish', () => {
      finished = true;
      notify();
    });
    res.on('error', (error) => {
      failure = { error };
      notify();
    });

    listener(req, res);

    async function* body(): AsyncGenerator<Buffer> {
      try {
        for (;;) {
          if (failure !== null) throw failure.error;
          const chunk = queue.shift();
          if (chunk !== undefined) yield chunk;
          else if (finished) return;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        // the response is over (sent, or abandoned by the server): the socket closes, and
        // the ServerResponse emits 'close', as after a real connection
        socket.destroy();
      }
    }
    return body();
  };
}
