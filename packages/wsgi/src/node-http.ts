/**
 * node:http, loaded with require() rather than `import`. Imported as an ES module, node:http has its
 * namespace built from every export's value, which calls its lazy getters (WebSocket, CloseEvent,
 * MessageEvent) and so loads undici, crypto, tls, http2 and zlib with it: on Node 26 with the start's
 * --no-lazy, 108 built-in modules and 5.8 MB of heap against 16 modules and 0.7 MB through require().
 * A server that forks copies its heap's page tables at every fork() and its children unmap them at
 * every exit (docs/fork-in-node.md, "What facts 7 and 8 are worth").
 */
import { createRequire } from 'node:module';
import type * as Http from 'node:http';

export const http = createRequire(import.meta.url)('node:http') as typeof Http;
