/**
 * The narration a learner reads: commands as they would type them, the output they would see,
 * what it means, and the `pnpm observe` views. It is narrated in the language asked for
 * (`--lang zh|ru`, through scripts/i18n's tables); commands and output are shown as they are.
 */
import type { Writable } from 'node:stream';
import type { Snapshot } from '../../lib/observe-model.js';
import { type Lang, translate } from '../../i18n/index.js';
import { type Said, format } from '../../i18n/narration.js';

/** The learner-facing narration, written to a stream. */
export class Narrator {
  private readonly tty: boolean;
  constructor(
    private readonly stream: Writable & { isTTY?: boolean },
    private readonly onView: (snap: Snapshot) => void = () => {},
    readonly lang: Lang = 'en',
  ) {
    this.tty = stream.isTTY === true;
  }

  private say(said: Said): void {
    this.stream.write(format(said, this.lang, (text) => this.bold(text)));
  }

  /** The experiment's title. */
  title(text: string): void {
    this.say({ kind: 'title', text });
  }

  /** A new step: what we do now, and where (which terminal) a learner would do it. */
  step(text: string): void {
    this.say({ kind: 'step', text });
  }

  /** A command as the learner would type it. */
  cmd(command: string): void {
    this.say({ kind: 'cmd', text: command });
  }

  /** Output the learner would see (indented like the command). */
  show(text: string): void {
    this.say({ kind: 'show', text });
  }

  /** A `pnpm observe` view shown to the learner; `pnpm guide` also draws it as a picture (ContextOptions.onView). */
  view(view: { snap: Snapshot; text: string }): void {
    this.show(view.text);
    this.onView(view.snap);
  }

  /** What it means. */
  note(text: string): void {
    this.say({ kind: 'note', text });
  }

  /** The conclusion, matching the article. */
  result(text: string): void {
    this.say({ kind: 'result', text });
  }

  /** Runs a long step, showing that something is happening (a ticking counter on a terminal). */
  async wait<T>(label: string, work: Promise<T>): Promise<T> {
    if (!this.tty) {
      this.say({ kind: 'wait', text: label });
      return work;
    }
    const started = Date.now();
    const shown = translate(this.lang, label);
    const line = (): string => `  … ${shown} ${((Date.now() - started) / 1000).toFixed(0)} s`;
    this.stream.write(line());
    const timer = setInterval(() => this.stream.write(`\r${line()}`), 1000);
    try {
      return await work;
    } finally {
      clearInterval(timer);
      this.stream.write(`\r  … ${shown} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    }
  }

  private bold(text: string): string {
    return this.tty ? `\x1b[1m${text}\x1b[0m` : text;
  }
}
