/**
 * @lsbaws/posix/fork-steps: not the package's API, but os.fork()'s list of steps (fork/steps.ts)
 * and what to run it with, for the re-check programs of docs/fork-in-node.md (scripts/rechecks/),
 * which fork with one step left out to show what it is for, and run node without --single-threaded
 * to show why it is needed (so this entry, unlike the package's, does not require the flag), and for
 * the bench's programs (scripts/bench/programs/).
 */
export { call, check } from './libc.js';
export { platform } from './platform/index.js';
export {
  forkSteps,
  forkStep,
  forkStepsWithout,
  prepareFork,
  afterForkInChild,
  forkWithSteps,
  type ForkStep,
  type ForkStepName,
} from './fork/steps.js';
export { workerQueueFound } from './fork/worker-queue.js';
export { moveReadOnlyDataToHugePages, moveTextToHugePages } from './fork/huge-text.js';
export * from './os.js';
export { socket } from './socket.js';
export { sleep } from './time.js';
