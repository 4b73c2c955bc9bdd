/**
 * @lsbaws/posix/fork-steps: not the package's API, but the steps of os.fork() taken apart, for
 * the re-check programs of docs/fork-in-node.md (scripts/rechecks/), which fork with one step
 * left out to show what it is for, and run node without --single-threaded to show why it is
 * needed (so this entry, unlike the package's, does not require the flag).
 */
export { call, check } from './libc.js';
export { platform } from './platform/index.js';
export { makeHeapForkable, requireOneJavaScriptThread } from './fork-safety.js';
export { reinitEventLoopInChild } from './event-loop.js';
export { findWorkerQueue, requireWorkerQueue, resetWorkerQueueInChild, workerQueueFound } from './worker-queue.js';
export * from './os.js';
export { socket } from './socket.js';
export { sleep } from './time.js';
