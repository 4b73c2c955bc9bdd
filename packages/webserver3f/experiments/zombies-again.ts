/** 3f: accept() restarted after EINTR; but one wait() per SIGCHLD leaves zombies when children exit together. */
import { type Experiment } from '../../../scripts/experiments/framework/experiment.js';
import {
  SIGCHLD_PARAMS,
  sigchldScenario,
  type SigchldOptions,
  type SigchldOutcome,
} from '../../../scripts/experiments/framework/sigchld.js';

export const zombiesAgain: Experiment<SigchldOutcome, SigchldOptions> = {
  name: 'zombies-again',
  stage: 'webserver3f',
  summary: 'accept() restarted, but 128 clients bring zombies back: signals are not queued',
  article: 'Try your webserver3f.py again ... client3.py --max-clients 128 ... zombies are back again!',
  params: SIGCHLD_PARAMS,
  async run(ctx, options = {}) {
    ctx.say.title('zombies-again: restarting accept(), and one wait() per signal, webserver3f');
    const outcome = await sigchldScenario(ctx, 'webserver3f', options);
    ctx.say.result(
      'Standard signals are not queued: children that exit while SIGCHLD is already pending add nothing to it. ' +
        'A handler that calls wait() once per signal therefore misses children, and they stay zombies.',
    );
    return outcome;
  },
};

export default zombiesAgain;
