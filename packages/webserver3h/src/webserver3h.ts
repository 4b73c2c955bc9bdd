/***************************************************************************
 * Concurrent WSGI server - webserver3h.ts                                 *
 *                                                                         *
 * Tested with Node 20, 22 & 24 on Linux                                   *
 *                                                                         *
 * The application interface (PEP 3333 in TypeScript) is in wsgi.ts,      *
 * request parsing and limits in http.ts, and the adapters that run        *
 * Fetch-API apps (Hono) and Node (req, res) apps (Express) in adapters/.  *
 **************************************************************************/
import { errno, os, signal, socket, IOError, OSError } from '@lsbaws/posix';
import {
  HttpError, checkResponse, curlLines, errorResponse, formatHead, hasHeader, hasNoBody, httpDate,
  lingeringClose, parseRequest, recvRequest, statusLine,
} from './http.js';
import { getattr, importModule, splitAppPath } from './importer.js';
import {
  ErrorStream, InputStream, headerVariables,
  type Application, type Chunk, type Environ, type ResponseBody, type ResponseHeaders, type Write,
} from './wsgi.js';

/** A body up to this size is sent whole, with its Content-Length; a larger one streams. */
const BUFFERED_BODY_SIZE = 256 * 1024;

function grimReaper(signum: number, frame: null): void {
  while (true) {
    let pid: number, status: number;
    try {
      [pid, status] = os.waitpid(
        -1,         // Wait for any child process
        os.WNOHANG, // Do not block and return EWOULDBLOCK error
      );
      console.log(
        `Child ${pid} terminated with status ${status}` +
        '\n',
      );
    } catch {
      return;
    }

    if (pid === 0) { // no more zombies
      return;
    }
  }
}

class WSGIServer {
  readonly addressFamily = socket.AF_INET;
  readonly socketType = socket.SOCK_STREAM;
  readonly requestQueueSize = 1024;

  readonly listenSocket: socket.Socket;
  readonly serverName: string;
  readonly serverPort: number;
  // Return headers set by Web framework/Web application
  headersSet: [status: string, responseHeaders: ResponseHeaders] | [] = [];

  application!: Application;
  clientConnection!: socket.Socket;
  clientAddress!: socket.Address;
  requestData!: Buffer;
  requestMethod!: string;
  path!: string;
  requestVersion!: string;
  requestTarget!: string;
  queryString!: string;
  requestHeaders!: Array<[name: string, value: string]>;
  requestBody!: Buffer;
  environ: Environ | null = null;

  // The response as it goes out (in the child)
  headersSent = false;
  private bodyBuffer: Buffer[] = [];
  private bodyBufferSize = 0;
  private sentHead = '';
  private sentBody: Buffer[] = []; // the first bytes, to print
  private sentBodySize = 0;

  constructor(serverAddress: socket.Address) {
    // Create a listening socket
    const listenSocket = this.listenSocket = socket.socket(
      this.addressFamily,
      this.socketType,
    );
    // Allow to reuse the same address
    listenSocket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
    // Bind
    listenSocket.bind(serverAddress);
    // Activate
    listenSocket.listen(this.requestQueueSize);
    // Get server host name and port
    const [host, port] = this.listenSocket.getsockname();
    this.serverName = socket.getfqdn(host);
    this.serverPort = port;
  }

  setApp(application: Application): void {
    this.application = application;
  }

  async serveForever(): Promise<void> {
    const listenSocket = this.listenSocket;
    while (true) {
      try {
        [this.clientConnection, this.clientAddress] = await listenSocket.accept();
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
        // Handle one request and close the client connection.
        // Whatever happens, the child ends here: it never goes back to accept().
        this.endChildOnStrayErrors();
        try {
          await this.handleOneRequest();
        } finally {
          os._exit(0);
        }
      } else { // parent
        this.clientConnection.close(); // close parent copy
      }
    }
  }

  async handleOneRequest(): Promise<void> {
    try {
      // Read the whole request: the head, then the body by its Content-Length
      const requestData = this.requestData = recvRequest(this.clientConnection);
      // Print formatted request data a la 'curl -v'
      console.log(curlLines('< ', requestData));

      this.parseRequest(requestData);

      // Construct environment dictionary using request data
      const env = this.environ = this.getEnviron();

      // It's time to call our application callable and get
      // back a result that will become HTTP response body
      const result = await this.application(env, this.startResponse);

      // Construct a response and send it back to the client
      await this.finishResponse(result);
    } catch (e) {
      await this.handleError(e);
    }
  }

  parseRequest(text: Buffer): void {
    const request = parseRequest(text);
    // Break down the request line into components
    this.requestMethod = request.method;   // GET
    this.path = request.path;              // /hello
    this.requestVersion = request.version; // HTTP/1.1
    this.requestTarget = request.target;   // /hello?name=value
    this.queryString = request.query;      // name=value
    this.requestHeaders = request.headers; // [['Host', 'localhost:8888'], ...]
    this.requestBody = request.body;
  }

  getEnviron(): Environ {
    // The following code snippet does not follow the usual conventions
    // but it's formatted the way it is for demonstration purposes
    // to emphasize the required variables and their values
    const env: Environ = {
      // Required WSGI variables
      'wsgi.version':      [1, 0],
      'wsgi.url_scheme':   'http',
      'wsgi.input':        new InputStream(this.requestBody),
      'wsgi.errors':       new ErrorStream(process.stderr),
      'wsgi.multithread':  false,
      'wsgi.multiprocess': true, // every connection is served by a forked copy of the server
      'wsgi.run_once':     false,
      // Required CGI variables
      REQUEST_METHOD:      this.requestMethod,         // GET
      SCRIPT_NAME:         '',                         // the application is the whole site
      PATH_INFO:           this.path,                  // /hello
      QUERY_STRING:        this.queryString,           // name=value
      SERVER_NAME:         this.serverName,            // localhost
      SERVER_PORT:         String(this.serverPort),    // 8888
      SERVER_PROTOCOL:     this.requestVersion,        // HTTP/1.1
      // CONTENT_TYPE, CONTENT_LENGTH and an HTTP_* variable for every other header
      ...headerVariables(this.requestHeaders),
      // Extras
      REQUEST_URI:         this.requestTarget,         // /hello?name=value
      REMOTE_ADDR:         this.clientAddress[0],      // 127.0.0.1
      REMOTE_PORT:         String(this.clientAddress[1]),
    };
    return env;
  }

  startResponse = (status: string, responseHeaders: ResponseHeaders, excInfo?: unknown): Write => {
    if (excInfo !== undefined && excInfo !== null) {
      // Re-raise the application's error if the headers are already out
      if (this.headersSent) throw excInfo;
      // Otherwise this response replaces the one started before
      this.bodyBuffer = [];
      this.bodyBufferSize = 0;
    } else if (this.headersSet.length > 0) {
      throw new Error('start_response was called a second time without excInfo');
    }
    checkResponse(status, responseHeaders);
    // Add necessary server headers
    const serverHeaders: ResponseHeaders = [
      ['Date', httpDate()],
      ['Server', 'WSGIServer 0.2'],
    ];
    this.headersSet = [status, [...responseHeaders, ...serverHeaders.filter(([name]) => !hasHeader(responseHeaders, name))]];
    // To adhere to WSGI specification the start_response must return
    // a 'write' callable: it sends at once.
    return this.write;
  };

  /** PEP 3333's write(): sends the headers if they are not out yet, then data. */
  write = (data: Chunk): void => {
    this.sendHeaders();
    this.sendBody(toBytes(data));
  };

  async finishResponse(result: ResponseBody): Promise<void> {
    try {
      for await (const data of result) {
        const bytes = toBytes(data);
        if (this.headersSet.length === 0) throw new Error('the application returned body data before calling start_response');
        if (this.headersSent) {
          this.sendBody(bytes);
        } else {
          // Hold the body back while it is small: sent whole, it carries its Content-Length
          this.bodyBuffer.push(bytes);
          this.bodyBufferSize += bytes.length;
          if (this.bodyBufferSize > BUFFERED_BODY_SIZE) this.sendHeaders();
        }
      }
      if (!this.headersSent) {
        if (this.headersSet.length === 0) throw new Error('the application returned without calling start_response');
        // The body is complete: its length is known (for HEAD, only if the application gave one)
        this.sendHeaders(this.requestMethod === 'HEAD' && this.bodyBufferSize === 0 ? undefined : this.bodyBufferSize);
      }
      // Print formatted response data a la 'curl -v'
      const head = Buffer.from(this.sentHead, 'latin1');
      console.log(curlLines('> ', Buffer.concat([head, ...this.sentBody]), head.length + 4096, head.length + this.sentBodySize));
    } catch (e) {
      await this.handleError(e);
    } finally {
      await closeResult(result);
      this.clientConnection.close();
    }
  }

  /**
   * Sends the status line and headers (and the body held back so far), once. With contentLength,
   * the body is complete and the response says how long it is; without, it ends when the
   * connection closes.
   */
  private sendHeaders(contentLength?: number): void {
    if (this.headersSent) return;
    if (this.headersSet.length === 0) throw new Error('write() was called before start_response');
    const [status, responseHeaders] = this.headersSet;
    const headers = [...responseHeaders];
    if (contentLength !== undefined && !hasNoBody(status) && !hasHeader(headers, 'Content-Length')) {
      headers.push(['Content-Length', String(contentLength)]);
    }
    headers.push(['Connection', 'close']); // one request per connection
    this.sentHead = formatHead(status, headers);
    const held = this.bodyBuffer;
    this.bodyBuffer = [];
    this.headersSent = true;
    if (this.requestMethod === 'HEAD' || hasNoBody(status)) {
      this.clientConnection.sendall(Buffer.from(this.sentHead, 'latin1'));
      return;
    }
    // head and held body in one sendall
    this.clientConnection.sendall(Buffer.concat([Buffer.from(this.sentHead, 'latin1'), ...held]));
    for (const chunk of held) this.noteSent(chunk);
  }

  private sendBody(bytes: Buffer): void {
    if (bytes.length === 0 || this.requestMethod === 'HEAD' || hasNoBody(this.headersSet[0]!)) return;
    this.clientConnection.sendall(bytes);
    this.noteSent(bytes);
  }

  /** Keeps the first bytes of the body for the 'curl -v' print, and counts the rest. */
  private noteSent(bytes: Buffer): void {
    if (this.sentBodySize < 4096) this.sentBody.push(bytes.subarray(0, 4096 - this.sentBodySize));
    this.sentBodySize += bytes.length;
  }

  /**
   * What goes wrong becomes an answer, if one can still be given: 4xx for a bad request,
   * 500 for an application that failed (its error goes to wsgi.errors). A client that went
   * away costs one line on stderr.
   */
  async handleError(e: unknown): Promise<void> {
    const connection = this.clientConnection;
    const client = `${this.clientAddress[0]}:${this.clientAddress[1]}`;
    if (e instanceof OSError && (e.syscall === 'send' || e.syscall === 'recv')) {
      console.error(`Client ${client} went away: ${e.message}`);
      connection.close();
      return;
    }
    let status: string, message: string;
    if (e instanceof HttpError) {
      console.error(`Bad request from ${client}: ${e.statusLine}: ${e.message}`);
      [status, message] = [e.statusLine, e.message];
    } else {
      const errors = this.environ?.['wsgi.errors'] ?? new ErrorStream(process.stderr);
      errors.write(`Error in the application (${this.requestMethod} ${this.requestTarget} from ${client}):\n${e instanceof Error ? e.stack : String(e)}\n`);
      [status, message] = [statusLine(500), 'A server error occurred.  Please contact the administrator.'];
    }
    if (this.headersSent || connection.fileno() === -1) {
      connection.close(); // too late for another status: the client sees the response end early
      return;
    }
    this.headersSent = true;
    const response = errorResponse(status, message);
    console.log(curlLines('> ', response));
    try {
      connection.sendall(response);
    } catch {
      // gone already
    }
    lingeringClose(connection);
  }

  /**
   * In the child: an error the application throws outside the request's promise chain, or an
   * application that waits for something that can never happen (the event loop runs dry before
   * the response is complete), ends the child too, with a 500 if nothing was sent yet.
   */
  private endChildOnStrayErrors(): void {
    process.on('uncaughtException', (e) => {
      void this.handleError(e).finally(() => os._exit(0));
    });
    process.once('beforeExit', () => {
      void this.handleError(new Error('the application never finished its response')).finally(() => os._exit(0));
    });
  }
}

/** A body chunk as bytes: strings are sent as UTF-8. */
function toBytes(data: Chunk): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`the application's body must hold bytes or strings, got ${typeof data}`);
}

/** PEP 3333: if the iterable has a close() method, the server calls it when the response is over. */
async function closeResult(result: ResponseBody): Promise<void> {
  try {
    if (typeof result?.close === 'function') await result.close();
  } catch (e) {
    console.error('Error in close() of the response body:', e);
  }
}

const SERVER_ADDRESS: socket.Address = ['', Number(process.env.PORT ?? 8888)];
const [HOST, PORT] = SERVER_ADDRESS;

function makeServer(serverAddress: socket.Address, application: Application): WSGIServer {
  signal.signal(signal.SIGCHLD, grimReaper);
  const server = new WSGIServer(serverAddress);
  server.setApp(application);
  return server;
}

/** Python's sys.exit(message): the message on stderr, exit status 1. */
function sysExit(message: string): never {
  console.error(message);
  process.exit(1);
}

const args = process.argv.slice(2);
if (args[0] === '--') args.shift(); // `pnpm start -- wsgiapp:app` passes the `--` on
if (args.length < 1) {
  sysExit('Provide a WSGI application object as module:callable');
}
const appPath = args[0]!;
let application: Application;
try {
  const [moduleName, applicationName] = splitAppPath(appPath);
  const module = await importModule(moduleName);
  application = getattr(module, moduleName, applicationName);
} catch (e) {
  sysExit(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
}
const httpd = makeServer(SERVER_ADDRESS, application);
console.log(`WSGIServer: Serving HTTP on port ${PORT} ...\n`);
await httpd.serveForever();
