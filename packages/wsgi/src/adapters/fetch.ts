/**
 * Runs a Fetch-API application, `(request: Request) => Response`, as a WSGI-style application:
 * the environ becomes a Request, the Response's status and headers go to start_response and
 * its body becomes the iterable the server sends. What Flask's `app.wsgi_app` is to Flask,
 * `fromFetch(honoApp.fetch)` is to Hono (or to any framework that exports a fetch handler).
 *
 *   import { Hono } from 'hono';
 *   const hono = new Hono().get('/hello', (c) => c.text('Hello world from Hono!\n'));
 *   export const app = fromFetch(hono.fetch);
 */
import { http } from '../node-http.js';
import { environHeaders, environHost, environTarget } from '../environ.js';
import { HOP_BY_HOP } from '../pep3333.js';
import type { Application, Environ, ResponseHeaders } from '../wsgi.js';

/** A Fetch-API handler: Hono's app.fetch, or any (Request) => Response. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** The Request an environ describes. */
export function toRequest(environ: Environ): Request {
  const headers = new Headers();
  for (const [name, value] of environHeaders(environ)) headers.append(name, value);
  // from validated parts only: a valid host, a target in origin-form
  const scheme = environ['wsgi.url_scheme'] === 'https' ? 'https' : 'http';
  const url = `${scheme}://${environHost(environ)}${environTarget(environ)}`;
  const method = environ.REQUEST_METHOD;
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, { method, headers, body: hasBody ? environ['wsgi.input'].read() : null });
}

/** The status line and headers of a Response, as start_response takes them. */
export function responseHead(response: Response): [status: string, headers: ResponseHeaders] {
  const status = `${response.status} ${response.statusText || http.STATUS_CODES[response.status] || 'Unknown'}`;
  const headers: ResponseHeaders = [];
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie' && !HOP_BY_HOP.has(name)) headers.push([name, value]);
  });
  for (const cookie of response.headers.getSetCookie()) headers.push(['set-cookie', cookie]); // one header each
  return [status, headers];
}

/** The WSGI-style application that runs handler. */
export function fromFetch(handler: FetchHandler): Application {
  return (environ, startResponse) => {
    const request = toRequest(environ);
    // The body is an async generator: it calls start_response once the Response is there,
    // before it yields the first chunk (PEP 3333 allows start_response that late).
    async function* body(): AsyncGenerator<Uint8Array> {
      const response = await handler(request);
      startResponse(...responseHead(response));
      if (response.body === null) return;
      for await (const chunk of response.body) yield chunk;
    }
    return body();
  };
}
