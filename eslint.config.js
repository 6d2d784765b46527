import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'bench/out/**', 'node_modules/**', 'test/lab/run/**', 'test/lab/cache/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Views never import ssh2; only src/ssh does.
      'no-restricted-imports': ['error', { paths: [] }],
    },
  },
  {
    files: ['src/views/**', 'src/hooks/**', 'src/store/**', 'src/parsers/**', 'src/keymap/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'ssh2', message: 'Only src/ssh may import ssh2.' }, { name: 'node:child_process', message: 'Views and pure layers never run commands.' }],
      }],
    },
  },
);
