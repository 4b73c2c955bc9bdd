// What `pnpm check 2` holds webserver2 to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import { type StageCheck, step, wsgiServes } from '../../scripts/experiments/framework/expectations.js';
import wsgi from '../webserver3h/experiments/wsgi.js';

const check: StageCheck = {
  args: ['wsgiapp:app'],
  steps: [
    step(
      wsgi,
      [
        ...wsgiServes('project'),
        {
          text: 'one client at a time',
          holds: (o) => !o.concurrently,
          measured: (o) =>
            o.concurrently
              ? 'curl was answered while another client was connected'
              : 'curl waited for the other client',
          faults: ['forks'],
        },
      ],
      { clients: 8 },
    ),
  ],
};

export default check;
