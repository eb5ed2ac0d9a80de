// ESLint: typescript-eslint's type-checked rules, and import rules that hold the layering of docs/architecture.md
// (import cycles are checked by tools/check-import-cycles.mjs, which `pnpm lint` also runs).
import tseslint from 'typescript-eslint';

/** `no-restricted-imports` with one message per forbidden group. */
const forbid = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

const OTHER_PACKAGES_INTERNALS = {
  group: [
    '@kindling/*/src',
    '@kindling/*/src/**',
    '**/packages/*/src/**',
    '../../core/**',
    '../../nn/**',
    '../../optim/**',
    '../../data/**',
  ],
  message: "Use the packages' public entries (`@kindling/core`, ...), never another package's files.",
};

export default tseslint.config(
  {
    // What .gitignore leaves out, and the AssemblyScript kernels (another language: packages/wasm/asconfig).
    ignores: [
      '**/dist/**',
      '**/build/**',
      '**/node_modules/**',
      'docs/api/**',
      'dist-packages/**',
      'runs/**',
      'tmp/**',
      'examples/tmp/**',
      'packages/wasm/assembly/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `_`-prefixed names are deliberately unused (a skipped tuple slot, a parameter an interface requires).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.d.cts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Tests print arrays and tensors into their messages, and check the template-literal protocol itself.
    files: ['**/test/**/*.ts'],
    rules: { '@typescript-eslint/restrict-template-expressions': 'off' },
  },
  {
    files: ['**/*.cjs', '**/*.d.cts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The layers, bottom to top: kernels, tensor, ops, autograd (core); nn, optim, data; examples and bench.
  {
    files: ['packages/core/src/kernels/**/*.ts'],
    rules: forbid({
      group: ['../*', '!../dtype.js', '!../errors.js'],
      message: 'kernels/ are raw loops: they import nothing above them but dtypes and errors.',
    }),
  },
  {
    files: ['packages/core/src/autograd/**/*.ts'],
    rules: forbid({ group: ['../ops/*'], message: 'autograd/ never imports ops/: nodes call tensor methods.' }),
  },
  {
    files: ['packages/nn/src/**/*.ts'],
    rules: forbid(OTHER_PACKAGES_INTERNALS, {
      group: ['@kindling/optim', '@kindling/data', '@kindling/data/*'],
      message: 'nn is built on core alone.',
    }),
  },
  {
    files: ['packages/optim/src/**/*.ts'],
    rules: forbid(OTHER_PACKAGES_INTERNALS, {
      group: ['@kindling/nn', '@kindling/data', '@kindling/data/*'],
      message: 'optim is built on core alone.',
    }),
  },
  {
    files: ['packages/data/src/**/*.ts'],
    rules: forbid(OTHER_PACKAGES_INTERNALS, {
      group: ['@kindling/nn', '@kindling/optim'],
      message: 'data is built on core alone.',
    }),
  },
  {
    files: ['examples/**/*.ts', 'bench/**/*.ts'],
    ignores: ['examples/test/**'],
    rules: forbid(OTHER_PACKAGES_INTERNALS),
  },
);
