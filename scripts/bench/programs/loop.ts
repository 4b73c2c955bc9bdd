/**
 * The fork-per-connection loop of server.c, run inside node one piece at a time, so that the
 * benchmark can say where webserver3g's time goes (docs/benchmarks.md, "Where the time goes").
 * Every mode sets up the listening socket through @lsbaws/posix and prints the stages' ready line;
 * the child's work is always the C of programs/c/serve.c (libserve.so) unless the mode says not:
 *
 *   c-loop        lsb_serve_forever(): the whole loop in C, called once through ffi-rs; no
 *                 JavaScript runs per request (what a Node process costs to fork, and nothing else)
 *   js-ffi-rs     a JavaScript loop: a blocking accept(2), then lsb_fork_child() (fork, and the
 *                 child's work in C), then close(2), each through ffi-rs; a C SIGCHLD reaper
 *   js-koffi      the same loop through koffi instead of ffi-rs (is the FFI the floor?)
 *   posix-accept  @lsbaws/posix's accept() (poll with the event loop's descriptor) and its
 *                 signal.signal() reaper in JavaScript, then lsb_fork_child() through ffi-rs
 *   posix-fork    the same with @lsbaws/posix's os.fork(); the child calls lsb_handle_child()
 *                 through ffi-rs (what the stage does, less its own JavaScript in the child)
 *
 *   node --single-threaded scripts/bench/programs/dist/loop.js MODE   (PORT, default 8888)
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open, load, DataType, type FFIParams } from 'ffi-rs';
import koffi from 'koffi';
import { socket, os, signal, errno, OSError } from '@lsbaws/posix';
import { grimReaper } from './reaper.js';

const MODES = ['c-loop', 'js-ffi-rs', 'js-koffi', 'posix-accept', 'posix-fork'] as const;
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

const port = Number(process.env.PORT ?? 8888);
const listenSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
listenSocket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
listenSocket.bind(['', port]);
listenSocket.listen(1024);
const listenFd = listenSocket.fileno();
console.log(`Serving HTTP on port ${port} ...`);

/** The JavaScript loop: accept blocking, fork with the child in C, close; -1 from accept is EINTR or worse. */
function jsLoop(
  accept: (fd: number) => number,
  forkChild: (listen: number, client: number) => number,
  close: (fd: number) => number,
): never {
  for (;;) {
    const client = accept(listenFd);
    if (client === -1) continue; // interrupted by SIGCHLD (or failing: the load generator will say)
    if (forkChild(listenFd, client) === -1) throw new Error('fork failed');
    close(client);
  }
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

switch (mode) {
  case 'c-loop':
    ffi.installReaper();
    ffi.serveForever(listenFd);
    throw new Error('lsb_serve_forever returned');
  case 'js-ffi-rs':
    ffi.installReaper();
    jsLoop((fd) => ffi.accept(fd, 0, 0), ffi.forkChild, ffi.close);
    break;
  case 'js-koffi': {
    const serve = koffi.load(LIBSERVE);
    const libc = koffi.load(null);
    (serve.func('int lsb_install_reaper()') as () => number)();
    const accept = libc.func('int accept(int, void *, void *)') as (fd: number, a: null, l: null) => number;
    jsLoop(
      (fd) => accept(fd, null, null),
      serve.func('int lsb_fork_child(int, int)') as (l: number, c: number) => number,
      libc.func('int close(int)') as (fd: number) => number,
    );
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
