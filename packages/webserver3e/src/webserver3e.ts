/***************************************************************************
 * Concurrent server - webserver3e.ts                                      *
 *                                                                         *
 * Tested with Node 22, 24 & 26 on Linux                                   *
 *                                                                         *
 * - Handle zombies by establishing a signal handler and calling 'wait'    *
 *   * NB: using console.log is not recommended inside a signal handler    *
 * - Interrupted system call                                               *
 *                                                                         *
 **************************************************************************/
import { os, signal, socket, time } from '@lsbaws/posix';

const SERVER_ADDRESS: socket.Address = ['', Number(process.env.PORT ?? 8888)];
const [HOST, PORT] = SERVER_ADDRESS;
const REQUEST_QUEUE_SIZE = 5;

function grimReaper(signum: number, frame: null): void {
  const [pid, status] = os.wait();
  console.log(`Child ${pid} terminated with status ${status}\n`);
}

function handleRequest(clientConnection: socket.Socket): void {
  const request = clientConnection.recv(1024);
  console.log(request.toString());
  const httpResponse = Buffer.from(`\
HTTP/1.1 200 OK

Hello, World!
`);
  clientConnection.sendall(httpResponse);
  // sleep to allow the parent to loop over to 'accept' and block there
  time.sleep(Number(process.env.LSBAWS_SLEEP ?? 3));
}

async function serveForever(): Promise<void> {
  const listenSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  listenSocket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  listenSocket.bind(SERVER_ADDRESS);
  listenSocket.listen(REQUEST_QUEUE_SIZE);
  console.log(`Serving HTTP on port ${PORT} ...`);

  signal.signal(signal.SIGCHLD, grimReaper);

  while (true) {
    const [clientConnection, clientAddress] = await listenSocket.accept();
    const pid = os.fork();
    if (pid === 0) { // child
      listenSocket.close(); // close child copy
      handleRequest(clientConnection);
      clientConnection.close();
      os._exit(0);
    } else { // parent
      clientConnection.close();
    }
  }
}

await serveForever();
