/** Small statistics for the benchmark: medians and ranges of a few rounds. */

/** Issue 27's bars, by CPU a request against the Python: webserver3g against webserver3g.py, 3h against 3h.py. */
export const BAR_BY_CPU = { '3g': 0.85, '3h': 0.35 } as const;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const upper = sorted[sorted.length >> 1];
  const lower = sorted[(sorted.length - 1) >> 1]; // the same as upper for an odd count
  if (lower === undefined || upper === undefined) return Number.NaN; // no values
  return sorted.length % 2 === 1 ? upper : (lower + upper) / 2;
}

export function min(values: number[]): number {
  return values.length === 0 ? Number.NaN : Math.min(...values);
}

export function max(values: number[]): number {
  return values.length === 0 ? Number.NaN : Math.max(...values);
}

export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** a / b, or NaN when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return Number.NaN;
  return a / b;
}

/** A number for a table: fixed decimals, '–' when missing. */
export function fmt(value: number | undefined, decimals = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/**
 * The median, over the rounds both were measured in, of a's requests per second over b's in the
 * same round: the machine's load drifts between rounds and hits both servers of a round alike.
 */
export function roundRatio(
  a: { runs: { round: number; load: { requestsPerSecond: number } }[] },
  b: { runs: { round: number; load: { requestsPerSecond: number } }[] },
): number {
  return roundMedian(a, b, (x, y) => ratio(x.load.requestsPerSecond, y.load.requestsPerSecond));
}

/** CPU ms a request of a run: the server's own and its reaped children's, from /proc. */
export const cpuPerRequest = (x: { parentCpuMs: number; childCpuMs: number }): number => x.parentCpuMs + x.childCpuMs;

/**
 * The median, over the rounds both were measured in, of b's CPU per request over a's (above 1: a
 * costs less CPU a request than b): the figure a shared machine's load changes least.
 */
export function roundCpuRatio<R extends { round: number; parentCpuMs: number; childCpuMs: number }>(
  a: { runs: R[] },
  b: { runs: R[] },
): number {
  return median(roundCpuRatios(a, b));
}

/** b's CPU per request over a's, round by round (the rounds both have), in the rounds' order. */
export function roundCpuRatios<R extends { round: number; parentCpuMs: number; childCpuMs: number }>(
  a: { runs: R[] },
  b: { runs: R[] },
): number[] {
  return perRound(a, b, (x, y) => ratio(cpuPerRequest(y), cpuPerRequest(x)));
}

/** The median over the rounds a and b share of f(a's run, b's run). */
function roundMedian<R extends { round: number }>(
  a: { runs: R[] },
  b: { runs: R[] },
  f: (x: R, y: R) => number,
): number {
  return median(perRound(a, b, f));
}

/** f(a's run, b's run) for each round a and b share, the finite ones. */
function perRound<R extends { round: number }>(
  a: { runs: R[] },
  b: { runs: R[] },
  f: (x: R, y: R) => number,
): number[] {
  return a.runs
    .flatMap((x) => {
      const y = b.runs.find((r) => r.round === x.round);
      return y === undefined ? [] : [f(x, y)];
    })
    .filter(Number.isFinite);
}
