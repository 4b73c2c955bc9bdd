/**
 * A smaller request that still gives the same kinds of unexplained finding: lines, then runs of
 * bytes, left out one at a time while the finding stays (a bounded number of tries).
 */
import { judge, type Finding, type Ports } from './compare.js';
import { explain } from './rules.js';

/** The unexplained findings of request, their kinds joined with '+'. */
async function kinds(request: string, ports: Ports, timeout: number): Promise<[string, Finding[]]> {
  const judged = await judge(Buffer.from(request, 'latin1'), ports, timeout);
  const left = judged.findings.filter((f) => explain(f, judged) === undefined);
  return [left.map((f) => f.kind).join('+'), left];
}

export async function minimize(
  request: string,
  kind: string,
  ports: Ports,
  timeout: number,
  tries = 60,
): Promise<{ request: string; findings: Finding[] }> {
  let best = request;
  let findings: Finding[] = [];
  for (const unit of ['line', 'bytes'] as const) {
    let changed = true;
    while (changed && tries > 0) {
      changed = false;
      const parts = unit === 'line' ? best.split(/(?<=\n)/) : (best.match(/[\s\S]{1,8}/g) ?? []);
      for (let i = parts.length - 1; i >= 0 && tries > 0; i--) {
        const candidate = [...parts.slice(0, i), ...parts.slice(i + 1)].join('');
        tries--;
        const [k, f] = await kinds(candidate, ports, timeout);
        if (k === kind) {
          best = candidate;
          findings = f;
          changed = true;
          break;
        }
      }
    }
  }
  if (findings.length === 0) findings = (await kinds(best, ports, timeout))[1];
  return { request: best, findings };
}
