/**
 * The environ of a request and back: the CGI variables a request gives (beyond the four the
 * stages set by hand), and, for the adapters, the headers, host and target an environ describes.
 */
import { isValidHost } from './grammar.js';
import type { HttpRequest } from './request.js';
import type { Environ } from './wsgi.js';

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
