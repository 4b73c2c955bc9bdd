/**
 * The narration in the article's other languages: one table of messages per language, keyed by
 * the English message with its variable parts as {0}, {1} … (a PID, a count, a time), and a
 * translate() that finds the entry an English message matches and fills the translation with the
 * same values. What the stages print, and the commands, never go through it.
 */
import { ru } from './ru.js';
import { zh } from './zh.js';
import type { MessageTable } from './message-table.js';

/** The languages the narration, the guide and the READMEs come in. */
export const LANGS = ['en', 'zh', 'ru'] as const;
export type Lang = (typeof LANGS)[number];

export type { MessageTable } from './message-table.js';

export const TABLES: Readonly<Record<Exclude<Lang, 'en'>, MessageTable>> = { zh, ru };

interface Entry {
  pattern: RegExp;
  translation: string;
  /** The key's literal characters: the most specific key wins when several match. */
  weight: number;
}

const compiled = new Map<Lang, Entry[]>();

/** {0} (one word) or {0+} (any text). */
const PLACEHOLDER = /\{(\d+)\+?\}/g;

/** The placeholders of a message: ['{0}', '{1}'] for 'after {0} s, {1} zombies'. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(PLACEHOLDER)].map((m) => m[0]).sort();
}

function entries(lang: Exclude<Lang, 'en'>): Entry[] {
  let list = compiled.get(lang);
  if (list === undefined) {
    list = Object.entries(TABLES[lang]).map(([key, translation]) => {
      const source = key
        .split(/(\{\d+\+?\})/)
        .map((part, i) =>
          i % 2 === 0
            ? part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            : `(?<p${parseInt(part.slice(1), 10)}>${part.endsWith('+}') ? '[\\s\\S]+?' : '\\S+?'})`,
        )
        .join('');
      return { pattern: new RegExp(`^${source}$`), translation, weight: key.replace(PLACEHOLDER, '').length };
    });
    list.sort((a, b) => b.weight - a.weight);
    compiled.set(lang, list);
  }
  return list;
}

/** {0:form|form|…}: a word agreeing with the number {0}. */
const PLURAL = /\{(\d+):([^}]*)\}/g;
const ORDER: Intl.LDMLPluralRule[] = ['one', 'few', 'many', 'other'];

/** The form of a word for n in lang: forms in the order one, few, many, other (the last one for the rest). */
function plural(lang: Lang, n: number, forms: string[]): string {
  const at = ORDER.indexOf(new Intl.PluralRules(lang).select(n));
  return forms[Math.min(at, forms.length - 1)] ?? '';
}

/** The English message in lang: the translation of the most specific entry it matches; null when none does. */
export function lookup(lang: Lang, message: string): string | null {
  if (lang === 'en') return message;
  for (const entry of entries(lang)) {
    const m = entry.pattern.exec(message);
    if (m === null) continue;
    const values = m.groups ?? {};
    const value = (n: string): string => values[`p${n}`] ?? '';
    return entry.translation
      .replace(PLURAL, (_, n: string, forms: string) => plural(lang, Number(value(n)), forms.split('|')))
      .replace(PLACEHOLDER, (_, n: string) => value(n));
  }
  return null;
}

/** The message in lang, or as it is (English) when the table has no entry for it. */
export function translate(lang: Lang, message: string): string {
  return lookup(lang, message) ?? message;
}

/** The value of a --lang option: one of LANGS. */
export function langOption(value: unknown): Lang {
  const lang = String(value);
  if (!(LANGS as readonly string[]).includes(lang)) throw new Error(`--lang: one of ${LANGS.join(', ')} (got ${lang})`);
  return lang as Lang;
}
