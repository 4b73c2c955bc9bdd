/***************************************************************************
 * Concurrent server - webserver3c.ts                                      *
 *                                                                         *
 * Tested with Node 22, 24 & 26 on Linux                                   *
 *                                                                         *
 * - Child process sleeps for 60 seconds after handling a client's request *
 * - Parent and child processes close duplicate descriptors                *
 *                                                                         *
 **************************************************************************/
import { os, socket, time } from '@lsbaws/posix';

const SERVER_ADDRESS: socket.Address = ['', Number(process.env.PORT ?? 8888)];
const [HOST, PORT] = SERVER_ADDRESS;
const REQUEST_QUEUE_SIZE = 5;

function handleRequest(clientConnection: socket.Socket): void {
  const request = clientConnection.recv(1024);
  console.log(`Child PID: ${os.getpid()}. Parent PID ${os.getppid()}`);
  console.log(request.toString());
  const httpResponse = Buffer.from(`\
HTTP/1.1 200 OK

Hello, World!
`);
  clientConnection.sendall(httpResponse);
  time.sleep(Number(process.env.LSBAWS_SLEEP ?? 60));
}

async function serveForever(): Promise<void> {
  const listenSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  listenSocket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  listenSocket.bind(SERVER_ADDRESS);
  listenSocket.listen(REQUEST_QUEUE_SIZE);
  console.log(`Serving HTTP on port ${PORT} ...`);
  console.log(`Parent PID (PPID): ${os.getpid()}\n`);

  while (true) {
    const [clientConnection, clientAddress] = await listenSocket.accept();
    const pid = os.fork();
    if (pid === 0) { // child
      listenSocket.close(); // close child copy
      handleRequest(clientConnection);
      clientConnection.close();
      os._exit(0); // child exits here
    } else { // parent
      clientConnection.close(); // close parent copy and loop over
    }
  }
}

await serveForever();
