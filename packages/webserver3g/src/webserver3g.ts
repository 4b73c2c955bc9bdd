/***************************************************************************
 * Concurrent server - webserver3g.ts                                      *
 *                                                                         *
 * Tested with Node 22, 24 & 26 on Linux                                   *
 *                                                                         *
 * - Handle zombies by establishing a signal handler and                   *
 *   calling 'waitpid' in a loop                                           *
 * - No more Zombies, this time for real                                   *
 *   * use $ pnpm --filter client3 start -- --max-clients 128              *
 *     to simulate the behavior                                            *
 *                                                                         *
 **************************************************************************/
import { errno, os, signal, socket, IOError, OSError } from '@lsbaws/posix';

const SERVER_ADDRESS: socket.Address = ['', Number(process.env.PORT ?? 8888)];
const [HOST, PORT] = SERVER_ADDRESS;
const REQUEST_QUEUE_SIZE = 1024;

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

async function serveForever(): Promise<void> {
  const listenSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  listenSocket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  listenSocket.bind(SERVER_ADDRESS);
  listenSocket.listen(REQUEST_QUEUE_SIZE);
  console.log(`Serving HTTP on port ${PORT} ...`);

  signal.signal(signal.SIGCHLD, grimReaper);

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

    const pid = os.fork();
    if (pid === 0) { // child
      listenSocket.close(); // close child copy
      handleRequest(clientConnection);
      clientConnection.close();
      os._exit(0);
    } else { // parent
      clientConnection.close(); // close parent copy and loop over
    }
  }
}

await serveForever();
