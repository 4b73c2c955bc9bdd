// The article's other languages: the guide and the READMEs in Chinese and Russian say what the
// English ones say, section by section, with the same commands and the same stage outputs, and
// every narration message has its translation. Each failure names the section, block, file or
// message that is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { ROOT, freePort } from '../scripts/lib/stage.js';
import { LANGS, type Lang, TABLES, lookup, placeholders, translate } from '../scripts/i18n/index.js';
import { blockKey, commandIn, guidePath, splitCapture, translateGuide } from '../scripts/i18n/guide.js';
import { BLOCK } from '../scripts/lib/captures.js';
import { format, parse, wrap } from '../scripts/i18n/narration.js';
import { stages } from '../scripts/lib/stages.js';
import { FAULTS, type Evidence, type FaultEntry } from '../scripts/experiments/framework/diagnosis.js';
import { checkOf } from '../scripts/experiments/index.js';

/** The assertions checkReadme() makes. */
type Tap = Pick<typeof t, 'fail' | 'ok' | 'same'>;

const TSX = ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href];
const OTHERS = LANGS.filter((l): l is Exclude<Lang, 'en'> => l !== 'en');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

/** The English file's sections, as anchors of its `## ` headings. */
const englishSections = (text: string): string[] => [...text.matchAll(/^## (.+)$/gm)].map((m) => slug(m[1] ?? ''));

/** A translation's sections: the anchor (`<a id="…">`, the English one) each `## ` heading is given. */
const translatedSections = (text: string): string[] =>
  [...text.matchAll(/^<a id="([^"]+)"><\/a>\n\n## /gm)].map((m) => m[1] ?? '');

/** The fenced blocks of a text outside its capture blocks. */
const codeBlocks = (text: string): string[] =>
  [...text.replace(BLOCK, '').matchAll(/^```\w*\n[\s\S]*?^```$/gm)].map((m) => m[0]);

/** What an English run typed and saw (its commands and outputs, as printed) that a translated run lacks, in order. */
function lacking(english: string, translated: string): string[] {
  let at = 0;
  const lost: string[] = [];
  for (const s of parse(english)) {
    if (s.kind !== 'cmd' && s.kind !== 'show') continue;
    const printed = format(s);
    const found = translated.indexOf(printed, at);
    if (found === -1) lost.push(printed);
    else at = found + printed.length;
  }
  return lost;
}

t.test('translate(): the entry a message matches, its values kept, a chosen clause translated too', async (t) => {
  t.equal(translate('en', 'Terminal 2: curl'), 'Terminal 2: curl');
  t.equal(translate('zh', 'Terminal 2: curl'), '终端 2：curl');
  t.equal(translate('ru', 'No zombies after 128 connections.'), 'Нет зомби после 128 соединений.');
  t.equal(translate('zh', 'The second curl ended 9.98 s after its answer.'), '第二个 curl 在得到响应 9.98 秒后结束。');
  t.equal(translate('zh', 'a message no table has'), 'a message no table has', 'unknown: left in English');
  // a value is one word: 'Terminal {0}' is not 'Terminal 3: anything'
  t.equal(translate('zh', 'Terminal 3: connecting'), 'Terminal 3: connecting');
  t.equal(translate('ru', 'Terminal 3'), 'Терминал 3');
  // {0+} takes what was quoted, spaces and all, as it came
  t.equal(
    translate('zh', 'unexpected: curl failed (exit 7): curl: (7) Failed to connect to localhost port 8888'),
    '意外：curl 失败（退出码 7）：curl: (7) Failed to connect to localhost port 8888',
  );
});

t.test('wrap(): English as before, Chinese between characters, within the width', async (t) => {
  const english = 'the server accepted the connection and waits in recv() for its request';
  t.same(wrap(english, 30), ['the server accepted the', 'connection and waits in recv()', 'for its request']);
  const chinese = translate(
    'zh',
    'The iterative server accepts a connection, answers, closes it, and only then accepts the next one.',
  );
  const lines = wrap(chinese, 20);
  t.ok(lines.length > 1, 'wrapped');
  t.equal(lines.join(''), chinese, 'nothing lost or added between characters');
  for (const line of lines) t.ok([...line].length <= 10, `at most 20 columns: ${line}`);
});

t.test('every message of the tables is translated, with the same placeholders', async (t) => {
  const keys = new Set(OTHERS.flatMap((lang) => Object.keys(TABLES[lang])));
  for (const lang of OTHERS) {
    const table = TABLES[lang];
    const missing = [...keys].filter((k) => table[k] === undefined);
    t.same(missing, [], `scripts/i18n/${lang}.ts lacks a translation of these messages`);
    const mismatched = Object.entries(table)
      .filter(([k, v]) => placeholders(k).join() !== placeholders(v).join())
      .map(([k]) => k);
    t.same(mismatched, [], `scripts/i18n/${lang}.ts: these translations do not keep the placeholders`);
    const same = Object.entries(table)
      .filter(([k, v]) => k === v && !k.startsWith('pnpm '))
      .map(([k]) => k);
    t.same(same, [], `scripts/i18n/${lang}.ts: these "translations" are the English`);
  }
});

t.test(
  "pnpm check: every fault (name, short name, fix) and every stage's expectation has its translation",
  async (t) => {
    const messages = new Set<string>();
    // a fault as formatLine() prints it: its name (or what it says with what was measured), the
    // part before the first ':' once told, and its fix
    const fault = (name: string, fix: string): void => {
      messages.add(name);
      messages.add(name.split(':')[0] ?? name);
      messages.add(fix);
    };
    const measured: Evidence[] = [
      { waiting: { clients: 1, children: 0 }, restartingRuntime: 'Python 3 (PEP 475, Python 3.5+)' },
      { waiting: { clients: 3, children: 0 } },
    ];
    for (const f of Object.values(FAULTS) as FaultEntry[]) {
      fault(f.name, f.fix);
      for (const e of measured) if (f.says !== undefined) fault(f.says(e), f.fix);
    }
    let expectations = 0;
    for (const stage of stages()) {
      const check = await checkOf(stage);
      for (const s of check?.steps ?? [])
        for (const x of s.expect) {
          expectations++;
          messages.add(x.text);
          for (const f of x.faults) if (typeof f !== 'string') fault(f.name, f.fix);
        }
    }
    t.ok(expectations > 0, 'the stages have expectations');
    // the checklist's own words (scripts/experiments/checklist.ts, scripts/check.ts), with values in them
    for (const m of [
      'above',
      'fix',
      'to see it',
      'no fault of this stage fits what was measured: no fix to offer',
      'not measured (above: why)',
      'the server starts and listens on port 8080',
      'the server keeps running',
      'the server answers',
      'pnpm experiment zombies runs',
      "2 of 3 of the design's expectations hold",
      "1 of 1 of the article's expectations hold",
      'neither a pass nor a fail: its runtime hides what 3e shows (–), ' +
        'so the program cannot be judged on that line here',
    ])
      messages.add(m);
    for (const lang of OTHERS) {
      const missing = [...messages].filter((m) => lookup(lang, m) === null);
      t.same(missing, [], `scripts/i18n/${lang}.ts has no translation of these faults, fixes and expectations`);
    }
  },
);

t.test("the guide's runs: read back exactly, and every narration line has a translation", async (t) => {
  const english = read('docs/guide.md');
  for (const m of english.matchAll(BLOCK)) {
    const block = splitCapture(m[5] ?? '');
    if (block === null) {
      t.fail(`docs/guide.md: the capture block of ${m[2]} is not a text block`);
      continue;
    }
    const said = parse(block.output);
    t.same(parse(said.map((s) => format(s)).join('')), said, `${m[2]}: parsed and printed again, the same`);
    for (const lang of OTHERS) {
      const lost = said
        .filter((s) => s.kind !== 'cmd' && s.kind !== 'show' && lookup(lang, s.text) === null)
        .map((s) => s.text);
      t.same(lost, [], `${m[2]}: scripts/i18n/${lang}.ts has no translation of these lines`);
    }
  }
});

for (const lang of OTHERS) {
  t.test(`docs/guide.${lang}.md: the same sections, commands and outputs as docs/guide.md`, async (t) => {
    const english = read('docs/guide.md');
    const text = readFileSync(guidePath(lang), 'utf8');
    t.same(translatedSections(text), englishSections(english), 'the same sections, in the same order');
    t.same(codeBlocks(text), codeBlocks(english), 'the same code blocks outside the captured runs');
    const runs = (doc: string): Map<string, { command: string; output: string } | null> =>
      new Map([...doc.matchAll(BLOCK)].map((m) => [blockKey(m[2], m[3], m[4]), splitCapture(m[5] ?? '')]));
    const ours = runs(text);
    for (const [name, run] of runs(english)) {
      const theirs = ours.get(name);
      if (run === null || theirs === undefined || theirs === null) {
        t.fail(`docs/guide.${lang}.md has no captured run of ${name}`);
        continue;
      }
      t.equal(theirs.command, commandIn(run.command, lang), `${name}: the same command, with --lang ${lang}`);
      t.same(lacking(run.output, theirs.output), [], `${name}: the same commands and stage output, in order`);
    }
    const filled = translateGuide(lang);
    t.same(filled.missing, [], 'every block of the translation is in docs/guide.md');
    t.ok(
      filled.text === text,
      `docs/guide.${lang}.md is filled from docs/guide.md as it is (pnpm guide --lang ${lang})`,
    );
  });
}

/** The translations of an English README: the sections they translate, and the commands they show. */
function checkReadme(t: Pick<Tap, 'fail' | 'ok' | 'same'>, englishPath: string): void {
  const english = read(englishPath);
  const anchors = new Set(englishSections(english));
  const blocks = new Set(codeBlocks(english));
  for (const lang of OTHERS) {
    const path = englishPath.replace(/README\.md$/, `README.${lang}.md`);
    if (!existsSync(join(ROOT, path))) {
      t.fail(`${path} is missing`);
      continue;
    }
    const text = read(path);
    t.ok(english.includes(`(README.${lang}.md)`), `${englishPath} links to ${path}`);
    const unknown = translatedSections(text).filter((a) => !anchors.has(a));
    t.same(unknown, [], `${path}: every section is one of ${englishPath}'s`);
    const extra = codeBlocks(text).filter((b) => !blocks.has(b));
    t.same(extra, [], `${path}: every code block is one of ${englishPath}'s, as it is there`);
  }
}

t.test('README.zh.md and README.ru.md: sections and commands of README.md', async (t) => {
  checkReadme(t, 'README.md');
  for (const lang of OTHERS) {
    const text = read(`README.${lang}.md`);
    for (const section of ['quick-start', 'following-the-article'])
      t.ok(translatedSections(text).includes(section), `README.${lang}.md translates ${section}`);
  }
});

t.test("each stage's README, in Chinese and Russian beside it", async (t) => {
  for (const stage of stages()) checkReadme(t, `packages/${stage.package}/README.md`);
});

t.test('pnpm experiment hello-world --lang zh: narrated in Chinese, the stage printing as it prints', async (t) => {
  const port = await freePort();
  const run = spawnSync(
    process.execPath,
    [...TSX, 'scripts/experiment.ts', 'hello-world', '--lang', 'zh', '--port', String(port)],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  t.equal(run.status, 0, run.stderr);
  const said = run.stdout.split('\n');
  t.ok(said.includes('=== hello-world：第 1 部分的 Web 服务器，webserver1 ==='), 'the title in Chinese');
  t.ok(said.includes('▶ 终端 1：启动服务器'), 'the steps in Chinese');
  t.ok(said.includes(`  Serving HTTP on port ${port} ...`), 'what the stage printed, as it printed it');
  t.ok(said.includes(`  $ PORT=${port} pnpm --filter webserver1 start`), 'the commands as typed');
  t.same(
    said.filter((l) => /^(▶ |=== | {2}→ | {2}… |结果)/.test(l) && !/[\u4e00-\u9fff]/.test(l)),
    [],
    'every narration line in Chinese',
  );
});

t.test('pnpm check 1 --lang ru: the checklist in Russian, what was measured as measured', async (t) => {
  const port = await freePort();
  const run = spawnSync(process.execPath, [...TSX, 'scripts/check.ts', '1', '--lang', 'ru', '--port', String(port)], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /^pnpm check 1: webserver1, собственный этап проекта$/m);
  t.match(run.stdout, /^ {2}✓ отвечает «Hello, World!»: curl printed "Hello, World!\\n"$/m);
  t.match(run.stdout, /^Выполняется (\d+) из \1 ожиданий статьи \(порт \d+\): он ведет себя как 1 из статьи\.$/m);
});

t.test("the translations' links lead to files that exist, and to sections the target has", async (t) => {
  const files = [
    ...OTHERS.flatMap((lang) => [`README.${lang}.md`, `docs/guide.${lang}.md`]),
    ...stages().flatMap((s) => OTHERS.map((lang) => `packages/${s.package}/README.${lang}.md`)),
  ];
  for (const file of files) {
    const broken: string[] = [];
    for (const m of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1] ?? '';
      if (/^[a-z]+:/.test(link)) continue; // https:, the article's pages
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? file : join(file, '..', path).replace(/\/$/, '');
      if (!existsSync(join(ROOT, target))) broken.push(link);
      else if (anchor !== undefined && target.endsWith('.md')) {
        const text = read(target);
        const anchors = [
          ...englishSections(text),
          ...translatedSections(text),
          ...text.matchAll(/<a id="([^"]+)">/g),
        ].map((a) => (typeof a === 'string' ? a : (a[1] ?? '')));
        if (!anchors.includes(anchor)) broken.push(link);
      }
    }
    t.same(broken, [], `${file}: links that lead nowhere`);
  }
});

t.test('Russian counts agree with their number (Intl.PluralRules)', async (t) => {
  t.equal(translate('ru', 'Terminal 2: 1 clients at once'), 'Терминал 2: 1 клиент одновременно');
  t.equal(translate('ru', 'Terminal 2: 3 clients at once'), 'Терминал 2: 3 клиента одновременно');
  t.equal(translate('ru', 'Terminal 2: 300 clients at once'), 'Терминал 2: 300 клиентов одновременно');
  t.equal(translate('ru', 'No zombies after 21 connections.'), 'Нет зомби после 21 соединения.');
  t.equal(translate('ru', 'No zombies after 128 connections.'), 'Нет зомби после 128 соединений.');
});
