/**
 * A fuzzing run: cases from a seed, four at a time (or as asked), each judged against Node's http,
 * with the server's parent watched the whole time (alive, no zombie left, descriptors flat).
 */
import { fds, stat, zombies } from '../lib/procfs.js';
import type { Launched } from '../lib/stage.js';
import { judge, type Judged, type Ports } from './compare.js';
import type { Case } from './generate.js';
import { explain } from './rules.js';
import { Reasons, startNodeEcho, startWebserver3h } from './servers.js';

export interface Outcome {
  case: Case;
  /** 'agree', or the names of the rules that explain every finding, or 'unexplained'. */
  verdict: 'agree' | 'explained' | 'unexplained';
  rules: string[];
  unexplained: Judged['findings'];
}

/** The counts of a run, kept as it goes: cases by class, by verdict, by rule, and the unexplained outcomes. */
export class Tally {
  cases = 0;
  agreements = 0;
  explained = 0;
  readonly byClass = new Map<string, number>();
  readonly byRule = new Map<string, number>();
  readonly unexplained: Outcome[] = [];

  add(o: Outcome): void {
    this.cases++;
    this.byClass.set(o.case.kind, (this.byClass.get(o.case.kind) ?? 0) + 1);
    if (o.verdict === 'agree') this.agreements++;
    if (o.verdict === 'explained') this.explained++;
    for (const rule of o.rules) this.byRule.set(rule, (this.byRule.get(rule) ?? 0) + 1);
    if (o.verdict === 'unexplained') this.unexplained.push(o);
  }
}

export interface Report {
  tally: Tally;
  /** Problems with the server's parent: dead, zombies left, descriptors grown. */
  parent: string[];
  fdsBefore: number;
  fdsAfter: number;
  seconds: number;
}

/** Waits until check() is true or ms have passed; its last result. */
async function settle(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  return check();
}

/** Runs cases against webserver3h and Node's http (startServers()), concurrency at a time; onOutcome sees each. */
export async function run(
  servers: Servers,
  cases: Iterable<Case>,
  options: { concurrency: number; timeout: number; onOutcome?: (o: Outcome, tally: Tally) => void },
): Promise<Report> {
  const started = Date.now();
  const { stage } = servers;
  const pid = stage.requireServerPid();
  const fdsBefore = fds(pid).size;
  const tally = new Tally();
  const parent: string[] = [];
  const iterator = cases[Symbol.iterator]();
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      const c = next.value;
      const judged = await judge(Buffer.from(c.request, 'latin1'), servers.ports, options.timeout);
      const rules = judged.findings.map((f) => explain(f, judged)?.name);
      const unexplained = judged.findings.filter((_, i) => rules[i] === undefined);
      const outcome: Outcome = {
        case: c,
        verdict: judged.findings.length === 0 ? 'agree' : unexplained.length > 0 ? 'unexplained' : 'explained',
        rules: [...new Set(rules.filter((r): r is string => r !== undefined))],
        // the findings without the pipelined request's whole judgement: a long run keeps them
        unexplained: unexplained.map(({ kind, detail }) => ({ kind, detail })),
      };
      tally.add(outcome);
      options.onOutcome?.(outcome, tally);
      if (!alive(stage, pid)) {
        parent.push(`the parent (PID ${pid}) died during case ${c.id}: ${stage.output.slice(-500)}`);
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  if (alive(stage, pid)) {
    if (!(await settle(() => zombies(pid).length === 0, 5_000)))
      parent.push(`zombies left: ${zombies(pid).join(', ')}`);
    if (!(await settle(() => fds(pid).size <= fdsBefore, 5_000)))
      parent.push(`descriptors of the parent grew: ${fdsBefore} -> ${fds(pid).size}`);
  } else if (parent.length === 0) parent.push(`the parent (PID ${pid}) died`);
  return { tally, parent, fdsBefore, fdsAfter: fds(pid).size, seconds: (Date.now() - started) / 1000 };
}

export interface Servers {
  stage: Launched;
  node: { port: number; close: () => Promise<void> };
  ports: Ports;
  stop: () => Promise<void>;
}

/** webserver3h with the echo, and Node's http with its own. */
export async function startServers(): Promise<Servers> {
  const [stage, node] = await Promise.all([startWebserver3h(), startNodeEcho()]);
  stage.outputLimit = 64 * 1024;
  return {
    stage,
    node,
    ports: { ours: stage.port, node: node.port, reasons: new Reasons(stage) },
    stop: async () => {
      await Promise.all([stage.stop(), node.close()]);
    },
  };
}

function alive(stage: Launched, pid: number): boolean {
  const state = stat(pid)?.state;
  return stage.launcher.exitCode === null && state !== undefined && state !== 'Z';
}
