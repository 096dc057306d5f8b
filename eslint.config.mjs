import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const oneUndici = { name: 'undici', message: "use the kit's JsonHttpClient (one undici)" };

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '**/generated/**',
      'project/.state/**',
      'test-artifacts/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // Type-checked rules: a promise nobody awaits or handles is an unhandled rejection
    // waiting to happen (runService turns one into a crash: fatal log, drain, exit 1).
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false } },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js', 'project/**', '**/scripts/**', '**/bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['front-end/public/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // One undici: the kit's JsonHttpClient uses the npm package's Pool and nothing else does.
    // Node's fetch bundles its own undici, a different major on every Node; an npm undici
    // dispatcher handed to it broke every HTTP call on Node 26.
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    ignores: ['packages/service-kit/src/http-client.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [oneUndici] }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='fetch'] Property[key.name='dispatcher']",
          message: "no undici dispatcher for Node's fetch: use the kit's JsonHttpClient",
        },
      ],
    },
  },
  {
    // Test helpers (they import pg, mongodb, amqplib as a test needs) never reach production code.
    files: ['*-service/src/**', 'front-end/src/**', 'packages/service-kit/src/**'],
    ignores: ['packages/service-kit/src/http-client.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [oneUndici, { name: '@ms/testing', message: 'test helpers are for tests only' }],
        },
      ],
    },
  },
);
