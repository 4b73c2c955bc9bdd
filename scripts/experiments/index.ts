/**
 * The loader of what each stage's folder holds for `pnpm experiment` and `pnpm check`: its
 * experiments (packages/<stage>/experiments/<name>.ts, in the order its package.json's
 * `"lsbaws": { "experiments": [...] }` gives) and its expectations (packages/<stage>/check.ts),
 * found through the registry (scripts/lib/stages.ts) and imported when first asked for. Each file
 * `export default`s its experiment or its check.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyExperiment } from './framework/experiment.js';
import type { StageCheck } from './framework/expectations.js';
import { findStage, stages, type Stage } from '../lib/stages.js';
import { ROOT } from '../lib/stage.js';

/** The default export of a file of the repository (relative to its root); throws naming the file when it has none. */
async function defaultOf<T>(file: string): Promise<T> {
  const module = (await import(pathToFileURL(join(ROOT, file)).href)) as { default?: T };
  if (module.default === undefined) throw new Error(`${file}: it has no default export`);
  return module.default;
}

let loaded: Promise<AnyExperiment[]> | null = null;

/** Every experiment of `pnpm experiment`: by the registry's order of stages, then each stage's list. */
export function experiments(): Promise<AnyExperiment[]> {
  loaded ??= Promise.all(stages().flatMap((s) => s.experiments.map((name) => experimentOf(s, name))));
  return loaded;
}

/** The experiment a stage lists as name, checked to be that stage's and to be called name. */
async function experimentOf(stage: Stage, name: string): Promise<AnyExperiment> {
  const file = `${stage.dir}/experiments/${name}.ts`;
  const experiment = await defaultOf<AnyExperiment>(file);
  if (experiment.name !== name) throw new Error(`${file}: its experiment is called ${experiment.name}, not ${name}`);
  if (experiment.stage !== stage.package)
    throw new Error(`${file}: its experiment runs ${experiment.stage}, not ${stage.package} (whose folder it is in)`);
  return experiment;
}

/** The experiment called name, also accepting the stage ('3d', 'webserver3e') when only one experiment uses it. */
export async function findExperiment(name: string): Promise<AnyExperiment | undefined> {
  return experimentNamed(await experiments(), name);
}

/** findExperiment() among the experiments given (those experiments() loaded). */
export function experimentNamed(all: AnyExperiment[], name: string): AnyExperiment | undefined {
  const exact = all.find((e) => e.name === name);
  if (exact) return exact;
  const stage = findStage(name);
  if (stage) {
    const matching = all.filter((e) => e.stage === stage.package);
    if (matching.length === 1) return matching[0];
  }
  return undefined;
}

/** A stage's check.ts, as it exports it; null for a stage that has none. */
export async function checkOf(stage: Stage): Promise<StageCheck | null> {
  return stage.check === null ? null : defaultOf<StageCheck>(stage.check);
}
