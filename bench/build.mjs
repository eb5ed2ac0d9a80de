/**
 * Compiles a benchmark and the Kindling packages it imports (their TypeScript sources) into one plain
 * JavaScript file, bench/dist/NAME.mjs, that `node` runs without a loader:
 *
 *   node bench/build.mjs run && node --expose-gc bench/dist/run.mjs [options]
 *
 * Why not run the sources under tsx, as the examples do: its loader stays in the process, and V8 then sizes its
 * heaps differently. In that process the tensors' memory started a full collection every second ResNet-18
 * forward instead of a cheap young-generation one (docs/performance.md gives the figures), so a benchmark
 * run under tsx measures the loader's effect on the collector as much as Kindling. Bundled, the process holds
 * what a user's compiled program holds. The addons (@kindling/native, @kindling/wasm) and TensorFlow.js stay
 * separate files, found from bench/ at run time as usual.
 */
import { build } from 'esbuild';

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node bench/build.mjs NAME... (a bench/NAME.ts each)');
  process.exit(2);
}
await build({
  entryPoints: names.map((name) => new URL(`./${name}.ts`, import.meta.url).pathname),
  outdir: new URL('./dist', import.meta.url).pathname,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['source'],
  external: ['@kindling/native', '@kindling/wasm', '@tensorflow/*'],
  // The bundled CommonJS dependencies (seedrandom) call require: ESM has none of its own.
  banner: {
    js: "import { createRequire as __kindlingRequire } from 'node:module'; const require = __kindlingRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
