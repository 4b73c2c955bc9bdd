/** 3g: waitpid(-1, WNOHANG) in a loop reaps every exited child, however many signals were merged. */
import { type Experiment } from '../../../scripts/experiments/framework/experiment.js';
import {
  SIGCHLD_PARAMS,
  sigchldScenario,
  type SigchldOptions,
  type SigchldOutcome,
} from '../../../scripts/experiments/framework/sigchld.js';

export const noZombies: Experiment<SigchldOutcome, SigchldOptions> = {
  name: 'no-zombies',
  stage: 'webserver3g',
  summary: 'waitpid(-1, WNOHANG) in a loop: no zombies, even when signals merge',
  article:
    'The solution to the problem is to set up a SIGCHLD event handler but ' +
    'instead of wait use a waitpid system call with a WNOHANG option in a loop',
  params: SIGCHLD_PARAMS,
  async run(ctx, options = {}) {
    ctx.say.title('no-zombies: waitpid(-1, WNOHANG) in a loop, webserver3g');
    const outcome = await sigchldScenario(ctx, 'webserver3g', options);
    ctx.say.result(
      'One run of the handler reaps every child that has exited, ' +
        'however many SIGCHLDs were merged into one: no zombies.',
    );
    return outcome;
  },
};

export default noZombies;
