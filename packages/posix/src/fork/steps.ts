/**
 * fork() in a Node process as one ordered list of steps (docs/fork-in-node.md; the package's
 * README, "How fork() works in Node"). Each step is one concern, in a module of its own beside
 * this one, with a parent half and a child half:
 * - the parent half runs before every fork(), in the order of the list; it may throw, in one
 *   line, to refuse (nothing has been forked then); what it has to do once (a filter to install,
 *   a queue to find) it does the first time and remembers;
 * - the child half runs first thing after fork(), in the child, in the order of the list.
 * os.fork(), the re-check programs (scripts/rechecks/) and the bench's programs
 * (scripts/bench/programs/) all take the steps from this list; a new step is one more entry.
 */
import { check } from '../libc.js';
import { findDefaultLoop, reinitEventLoopInChild } from '../event-loop.js';
import { requireOneJavaScriptThread } from './threads.js';
import { makeHeapForkable } from './heap.js';
import { prepareWorkerQueue, resetWorkerQueueInChild } from './worker-queue.js';
import { leaveThroughExitInChild, listenForChildExit } from './child-exit.js';
import { moveReadOnlyDataToHugePages, moveTextToHugePages } from './huge-text.js';
import { runAfterForkInChild, runAfterForkInParent, runBeforeFork } from './at-fork.js';

/** One step of fork(): its name, what the parent does before fork(), what the child does after it. */
export interface ForkStep {
  readonly name: string;
  /** In the parent, before every fork(): throws, in one line, to refuse. */
  readonly parent?: () => void;
  /** In the child, first thing after fork(). */
  readonly child?: () => void;
}

/** The steps, in order. */
export const forkSteps = [
  // fork-in-node.md, fact 5: no other thread runs JavaScript (threads.ts)
  { name: 'one-javascript-thread', parent: requireOneJavaScriptThread },
  // fork-in-node.md, fact 1: V8's heap pages are the child's too (heap.ts)
  { name: 'forkable-heap', parent: makeHeapForkable },
  // fork-in-node.md, fact 4: the task queue's lock and condition, found and checked; made new in the child
  // (worker-queue.ts, queue-checks.ts)
  { name: 'worker-queue', parent: prepareWorkerQueue, child: resetWorkerQueueInChild },
  // the child's own libuv loop: uv_loop_fork (../event-loop.ts)
  { name: 'event-loop', parent: findDefaultLoop, child: reinitEventLoopInChild },
  // fork-in-node.md, fact 6: every way out of the child goes through _exit(2) (child-exit.ts)
  { name: 'child-exit', parent: listenForChildExit, child: leaveThroughExitInChild },
  // os.register_at_fork(): what libraries registered (at-fork.ts); after_in_parent runs once fork() returned
  { name: 'at-fork', parent: runBeforeFork, child: runAfterForkInChild },
  // fact 7: node's code in anonymous huge pages, once, so that children do not fault it in (huge-text.ts)
  { name: 'huge-text', parent: moveTextToHugePages },
  // fact 7 too: node's read-only data that this process has read, in huge pages as well (huge-text.ts)
  { name: 'huge-rodata', parent: moveReadOnlyDataToHugePages },
] as const satisfies readonly ForkStep[];

export type ForkStepName = (typeof forkSteps)[number]['name'];

/** A list's halves, in order: what runs before fork(), in the child after it, and in the parent after it. */
interface Halves {
  readonly before: ReadonlyArray<() => void>;
  readonly inChild: ReadonlyArray<() => void>;
  readonly inParent: ReadonlyArray<() => void>;
}

/** Each list's halves, gathered the first time it forks. */
const halvesOfList = new WeakMap<readonly ForkStep[], Halves>();

function halvesOf(steps: readonly ForkStep[]): Halves {
  let halves = halvesOfList.get(steps);
  if (halves === undefined) {
    const defined = (fs: Array<(() => void) | undefined>): Array<() => void> =>
      fs.filter((f): f is () => void => f !== undefined);
    halves = {
      before: defined(steps.map((step) => step.parent)),
      inChild: defined(steps.map((step) => step.child)),
      inParent: steps.some((step) => step.name === 'at-fork') ? [runAfterForkInParent] : [],
    };
    halvesOfList.set(steps, halves);
  }
  return halves;
}

/** Calls each of the halves, in order. */
function runEach(halves: ReadonlyArray<() => void>): void {
  for (const half of halves) half();
}

/** In the parent, before fork(): every step's parent half, in order (throws to refuse). */
export function prepareFork(steps: readonly ForkStep[] = forkSteps): void {
  runEach(halvesOf(steps).before);
}

/** In the child, right after fork(): every step's child half, in order. */
export function afterForkInChild(steps: readonly ForkStep[] = forkSteps): void {
  runEach(halvesOf(steps).inChild);
}

/**
 * fork(2) with the steps around it: returns 0 in the child and the child's PID in the parent. Both
 * sides go on through the same call, with what each runs as data: a call that only the child made
 * would have no feedback in the parent's optimized code of this function, and V8 would throw that
 * code away (deoptimize it) in every child, first thing (seen with --trace-deopt on webserver3h).
 */
export function forkWithSteps(steps: readonly ForkStep[] = forkSteps): number {
  const { before, inChild, inParent } = halvesOf(steps);
  runEach(before);
  const pid = check('fork');
  runEach(pid === 0 ? inChild : inParent);
  return pid;
}

/** The step of that name (a re-check takes one step alone). */
export function forkStep(name: ForkStepName): ForkStep {
  const step = forkSteps.find((s) => s.name === name);
  if (step === undefined) throw new Error(`@lsbaws/posix: no fork step ${name}`);
  return step;
}

/**
 * The list with halves left out: { 'worker-queue': 'child' } keeps that step's parent half only,
 * 'both' drops the step. What the re-checks leave out to show what a step is for, and what the
 * bench's children, which do less than a stage, do without; every other step stays.
 */
export function forkStepsWithout(leave: Partial<Record<ForkStepName, 'parent' | 'child' | 'both'>>): ForkStep[] {
  return forkSteps.flatMap((step: ForkStep): ForkStep[] => {
    const half = leave[step.name as ForkStepName];
    if (half === undefined) return [step];
    if (half === 'both') return [];
    return [half === 'parent' ? { name: step.name, child: step.child } : { name: step.name, parent: step.parent }];
  });
}
