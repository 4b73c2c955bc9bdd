/** Runs an experiment as the tests do: on a free port, narrated in the test's log only when LSBAWS_NARRATE is set. */
import { runExperiment } from '../scripts/experiments/framework/experiment.js';
import { type Experiment } from '../scripts/experiments/framework/experiment.js';
import { freePort } from '../scripts/lib/stage.js';

export async function run<O, P>(experiment: Experiment<O, P>, params?: Partial<P>): Promise<O> {
  return runExperiment(experiment, {
    port: await freePort(),
    params,
    out: process.env.LSBAWS_NARRATE ? process.stderr : undefined,
  });
}
