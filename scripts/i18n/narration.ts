/**
 * The narration's lines, as the Narrator prints them and as `pnpm guide` reads them back: one
 * format per kind of line, the parse of a captured run into those lines, and their rendering in
 * another language. Commands and what the stages printed are kept as they are.
 */
import { type Lang, lookup, translate } from './index.js';

/** One thing the narration said: narration (translated) or what was typed and shown (kept). */
export type Said =
  { kind: 'title' | 'step' | 'note' | 'result' | 'wait'; text: string } | { kind: 'cmd' | 'show'; text: string };

/** The conclusion's label, with what separates it from the text. */
const RESULT: Record<Lang, string> = { en: 'Result: ', zh: '结果：', ru: 'Итог: ' };

/** Display columns of a character: 2 for CJK and full-width forms, 1 otherwise. */
function columns(text: string): number {
  let n = 0;
  for (const c of text)
    n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(c)
      ? 2
      : 1;
  return n;
}

/** A CJK character (with the punctuation that must not begin a line), a word, or the spaces between. */
const TOKEN =
  /[\u2e80-\u9fff\uac00-\ud7a3\uf900-\ufaff][，。：；、！？）」』》]*|[^\s\u2e80-\u9fff\uac00-\ud7a3\uf900-\ufaff]+|\s+/gu;

/** Greedy wrap at width columns: between words, and between CJK characters (which have no spaces). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let spaced = false;
    for (const token of paragraph.match(TOKEN) ?? []) {
      if (/^\s/.test(token)) {
        spaced = true;
        continue;
      }
      const join = line === '' || !spaced ? '' : ' ';
      if (line !== '' && columns(line) + columns(join) + columns(token) > width) {
        lines.push(line);
        line = token;
      } else line += join + token;
      spaced = false;
    }
    lines.push(line);
  }
  return lines;
}

/** How one thing said is printed (bold: the terminal's bold, for a TTY). */
export function format(said: Said, lang: Lang = 'en', bold: (s: string) => string = (s) => s): string {
  const text = said.kind === 'cmd' || said.kind === 'show' ? said.text : translate(lang, said.text);
  switch (said.kind) {
    case 'title':
      return `${bold(`=== ${text} ===`)}\n`;
    case 'step':
      return `\n${bold(`▶ ${text}`)}\n`;
    case 'cmd':
      return `  $ ${text}\n`;
    case 'wait':
      return `  … ${text}\n`;
    case 'show': {
      const trimmed = text.replace(/\s+$/, '');
      if (trimmed === '') return '';
      return `${trimmed
        .split('\n')
        .map((l) => (l.trim() === '' ? '' : `  ${l}`))
        .join('\n')}\n`;
    }
    case 'note':
      return `${wrap(text, 92)
        .map((l, i) => (i === 0 ? `  → ${l}` : `    ${l}`))
        .join('\n')}\n`;
    case 'result': {
      const label = RESULT[lang];
      const indent = ' '.repeat(columns(label));
      return `\n${bold(label.trimEnd())}${label.endsWith(' ') ? ' ' : ''}${wrap(text, 88).join(`\n${indent}`)}\n`;
    }
  }
}

/** Whether line, after a note's line prev, is that note wrapped: wrap() broke there, the next word not fitting. */
function continues(prev: string, line: string, width: number): boolean {
  const word = line.trimStart().split(' ')[0] ?? '';
  return word !== '' && prev.length + 1 + word.length > width;
}

/**
 * The things said in a captured English run (what the Narrator printed on a stream that is not
 * a TTY), in order; format() of each, in English, gives back the text (wrapped at today's widths).
 */
export function parse(text: string): Said[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const said: Said[] = [];
  const show: string[] = [];
  const flush = (): void => {
    if (show.length > 0)
      said.push({
        kind: 'show',
        text: show
          .splice(0)
          .map((l) => l.replace(/^ {2}/, ''))
          .join('\n'),
      });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const next = lines[i + 1];
    const narration = (kind: Said['kind'], body: string): void => {
      flush();
      said.push({ kind, text: body } as Said);
    };
    let m: RegExpExecArray | null;
    if (line === '' && next !== undefined && (next.startsWith('▶ ') || next.startsWith('Result: '))) continue;
    if ((m = /^=== (.*) ===$/.exec(line)) !== null) narration('title', m[1] ?? '');
    else if (line.startsWith('▶ ')) narration('step', line.slice(2));
    else if (line.startsWith('  $ ')) narration('cmd', line.slice(4));
    else if (line.startsWith('  … ')) narration('wait', line.slice(4));
    else if (line.startsWith('  → ') || line.startsWith('Result: ')) {
      const note = line.startsWith('  → ');
      const indent = note ? '    ' : '        ';
      const parts = [line.slice(note ? 4 : 8)];
      while (lines[i + 1]?.startsWith(indent) && continues(parts.at(-1) ?? '', lines[i + 1] ?? '', note ? 92 : 88)) {
        parts.push((lines[++i] ?? '').slice(indent.length));
      }
      narration(note ? 'note' : 'result', parts.join(' '));
    } else show.push(line);
  }
  flush();
  return said;
}

/** The narration of a captured English run in lang: the same commands and output, the narration translated. */
export function render(said: Said[], lang: Lang): string {
  return said.map((s) => format(s, lang)).join('');
}

/** The narration lines of a run that the table of lang has no entry for. */
export function untranslated(said: Said[], lang: Lang): string[] {
  return said.filter((s) => s.kind !== 'cmd' && s.kind !== 'show' && lookup(lang, s.text) === null).map((s) => s.text);
}
