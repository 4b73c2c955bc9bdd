/**
 * `pnpm check <stage>`'s checklist: runs the experiments that define a stage against a server
 * and judges their outcomes by the stage's expectations. The verdict is the
 * article's lines; the project's own lines are reported apart and count with --strict. A stage's
 * expectations are its check.ts (packages/<stage>/check.ts), loaded by ./index.ts.
 */
import type { Writable } from 'node:stream';
import { StartError } from '../lib/stage.js';
import { findStage, stages } from '../lib/stages.js';
import { Context, Interrupted, ServerGone, type Target } from './framework/context.js';
import { optionsOf } from './framework/experiment.js';
import type { StageCheck } from './framework/expectations.js';
import { type Lang, translate } from '../i18n/index.js';
import { checkOf } from './index.js';

/** A stage's checklist: its expectations, the stage's name and the project's package for it. */
export interface StageChecklist extends StageCheck {
  /** As the registry names it: '1', '2', '3a' ... '3h'. */
  stage: string;
  package: string;
}

let loaded: Promise<StageChecklist[]> | null = null;

/** The checklists of every stage, in the registry's order: a stage has one when it has a check.ts. */
export function checklists(): Promise<StageChecklist[]> {
  loaded ??= Promise.all(
    stages().map(async (s) => {
      const check = await checkOf(s);
      return check === null ? [] : [{ ...check, stage: s.stage, package: s.package }];
    }),
  ).then((found) => found.flat());
  return loaded;
}

/** The checklist of a stage as `pnpm diff` names it ('3g', 'webserver3g', 'g', '1'), or undefined. */
export async function findChecklist(name: string): Promise<StageChecklist | undefined> {
  const stage = findStage(name);
  return (await checklists()).find((c) => c.stage === stage?.stage);
}

/** One line of the checklist. */
export interface ChecklistLine {
  ok: boolean;
  /** The expectation, in the article's words. */
  text: string;
  /** Whose: the article's (the verdict) or the project's own (counted with --strict). */
  by: 'article' | 'project';
  /** What was measured, or why nothing could be. */
  measured: string;
  /** What to change, on a line that fails. */
  hint: string | null;
  /** The experiment that measured it. */
  experiment: string;
}

export interface ChecklistOptions {
  /** A learner's server: a shell command (else the project's own stage). */
  server?: string;
  /** Where the command runs (default INIT_CWD, the directory pnpm was run from). */
  cwd?: string;
  /** The port: PORT for the server, or the one a server that picks its own listens on. */
  port?: number;
  /** ms to wait for the server to listen (default 30 s). */
  timeout?: number;
  /** Seconds the server sleeps (LSBAWS_SLEEP) where the stage sleeps: 3b and 3c. */
  sleep?: number;
  /** The project's own lines count too. */
  strict?: boolean;
  /** Where the experiments' narration goes (default: nowhere). */
  narrate?: Writable & { isTTY?: boolean };
  /** The narration's language (default: English). */
  lang?: Lang;
  /** Called with each line as soon as it is known. */
  onLine?: (line: ChecklistLine) => void;
  /** Called with each experiment's context when it starts (to stop it on Ctrl-C). */
  onContext?: (ctx: Context | null) => void;
}

export interface ChecklistResult {
  stage: string;
  server: string;
  port: number | null;
  /** The article's lines hold (and the project's, with strict). */
  passed: boolean;
  strict: boolean;
  lines: ChecklistLine[];
  outcomes: Record<string, unknown>;
}

/** Runs the experiments of a stage against the server and returns the checklist; stops everything it started. */
export async function runChecklist(
  checklist: StageChecklist,
  options: ChecklistOptions = {},
): Promise<ChecklistResult> {
  const target: Target =
    options.server !== undefined
      ? { kind: 'command', command: options.server, cwd: options.cwd, timeout: options.timeout }
      : { kind: 'stage', name: checklist.package, args: checklist.args };
  const lines: ChecklistLine[] = [];
  const outcomes: Record<string, unknown> = {};
  let port: number | null = options.port ?? null;
  const add = (line: ChecklistLine): void => {
    lines.push(line);
    options.onLine?.(line);
  };
  for (const s of checklist.steps) {
    const ctx = await Context.create({ out: options.narrate, port: options.port, target, lang: options.lang });
    port = ctx.port;
    options.onContext?.(ctx);
    const params = { ...s.params, ...(options.sleep !== undefined ? { sleep: options.sleep } : {}) };
    let outcome: unknown;
    let failure: { text: string; measured: string; hint: string } | null = null;
    try {
      outcome = await s.experiment.run(ctx, optionsOf(s.experiment, params as Partial<unknown>) as Partial<unknown>);
      ctx.throwIfStopped(); // Ctrl-C stopped what it measured: the outcome is not the server's
      outcomes[s.experiment.name] = outcome;
    } catch (e) {
      if (e instanceof Interrupted) throw e;
      failure = failureOf(e, s.experiment.name, ctx.port);
    } finally {
      await ctx.cleanup();
      options.onContext?.(null);
    }
    const experiment = s.experiment.name;
    if (failure !== null) add({ ok: false, by: 'article', ...failure, experiment });
    for (const x of s.expect) {
      const by = x.by ?? 'article';
      if (failure !== null) {
        add({ ok: false, by, text: x.text, measured: 'not measured (above: why)', hint: null, experiment });
        continue;
      }
      let ok = false;
      let measured: string;
      let hint: string | null = null;
      try {
        ok = x.holds(outcome);
        measured = x.measured(outcome);
        hint = ok ? null : x.hint(outcome);
      } catch (e) {
        measured = `not measured (${e instanceof Error ? e.message : String(e)})`;
      }
      add({ ok, by, text: x.text, measured, hint, experiment });
    }
  }
  const counted = lines.filter((l) => l.by === 'article' || options.strict === true);
  return {
    stage: checklist.stage,
    server: options.server ?? checklist.package,
    port,
    passed: counted.every((l) => l.ok),
    strict: options.strict === true,
    lines,
    outcomes,
  };
}

/** Why an experiment could not measure, as a line of its own: what was expected, what happened, what to do. */
function failureOf(e: unknown, experiment: string, port: number): { text: string; measured: string; hint: string } {
  if (e instanceof StartError) {
    return {
      text: `the server starts and listens on port ${port}`,
      measured: e.message,
      hint: 'listen on the port given as PORT (or name the port it listens on with --port)',
    };
  }
  if (e instanceof ServerGone) {
    return { text: 'the server keeps running', measured: e.message, hint: 'its last output (above) says why it died' };
  }
  const message = e instanceof Error ? e.message : String(e);
  const timedOut = /^timed out after (\d+) ms waiting for (.*)$/.exec(message);
  if (timedOut) {
    return {
      text: 'the server answers',
      measured: `it hangs: no ${timedOut[2]} within ${Number(timedOut[1]) / 1000} s`,
      hint: 'answer every request, then close the connection',
    };
  }
  return {
    text: `pnpm experiment ${experiment} runs`,
    measured: message.split('\n')[0] ?? message,
    hint: `pnpm check --verbose shows the experiment's narration up to the failure`,
  };
}

/**
 * A checklist line as printed: '✓ text: measured' or '✗ text: measured (fix: hint)'; in lang, each part
 * through its table (what was measured stays English where the table has no entry: it quotes the server).
 */
export function formatLine(line: ChecklistLine, lang: Lang = 'en'): string {
  const fix = line.hint ? ` (${translate(lang, 'fix')}: ${translate(lang, line.hint)})` : '';
  return `${line.ok ? '✓' : '✗'} ${translate(lang, line.text)}: ${translate(lang, line.measured)}${fix}`;
}
