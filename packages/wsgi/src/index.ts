/**
 * @lsbaws/wsgi: what the WSGI servers of the article (webserver2, webserver3h) do beyond the
 * Python, and what applications import. Only what the stages and applications use is exported.
 *
 * For applications: the interface (`Application`, `Environ`, `StartResponse`..., ./wsgi.ts, which
 * imports nothing), wsgi.input and wsgi.errors (./streams.ts), and the adapters that run a
 * framework's app as a WSGI-style application: `fromFetch` (Hono, any Fetch-API app) and
 * `fromNode` (Express, any Node (req, res) listener) (./adapters).
 *
 * For the servers: the client `Connection` (./connection.ts), which reads a request strictly
 * within limits (./recv-request.ts) and keeps PEP 3333's rules for the response
 * (./response.ts); the environ's other CGI variables (./environ.ts); the 'curl -v' print
 * (./print.ts); `module:callable` to an application (./importer.ts, ./frameworks.ts) and
 * Python's `sys` (./sys.ts). The package's README maps every module.
 */
export { InputStream, ErrorStream } from './streams.js';
export { requestVariables } from './environ.js';
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
export { accept, type Connection } from './connection.js';
export { closeIterable } from './response.js';
export type { HttpRequest } from './request.js';
export { httpDate } from './framing.js';
export { curlLines } from './print.js';
export { splitAppPath } from './module-lookup.js';
export { importModule, type Module } from './importer.js';
export { getattr } from './frameworks.js';
export { sys } from './sys.js';
export { fromFetch, type FetchHandler } from './adapters/fetch.js';
export { fromNode, type NodeListener } from './adapters/node.js';
