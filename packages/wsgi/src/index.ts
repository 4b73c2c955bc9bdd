/**
 * @lsbaws/wsgi: what the WSGI servers of the article (webserver2, webserver3h) do beyond the
 * Python, and what applications import. Only what the stages and applications use is exported.
 *
 * For applications (./wsgi.ts, ./adapters): the interface (`Application`, `Environ`,
 * `StartResponse`...), and the adapters that run a framework's app as a WSGI-style application:
 * `fromFetch` (Hono, any Fetch-API app) and `fromNode` (Express, any Node (req, res) listener).
 *
 * For the servers: the client `Connection` (./connection.ts), which reads a request strictly
 * within limits (./request.ts) and keeps PEP 3333's rules for the response (./response.ts); the
 * 'curl -v' print (./print.ts); `module:callable` to an application (./importer.ts, which
 * type-checks it first, ./typecheck.ts) and Python's `sys` (./sys.ts).
 */
export { InputStream, ErrorStream, requestVariables } from './wsgi.js';
export type {
  Application,
  Chunk,
  Environ,
  HeadersSet,
  ResponseBody,
  ResponseHeaders,
  StartResponse,
  Write,
} from './wsgi.js';
export { accept, closeIterable, type Connection } from './connection.js';
export type { HttpRequest } from './request.js';
export { httpDate } from './response.js';
export { curlLines, splitlines } from './print.js';
export { splitAppPath, importModule, getattr, type Module } from './importer.js';
export { sys } from './sys.js';
import './warm.js'; // registers the parent's first-time work before its first fork (os.register_at_fork)
export { fromFetch, type FetchHandler } from './adapters/fetch.js';
export { fromNode, type NodeListener } from './adapters/node.js';
