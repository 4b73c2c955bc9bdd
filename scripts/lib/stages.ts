/**
 * The registry of stages: the workspace itself. A package is a stage when its package.json has
 *
 *   "lsbaws": { "stage": "3g", "follows": "3f", "article": "part3/webserver3g.py", "experiments": ["no-zombies"] }
 *
 * `stage` is the name the tools take (`pnpm diff 3f 3g`, `pnpm check 3g`), `follows` the stage it
 * grew from (what `pnpm diff` compares it with; null for Part 1), `article` the Python file of
 * rspivak/lsbaws it translates, or null for a stage beyond the article, and `experiments` its
 * experiments in the article's order, each one file, experiments/<name>.ts (optional: none).
 * Its one source file is the one `.ts` file in its src/; what `pnpm check` holds it to is its
 * check.ts, when it has one. Every tool (diff, experiment, check, observe, guide, bench) and every
 * test takes its list of stages from here: adding a stage is adding its package.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Stage {
  /** What the tools call it: '1', '2', '3a' … '3h', or a name for a stage beyond the article. */
  stage: string;
  /** Its package, as `pnpm --filter` takes it: 'webserver3g'. */
  package: string;
  /** The stage it grew from, which `pnpm diff` compares it with; null for the first. */
  follows: string | null;
  /** The Python file of rspivak/lsbaws it translates ('part3/webserver3g.py'); null beyond the article. */
  article: string | null;
  /** Its one source file, relative to the repository's root: 'packages/webserver3g/src/webserver3g.ts'. */
  source: string;
  /** Its package.json's description. */
  description: string;
  /** Its folder, relative to the repository's root: 'packages/webserver3g'. */
  dir: string;
  /** Its experiments' names, in the article's order: each is experiments/<name>.ts in its folder. */
  experiments: string[];
  /** Its check.ts, relative to the repository's root ('packages/webserver3g/check.ts'); null when it has none. */
  check: string | null;
}

interface Manifest {
  name: string;
  description?: string;
  lsbaws?: { stage?: unknown; follows?: unknown; article?: unknown; experiments?: unknown };
}

let cache: Stage[] | null = null;

/** Every stage of the workspace: the article's in its order (by its file), then the ones beyond it. */
export function stages(): Stage[] {
  if (cache !== null) return cache;
  const found: Stage[] = [];
  for (const dir of readdirSync(join(ROOT, 'packages'))) {
    let manifest: Manifest;
    try {
      manifest = JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as Manifest;
    } catch {
      continue; // not a package
    }
    if (manifest.lsbaws === undefined) continue;
    found.push(stageOf(dir, manifest));
  }
  cache = inOrder(found);
  return cache;
}

/** The stage a package.json describes; throws with the file's name when the entry is not well formed. */
function stageOf(dir: string, manifest: Manifest): Stage {
  const file = `packages/${dir}/package.json`;
  const { stage, follows, article, experiments = [] } = manifest.lsbaws ?? {};
  if (typeof stage !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(stage))
    throw new Error(`${file}: "lsbaws.stage" must be a name such as "3g", got ${JSON.stringify(stage)}`);
  if (follows !== null && typeof follows !== 'string')
    throw new Error(`${file}: "lsbaws.follows" must be a stage's name or null, got ${JSON.stringify(follows)}`);
  if (article !== null && (typeof article !== 'string' || !/^part\d\/\w+\.py$/.test(article)))
    throw new Error(`${file}: "lsbaws.article" must be "partN/name.py" or null, got ${JSON.stringify(article)}`);
  const names = (list: unknown): list is string[] =>
    Array.isArray(list) && list.every((e) => typeof e === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(e));
  if (!names(experiments))
    throw new Error(
      `${file}: "lsbaws.experiments" must be names such as ["no-zombies"], got ${JSON.stringify(experiments)}`,
    );
  for (const e of experiments) {
    if (!existsSync(join(ROOT, 'packages', dir, 'experiments', `${e}.ts`)))
      throw new Error(
        `${file}: "lsbaws.experiments" names ${e}, but packages/${dir}/experiments/${e}.ts does not exist`,
      );
  }
  const sources = readdirSync(join(ROOT, 'packages', dir, 'src')).filter((f) => f.endsWith('.ts'));
  if (sources.length !== 1)
    throw new Error(`packages/${dir}/src: a stage has one source file, found ${sources.length}: ${sources.join(' ')}`);
  return {
    stage,
    package: manifest.name,
    follows,
    article,
    source: `packages/${dir}/src/${sources[0] ?? ''}`,
    description: manifest.description ?? '',
    dir: `packages/${dir}`,
    experiments,
    check: existsSync(join(ROOT, 'packages', dir, 'check.ts')) ? `packages/${dir}/check.ts` : null,
  };
}

/** The article's stages by their Python file, then each other one after the stage it follows. */
function inOrder(found: Stage[]): Stage[] {
  const names = new Set(found.map((s) => s.stage));
  for (const s of found) {
    if (s.follows !== null && !names.has(s.follows))
      throw new Error(`${s.package}: "lsbaws.follows" names ${s.follows}, which no package is`);
  }
  const ordered = found
    .filter((s) => s.article !== null)
    .sort((a, b) => (a.article ?? '').localeCompare(b.article ?? '', 'en', { numeric: true }));
  let rest = found.filter((s) => s.article === null).sort((a, b) => a.stage.localeCompare(b.stage));
  while (rest.length > 0) {
    const placed = new Set(ordered.map((s) => s.stage));
    const next = rest.filter((s) => s.follows !== null && placed.has(s.follows));
    if (next.length === 0) throw new Error(`stages that follow no stage: ${rest.map((s) => s.package).join(' ')}`);
    ordered.push(...next);
    rest = rest.filter((s) => !next.includes(s));
  }
  return ordered;
}

/**
 * The stage a learner means: its name ('3e'), its package ('webserver3e'), or for the article's
 * Part 3 its letter alone ('e'), in any case; undefined when no stage answers to it.
 */
export function findStage(name: string): Stage | undefined {
  const key = name.trim().toLowerCase();
  return stages().find((s) => s.stage === key || s.package === key || (/^[a-z]$/.test(key) && s.stage === `3${key}`));
}

/** The stages' names, for a usage line: '1 2 3a … 3h prefork'. */
export function stageNames(): string[] {
  return stages().map((s) => s.stage);
}

/** The stage of a package ('webserver3g' → its Stage); throws when the package is not a stage. */
export function stageOfPackage(pkg: string): Stage {
  const found = stages().find((s) => s.package === pkg);
  if (found === undefined) throw new Error(`${pkg} is not a stage: its package.json has no "lsbaws" entry`);
  return found;
}
