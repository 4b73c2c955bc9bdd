/**
 * The guide in the article's other languages: docs/guide.zh.md and docs/guide.ru.md are the
 * guide's prose translated by hand, with the same capture and picture blocks as docs/guide.md.
 * Their blocks are filled from the English guide's, that is from the same runs: the commands and
 * what the stages printed kept, the narration rendered in the language through its table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BLOCK } from '../lib/captures.js';
import { ROOT } from '../lib/stage.js';
import type { Lang } from './index.js';
import { parse, render, untranslated } from './narration.js';

/** A picture of a run: `<!-- picture: experiment NAME N -->` … `<!-- /picture -->`. */
export const PICTURE = /(<!-- picture: experiment ([\w-]+) (\d+) -->\n)([\s\S]*?)(<!-- \/picture -->)/g;

/** The guide's file for lang: docs/guide.md, docs/guide.zh.md, docs/guide.ru.md. */
export function guidePath(lang: Lang): string {
  return join(ROOT, lang === 'en' ? 'docs/guide.md' : `docs/guide.${lang}.md`);
}

/** A captured block's contents: the command line, and what the experiment printed after it. */
export function splitCapture(block: string): { command: string; output: string } | null {
  const m = /^```text\n(\$ [^\n]*)\n([\s\S]*)```\n$/.exec(block);
  return m === null ? null : { command: m[1] ?? '', output: m[2] ?? '' };
}

/** The command a block shows, in lang: the English one, with --lang. */
export function commandIn(command: string, lang: Lang): string {
  return lang === 'en' ? command : `${command} --lang ${lang}`;
}

export interface Translated {
  text: string;
  /** Blocks of the translation that the English guide has not captured (by name and params). */
  missing: string[];
  /** Narration of the English blocks that the table has no entry for. */
  untranslated: string[];
}

/** A capture block's key: its experiment, options and step as written. */
export const blockKey = (name = '', params = '', step = ''): string => `${name} ${params} ${step}`;

/** The translated guide (its template's text) with every block filled from the English guide's. */
export function fillTranslation(template: string, english: string, lang: Lang): Translated {
  const captured = new Map<string, string>();
  for (const m of english.matchAll(BLOCK)) captured.set(blockKey(m[2], m[3], m[4]), m[5] ?? '');
  const pictures = new Map<string, string>();
  for (const m of english.matchAll(PICTURE)) pictures.set(`${m[2]} ${m[3]}`, m[4] ?? '');
  const missing: string[] = [];
  const lost = new Set<string>();
  let text = template.replace(
    BLOCK,
    (whole, open: string, name: string, params: string | undefined, step: string | undefined, _old, close: string) => {
      const block = splitCapture(captured.get(blockKey(name, params, step)) ?? '');
      if (block === null) {
        missing.push(`capture ${name}${params ? ` ${params}` : ''}`);
        return whole;
      }
      const said = parse(block.output);
      for (const s of untranslated(said, lang)) lost.add(s);
      return `${open}\`\`\`text\n${commandIn(block.command, lang)}\n${render(said, lang).replace(/\s+$/, '')}\n\`\`\`\n${close}`;
    },
  );
  text = text.replace(PICTURE, (whole, open: string, name: string, view: string, _old, close: string) => {
    const picture = pictures.get(`${name} ${view}`);
    if (picture === undefined) {
      missing.push(`picture ${name} ${view}`);
      return whole;
    }
    return `${open}${picture}${close}`;
  });
  return { text, missing, untranslated: [...lost] };
}

/** fillTranslation() of the guide of lang as it is in docs/, from docs/guide.md. */
export function translateGuide(lang: Lang): Translated {
  return fillTranslation(readFileSync(guidePath(lang), 'utf8'), readFileSync(guidePath('en'), 'utf8'), lang);
}
