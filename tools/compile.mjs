/**
 * Compiles TypeScript programs of the repository (a benchmark, an example) together with the Kindling packages
 * they import, from the packages' sources, into one plain JavaScript file each, for `node` to run without a
 * loader:
 *
 *   node tools/compile.mjs bench/run.ts && node --expose-gc bench/dist/run.mjs [options]
 *
 * TOP/PATH.ts becomes TOP/dist/PATH.mjs (bench/run.ts → bench/dist/run.mjs, examples/train-classifier/main.ts →
 * examples/dist/train-classifier/main.mjs), so that what the program finds from its own directory at run time
 * (the addons @kindling/native and @kindling/wasm, TensorFlow.js) resolves from TOP's dependencies as before.
 *
 * Why not run the sources under tsx: its loader stays in the process, and V8 then sizes its heaps differently.
 * There the tensors' memory started a full collection after almost every ResNet-18 forward instead of a cheap
 * young-generation one, and the classifier example's Fashion-MNIST epochs took 12.7–13.7 s instead of 11.2–11.7 s
 * (run alternately; docs/performance.md). Compiled, the process holds what a user's compiled program holds.
 */
import { normalize, sep } from 'node:path';
import { build } from 'esbuild';

const entries = process.argv.slice(2).map((e) => normalize(e).split(sep).join('/'));
if (
  entries.length === 0 ||
  entries.some((e) => !e.endsWith('.ts') || !e.includes('/') || e.startsWith('..') || e.startsWith('/'))
) {
  console.error(
    'usage: node tools/compile.mjs TOP/PATH.ts... (paths inside the repository, from its root; each compiled to TOP/dist/PATH.mjs)',
  );
  process.exit(2);
}
for (const entry of entries) {
  const top = entry.split('/')[0];
  await build({
    entryPoints: [entry],
    outbase: top,
    outdir: `${top}/dist`,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    // Lowers what Node 20 lacks (`using` declarations).
    target: 'node20',
    conditions: ['source'],
    external: ['@kindling/native', '@kindling/wasm', '@tensorflow/*', 'playwright-core'],
    // The bundled CommonJS dependencies (seedrandom) call require: ESM has none of its own.
    banner: {
      js: "import { createRequire as __kindlingRequire } from 'node:module'; const require = __kindlingRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
}
