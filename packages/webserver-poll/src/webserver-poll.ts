/*********************************************************************
 * One process, many connections - webserver-poll.ts                 *
 * (beyond the article)                                              *
 *                                                                   *
 * Tested with Node 22, 24 & 26 on Linux                             *
 *                                                                   *
 * - Non-blocking sockets and 'poll': no fork, and no client         *
 *   waits for another one that is slow to send its request          *
 ********************************************************************/
import { select, socket, OSError } from '@lsbaws/posix';

const SERVER_ADDRESS: socket.Address = ['', Number(process.env.PORT ?? 8888)];
const [HOST, PORT] = SERVER_ADDRESS;
const REQUEST_QUEUE_SIZE = 1024;

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
  listenSocket.setblocking(false);
  console.log(`Serving HTTP on port ${PORT} ...`);

  const connections = new Map<number, socket.Socket>(); // fd -> connection
  const poller = select.poll();
  poller.register(listenSocket, select.POLLIN);

  while (true) {
    for (const [fd, event] of await poller.poll()) { // wait until one is ready
      if (fd === listenSocket.fileno()) { // a new connection
        const [clientConnection, clientAddress] = await listenSocket.accept();
        clientConnection.setblocking(false);
        connections.set(clientConnection.fileno(), clientConnection);
        poller.register(clientConnection, select.POLLIN);
        continue;
      }
      const clientConnection = connections.get(fd) as socket.Socket; // its request came
      poller.unregister(fd);
      connections.delete(fd);
      try {
        handleRequest(clientConnection);
      } catch (e) { // one client's error ends its connection, not the server
        if (!(e instanceof OSError)) throw e;
      }
      clientConnection.close();
    }
  }
}

await serveForever();
