/** What an experiment is: its name, stage, summary, the article's section, options, and run(). */
import { Context, type ContextOptions } from './context.js';

export interface Experiment<Outcome, Options = Record<string, never>> {
  /** What you type after `pnpm experiment`. */
  name: string;
  /** The stage it runs. */
  stage: string;
  /** One line for the list. */
  summary: string;
  /** The section of the article it reproduces. */
  article: string;
  /** Its options (`pnpm experiment <name> --help`), each with its default. */
  params?: { [K in keyof Options]: Param };
  run(ctx: Context, options?: Partial<Options>): Promise<Outcome>;
}

/** An option of an experiment: a whole number with a default. */
export interface Param {
  description: string;
  default: number;
}

/** The options given, and the experiment's defaults for the others. */
export function optionsOf<O, P>(experiment: Experiment<O, P>, given: Partial<P> = {}): P {
  const defaults = Object.fromEntries(Object.entries<Param>(experiment.params ?? {}).map(([k, p]) => [k, p.default]));
  return { ...defaults, ...given } as P;
}

/** An experiment of any outcome, for the registry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- experiments of every outcome and option type
export type AnyExperiment = Experiment<any, any>;

/** Runs one experiment in a fresh context and stops everything it started, whatever happens. */
export async function runExperiment<O, P>(
  experiment: Experiment<O, P>,
  options: ContextOptions & { params?: Partial<P> } = {},
): Promise<O> {
  const ctx = await Context.create(options);
  try {
    return await experiment.run(ctx, optionsOf(experiment, options.params));
  } finally {
    await ctx.cleanup();
  }
}
