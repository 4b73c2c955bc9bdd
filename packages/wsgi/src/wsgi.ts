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
 * What an application passes to start_response is checked against PEP 3333's rules (checkResponse).
 *
 * Where PEP 3333 speaks of "native strings" (environ values, status, header names and values)
 * these are JavaScript strings holding ISO-8859-1 (latin1) text, bytes as code points 0-255.
 */
import { BAD_VALUE, TOKEN, isValidHost, type HttpRequest } from './request.js';

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

/**
 * Headers that describe the connection, which is the server's business: an application may not
 * set them (PEP 3333), and the adapters drop those a framework sets.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

/** Checks what an application passed to start_response (PEP 3333's rules); throws TypeError. */
export function checkResponse(status: unknown, headers: unknown): asserts headers is ResponseHeaders {
  if (typeof status !== 'string' || !/^[1-9]\d\d [^\x00-\x1f\x7f]*$/.test(status)) {
    throw new TypeError(`start_response: status must look like '200 OK', got ${JSON.stringify(status)}`);
  }
  if (!Array.isArray(headers)) throw new TypeError('start_response: headers must be an array of [name, value] pairs');
  for (const header of headers) {
    if (
      !Array.isArray(header) ||
      header.length !== 2 ||
      typeof header[0] !== 'string' ||
      typeof header[1] !== 'string'
    ) {
      throw new TypeError(
        `start_response: each header must be a [name, value] pair of strings, got ${JSON.stringify(header)}`,
      );
    }
    const [name, value] = header as [string, string];
    if (!TOKEN.test(name)) throw new TypeError(`start_response: invalid header name ${JSON.stringify(name)}`);
    if (BAD_VALUE.test(value)) throw new TypeError(`start_response: control characters in the value of ${name}`);
    if (HOP_BY_HOP.has(name.toLowerCase()))
      throw new TypeError(`start_response: hop-by-hop header ${name} is not allowed`);
  }
}

/** wsgi.input: the request body, read like Python's io.BytesIO (read, readline, readlines, iteration). */
export class InputStream implements Iterable<Buffer> {
  private position = 0;

  constructor(private readonly data: Buffer) {}

  /** Up to size bytes (all that is left when size is omitted or negative); empty at the end. */
  read(size = -1): Buffer {
    const end = size < 0 ? this.data.length : Math.min(this.data.length, this.position + size);
    const chunk = this.data.subarray(this.position, end);
    this.position = end;
    return chunk;
  }

  /** One line, with its '\n', or up to size bytes of it; empty at the end. */
  readline(size = -1): Buffer {
    const newline = this.data.indexOf(0x0a, this.position);
    let end = newline === -1 ? this.data.length : newline + 1;
    if (size >= 0) end = Math.min(end, this.position + size);
    const line = this.data.subarray(this.position, end);
    this.position = end;
    return line;
  }

  /** The remaining lines (stops after the line that reaches hint bytes, if hint is given). */
  readlines(hint = -1): Buffer[] {
    const lines: Buffer[] = [];
    let total = 0;
    for (let line = this.readline(); line.length > 0; line = this.readline()) {
      lines.push(line);
      total += line.length;
      if (hint > 0 && total >= hint) break;
    }
    return lines;
  }

  *[Symbol.iterator](): Iterator<Buffer> {
    for (let line = this.readline(); line.length > 0; line = this.readline()) yield line;
  }
}

/** wsgi.errors: a text stream for errors, like Python's sys.stderr (write, writelines, flush). */
export class ErrorStream {
  constructor(private readonly out: NodeJS.WritableStream = process.stderr) {}

  write(text: string): void {
    this.out.write(text);
  }

  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.write(line);
  }

  /** process.stderr writes synchronously to files and pipes: nothing is held back. */
  flush(): void {}
}

/** The request as the application sees it: PEP 3333's environ dictionary. */
export interface Environ {
  // Required WSGI variables
  'wsgi.version': readonly [1, 0];
  'wsgi.url_scheme': 'http' | 'https';
  'wsgi.input': InputStream;
  'wsgi.errors': ErrorStream;
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

/**
 * The CGI variables for the request headers: Content-Type and Content-Length become
 * CONTENT_TYPE and CONTENT_LENGTH, every other header an HTTP_* variable (User-Agent:
 * HTTP_USER_AGENT; a repeated header is joined with ', ', Cookie with '; '). A header whose
 * name has an underscore is left out, as Python's wsgiref does: HTTP_X_FOO could not tell
 * X-Foo from X_Foo, a way to smuggle a header past a proxy that checks X-Foo.
 */
export function headerVariables(headers: Iterable<[name: string, value: string]>): {
  CONTENT_TYPE: string;
  CONTENT_LENGTH: string;
  [httpVariable: `HTTP_${string}`]: string;
} {
  const variables: { CONTENT_TYPE: string; CONTENT_LENGTH: string; [httpVariable: `HTTP_${string}`]: string } = {
    CONTENT_TYPE: '',
    CONTENT_LENGTH: '',
  };
  for (const [name, value] of headers) {
    if (name.includes('_')) continue;
    const key = name.toUpperCase().replace(/-/g, '_');
    if (key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') {
      variables[key] = value;
      continue;
    }
    const previous: string | undefined = variables[`HTTP_${key}`];
    variables[`HTTP_${key}`] = previous === undefined ? value : `${previous}${key === 'COOKIE' ? '; ' : ', '}${value}`;
  }
  return variables;
}

/**
 * The request headers of an environ, lower-case names as Node has them: [['user-agent', 'curl/7.88.1'], ...].
 * Host is environHost's: a value that is not a valid host never reaches an application's URL.
 */
export function environHeaders(environ: Environ): Array<[name: string, value: string]> {
  const headers: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(environ)) {
    if (typeof value !== 'string') continue;
    if (key === 'HTTP_HOST') headers.push(['host', environHost(environ)]);
    else if (key.startsWith('HTTP_')) headers.push([key.slice(5).toLowerCase().replace(/_/g, '-'), value]);
    else if ((key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') && value !== '')
      headers.push([key.toLowerCase().replace('_', '-'), value]);
  }
  return headers;
}

/** The host an environ's request is for: HTTP_HOST when it is a valid host (RFC 3986), else SERVER_NAME:SERVER_PORT. */
export function environHost(environ: Environ): string {
  const host = environ.HTTP_HOST;
  return host !== undefined && host !== '' && isValidHost(host)
    ? host
    : `${environ.SERVER_NAME}:${environ.SERVER_PORT}`;
}

/** Characters a path or query may hold as they are; the others are percent-encoded. */
const URI_CHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

/**
 * The request target of an environ, in origin-form: REQUEST_URI when the server provides one, otherwise
 * PEP 3333's URL reconstruction from SCRIPT_NAME, PATH_INFO and QUERY_STRING (percent-encoded again).
 */
export function environTarget(environ: Environ): string {
  const uri = environ.REQUEST_URI;
  if (typeof uri === 'string' && /^\/[\x21-\x22\x24-\x7e]*$/.test(uri)) return uri;
  const encode = (text: string, more: RegExp): string => {
    let encoded = '';
    for (const byte of Buffer.from(text, 'latin1')) {
      const c = String.fromCharCode(byte);
      encoded += URI_CHAR.test(c) || more.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    return encoded;
  };
  const path = encode(environ.SCRIPT_NAME + environ.PATH_INFO, /$^/);
  const query = encode(environ.QUERY_STRING, /[?%]/);
  return (path.startsWith('/') ? path : `/${path}`) + (query ? `?${query}` : '');
}

/**
 * The CGI variables of a request beyond the four the article's get_environ sets (REQUEST_METHOD,
 * PATH_INFO, SERVER_NAME, SERVER_PORT): the rest of PEP 3333's (SCRIPT_NAME, QUERY_STRING,
 * SERVER_PROTOCOL, CONTENT_TYPE, CONTENT_LENGTH, an HTTP_* variable per header) and the
 * extras REQUEST_URI, REMOTE_ADDR and REMOTE_PORT.
 */
export function requestVariables(request: HttpRequest): Partial<Environ> {
  return {
    SCRIPT_NAME: '', // the application is the whole site
    QUERY_STRING: request.query, // name=value
    SERVER_PROTOCOL: request.version, // HTTP/1.1
    ...headerVariables(request.headers),
    REQUEST_URI: request.target, // /hello?name=value
    REMOTE_ADDR: request.client[0], // 127.0.0.1
    REMOTE_PORT: String(request.client[1]),
  };
}
