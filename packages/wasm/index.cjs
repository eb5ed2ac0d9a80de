// The compiled modules' paths for Node, or null with the reason when they were not built.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = join(__dirname, 'build');
const names = ['simd', 'simd-threads', 'relaxed', 'relaxed-threads'];
const files = Object.fromEntries(names.map((n) => [n, join(dir, `kindling-${n}.wasm`)]));
let reason = null;
if (!names.every((n) => existsSync(files[n]))) {
  const log = join(dir, 'build-error.txt');
  reason = existsSync(log)
    ? `the WebAssembly build failed: ${readFileSync(log, 'utf8').split('\n')[0]}`
    : 'the WebAssembly kernels are not built (run `pnpm --filter @kindling/wasm build`)';
}
module.exports = { files: reason === null ? files : null, reason };
