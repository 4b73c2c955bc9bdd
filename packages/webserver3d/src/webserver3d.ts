/***************************************************************************
 * Concurrent server - webserver3d.ts                                      *
 *                                                                         *
 * Tested with Node 22, 24 & 26 on Linux                                   *
 *                                                                         *
 * - Parent and child processes DO NOT close duplicate descriptors         *
 * - Client connections are not terminated                                 *
 * - Server might run out of descriptors                                   *
 *   * Set a limit of open files to 256 ($ ulimit -n 256)                  *
 *   * Use $ pnpm --filter client3 start to simulate the behavior          *
 * - OMG, Zombies!!! Server might run out of processes                     *
 *   * $ curl and $ ps to see zombies                                      *
 *   * Set max user processes to 400 ($ ulimit -u 400)                     *
 *   * Use $ pnpm --filter client3 start to simulate the behavior          *
 *                                                                         *
 **************************************************************************/
import { os, socket } from '@lsbaws/posix';

const SERVER_ADDRESS: socket.Address = ['', Number(process.env.PORT ?? 8888)];
const [HOST, PORT] = SERVER_ADDRESS;
const REQUEST_QUEUE_SIZE = 5;

function handleRequest(clientConnection: socket.Socket): void {
  const request = clientConnection.recv(1024);
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

  const clients: socket.Socket[] = [];
  while (true) {
    const [clientConnection, clientAddress] = await listenSocket.accept();
    // store the reference otherwise it's garbage collected
    // on the next loop run
    clients.push(clientConnection);
    const pid = os.fork();
    if (pid === 0) { // child
      listenSocket.close(); // close child copy
      handleRequest(clientConnection);
      clientConnection.close();
      os._exit(0); // child exits here
    } else { // parent
      // clientConnection.close();
      console.log(clients.length);
    }
  }
}

await serveForever();
