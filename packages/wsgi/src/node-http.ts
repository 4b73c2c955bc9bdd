/**
 * node:http as its CommonJS exports (process.getBuiltinModule), not through `import`. Imported as
 * an ES module, node:http has its namespace built from every export's value, which calls its lazy
 * getters (WebSocket, CloseEvent, MessageEvent) and so loads undici, crypto, tls, http2 and zlib:
 * on Node 26 with the start's --no-lazy, 108 built-in modules and 5.8 MB of heap against 16 and
 * 0.7 MB. A server that forks copies the page tables of its memory at every fork() and its
 * children unmap them at every exit (docs/fork-in-node.md, "What facts 7 and 8 are worth").
 */
export const http = process.getBuiltinModule('node:http');
