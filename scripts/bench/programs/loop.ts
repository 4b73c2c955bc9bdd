/**
 * The fork-per-connection loop of server.c, run inside node one piece at a time, so that the
 * benchmark can say where webserver3g's time goes (docs/benchmarks.md, "Where the time goes").
 * Every mode sets up the listening socket through @lsbaws/posix and prints the stages' ready line;
 * the child's work is the C of programs/c/serve.c (libserve.so) unless the mode says not. Every
 * mode but the first runs os.fork()'s parent steps once (@lsbaws/posix/fork-steps), which make V8's
 * heap the child's too, as a child that runs JavaScript needs (V8 marks its heap to be left out of children):
 *
 *   c-loop           lsb_serve_forever(): the whole loop in C, called once through ffi-rs; no
 *                    JavaScript runs per request, and V8's heap stays out of the children (what
 *                    forking a Node process costs, and nothing else)
 *   c-loop-forkable  the same, V8's heap made the children's too
 *   js-ffi-rs        a JavaScript loop: a blocking accept(2), then lsb_fork_child() (fork, and the
 *                    child's work in C), then close(2), each through ffi-rs; a C SIGCHLD reaper
 *   js-koffi         the same loop through koffi instead of ffi-rs (is the FFI the floor?)
 *   js-child-koffi-write
 *                    the koffi loop with fork(2) called from JavaScript and the stage's child in
 *                    JavaScript: the platform task queue made new (as os.fork() does: a byte copy),
 *                    then close, recv, write(2) of the request to stdout, send, close and _exit
 *                    through koffi
 *   js-child-koffi   the same child printing the request with console.log, as the stage does.
 *                    Strictly less than webserver3g does: no poll, no event loop, no Socket
 *                    objects, no exceptions, no new event loop for the child
 *   js-child-ffi-rs  the same through @lsbaws/posix's bound ffi-rs calls
 *   js-child-koffi-wsgi
 *                    js-child-koffi, the server first loading wsgiapp:app as webserver3h loads it
 *                    (@lsbaws/wsgi's importModule, its warm-up included): strictly less than
 *                    webserver3h does, keeping what it cannot drop, its library and application
 *   js-child-koffi-wsgi-app
 *                    js-child-koffi-wsgi with webserver3h.py's child in JavaScript (recv(1024), the
 *                    request printed a la curl, the request line split, get_environ(), the
 *                    application called, the response built, printed and sent), and SIGCHLD
 *                    interrupting the blocking accept (EINTR), after which the loop does the stage's
 *                    grim reaper's work (waitpid and its prints): strictly less than webserver3h
 *                    does (no event loop), keeping the work of the Python's child and of its handler
 *   js-child-ffi-rs-wsgi-app
 *                    the same through ffi-rs, the FFI the stage cannot drop: the child's calls and
 *                    waitpid through @lsbaws/posix's, accept and close through descriptors built once
 *   posix-accept     @lsbaws/posix's accept() (poll with the event loop's descriptor) and its
 *                    signal.signal() reaper in JavaScript, then lsb_fork_child() through ffi-rs
 *   posix-fork       the same with @lsbaws/posix's os.fork(); the child calls lsb_handle_child()
 *                    through ffi-rs (what the stage does, less its own JavaScript in the child)
 *
 *   node --single-threaded scripts/bench/programs/dist/loop.js MODE   (PORT, default 8888)
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open, load, DataType, type FFIParams } from 'ffi-rs';
import koffi from 'koffi';
import { socket, os, signal, errno, OSError } from '@lsbaws/posix';
import { call, prepareFork, afterForkInChild, forkStepsWithout } from '@lsbaws/posix/fork-steps';
import { grimReaper } from './reaper.js';
import type { Application, Environ, ResponseHeaders, StartResponse } from '@lsbaws/wsgi';

const MODES = [
  'c-loop',
  'c-loop-forkable',
  'js-ffi-rs',
  'js-koffi',
  'js-child-koffi-write',
  'js-child-koffi',
  'js-child-ffi-rs',
  'js-child-koffi-wsgi',
  'js-child-koffi-wsgi-app',
  'js-child-ffi-rs-wsgi-app',
  'posix-accept',
  'posix-fork',
] as const;
type Mode = (typeof MODES)[number];

const mode = process.argv[2] as Mode;
if (!MODES.includes(mode)) throw new Error(`usage: loop.js ${MODES.join('|')}`);
const LIBSERVE = join(fileURLToPath(new URL('.', import.meta.url)), 'libserve.so');

/** One C function through ffi-rs, its descriptor built once (only the arguments change per call). */
function ffiRs(library: string, funcName: string, paramsType: DataType[]): (...args: number[]) => number {
  const descriptor: FFIParams<DataType.I32> = {
    library,
    funcName,
    retType: DataType.I32,
    paramsType,
    paramsValue: [],
    freeResultMemory: false,
  };
  return (...args) => {
    descriptor.paramsValue = args;
    return load(descriptor);
  };
}

open({ library: 'serve', path: LIBSERVE });
open({ library: 'c', path: '' }); // the process's own symbols: libc's
const I32 = DataType.I32;
const ffi = {
  serveForever: ffiRs('serve', 'lsb_serve_forever', [I32]),
  installReaper: ffiRs('serve', 'lsb_install_reaper', []),
  forkChild: ffiRs('serve', 'lsb_fork_child', [I32, I32]),
  handleChild: ffiRs('serve', 'lsb_handle_child', [I32, I32]),
  accept: ffiRs('c', 'accept', [I32, I32, I32]),
  close: ffiRs('c', 'close', [I32]),
};

// webserver3h's library and application, loaded as it loads them, before the ready line as webserver3h does
// (imported here only: no other mode carries them); the application as the module exports it
type WsgiLibrary = typeof import('@lsbaws/wsgi');
const wsgi: WsgiLibrary | null = mode.includes('-wsgi') ? await import('@lsbaws/wsgi') : null;
const application = wsgi === null ? null : ((await wsgi.importModule('wsgiapp'))['app'] as Application);

const port = Number(process.env.PORT ?? 8888);
const listenSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
listenSocket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
listenSocket.bind(['', port]);
listenSocket.listen(1024);
const listenFd = listenSocket.fileno();
console.log(`Serving HTTP on port ${port} ...`);
const serverName = wsgi === null ? '' : socket.getfqdn(listenSocket.getsockname()[0]); // SERVER_NAME

/** The JavaScript loop: accept blocking, fork with the child in C, close; -1 from accept is EINTR or worse. */
function jsLoop(
  accept: (fd: number) => number,
  forkChild: (listen: number, client: number) => number,
  close: (fd: number) => number,
  interrupted: () => void = () => {},
): never {
  for (;;) {
    const client = accept(listenFd);
    if (client === -1) {
      interrupted(); // by SIGCHLD (or failing: the load generator will say)
      continue;
    }
    if (forkChild(listenFd, client) === -1) throw new Error('fork failed');
    close(client);
  }
}

/** The C calls the JavaScript child makes, one set per FFI. */
interface ChildCalls {
  fork: () => number;
  close: (fd: number) => number;
  recv: (fd: number, buffer: Buffer, length: number) => number;
  /** How the child prints the request: console.log as the stage does, or null for write(2). */
  write: ((fd: number, data: Buffer) => number) | null;
  send: (fd: number, data: Buffer) => number;
  exit: (status: number) => void;
}

const RESPONSE = Buffer.from('HTTP/1.1 200 OK\n\nHello, World!\n');
const NEWLINE = Buffer.from('\n');

/**
 * os.fork()'s steps as the JavaScript children below take them: without a libuv loop of their own
 * (its step calls through ffi-rs, and these children never turn a loop) and without the exit path
 * (they call _exit themselves); every other step of the list, the platform task queue made new
 * first among them (a collection in the child would hang without it).
 */
const jsChildSteps = forkStepsWithout({ 'event-loop': 'child', 'child-exit': 'child' });

/**
 * fork(2) from JavaScript, and webserver3g's child in JavaScript: the child halves of jsChildSteps
 * first, then the stage's handleRequest with the FFI's calls in place of @lsbaws/posix's.
 */
function forkJsChild(c: ChildCalls, client: number): number {
  const pid = c.fork();
  if (pid === 0) {
    afterForkInChild(jsChildSteps);
    c.close(listenFd);
    const request = Buffer.allocUnsafe(1024);
    const n = Math.max(c.recv(client, request, 1024), 0);
    if (c.write === null) console.log(request.toString('utf8', 0, n));
    else c.write(1, Buffer.concat([request.subarray(0, n), NEWLINE]));
    c.send(client, RESPONSE);
    c.close(client);
    c.exit(0);
  }
  return pid;
}

type Waitpid = (pid: number, status: Buffer, options: number) => number;

/**
 * The wsgi-app modes' loop: webserver3h.py's child for each connection, and SIGCHLD made to
 * interrupt the blocking accept (signal.signal() sets no SA_RESTART, as for the stage), after which
 * the loop does the stage's grim reaper's work. The handler given to signal.signal() would run only
 * when the event loop turns, which this loop never lets it do.
 */
function wsgiAppLoop(
  calls: ChildCalls,
  waitpid: Waitpid,
  accept: (fd: number) => number,
  close: (fd: number) => number,
): never {
  if (wsgi === null || application === null) throw new Error('wsgiapp:app not loaded');
  const [library, app] = [wsgi, application];
  signal.signal(signal.SIGCHLD, () => {});
  return jsLoop(
    accept,
    (_listen, client) => forkWsgiChild(calls, client, app, library),
    close,
    () => reapAndPrint(waitpid),
  );
}

/**
 * webserver3h's grimReaper, its work: waitpid(-1, WNOHANG) and its print until nothing is left to
 * reap (the stage prints the last one too, "Child 0 terminated...").
 */
function reapAndPrint(waitpid: Waitpid): void {
  const status = Buffer.alloc(4);
  for (;;) {
    const pid = waitpid(-1, status, os.WNOHANG);
    if (pid === -1) return; // ECHILD: no children left
    console.log(`Child ${pid} terminated with status ${status.readInt32LE(0)}` + '\n');
    if (pid === 0) return;
  }
}

/** Python's str.splitlines(): no empty line after a final newline. */
function splitlines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * fork(2) from JavaScript, and webserver3h.py's child in JavaScript, step for step: recv(1024), the
 * request printed a la curl, its request line split, the environ of get_environ(), the application
 * called with a start_response that adds the Python's two headers, the response built, printed and
 * sent, the connection closed. Strictly less than webserver3h's child: one recv, no checks of the
 * request or the response, no event loop, no deadline, no lingering close.
 */
function forkWsgiChild(c: ChildCalls, client: number, app: Application, library: WsgiLibrary): number {
  const pid = c.fork();
  if (pid === 0) {
    afterForkInChild(jsChildSteps);
    c.close(listenFd);
    const buffer = Buffer.allocUnsafe(1024);
    const requestData = buffer.toString('latin1', 0, Math.max(c.recv(client, buffer, 1024), 0));
    console.log(
      splitlines(requestData)
        .map((line) => `< ${line}\n`)
        .join(''),
    );
    const [requestMethod, path] = (splitlines(requestData)[0] ?? '').trimEnd().split(' ');
    const env = {
      'wsgi.version': [1, 0],
      'wsgi.url_scheme': 'http',
      'wsgi.input': new library.InputStream(Buffer.from(requestData, 'latin1')),
      'wsgi.errors': new library.ErrorStream(process.stderr),
      'wsgi.multithread': false,
      'wsgi.multiprocess': false,
      'wsgi.run_once': false,
      REQUEST_METHOD: requestMethod,
      PATH_INFO: path,
      SERVER_NAME: serverName,
      SERVER_PORT: String(port),
    } as unknown as Environ;
    let headersSet: [string, ResponseHeaders] = ['', []];
    const startResponse: StartResponse = (status, responseHeaders) => {
      const serverHeaders: ResponseHeaders = [
        ['Date', 'Tue, 31 Mar 2015 12:54:48 GMT'],
        ['Server', 'WSGIServer 0.2'],
      ];
      headersSet = [status, [...responseHeaders, ...serverHeaders]];
      return () => {};
    };
    const result = app(env, startResponse) as Iterable<Uint8Array>; // wsgiapp returns a list
    const [status, responseHeaders] = headersSet;
    let response = `HTTP/1.1 ${status}\r\n`;
    for (const [name, value] of responseHeaders) response += `${name}: ${value}\r\n`;
    response += '\r\n';
    for (const data of result) response += Buffer.from(data).toString('latin1');
    console.log(
      splitlines(response)
        .map((line) => `> ${line}\n`)
        .join(''),
    );
    c.send(client, Buffer.from(response, 'latin1'));
    c.close(client);
    c.exit(0);
  }
  return pid;
}

/** @lsbaws/posix's accept() restarted after EINTR, as the stage does it. */
async function acceptConnection(): Promise<socket.Socket> {
  for (;;) {
    try {
      return (await listenSocket.accept())[0];
    } catch (e) {
      if (e instanceof OSError && e.errno === errno.EINTR) continue;
      throw e;
    }
  }
}

// os.fork()'s parent halves, once (V8's heap made the children's, the task queue found): every mode but the first
if (mode !== 'c-loop') prepareFork();
switch (mode) {
  case 'c-loop':
  case 'c-loop-forkable':
    ffi.installReaper();
    ffi.serveForever(listenFd);
    throw new Error('lsb_serve_forever returned');
  case 'js-ffi-rs':
    ffi.installReaper();
    jsLoop((fd) => ffi.accept(fd, 0, 0), ffi.forkChild, ffi.close);
    break;
  case 'js-koffi':
  case 'js-child-koffi-write':
  case 'js-child-koffi':
  case 'js-child-koffi-wsgi':
  case 'js-child-koffi-wsgi-app': {
    const serve = koffi.load(LIBSERVE);
    const libc = koffi.load(null);
    if (mode !== 'js-child-koffi-wsgi-app') (serve.func('int lsb_install_reaper()') as () => number)();
    const accept = libc.func('int accept(int, void *, void *)') as (fd: number, a: null, l: null) => number;
    const close = libc.func('int close(int)') as (fd: number) => number;
    let forkChild = serve.func('int lsb_fork_child(int, int)') as (l: number, c: number) => number;
    if (mode !== 'js-koffi') {
      const write = libc.func('long write(int, const void *, unsigned long)') as (...a: unknown[]) => number;
      const recv = libc.func('long recv(int, void *, unsigned long, int)') as (...a: unknown[]) => number;
      const send = libc.func('long send(int, const void *, unsigned long, int)') as (...a: unknown[]) => number;
      const calls: ChildCalls = {
        fork: libc.func('int fork()') as () => number,
        close,
        recv: (fd, buffer, length) => recv(fd, buffer, length, 0),
        write: mode === 'js-child-koffi-write' ? (fd, data) => write(fd, data, data.length) : null,
        send: (fd, data) => send(fd, data, data.length, 0),
        exit: libc.func('void _exit(int)') as (status: number) => void,
      };
      if (mode === 'js-child-koffi-wsgi-app') {
        const waitpid = libc.func('int waitpid(int, void *, int)') as Waitpid;
        wsgiAppLoop(calls, waitpid, (fd) => accept(fd, null, null), close);
      }
      forkChild = (_listen, client) => forkJsChild(calls, client);
    }
    jsLoop((fd) => accept(fd, null, null), forkChild, close);
    break;
  }
  case 'js-child-ffi-rs':
  case 'js-child-ffi-rs-wsgi-app': {
    if (mode === 'js-child-ffi-rs') ffi.installReaper();
    const calls: ChildCalls = {
      fork: () => call('fork').value as number,
      close: (fd) => call('close', fd).value as number,
      recv: (fd, buffer, length) => Number(call('recv', fd, buffer, length, 0).value),
      write: null,
      send: (fd, data) => Number(call('send', fd, data, data.length, 0).value),
      exit: (status) => call('_exit', status),
    };
    const accept = (fd: number): number => ffi.accept(fd, 0, 0);
    if (mode === 'js-child-ffi-rs-wsgi-app') {
      const waitpid: Waitpid = (pid, status, options) => call('waitpid', pid, status, options).value as number;
      wsgiAppLoop(calls, waitpid, accept, ffi.close);
    }
    jsLoop(accept, (_listen, client) => forkJsChild(calls, client), ffi.close);
    break;
  }
  case 'posix-accept':
  case 'posix-fork':
    signal.signal(signal.SIGCHLD, grimReaper);
    for (;;) {
      const client = await acceptConnection();
      if (mode === 'posix-accept') {
        ffi.forkChild(listenFd, client.fileno());
      } else if (os.fork() === 0) {
        ffi.handleChild(listenFd, client.fileno()); // never returns
      }
      client.close();
    }
}
