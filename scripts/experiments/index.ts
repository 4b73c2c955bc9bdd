/** Every experiment of `pnpm experiment`, in the article's order, then those of the stages beyond it. */
import type { AnyExperiment } from './framework/experiment.js';
import { findStage } from '../lib/stages.js';
import { helloWorld } from './hello-world.js';
import { frameworks } from './frameworks.js';
import { iterative } from './iterative.js';
import { sleeping } from './sleeping.js';
import { concurrent } from './concurrent.js';
import { noClose } from './no-close.js';
import { outOfDescriptors } from './out-of-descriptors.js';
import { zombies } from './zombies.js';
import { outOfProcesses } from './out-of-processes.js';
import { eintr } from './eintr.js';
import { zombiesAgain } from './zombies-again.js';
import { noZombies } from './no-zombies.js';
import { wsgi } from './wsgi.js';
import { prefork } from './prefork.js';
import { manyConnections } from './many-connections.js';
import { nodeEmfile } from './node-emfile.js';

export const experiments: AnyExperiment[] = [
  helloWorld,
  frameworks,
  iterative,
  sleeping,
  concurrent,
  noClose,
  outOfDescriptors,
  zombies,
  outOfProcesses,
  eintr,
  zombiesAgain,
  noZombies,
  wsgi,
  manyConnections,
  prefork,
  nodeEmfile,
];

export {
  helloWorld,
  frameworks,
  iterative,
  sleeping,
  concurrent,
  noClose,
  outOfDescriptors,
  zombies,
  outOfProcesses,
  eintr,
  zombiesAgain,
  noZombies,
  wsgi,
  prefork,
  manyConnections,
  nodeEmfile,
};

/** The experiment called name, also accepting the stage ('3d', 'webserver3e') when only one experiment uses it. */
export function findExperiment(name: string): AnyExperiment | undefined {
  const exact = experiments.find((e) => e.name === name);
  if (exact) return exact;
  const stage = findStage(name);
  if (stage) {
    const matching = experiments.filter((e) => e.stage === stage.package);
    if (matching.length === 1) return matching[0];
  }
  return undefined;
}
