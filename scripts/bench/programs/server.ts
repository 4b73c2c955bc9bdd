/**
 * programs/c/server.c, statement for statement, in Node through @lsbaws/posix: SO_REUSEADDR,
 * listen(1024), a SIGCHLD handler that reaps with waitpid(-1, WNOHANG) in a loop, accept()
 * restarted after EINTR, fork(); the child closes the listening socket, reads the request
 * (one recv of 1024 bytes), writes it to stdout with a raw write(2), sends the response,
 * closes and _exit(0)s; the parent closes its copy. No console.log, no decoding, no parsing:
 * the least a Node child can do per connection, so its throughput is what fork per
 * connection costs in Node itself. Port: PORT (default 8888).
 *
 *   node --single-threaded scripts/bench/programs/dist/server.js
 */
import { socket, os, signal, errno, OSError } from '@lsbaws/posix';
import { grimReaper } from './reaper.js';

const REQUEST_QUEUE_SIZE = 1024;
const RESPONSE = Buffer.from('HTTP/1.1 200 OK\n\nHello, World!\n');
const NEWLINE = Buffer.from('\n');

function handleRequest(client: socket.Socket): void {
  const request = client.recv(1024);
  if (request.length > 0) os.write(1, Buffer.concat([request, NEWLINE]));
  client.sendall(RESPONSE);
}

const port = Number(process.env.PORT ?? 8888);
const listenSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
listenSocket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
listenSocket.bind(['', port]);
listenSocket.listen(REQUEST_QUEUE_SIZE);
console.log(`Serving HTTP on port ${port} ...`);
signal.signal(signal.SIGCHLD, grimReaper);

for (;;) {
  let client: socket.Socket;
  try {
    [client] = await listenSocket.accept();
  } catch (e) {
    if (e instanceof OSError && e.errno === errno.EINTR) continue; // restart 'accept' if it was interrupted
    throw e;
  }
  const pid = os.fork();
  if (pid === 0) {
    // child
    listenSocket.close();
    handleRequest(client);
    client.close();
    os._exit(0);
  }
  client.close(); // parent: close its copy and loop over
}
