// Tested with Node 22, 24 & 26 on Linux
import { socket } from '@lsbaws/posix';
import {
  ErrorStream, InputStream, accept, closeIterable, curlLines, getattr, httpDate, importModule, requestVariables,
  splitAppPath, sys, type Application, type Connection, type Environ, type HeadersSet, type HttpRequest,
  type ResponseBody, type ResponseHeaders, type Write,
} from '@lsbaws/wsgi';

class WSGIServer {
  readonly addressFamily = socket.AF_INET;
  readonly socketType = socket.SOCK_STREAM;
  readonly requestQueueSize = 1;

  readonly listenSocket: socket.Socket;
  readonly serverName: string;
  readonly serverPort: number;
  headersSet: HeadersSet;
  application!: Application;
  clientConnection!: Connection;
  clientAddress!: socket.Address;
  requestData!: HttpRequest;
  requestMethod!: string;
  path!: string;
  requestVersion!: string;

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
    // Return headers set by Web framework/Web application
    this.headersSet = [];
  }

  setApp(application: Application): void {
    this.application = application;
  }

  async serveForever(): Promise<void> {
    const listenSocket = this.listenSocket;
    while (true) {
      // New client connection
      [this.clientConnection, this.clientAddress] = await accept(listenSocket);
      // Handle one request and close the client connection. Then
      // loop over to wait for another client connection
      await this.clientConnection.serve(() => this.handleOneRequest());
    }
  }

  async handleOneRequest(): Promise<void> {
    // The whole request, read and checked (HTTP/1.1 as RFC 9112 says): errors are answered (4xx)
    const requestData = this.requestData = this.clientConnection.recvRequest();
    // Print formatted request data a la 'curl -v'
    console.log(curlLines('< ', requestData.text, requestData.body));

    this.parseRequest(requestData);

    // Construct environment dictionary using request data
    const env = this.getEnviron();

    // It's time to call our application callable and get
    // back a result that will become HTTP response body
    const result = await this.application(env, this.startResponse);

    // Construct a response and send it back to the client
    await this.finishResponse(result);
  }

  parseRequest(request: HttpRequest): void {
    // Break down the request line into components (recvRequest read and checked them)
    ({method:  this.requestMethod,  // GET
      path:    this.path,           // /hello (percent-decoded, without ?query)
      version: this.requestVersion, // HTTP/1.1
    } = request);
  }

  getEnviron(): Environ {
    const env = {} as Environ;
    // The following code snippet does not follow the usual conventions
    // but it's formatted the way it is for demonstration purposes
    // to emphasize the required variables and their values
    //
    // Required WSGI variables
    env['wsgi.version']      = [1, 0];
    env['wsgi.url_scheme']   = 'http';
    env['wsgi.input']        = new InputStream(this.requestData.body);
    env['wsgi.errors']       = new ErrorStream(process.stderr);
    env['wsgi.multithread']  = false;
    env['wsgi.multiprocess'] = false;
    env['wsgi.run_once']     = false;
    // Required CGI variables
    env['REQUEST_METHOD']    = this.requestMethod;       // GET
    env['PATH_INFO']         = this.path;                // /hello
    env['SERVER_NAME']       = this.serverName;          // localhost
    env['SERVER_PORT']       = String(this.serverPort);  // 8888
    // and the rest: QUERY_STRING, CONTENT_TYPE, HTTP_*, REMOTE_ADDR...
    Object.assign(env, requestVariables(this.requestData));
    return env;
  }

  startResponse = (status: string, responseHeaders: ResponseHeaders, excInfo?: unknown): Write => {
    // PEP 3333's rules: valid headers, a second call only with excInfo
    this.clientConnection.checkStart(status, responseHeaders, excInfo);
    // Add necessary server headers
    const serverHeaders: ResponseHeaders = [
      ['Date', httpDate()],
      ['Server', 'WSGIServer 0.2'],
    ];
    this.headersSet = [status, [...responseHeaders, ...serverHeaders]];
    // To adhere to WSGI specification the start_response must return
    // a 'write' callable: what it writes goes before the body.
    return (data) => this.clientConnection.write(data);
  };

  async finishResponse(result: ResponseBody): Promise<void> {
    try {
      // The body (none for HEAD), then Content-Length and Connection: close
      const body = await this.clientConnection.readBody(result);
      const [status, responseHeaders] = this.clientConnection.frame(this.headersSet);
      let response = `HTTP/1.1 ${status}\r\n`;
      for (const [name, value] of responseHeaders) {
        response += `${name}: ${value}\r\n`;
      }
      response += '\r\n';
      // Print formatted response data a la 'curl -v'
      console.log(curlLines('> ', response, body));
      this.clientConnection.sendall(Buffer.concat([Buffer.from(response, 'latin1'), body]));
    } finally {
      await closeIterable(result); // PEP 3333: the iterable's close(), if it has one
      this.clientConnection.close();
    }
  }
}

const SERVER_ADDRESS: socket.Address = ['', Number(process.env.PORT ?? 8888)];
const [HOST, PORT] = SERVER_ADDRESS;

function makeServer(serverAddress: socket.Address, application: Application): WSGIServer {
  const server = new WSGIServer(serverAddress);
  server.setApp(application);
  return server;
}

let application: Application;
try {
  if (sys.argv.length < 2) {
    sys.exit('Provide a WSGI application object as module:callable');
  }
  const appPath = sys.argv[1];
  const [moduleName, applicationName] = splitAppPath(appPath);
  const module = await importModule(moduleName);
  application = getattr(module, applicationName);
} catch (e) {
  console.error(String(e)); // the message, in one line, as Python's last line of a traceback
  process.exit(1);
}
const httpd = makeServer(SERVER_ADDRESS, application);
console.log(`WSGIServer: Serving HTTP on port ${PORT} ...\n`);
await httpd.serveForever();
