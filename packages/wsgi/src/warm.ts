/**
 * The library's first-time work, done once in the parent before its first fork(), so that no child
 * does it again: a forked child inherits the parent's compiled regular expressions, its inline
 * caches and ICU's time-zone set-up, but redoes whatever the parent never ran (measured with `perf`
 * on webserver3h's children: compiling the request parser's regular expressions, ICU's first
 * `new Date`, the first parse of a head). Nothing here touches a socket or prints: a canned request
 * is read from memory through the same functions a child uses, and the answer is framed, not sent.
 */
import { os, type socket } from '@lsbaws/posix';
import { errorResponse, formatHead, httpDate } from './framing.js';
import { statusLine } from './http-error.js';
import { curlLines, splitlines } from './print.js';
import type { ResponseHeaders } from './wsgi.js';
import { checkResponse } from './pep3333.js';
import { requestVariables } from './environ.js';
import { Connection } from './connection.js';

const CANNED = 'GET /hello?name=warm HTTP/1.1\r\nHost: localhost:8888\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n\r\n';

/** A socket that reads CANNED from memory and sends nothing: only what recvRequest() asks of one. */
function cannedSocket(): socket.Socket {
  let unread = Buffer.from(CANNED, 'latin1');
  const fake = {
    settimeout: (): void => {},
    fileno: (): number => -1,
    recv: (size: number): Buffer => {
      const chunk = unread.subarray(0, size);
      unread = unread.subarray(chunk.length);
      return chunk;
    },
  };
  return fake as unknown as socket.Socket;
}

let warmed = false;

/** Runs a child's request path once on a canned request, in memory (once per process). */
function warmRequestPath(): void {
  if (warmed) return;
  warmed = true;
  const address: socket.Address = ['127.0.0.1', 0];
  const connection = new Connection(cannedSocket(), address);
  const request = connection.recvRequest();
  curlLines('< ', request.text, request.body);
  splitlines(request.text)[0]?.split(' ');
  requestVariables(request);
  const headers: ResponseHeaders = [['Content-Type', 'text/plain']];
  connection.checkStart('200 OK', headers);
  const [status, framed] = connection.frame([
    '200 OK',
    [...headers, ['Date', httpDate()], ['Server', 'WSGIServer 0.2']],
  ]);
  curlLines('> ', formatHead(status, framed), Buffer.from('Hello, World!\n'));
  checkResponse(statusLine(404), headers);
  errorResponse(statusLine(400), 'warm');
}

// before every os.fork() of a process that imports this library; it does its work before the first only
os.register_at_fork({ before: warmRequestPath });
