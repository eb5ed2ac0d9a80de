import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Every @kindling/* import resolves to the package's TypeScript source, so tests and examples share one copy
// of core: one grad-mode state, one Tensor class.
export default defineConfig({
  resolve: {
    conditions: ['source'],
    alias: {
      '@kindling/core': src('core'),
      '@kindling/nn': src('nn'),
      '@kindling/optim': src('optim'),
      '@kindling/data/node': fileURLToPath(new URL('./packages/data/src/node.ts', import.meta.url)),
      '@kindling/data': src('data'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 60_000,
    // Every buffer handed out without zero-filling starts as NaN, so a kernel that leaves an element unwritten fails.
    env: { KINDLING_POISON_UNINITIALIZED: '1' },
  },
});
