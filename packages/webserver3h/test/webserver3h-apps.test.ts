// Applications as a user writes them: a TypeScript module beside you, run as written by
// `pnpm -C <repository> --filter webserver3h start -- myapp:app`, edited and run again; a
// framework's app object given as it is; and the one line a mistake costs.
import t from 'tap';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStage, type Launched, type StartOptions } from '../../../scripts/lib/stage.js';
import { curl, parseResponse } from '../../../scripts/lib/clients.js';

/** What the helpers below need of a test. */
type T = Pick<typeof t, 'teardown'>;

/** A directory of its own under the system's temporary directory, outside the repository, removed at the end. */
function appDirectory(t: T): string {
  const dir = mkdtempSync(join(tmpdir(), 'lsbaws-myapp-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(t: T, args: string[], options: StartOptions = {}): Promise<Launched> {
  const stage = await startStage('webserver3h', { args, ...options });
  t.teardown(() => stage.stop());
  return stage;
}

const GREETING = `export function greeting(name: string): string {
  return \`Hello, \${name}, from TypeScript!\\n\`;
}
`;

/**
 * myapp.ts as a user writes it: types imported by the package's name, a typed signature, a local import, a package from
 * its own node_modules.
 */
const myapp = (text: string): string => `import type { Application, Environ } from '@lsbaws/wsgi';
import { greeting } from './greeting.js';
import { shout } from 'shouty';

interface Named {
  name: string;
}

const who = (environ: Environ): Named => ({ name: environ.PATH_INFO.slice(1) || 'world' });

export const app: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [${text}, shout(greeting(who(environ).name))];
};
`;

t.test('myapp.ts beside you runs as written, and an edit takes effect on the next start', async (t) => {
  const dir = appDirectory(t);
  writeFileSync(join(dir, 'greeting.ts'), GREETING);
  writeFileSync(join(dir, 'myapp.ts'), myapp("'first: '"));
  // a package installed beside the application (as `npm install shouty` there would)
  mkdirSync(join(dir, 'node_modules/shouty'), { recursive: true });
  writeFileSync(
    join(dir, 'node_modules/shouty/package.json'),
    JSON.stringify({ name: 'shouty', type: 'module', exports: './index.js' }),
  );
  writeFileSync(join(dir, 'node_modules/shouty/index.js'), 'export const shout = (text) => text.toUpperCase();\n');

  let stage = await serve(t, ['myapp:app'], { cwd: dir });
  const url = `http://127.0.0.1:${stage.port}/ts`;
  let r = await curl(['--include', url]);
  t.equal(parseResponse(r.stdout).status, 'HTTP/1.1 200 OK', `served ${r.stderr}`);
  t.equal(
    parseResponse(r.stdout).body,
    'first: HELLO, TS, FROM TYPESCRIPT!\n',
    'the module, its local import and its package',
  );
  await stage.stop();

  writeFileSync(join(dir, 'myapp.ts'), myapp("'second: '"));
  stage = await serve(t, ['myapp:app'], { cwd: dir });
  r = await curl([`http://127.0.0.1:${stage.port}/again`]);
  t.equal(r.stdout, 'second: HELLO, AGAIN, FROM TYPESCRIPT!\n', 'the edited source, not a stale copy');

  // JavaScript modules are found too (.ts first: the source you edit wins over a compiled copy)
  writeFileSync(
    join(dir, 'other.mjs'),
    "export const app = (environ, startResponse) => { startResponse('200 OK', []); return ['mjs\\n']; };\n",
  );
  await stage.stop();
  stage = await serve(t, ['other:app'], { cwd: dir });
  t.equal((await curl([`http://127.0.0.1:${stage.port}/`])).stdout, 'mjs\n', 'other.mjs');
});

t.test(
  'a syntax error, a type error, a missing package or local file, a module that is not there: one line each',
  async (t) => {
    const dir = appDirectory(t);
    writeFileSync(
      join(dir, 'broken.ts'),
      "import type { Application } from '@lsbaws/wsgi';\n\nexport const app: Application = (environ, " +
        'startResponse) => {\n  const status = ;\n};\n',
    );
    writeFileSync(join(dir, 'needs.ts'), "import { Hono } from 'no-such-framework';\nexport const app = new Hono();\n");
    writeFileSync(
      join(dir, 'typed.ts'),
      "import type { Application } from '@lsbaws/wsgi';\nconst n: number = 'x';\n" +
        'export const app: Application = (environ, startResponse) => [String(n)];\n',
    );
    writeFileSync(join(dir, 'greeting.ts'), GREETING);
    writeFileSync(join(dir, 'typo.ts'), "import { greeting } from './greetings.js';\nexport const app = greeting;\n");
    const cases: Array<[app: string, line: RegExp]> = [
      ['broken:app', new RegExp(`^SyntaxError: ${dir}/broken\\.ts:4:18: Unexpected ";"$`)],
      [
        'needs:app',
        new RegExp(
          `^ModuleNotFoundError: ${dir}/needs\\.ts:1:22: No module named ` +
            `'no-such-framework' \\(install it beside the application: npm install no-such-framework\\)$`,
        ),
      ],
      ['nothere:app', /^ModuleNotFoundError: No module named 'nothere' \(searched .*\)$/],
      [
        'typed:app',
        new RegExp(
          `^TypeScriptError: ${dir}/typed\\.ts:2:7: error TS2322: ` +
            "Type 'string' is not assignable to type 'number'\\.$",
        ),
      ],
      [
        'typo:app',
        new RegExp(
          `^ModuleNotFoundError: ${dir}/typo\\.ts:1:26: No local file '\\./greetings\\.js': ` +
            `${dir}/greetings\\.js does not exist .*check the name in the import$`,
        ),
      ],
    ];
    for (const [app, line] of cases) {
      const stage = await serve(t, [app], { cwd: dir, ready: null });
      const { code } = await stage.exited;
      t.not(code, 0, `${app}: exits non-zero`);
      // the server's own lines: after pnpm's echo of the command (`$ sh …`, on a terminal), before its report
      // of the failure (`ELIFECYCLE` on a terminal, then `Error: ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL`)
      const lines = stage.output.split('\n');
      const end = lines.findIndex((l) => /ELIFECYCLE|^Error: ERR_PNPM_/.test(l));
      const printed = lines.slice(0, end === -1 ? undefined : end).filter((l) => l !== '' && !/^[>$] /.test(l));
      t.equal(printed.length, 1, `${app}: one line`);
      t.match(printed[0], line, `${app}: says what and where`);
      t.notMatch(stage.output, /^\s+at /m, `${app}: no stack trace`);
      t.notMatch(stage.output, /Serving HTTP/, `${app}: serves nothing`);
    }
  },
);

t.test('the type check is remembered: an unchanged application starts without running tsc again', async (t) => {
  const dir = appDirectory(t);
  const cache = join(dir, 'cache');
  const env = { LSBAWS_TYPECHECK_CACHE: cache };
  writeFileSync(join(dir, 'greeting.ts'), GREETING);
  const app = (text: string): string =>
    `import type { Application } from '@lsbaws/wsgi';\nimport { greeting } from './greeting.js';\n` +
    `export const app: Application = (environ, startResponse) => {\n` +
    `  startResponse('200 OK', []);\n  return [${JSON.stringify(text)}, greeting('you')];\n};\n`;
  writeFileSync(join(dir, 'checked.ts'), app('one '));
  const passed = (): Array<[string, number]> =>
    readdirSync(cache)
      .filter((f) => /^[0-9a-f]{64}$/.test(f))
      .map((f) => [f, statSync(join(cache, f)).mtimeMs]);

  let stage = await serve(t, ['checked:app'], { cwd: dir, env });
  t.equal((await curl([`http://127.0.0.1:${stage.port}/`])).stdout, 'one Hello, you, from TypeScript!\n');
  await stage.stop();
  const first = passed();
  t.equal(first.length, 1, 'the check that passed is remembered');

  stage = await serve(t, ['checked:app'], { cwd: dir, env });
  await stage.stop();
  t.same(passed(), first, 'unchanged: not checked again');

  writeFileSync(join(dir, 'greeting.ts'), GREETING.replace('Hello', 'Hi'));
  stage = await serve(t, ['checked:app'], { cwd: dir, env });
  t.equal((await curl([`http://127.0.0.1:${stage.port}/`])).stdout, 'one Hi, you, from TypeScript!\n');
  await stage.stop();
  t.equal(passed().length, 2, 'a local import edited: checked again');
});

t.test("a framework's app object given as it is runs through its adapter, or is refused in one line", async (t) => {
  for (const [app, hello, adapter] of [
    [
      'honoapp:honoApp',
      'Hello world from Hono!\n',
      /^honoapp:honoApp is a Fetch-API application: served through fromFetch\(honoApp\.fetch\)$/m,
    ],
    [
      'expressapp:expressApp',
      'Hello world from Express!\n',
      /^expressapp:expressApp is an Express application: served through fromNode\(expressApp\)$/m,
    ],
  ] as const) {
    const stage = await serve(t, [app]);
    t.match(stage.output, adapter, `${app}: says which adapter`);
    const r = await curl(['--include', `http://127.0.0.1:${stage.port}/hello`]);
    t.equal(parseResponse(r.stdout).status, 'HTTP/1.1 200 OK', `${app}: 200`);
    t.equal(parseResponse(r.stdout).body, hello, `${app}: the framework's answer`);
    await stage.stop();
  }

  const dir = appDirectory(t);
  writeFileSync(
    join(dir, 'fetchers.ts'),
    `export const handler = { fetch: (request: Request): Response => new Response('object with fetch\\n') };
export async function fetch(request: Request): Promise<Response> {
  return new Response(\`function called fetch: \${new URL(request.url).pathname}\\n\`);
}
export const otherName = async (request: Request): Promise<Response> => new Response('never sent');
export const settings = { port: 8888 };
`,
  );
  for (const [app, body] of [
    ['fetchers:handler', 'object with fetch\n'],
    ['fetchers:fetch', 'function called fetch: /hello\n'],
  ] as const) {
    const stage = await serve(t, [app], { cwd: dir });
    t.equal((await curl([`http://127.0.0.1:${stage.port}/hello`])).stdout, body, `${app}: through fromFetch`);
    await stage.stop();
  }

  // a Fetch-API handler under another name: a 500 whose error says which adapter to use
  const other = await serve(t, ['fetchers:otherName'], { cwd: dir });
  const r = await curl(['--include', `http://127.0.0.1:${other.port}/`]);
  t.equal(parseResponse(r.stdout).status, 'HTTP/1.1 500 Internal Server Error');
  t.notMatch(r.stdout, /never sent/, 'nothing of the Response leaks');
  await other.waitFor(/Child \d+ terminated/);
  t.match(
    other.output,
    /TypeError: the application returned a Response: it is a Fetch-API handler.*fromFetch\(handler\)/,
  );
  await other.stop();

  // an object that is neither: refused before serving, in one line that names the adapters
  const refused = await serve(t, ['fetchers:settings'], { cwd: dir, ready: null });
  t.not((await refused.exited).code, 0, 'exits non-zero');
  t.match(
    refused.output,
    /^TypeError: 'fetchers:settings' is not callable \(it is object\): .*fromFetch\(app\.fetch\).*fromNode\(app\)/m,
  );
  t.notMatch(refused.output, /^\s+at /m, 'no stack trace');
});
