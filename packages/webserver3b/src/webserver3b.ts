/*************************************************************************
 * Iterative server - webserver3b.ts                                     *
 *                                                                       *
 * Tested with Node 22, 24 & 26 on Linux                                 *
 *                                                                       *
 * - Server sleeps for 60 seconds after sending a response to a client   *
 ************************************************************************/
import { socket, time } from '@lsbaws/posix';

const SERVER_ADDRESS: socket.Address = ['', Number(process.env.PORT ?? 8888)];
const [HOST, PORT] = SERVER_ADDRESS;
const REQUEST_QUEUE_SIZE = 5;

function handleRequest(clientConnection: socket.Socket): void {
  const request = clientConnection.recv(1024);
  console.log(request.toString());
  const httpResponse = Buffer.from(`\
HTTP/1.1 200 OK

Hello, World!
`);
  clientConnection.sendall(httpResponse);
  time.sleep(Number(process.env.LSBAWS_SLEEP ?? 60)); // sleep and block the process for 60 seconds
}

async function serveForever(): Promise<void> {
  const listenSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  listenSocket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  listenSocket.bind(SERVER_ADDRESS);
  listenSocket.listen(REQUEST_QUEUE_SIZE);
  console.log(`Serving HTTP on port ${PORT} ...`);

  while (true) {
    const [clientConnection, clientAddress] = await listenSocket.accept();
    handleRequest(clientConnection);
    clientConnection.close();
  }
}

await serveForever();
