// Tested with Node 22, 24 & 26 on Linux
import { socket } from '@lsbaws/posix';

const [HOST, PORT] = ['', Number(process.env.PORT ?? 8888)];

const listenSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
listenSocket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
listenSocket.bind([HOST, PORT]);
listenSocket.listen(1);
console.log(`Serving HTTP on port ${PORT} ...`);
while (true) {
  const [clientConnection, clientAddress] = await listenSocket.accept();
  const requestData = clientConnection.recv(1024);
  console.log(requestData.toString('utf-8'));

  const httpResponse = Buffer.from(`\
HTTP/1.1 200 OK

Hello, World!
`);
  clientConnection.sendall(httpResponse);
  clientConnection.close();
}
