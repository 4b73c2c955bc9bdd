// ESLint, with typescript-eslint's rules that read the types: the servers here are async
// loops around accept(), and an `await` forgotten on a promise (a floating promise, or a
// promise where a callback's void was meant) is the bug that type-aware linting catches.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/', '**/node_modules/', '.tap/', 'coverage/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // noUncheckedIndexedAccess: a missing value is said, not asserted away
      '@typescript-eslint/no-non-null-assertion': 'error',
      // HTTP parsing refuses control characters, by regular expressions that name them
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // A stage's experiments, check and tests sit beside its package's tsconfig.json, which builds src/ only:
    // they are type-checked with the scripts and the tests (test/tsconfig.json includes them).
    files: ['packages/*/experiments/**/*.ts', 'packages/*/check.ts', 'packages/*/test/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: ['./test/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Lines of at most 120 characters, Prettier's printWidth: Prettier does not break strings or comments.
    rules: { 'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }] },
  },
  {
    // A message table: each key is a whole message as the experiments print it, and its
    // translation one string beside it (scripts/i18n/index.ts), whatever their length.
    files: ['scripts/i18n/zh.ts', 'scripts/i18n/ru.ts'],
    rules: { 'max-len': ['error', { code: 120, ignoreStrings: true }] },
  },
  {
    // tap's t.test() at the top of a file is how tap files are written: tap runs the
    // subtests in order and waits for each.
    files: ['test/**/*.ts', 'packages/*/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: '@tapjs/test', name: ['test', 'skip', 'todo'] }] },
      ],
    },
  },
  {
    // The stages mirror the Python, names it binds and never uses included
    // (`signum, frame`, `code, msg = e.args`, `client_address`).
    files: ['packages/webserver*/src/webserver*.ts', 'packages/client3/src/client3.ts'],
    // They are hand-formatted like the Python too, long lines included.
    rules: { '@typescript-eslint/no-unused-vars': 'off', 'max-len': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
