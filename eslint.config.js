import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

// The arrows of ARCHITECTURE.md, enforced: each part imports only what sits below it.
const INERT_TEXT = {
  name: 'ink',
  importNames: ['Text'],
  message:
    'Use src/screens/components/Text.tsx: it shows control characters as \\x1b instead of letting them act.',
};
const UI = {
  group: ['**/screens/**', 'ink', 'ink/**', 'react', 'react/**'],
  message: 'Only src/screens draws: below it, report through engine events (ARCHITECTURE.md).',
};
const CLI = {
  group: ['**/cli/**'],
  message:
    'Only bin/ imports the CLI: exit codes and error types live in src/util/exit.ts (ARCHITECTURE.md).',
};
const TRANSPORT = {
  group: ['**/transport/**'],
  message:
    'Steps build commands and never run them: quoting is in the shell toolkit (ARCHITECTURE.md).',
};
const ENGINE = {
  group: ['**/engine/**'],
  message: 'The store sits below the engine: move what both need to a leaf (ARCHITECTURE.md).',
};
const restrict = (files, { paths = [], patterns = [] }) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});
const BELOW_UI = ['src/**/*.ts', 'src/**/*.tsx'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'assets/', 'demo-target/', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Later entries win for a file they match, so each lists every rule of its part.
  restrict(BELOW_UI, { patterns: [UI, CLI] }),
  restrict(['src/steps/**'], { patterns: [UI, CLI, TRANSPORT] }),
  restrict(['src/state/**'], { patterns: [UI, CLI, ENGINE] }),
  restrict(['src/screens/**'], { paths: [INERT_TEXT], patterns: [CLI] }),
  restrict(['src/cli/**'], { paths: [INERT_TEXT] }),
  {
    files: ['bin/**/*.js', 'assets/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
