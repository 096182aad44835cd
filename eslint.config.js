// Type-aware linting for every TypeScript file (each finds its nearest tsconfig), plain
// recommended rules for the JavaScript tooling files, and the rules that keep the layers:
// no import cycles anywhere; the hub knows only its ports; the app layer sees no adapter; the
// UI sees only the app layer.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Production files of a folder: its tests and test support may reach further. */
const productionOf = (folder) => ({
  files: [`src/${folder}/**/*.ts`],
  ignores: ['src/**/*.test.ts', 'src/**/*Contract.ts'],
});

/** Imports a layer must not make, as no-restricted-imports patterns. */
const forbid = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});

/** Every folder of src/ that is an adapter or a composition concern (not a port or model). */
const adapters = ['net', 'storage', 'compose', 'browser', 'pwa', 'server', 'ui', 'e2e', 'bench'];
const adapterImports = adapters.flatMap((f) => [`../${f}/*`, `../../${f}/*`]);

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'dist-server',
      'dev-dist',
      'test-results',
      'bench-results',
      '.cache',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's describe/it return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    ...productionOf('hub'),
    rules: forbid(
      [
        'yjs',
        'y-*',
        'y-*/*',
        'lib0',
        'lib0/*',
        'lit',
        'lit/*',
        'idb',
        ...adapterImports,
        '../log/*',
        '../presence/*',
        '../app/*',
      ],
      'The hub knows only its ports: no Yjs, no DOM library, no network, storage or UI.',
    ),
  },
  {
    ...productionOf('app'),
    rules: forbid(
      ['yjs', 'y-*', 'y-*/*', 'lit', 'lit/*', 'idb', ...adapterImports],
      'The app layer reads rooms, storage and the browser through its own interfaces (src/app/*.ts); compose/ and main.ts wire the adapters.',
    ),
  },
  {
    ...productionOf('ui'),
    rules: forbid(
      [
        'yjs',
        'y-*',
        'y-*/*',
        'idb',
        '../net/*',
        '../storage/*',
        '../compose/*',
        '../log/*',
        '../presence/*',
        '../hub/*',
        '../direct/*',
        '../identity/*',
        '../browser/*',
        '../../net/*',
        '../../storage/*',
        '../../compose/*',
      ],
      'Elements read the app layer (src/app) only.',
    ),
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  {
    // Imported by the service worker: its global scope.
    files: ['public/sw-routes.js'],
    languageOptions: {
      globals: { self: 'readonly', URLPattern: 'readonly' },
    },
  },
);
