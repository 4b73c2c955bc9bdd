/**
 * The two servers the fuzzer compares, each answering with what it received (method, path, query,
 * CONTENT_LENGTH, the body's length and SHA-256): webserver3h started as a learner starts it, with
 * test/fixtures/wsgi-apps.ts's `echo`, and Node's own http server (llhttp) with the same echo
 * written for it. And the client: one connection, the bytes sent, the writing side closed.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ROOT, startStage, type Launched } from '../lib/stage.js';

/** What an echo tells of the request it got: the fields both echoes give. */
export interface Echo {
  REQUEST_METHOD: string;
  PATH_INFO: string;
  QUERY_STRING: string;
  CONTENT_LENGTH: string;
  bodyLength: number;
  bodySha256: string;
}

/** webserver3h, run as `pnpm --filter webserver3h start -- test/fixtures/wsgi-apps.ts:echo`. */
export function startWebserver3h(): Promise<Launched> {
  return startStage('webserver3h', {
    args: [`${join(ROOT, 'test', 'fixtures', 'wsgi-apps.ts')}:echo`],
    // a request cut short is answered when the client half-closes; a timeout only for one that never comes
    env: { LSBAWS_REQUEST_TIMEOUT: '3', LSBAWS_RESPONSE_TIMEOUT: '3' },
  });
}

/** %XX -> the byte XX, as latin1 text (PEP 3333's PATH_INFO). */
const percentDecode = (path: string): string =>
  path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** The Echo of a request as a server that parsed it has it: Node's http, or llhttp fed directly. */
export function echoFor(
  method: string,
  url: string,
  contentLength: string | undefined,
  chunked: boolean,
  body: Buffer,
): Echo {
  // the target as the application sees it: an absolute-form's path, without a fragment
  let target = url.replace(/^https?:\/\/[^/?#]*/i, '').replace(/#.*$/, '');
  if (!target.startsWith('/') && target !== '*') target = `/${target}`;
  const question = target.indexOf('?');
  return {
    REQUEST_METHOD: method,
    PATH_INFO: percentDecode(question === -1 ? target : target.slice(0, question)),
    QUERY_STRING: question === -1 ? '' : target.slice(question + 1),
    CONTENT_LENGTH: chunked ? String(body.length) : (contentLength ?? ''),
    bodyLength: body.length,
    bodySha256: createHash('sha256').update(body).digest('hex'),
  };
}

/** Node's http server as it ships (no lenient parsing), answering each request with its Echo. */
export async function startNodeEcho(): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const chunked = req.headers['transfer-encoding'] !== undefined;
      const echo = echoFor(req.method ?? '', req.url ?? '', req.headers['content-length'], chunked, body);
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(echo));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Exchange {
  /** Everything the server sent. */
  data: Buffer;
  /** The server reset the connection. */
  reset: boolean;
  /** We gave up waiting for the server to close. */
  timedOut: boolean;
  /** The client's port. */
  localPort: number;
}

/** Sends bytes on a fresh connection to 127.0.0.1:port, half-closes, and reads until the server closes. */
export function exchange(port: number, bytes: Buffer, timeout: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = connect(port, '127.0.0.1');
    let finished = false;
    let localPort = 0;
    const finish = (reset: boolean, timedOut: boolean): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ data: Buffer.concat(chunks), reset, timedOut, localPort });
    };
    const timer = setTimeout(() => finish(false, true), timeout);
    sock.on('connect', () => {
      localPort = sock.localPort ?? 0;
      sock.end(bytes);
    });
    sock.on('data', (chunk: Buffer) => chunks.push(chunk));
    sock.on('end', () => finish(false, false));
    sock.on('close', () => finish(false, false));
    sock.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNRESET' || e.code === 'EPIPE', false));
  });
}

export interface Response {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

/**
 * The responses in data, in order, 1xx interim ones left out; bodyless for the requests whose
 * method is HEAD (methods[i] for response i). A body without Content-Length runs to the end.
 */
export function responses(data: Buffer, methods: string[]): Response[] {
  const found: Response[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end === -1) break;
    const [line = '', ...rest] = data.toString('latin1', at, end).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(line)?.[1] ?? NaN);
    if (Number.isNaN(status)) break;
    const headers = rest.map((l): [string, string] => [
      l.slice(0, l.indexOf(':')).toLowerCase(),
      l.slice(l.indexOf(':') + 1).trim(),
    ]);
    at = end + 4;
    if (status < 200) continue;
    const length = headers.find(([n]) => n === 'content-length')?.[1];
    const head = methods[found.length] === 'HEAD';
    const size =
      head || status === 204 || status === 304 ? 0 : length === undefined ? data.length - at : Number(length);
    found.push({ status, headers, body: data.subarray(at, at + size) });
    at += size;
  }
  return found;
}

/**
 * Why webserver3h refused a request, by the client's port, from the line it prints on stderr
 * ("Bad request from 127.0.0.1:PORT: 400 Bad Request: why"): what an answer to HEAD, which has
 * no body, cannot say.
 */
export class Reasons {
  private readonly byPort = new Map<number, string>();
  private partial = '';

  constructor(stage: Launched) {
    stage.launcher.stderr?.on('data', (chunk: Buffer) => {
      const lines = (this.partial + chunk.toString('latin1')).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^Bad request from 127\.0\.0\.1:(\d+): \d{3} [^:]*: (.*)$/.exec(line);
        if (m === null) continue;
        if (this.byPort.size > 10_000) this.byPort.clear(); // ports not asked for: a timed-out case's
        this.byPort.set(Number(m[1]), m[2] ?? '');
      }
    });
  }

  /** The reason given for the connection from port, waiting up to ms for its line; '' if none. */
  async of(port: number, ms = 300): Promise<string> {
    for (const until = Date.now() + ms; !this.byPort.has(port) && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 10));
    const reason = this.byPort.get(port) ?? '';
    this.byPort.delete(port);
    return reason;
  }
}
