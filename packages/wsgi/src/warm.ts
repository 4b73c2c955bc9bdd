/**
 * The library's first-time work, done once in the server when its application is loaded
 * (./importer.ts), before it serves and forks, so that no child does it again. A forked child
 * inherits the parent's compiled regular expressions, its inline caches, its objects' shapes and
 * ICU's time-zone set-up, but redoes whatever the parent never ran (measured with `perf` and V8's
 * --trace-deopt and --trace-generalization on webserver3h's children: compiling the parser's
 * regular expressions to machine code, ICU's first `new Date`, calls with no feedback yet, a field
 * of Socket, Connection, Transport or ResponseState written for the first time, which generalizes
 * its shape and throws away the parent's optimized code that relied on it). A canned request goes
 * WARM_ROUNDS times through the path a child takes, over a socketpair(2) of the server's own:
 * nothing is accepted, listened on or printed, and the learner sees no request.
 */
import { socket } from '@lsbaws/posix';
import { errorResponse, formatHead, httpDate } from './framing.js';
import { statusLine } from './http-error.js';
import { curlLines, splitlines } from './print.js';
import type { ResponseHeaders } from './wsgi.js';
import { checkResponse } from './pep3333.js';
import { requestVariables } from './environ.js';
import { Connection } from './connection.js';
import { closeIterable } from './response.js';
import { ErrorStream, InputStream } from './streams.js';

const CANNED = 'GET /hello?name=warm HTTP/1.1\r\nHost: localhost:8888\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n\r\n';

/**
 * How many times: a regular expression is compiled to machine code the second time it runs, and a
 * function gets its feedback (inline caches) after its first few calls.
 */
const WARM_ROUNDS = 12;

let warming: Promise<void> | null = null;

/**
 * Runs a child's request path WARM_ROUNDS times on a canned request (once per process). It only
 * makes children cheaper: where it cannot run (no descriptor left for a socket pair, say), it
 * stops, and the server starts all the same, its children doing that work themselves.
 */
export function warmRequestPath(): Promise<void> {
  return (warming ??= (async () => {
    for (let i = 0; i < WARM_ROUNDS; i++) await oneRequest();
  })().catch(() => undefined));
}

/** One canned request, served over a socket pair as a child serves one: read, environ, answer, close. */
async function oneRequest(): Promise<void> {
  const [client, server] = socket.socketpair();
  const connection = new Connection(server, ['127.0.0.1', 0]);
  try {
    client.sendall(CANNED);
    await connection.serve(async () => {
      try {
        await serveCanned(connection);
      } catch {
        // nothing is answered or printed: the next request does this work instead
      }
      client.shutdown(socket.SHUT_WR); // the lingering close then sees the end at once
    });
  } finally {
    client.close();
    server.close(); // serve() closed it already, unless the canned request could not be sent
  }
}

/** What webserver3h's handleOneRequest does with a request, with a hello application and nothing printed. */
async function serveCanned(connection: Connection): Promise<void> {
  const request = connection.recvRequest();
  curlLines('< ', request.text, request.body);
  splitlines(request.text)[0]?.split(' ');
  const environ = { ...requestVariables(request) };
  environ['wsgi.input'] = new InputStream(request.body);
  environ['wsgi.errors'] = new ErrorStream(process.stderr);
  const headers: ResponseHeaders = [['Content-Type', 'text/plain']];
  connection.checkStart('200 OK', headers);
  const result = [Buffer.from('Hello, World!\n')];
  const body = await connection.readBody(result);
  const [status, framed] = connection.frame([
    '200 OK',
    [...headers, ['Date', httpDate()], ['Server', 'WSGIServer 0.2']],
  ]);
  const head = formatHead(status, framed);
  curlLines('> ', head, body);
  connection.sendall(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  await closeIterable(result);
  checkResponse(statusLine(404), headers);
  errorResponse(statusLine(400), 'warm');
}
