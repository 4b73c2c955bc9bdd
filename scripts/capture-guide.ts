/**
 * pnpm guide [name...] [--check]
 *
 * Regenerates the captured outputs in docs/guide.md by running the real experiments: every
 * block between `<!-- capture: experiment NAME -->` and `<!-- /capture -->` is replaced by
 * what `pnpm experiment NAME` printed on this machine, so the guide never shows output typed
 * by hand. Every block between `<!-- picture: experiment NAME N -->` and `<!-- /picture -->`
 * becomes the Nth `pnpm observe` view of that same run drawn as an SVG (`pnpm observe --svg`),
 * written to docs/pictures/NAME-N.svg: the picture and the text show the same PIDs. Stack traces come
 * without their line numbers (the experiments' tidy()), which would go stale with every edit
 * of the code they point at. With names, only those blocks; with --check, only reports the blocks
 * that have no experiment (nothing is run or written).
 *
 * The translated guides (docs/guide.zh.md, docs/guide.ru.md: the prose translated, the same blocks)
 * are filled from the blocks of docs/guide.md once it is written, so from the same runs: the
 * commands and what the stages printed identical, the narration in the guide's language
 * (scripts/i18n). `pnpm guide --lang zh` (or ru, or both) runs nothing: it fills that guide from
 * the blocks docs/guide.md has now.
 */
import { closeSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { must } from './lib/must.js';
import { ROOT } from './lib/stage.js';
import { runExperiment } from './experiments/framework/context.js';
import { experimentNamed, experiments } from './experiments/index.js';
import type { Snapshot } from './lib/observe-model.js';
import { caption, renderSvg } from './lib/observe-svg.js';
import { type Lang, LANGS, langOption } from './i18n/index.js';
import { BLOCK, PICTURE, guidePath, translateGuide } from './i18n/guide.js';

const GUIDE = guidePath('en');
const PICTURES = join(ROOT, 'docs/pictures');

/**
 * Descriptors this script inherited from whatever started it (a CI runner, an editor, a
 * terminal multiplexer) would be inherited by every stage and appear in every captured
 * `pnpm observe` view. Node's own descriptors are the low numbers; inherited strays sit high.
 */
function closeInheritedStrays(): void {
  for (const entry of readdirSync('/proc/self/fd')) {
    const fd = Number(entry);
    if (fd < 100) continue;
    try {
      readlinkSync(`/proc/self/fd/${fd}`);
      closeSync(fd);
    } catch {
      // already closed (the directory listing's own descriptor)
    }
  }
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Fills each translated guide from docs/guide.md's blocks; 1 when a block or a message has no translation. */
function writeTranslations(langs: Lang[]): number {
  let failed = 0;
  for (const lang of langs) {
    const { text, missing, untranslated } = translateGuide(lang);
    for (const m of missing) process.stderr.write(`docs/guide.${lang}.md: docs/guide.md has no ${m}\n`);
    for (const m of untranslated) process.stderr.write(`scripts/i18n/${lang}.ts: no translation of "${m}"\n`);
    writeFileSync(guidePath(lang), text);
    process.stdout.write(`docs/guide.${lang}.md: filled from the blocks of docs/guide.md\n`);
    if (missing.length + untranslated.length > 0) failed = 1;
  }
  return failed;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  const langs: Lang[] = [];
  const args = argv.filter((a, i) => {
    if (a === '--lang') return false;
    if (argv[i - 1] === '--lang') {
      langs.push(
        ...a
          .split(',')
          .map(langOption)
          .filter((l) => l !== 'en'),
      );
      return false;
    }
    return true;
  });
  const check = args.includes('--check');
  const only = args.filter((a) => !a.startsWith('--'));
  if (langs.length > 0 && !check) return writeTranslations(langs);
  let guide = readFileSync(GUIDE, 'utf8');
  const blocks = [...guide.matchAll(BLOCK)].map((m) => ({
    name: m[2] ?? '',
    params: m[3] ? (JSON.parse(m[3]) as Record<string, number>) : undefined,
  }));
  const all = await experiments();
  const unknown = blocks.filter((b) => !experimentNamed(all, b.name));
  for (const b of unknown) process.stderr.write(`docs/guide.md: no experiment called ${b.name}\n`);
  const missing = only.filter((name) => !blocks.some((b) => b.name === name));
  for (const name of missing) process.stderr.write(`docs/guide.md has no capture block for ${name}\n`);
  // a picture comes from the run its text capture shows
  const pictures = [...guide.matchAll(PICTURE)].map((m) => ({ name: m[2] ?? '', view: Number(m[3]) }));
  const orphans = pictures.filter((p) => !blocks.some((b) => b.name === p.name));
  for (const p of orphans)
    process.stderr.write(`docs/guide.md: picture ${p.name} ${p.view} has no capture block for ${p.name}\n`);
  if (check || unknown.length + missing.length + orphans.length > 0) {
    if (check) {
      process.stdout.write(`${blocks.length} capture blocks: ${blocks.map((b) => b.name).join(', ')}\n`);
      process.stdout.write(`${pictures.length} pictures: ${pictures.map((p) => `${p.name} ${p.view}`).join(', ')}\n`);
    }
    return unknown.length + missing.length + orphans.length > 0 ? 1 : 0;
  }

  closeInheritedStrays();
  const outputs = new Map<string, string>();
  /** The snapshots of the views each run showed, by experiment name (its first capture block). */
  const views = new Map<string, Snapshot[]>();
  for (const [i, block] of blocks.entries()) {
    const key = `${block.name} ${JSON.stringify(block.params ?? {})}`;
    if ((only.length > 0 && !only.includes(block.name)) || outputs.has(key)) continue;
    process.stdout.write(`[${i + 1}/${blocks.length}] pnpm experiment ${block.name} ... `);
    const started = Date.now();
    const out = new Capture();
    const experiment = must(experimentNamed(all, block.name), `an experiment called ${block.name}`);
    const shown: Snapshot[] = [];
    const outcome = await runExperiment(experiment, { out, params: block.params, onView: (snap) => shown.push(snap) });
    if (!views.has(block.name)) views.set(block.name, shown);
    outputs.set(key, out.text);
    process.stdout.write(`${((Date.now() - started) / 1000).toFixed(0)} s ${JSON.stringify(outcome).slice(0, 160)}\n`);
  }
  guide = guide.replace(
    BLOCK,
    (whole, open: string, name: string, params: string | undefined, _old: string, close: string) => {
      const text = outputs.get(`${name} ${JSON.stringify(params ? JSON.parse(params) : {})}`);
      if (text === undefined) return whole;
      const command = `$ pnpm experiment ${name}${
        params
          ? ' ' +
            Object.entries(JSON.parse(params) as Record<string, number>)
              .map(([k, v]) => `--${k} ${v}`)
              .join(' ')
          : ''
      }`;
      return `${open}\`\`\`text\n${command}\n${text.replace(/\s+$/, '')}\n\`\`\`\n${close}`;
    },
  );
  let drawn = 0;
  let failed = 0;
  guide = guide.replace(PICTURE, (whole, open: string, name: string, view: string, _old: string, close: string) => {
    const shown = views.get(name);
    if (shown === undefined) return whole; // not run this time
    const snap = shown[Number(view) - 1];
    if (snap === undefined) {
      process.stderr.write(
        `docs/guide.md: picture ${name} ${view}: the run showed ${shown.length} pnpm observe view(s)\n`,
      );
      failed++;
      return whole;
    }
    mkdirSync(PICTURES, { recursive: true });
    writeFileSync(join(PICTURES, `${name}-${view}.svg`), renderSvg(snap));
    drawn++;
    return `${open}![${caption(snap)}](pictures/${name}-${view}.svg)\n${close}`;
  });
  writeFileSync(GUIDE, guide);
  process.stdout.write(
    `docs/guide.md: ${outputs.size} block(s) regenerated, ${drawn} picture(s) drawn in docs/pictures\n`,
  );
  const translated = writeTranslations(LANGS.filter((l) => l !== 'en'));
  return failed > 0 || translated > 0 ? 1 : 0;
}

process.exitCode = await main();
