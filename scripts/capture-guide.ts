/**
 * pnpm guide [name...] [--check]
 *
 * Regenerates the captured outputs in docs/guide.md and the packages' READMEs by running the
 * real experiments: every block between `<!-- capture: experiment NAME -->` and `<!-- /capture -->`
 * is replaced by what `pnpm experiment NAME` printed on this machine (a README's block with
 * `step "TITLE"`: that step of it; scripts/lib/captures.ts), one run serving every block of the
 * same experiment, so no output is typed by hand. Every block between
 * `<!-- picture: experiment NAME N -->` and `<!-- /picture -->`
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
import { join, relative } from 'node:path';
import { must } from './lib/must.js';
import { ROOT } from './lib/stage.js';
import { runExperiment } from './experiments/framework/experiment.js';
import { experimentNamed, experiments } from './experiments/index.js';
import type { Snapshot } from './lib/observe-model.js';
import { caption, renderSvg } from './lib/observe-svg.js';
import { BLOCK, Capture, blockText, blocksOf, captureFiles, runKey } from './lib/captures.js';
import { type Lang, LANGS, langOption } from './i18n/index.js';
import { PICTURE, guidePath, translateGuide } from './i18n/guide.js';

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
  const files = captureFiles();
  const blocks = files.flatMap(blocksOf);
  const all = await experiments();
  const unknown = blocks.filter((b) => !experimentNamed(all, b.name));
  for (const b of unknown) process.stderr.write(`${relative(ROOT, b.file)}: no experiment called ${b.name}\n`);
  const missing = only.filter((name) => !blocks.some((b) => b.name === name));
  for (const name of missing) process.stderr.write(`no capture block for ${name}\n`);
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
    const key = runKey(block.name, block.params);
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
  // every block of every file, from the run of its experiment; the guide's pictures below
  let steps = 0;
  const fill = (text: string, file: string): string =>
    text.replace(
      BLOCK,
      (
        whole,
        open: string,
        name: string,
        params: string | undefined,
        step: string | undefined,
        _old: string,
        close: string,
      ) => {
        const parsed = params ? (JSON.parse(params) as Record<string, number>) : undefined;
        const output = outputs.get(runKey(name, parsed));
        if (output === undefined) return whole;
        const filled = blockText(name, parsed, step, output);
        if (filled === undefined) {
          process.stderr.write(`${relative(ROOT, file)}: the run of ${name} has no step "${step ?? ''}"\n`);
          steps++;
          return whole;
        }
        return `${open}${filled}${close}`;
      },
    );
  for (const file of files.slice(1)) writeFileSync(file, fill(readFileSync(file, 'utf8'), file));
  guide = fill(guide, GUIDE);
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
    `${blocks.length} block(s) in ${files.length} files regenerated from ${outputs.size} run(s), ` +
      `${drawn} picture(s) drawn in docs/pictures\n`,
  );
  const translated = writeTranslations(LANGS.filter((l) => l !== 'en'));
  return failed + steps + translated > 0 ? 1 : 0;
}

process.exitCode = await main();
