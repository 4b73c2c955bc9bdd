/***************************************************************************
 * Pre-forked server - webserver-prefork.ts (beyond the article)           *
 *                                                                         *
 * Tested with Node 22, 24 & 26 on Linux                                   *
 *                                                                         *
 * - Fork a fixed number of children at start, each of them loops          *
 *   on 'accept' of the one listening socket they all share                *
 * - The SIGCHLD handler reaps a child that died, and the parent           *
 *   forks another one in its place                                        *
 *   * use $ pnpm --filter client3 start -- --max-clients 128              *
 *     to see four processes serve them all                                *
 *                                                                         *
 **************************************************************************/
import { errno, os, signal, socket, IOError, OSError } from '@lsbaws/posix';

const SERVER_ADDRESS: socket.Address = ['', Number(process.env.PORT ?? 8888)];
const [HOST, PORT] = SERVER_ADDRESS;
const REQUEST_QUEUE_SIZE = 1024;
const PROCESSES = Number(process.env.LSBAWS_PROCESSES ?? 4);

const children = new Set<number>();

function grimReaper(signum: number, frame: null): void {
  while (true) {
    let pid: number, status: number;
    try {
      [pid, status] = os.waitpid(
        -1,         // Wait for any child process
        os.WNOHANG, // Do not block and return EWOULDBLOCK error
      );
    } catch (e) {
      if (!(e instanceof OSError)) throw e;
      return;
    }

    if (pid === 0) { // no more zombies
      return;
    }
    children.delete(pid); // the parent forks another one in its place
  }
}

function handleRequest(clientConnection: socket.Socket): void {
  const request = clientConnection.recv(1024);
  console.log(request.toString());
  const httpResponse = Buffer.from(`\
HTTP/1.1 200 OK

Hello, World!
`);
  clientConnection.sendall(httpResponse);
}

async function serveClients(listenSocket: socket.Socket): Promise<never> {
  while (true) {
    let clientConnection: socket.Socket, clientAddress: socket.Address;
    try {
      [clientConnection, clientAddress] = await listenSocket.accept();
    } catch (e) {
      if (!(e instanceof IOError)) throw e;
      const [code, msg] = e.args;
      // restart 'accept' if it was interrupted
      if (code === errno.EINTR) {
        continue;
      } else {
        throw e;
      }
    }

    handleRequest(clientConnection);
    clientConnection.close();
  }
}

async function serveForever(): Promise<void> {
  const listenSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  listenSocket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  listenSocket.bind(SERVER_ADDRESS);
  listenSocket.listen(REQUEST_QUEUE_SIZE);
  console.log(`Serving HTTP on port ${PORT} ...`);

  signal.signal(signal.SIGCHLD, grimReaper);

  while (true) {
    while (children.size < PROCESSES) {
      const pid = os.fork();
      if (pid === 0) { // child
        await serveClients(listenSocket); // accept and serve, for ever
      } else { // parent
        children.add(pid);
      }
    }
    await signal.pause(); // until a handler has run: a child died
  }
}

await serveForever();
