/**
 * The application interface of the WSGI servers (webserver2, webserver3h), in the spirit of
 * PEP 3333 (WSGI):
 *
 *   const app: Application = (environ, startResponse) => {
 *     startResponse('200 OK', [['Content-Type', 'text/plain']]);
 *     return [Buffer.from('Hello world from a simple WSGI application!\n')];
 *   };
 *
 * - `environ` holds the request: the CGI variables (REQUEST_METHOD, PATH_INFO, QUERY_STRING,
 *   CONTENT_TYPE, CONTENT_LENGTH, SERVER_NAME, SERVER_PORT, SERVER_PROTOCOL, one HTTP_* key
 *   per request header) and the wsgi.* keys (wsgi.input holds the request body, wsgi.errors is
 *   where errors go).
 * - `startResponse(status, responseHeaders, excInfo?)` sets the status line ('200 OK') and the
 *   headers, and returns `write`, PEP 3333's imperative escape hatch: it sends at once.
 * - The application returns the body: an iterable of chunks, sync or async (an async generator
 *   may await before it yields), or a promise of one. Chunks are bytes (Uint8Array/Buffer);
 *   strings are accepted too and sent as UTF-8. startResponse must have been called by the time
 *   the first chunk is yielded (or, for an empty body, by the time the iterable ends), so a
 *   generator may call it lazily, as PEP 3333 allows. If the returned object has a close()
 *   method, the server calls it when the response is over, whatever happened.
 *
 * Types only: this module imports nothing. wsgi.input and wsgi.errors are ./streams.ts, the
 * environ is built by ./environ.ts, start_response's arguments are checked by ./pep3333.ts.
 *
 * Where PEP 3333 speaks of "native strings" (environ values, status, header names and values)
 * these are JavaScript strings holding ISO-8859-1 (latin1) text, bytes as code points 0-255.
 */
/** A chunk of the response body: bytes, or a string sent as UTF-8. */
export type Chunk = Uint8Array | string;

/** The response headers, in order: [name, value] pairs (a name may repeat, e.g. Set-Cookie). */
export type ResponseHeaders = Array<[name: string, value: string]>;

/** What start_response was given, with the server's headers added: [status, headers], or [] before it is called. */
export type HeadersSet = [status: string, responseHeaders: ResponseHeaders] | [];

/** PEP 3333's write(): sends the chunk at once (the status line and headers first, if not yet). */
export type Write = (data: Chunk) => void;

/**
 * start_response(status, response_headers, exc_info=None).
 * status is a status line without the version: '200 OK', '404 Not Found'.
 * Calling it a second time is only allowed with excInfo (the error being handled), to replace a
 * response whose headers have not been sent yet; once they have, excInfo is thrown again.
 */
export type StartResponse = (status: string, responseHeaders: ResponseHeaders, excInfo?: unknown) => Write;

/** What an application returns: the body, sync or async, maybe with a close() to be called at the end. */
export type ResponseBody = (Iterable<Chunk> | AsyncIterable<Chunk>) & { close?(): void | Promise<void> };

/** A WSGI-style application: (environ, start_response) -> iterable of bytes. */
export type Application = (environ: Environ, startResponse: StartResponse) => ResponseBody | Promise<ResponseBody>;

/** wsgi.input: the request body, read like Python's io.BytesIO (InputStream, ./streams.ts). */
export interface WsgiInput extends Iterable<Buffer> {
  /** Up to size bytes (all that is left when size is omitted or negative); empty at the end. */
  read(size?: number): Buffer;
  /** One line, with its '\n', or up to size bytes of it; empty at the end. */
  readline(size?: number): Buffer;
  /** The remaining lines (stops after the line that reaches hint bytes, if hint is given). */
  readlines(hint?: number): Buffer[];
}

/** wsgi.errors: a text stream for errors, like Python's sys.stderr (ErrorStream, ./streams.ts). */
export interface WsgiErrors {
  write(text: string): void;
  writelines(lines: Iterable<string>): void;
  flush(): void;
}

/** The request as the application sees it: PEP 3333's environ dictionary. */
export interface Environ {
  // Required WSGI variables
  'wsgi.version': readonly [1, 0];
  'wsgi.url_scheme': 'http' | 'https';
  'wsgi.input': WsgiInput;
  'wsgi.errors': WsgiErrors;
  'wsgi.multithread': boolean;
  'wsgi.multiprocess': boolean;
  'wsgi.run_once': boolean;
  // Required CGI variables
  /** 'GET', 'POST'... */
  REQUEST_METHOD: string;
  /** Where the application is mounted; '' when it is the whole site. */
  SCRIPT_NAME: string;
  /** The rest of the path, percent-decoded ('/hello'); latin1 text of the raw bytes. */
  PATH_INFO: string;
  /** What follows '?', not decoded; '' when there is none. */
  QUERY_STRING: string;
  /** The request's Content-Type, or '' */
  CONTENT_TYPE: string;
  /** The request's Content-Length, or '' */
  CONTENT_LENGTH: string;
  SERVER_NAME: string;
  SERVER_PORT: string;
  /** 'HTTP/1.0' or 'HTTP/1.1' */
  SERVER_PROTOCOL: string;
  /** Extension: the request target exactly as the client sent it ('/hello%20world?x=1'). */
  REQUEST_URI?: string;
  REMOTE_ADDR?: string;
  REMOTE_PORT?: string;
  /** One key per request header: User-Agent becomes HTTP_USER_AGENT; repeated headers are joined with ', '. */
  [header: `HTTP_${string}`]: string | undefined;
  /** Servers and middleware may add keys of their own. */
  [key: string]: unknown;
}
