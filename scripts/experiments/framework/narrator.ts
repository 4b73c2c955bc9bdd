/**
 * The narration a learner reads: commands as they would type them, the output they would see,
 * what it means, and the `pnpm observe` views.
 */
import type { Writable } from 'node:stream';
import type { Snapshot } from '../../lib/observe-model.js';

/** The learner-facing narration, written to a stream. */
export class Narrator {
  private readonly tty: boolean;
  constructor(
    private readonly stream: Writable & { isTTY?: boolean },
    private readonly onView: (snap: Snapshot) => void = () => {},
  ) {
    this.tty = stream.isTTY === true;
  }

  private write(text: string): void {
    this.stream.write(text);
  }

  /** The experiment's title. */
  title(text: string): void {
    this.write(`${this.bold(`=== ${text} ===`)}\n`);
  }

  /** A new step: what we do now, and where (which terminal) a learner would do it. */
  step(text: string): void {
    this.write(`\n${this.bold(`▶ ${text}`)}\n`);
  }

  /** A command as the learner would type it. */
  cmd(command: string): void {
    this.write(`  $ ${command}\n`);
  }

  /** Output the learner would see (indented like the command). */
  show(text: string): void {
    const trimmed = text.replace(/\s+$/, '');
    if (trimmed === '') return;
    this.write(
      trimmed
        .split('\n')
        .map((l) => (l.trim() === '' ? '' : `  ${l}`))
        .join('\n') + '\n',
    );
  }

  /** A `pnpm observe` view shown to the learner; `pnpm guide` also draws it as a picture (ContextOptions.onView). */
  view(view: { snap: Snapshot; text: string }): void {
    this.show(view.text);
    this.onView(view.snap);
  }

  /** What it means. */
  note(text: string): void {
    this.write(
      wrap(text, 92)
        .map((l, i) => (i === 0 ? `  → ${l}` : `    ${l}`))
        .join('\n') + '\n',
    );
  }

  /** The conclusion, matching the article. */
  result(text: string): void {
    this.write(`\n${this.bold('Result:')} ${wrap(text, 88).join('\n        ')}\n`);
  }

  /** Runs a long step, showing that something is happening (a ticking counter on a terminal). */
  async wait<T>(label: string, work: Promise<T>): Promise<T> {
    const started = Date.now();
    if (!this.tty) {
      this.write(`  … ${label}\n`);
      return work;
    }
    const line = (): string => `  … ${label} ${((Date.now() - started) / 1000).toFixed(0)} s`;
    this.write(line());
    const timer = setInterval(() => this.write(`\r${line()}`), 1000);
    try {
      return await work;
    } finally {
      clearInterval(timer);
      this.write(`\r  … ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    }
  }

  private bold(text: string): string {
    return this.tty ? `\x1b[1m${text}\x1b[0m` : text;
  }
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    lines.push(line);
  }
  return lines;
}
