/** What the commands share in reading their options: whole numbers said plainly, and a "did you mean". */

/** yargs' coerce for a whole-number option: the number, or an error that quotes what was typed. */
export function wholeNumber(name: string, max = Number.MAX_SAFE_INTEGER): (value: unknown) => number | undefined {
  return (value: unknown) => {
    if (value === undefined) return undefined;
    const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > max) {
      const what = max === 65535 ? 'a port number (0 to 65535)' : 'a whole number';
      throw new Error(`--${name}: ${what}, please (got ${JSON.stringify(String(value))})`);
    }
    return n;
  };
}

/** Levenshtein's edit distance between a and b. */
export function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/** ' (did you mean "x"?)' for the name closest to typed, when it is close enough; '' otherwise. */
export function didYouMean(typed: string, names: string[]): string {
  const best = names
    .map((name) => ({ name, d: editDistance(typed.toLowerCase(), name.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  return best !== undefined && best.d <= Math.max(1, Math.floor(best.name.length / 3))
    ? ` (did you mean "${best.name}"?)`
    : '';
}
