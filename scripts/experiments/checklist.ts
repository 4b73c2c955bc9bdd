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
import { crashOf } from '../lib/crashes.js';
import { type Diagnosis, type Evidence, diagnose, overruled } from './framework/diagnosis.js';
import { optionsOf } from './framework/experiment.js';
import type { Expectation, StageCheck, Step } from './framework/expectations.js';
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
  /** On a line that fails: the fault the measurements show (framework/diagnosis.ts), or null when none fits. */
  fault: string | null;
  /** What to change for that fault; null when no fault fits (no fix is offered for a guess). */
  hint: string | null;
  /**
   * Neither held nor failed: the runtime, not the program, keeps the expectation from being seen
   * (a 3e on Python 3, which retries accept() itself); `hint` then says how to see it.
   */
  hidden: boolean;
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
  /** Options of experiments by name, over the stage's own: { 'no-zombies': { clients: 32 } } (smaller counts). */
  params?: Record<string, Record<string, number>>;
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
  /**
   * Not passed only because the runtime hides what the stage shows (every counted line that does
   * not hold is `hidden`): neither a pass nor a fail of the program. `pnpm check` exits 3 then.
   */
  hidden: boolean;
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
  const params = (s: Step): Record<string, unknown> => ({
    ...(s.params as Record<string, unknown> | undefined),
    ...options.params?.[s.experiment.name],
    ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
  });
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
    let outcome: unknown;
    let failure: Omit<ChecklistLine, 'ok' | 'by' | 'experiment'> | null = null;
    try {
      outcome = await s.experiment.run(ctx, optionsOf(s.experiment, params(s) as Partial<unknown>) as Partial<unknown>);
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
        // what kept it from being measured is the line above's fault, and its fix is there
        const measured = 'not measured (above: why)';
        add({ ok: false, by, text: x.text, measured, fault: failure.fault, hint: null, hidden: false, experiment });
        continue;
      }
      add({ ...judge(x, outcome, s.evidence?.(outcome) ?? {}), by, text: x.text, experiment });
    }
  }
  const counted = lines.filter((l) => l.by === 'article' || options.strict === true);
  const open = counted.filter((l) => !l.ok);
  return {
    stage: checklist.stage,
    server: options.server ?? checklist.package,
    port,
    passed: open.length === 0,
    hidden: open.length > 0 && open.every((l) => l.hidden),
    strict: options.strict === true,
    lines,
    outcomes,
  };
}

/**
 * One expectation judged on an outcome: it holds unless it does not, or a fault it names that
 * overrules what it measured is shown; when not, the fault the evidence shows (or none).
 */
function judge<O>(
  x: Expectation<O>,
  outcome: O,
  evidence: Evidence,
): Pick<ChecklistLine, 'ok' | 'measured' | 'fault' | 'hint' | 'hidden'> {
  let measured: string;
  let ok: boolean;
  try {
    ok = x.holds(outcome) && !overruled(x.faults, evidence);
    measured = x.measured(outcome);
  } catch (e) {
    const measured = `not measured (${e instanceof Error ? e.message : String(e)})`;
    return { ok: false, measured, fault: null, hint: null, hidden: false };
  }
  const d = ok ? null : diagnose(x.faults, evidence);
  return { ok, measured, fault: d?.name ?? null, hint: d?.fix ?? null, hidden: d?.runtime === true };
}

/** Why an experiment could not measure, as a line: what was expected, what happened, the fault if one fits. */
function failureOf(e: unknown, experiment: string, port: number): Omit<ChecklistLine, 'ok' | 'by' | 'experiment'> {
  const line = (
    text: string,
    measured: string,
    d: Diagnosis | null,
  ): Omit<ChecklistLine, 'ok' | 'by' | 'experiment'> => ({
    text,
    measured,
    fault: d?.name ?? null,
    hint: d?.fix ?? null,
    hidden: false,
  });
  if (e instanceof StartError) {
    return line(`the server starts and listens on port ${port}`, e.message, diagnose(['no-listen'], {}));
  }
  if (e instanceof ServerGone) {
    // what it died of, in its own words: a fault of the stage when it is one the stages teach
    const crash = crashOf(e.output);
    const d = diagnose(['eintr', 'emfile', 'eagain'], { diedOf: crash?.code ?? null });
    return line(
      'the server keeps running',
      `${e.message}${crash && !e.message.includes(crash.line) ? `: ${crash.line}` : ''}`,
      d,
    );
  }
  const message = e instanceof Error ? e.message : String(e);
  const timedOut = /^timed out after (\d+) ms waiting for (.*)$/.exec(message);
  if (timedOut) {
    const measured = `it hangs: no ${timedOut[2]} within ${Number(timedOut[1]) / 1000} s`;
    return line('the server answers', measured, null);
  }
  return line(`pnpm experiment ${experiment} runs`, message.split('\n')[0] ?? message, null);
}

/**
 * A checklist line as printed: '✓ text: measured'; '✗ text: measured: the fault (fix: ...)', or
 * with no fix when no fault fits; '– text: measured: why the runtime hides it (to see it: ...)'.
 * With told (the faults printed so far), a fault told before is named in short: 'no fork (above)'.
 * In lang, each part goes through its table (what was measured stays English where the table has
 * no entry: it quotes the server).
 */
export function formatLine(line: ChecklistLine, told?: Set<string>, lang: Lang = 'en'): string {
  const t = (text: string): string => translate(lang, text);
  const head = `${line.ok ? '✓' : line.hidden ? '–' : '✗'} ${t(line.text)}: ${t(line.measured)}`;
  if (line.ok || line.measured.startsWith('not measured')) return head;
  // a fault already told, with its fix, is named again in short
  const short = line.fault?.split(':')[0];
  if (told !== undefined && short !== undefined) {
    if (told.has(short)) return `${head}: ${t(short)} (${t('above')})`;
    if (line.hint !== null) told.add(short);
  }
  if (line.fault === null) return `${head} (${t('no fault of this stage fits what was measured: no fix to offer')})`;
  if (line.hint === null) return `${head}: ${t(line.fault)}`;
  return `${head}: ${t(line.fault)} (${t(line.hidden ? 'to see it' : 'fix')}: ${t(line.hint)})`;
}
