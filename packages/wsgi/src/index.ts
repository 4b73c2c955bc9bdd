/**
 * @lsbaws/wsgi: what the WSGI servers of the article (webserver2, webserver3h) do beyond the
 * Python, and what applications import.
 *
 * For applications: the interface (`Application`, `Environ`, `StartResponse`...), and the
 * adapters that run a framework's app as a WSGI-style application: `fromFetch` (Hono, any
 * Fetch-API app) and `fromNode` (Express, any Node (req, res) listener).
 *
 * For the servers: the client `Connection` (reading and strictly parsing a request within
 * limits, sending the response, answering errors), and `module:callable` to an application
 * (`splitAppPath`, `importModule`, `getattr`, `sys`).
 */
import { argv, exit } from './importer.js';

export * from './wsgi.js';
export * from './http.js';
export * from './connection.js';
export { fromFetch, toRequest, responseHead, type FetchHandler } from './adapters/fetch.js';
export { fromNode, toIncomingMessage, type NodeListener } from './adapters/node.js';
export { splitAppPath, findModule, importModule, getattr, searchPath, type Module } from './importer.js';

/** Python's sys, as the servers' main blocks use it: sys.argv, sys.exit(message). */
export const sys = { argv, exit };
