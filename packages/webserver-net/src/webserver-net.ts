/*********************************************************************
 * Node's own event loop - webserver-net.ts                          *
 * (beyond the article)                                              *
 *                                                                   *
 * Tested with Node 22, 24 & 26 on Linux                             *
 *                                                                   *
 * - node:net: libuv runs the loop of webserver-poll for us (epoll), *
 *   accepts, and calls us back when a connection's request came     *
 ********************************************************************/
import net from 'node:net';

const SERVER_ADDRESS: [string, number] = ['0.0.0.0', Number(process.env.PORT ?? 8888)]; // '' to Python
const [HOST, PORT] = SERVER_ADDRESS;
const REQUEST_QUEUE_SIZE = 1024;

function handleRequest(clientConnection: net.Socket, request: Buffer): void {
  console.log(request.toString());
  const httpResponse = Buffer.from(`\
HTTP/1.1 200 OK

Hello, World!
`);
  clientConnection.end(httpResponse); // send, then close
}

function serveForever(): void {
  const listenSocket = net.createServer(); // SO_REUSEADDR, non-blocking, registered with the loop
  listenSocket.listen({ host: HOST, port: PORT, backlog: REQUEST_QUEUE_SIZE }, () => {
    console.log(`Serving HTTP on port ${PORT} ...`);
  });
  listenSocket.on('error', (e) => console.log(`${e}`)); // accept failed, libuv could not shed it: go on

  listenSocket.on('connection', (clientConnection) => { // a new connection
    clientConnection.once('data', (request) => handleRequest(clientConnection, request)); // its request came
    clientConnection.on('error', () => clientConnection.destroy()); // one client's error ends its connection
  });
}

serveForever();
