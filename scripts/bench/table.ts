/** The Markdown tables of benchmarks.md: rows, ratios, ranges. */
import { fmt, ratio } from './stats.js';

/** A Markdown table row, `| a | b |`: an empty string is an empty cell (`|  |`). */
export const row = (...cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;

/** A row that fills only its first cells and leaves the other columns blank (`| |`): a measurement not made. */
export const partialRow = (columns: number, ...cells: string[]): string =>
  row(...cells) + ' |'.repeat(columns - cells.length);

/** a / b as a table shows it: `1.23×`. */
export const times = (a: number | undefined, b: number | undefined, decimals: number): string =>
  `${fmt(ratio(a, b), decimals)}×`;

/** The lowest and the highest value of the rounds: `1,234–1,456`. */
export const minMax = (values: number[], decimals = 0): string =>
  `${fmt(Math.min(...values), decimals)}–${fmt(Math.max(...values), decimals)}`;
