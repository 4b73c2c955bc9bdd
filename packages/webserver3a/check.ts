// What `pnpm check 3a` holds webserver3a to: the experiments that define the stage, and what
// their outcomes must be, each expectation in the article's words (or the design's, beyond it).
import { type StageCheck, ITERATIVE } from '../../scripts/experiments/framework/expectations.js';

const check: StageCheck = {
  steps: [ITERATIVE],
};

export default check;
