// Compiles assembly/ with AssemblyScript into the four modules the host picks from at run time: plain or relaxed
// SIMD, each with its memory private or shared (threads). A failed build leaves no module: Kindling then runs on
// its other kernels, saying why.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'build');
const quiet = process.argv.includes('--quiet');

export const VARIANTS = {
  simd: ['--enable', 'simd'],
  'simd-threads': ['--enable', 'simd', '--enable', 'threads', '--sharedMemory'],
  relaxed: ['--enable', 'simd', '--enable', 'relaxed-simd'],
  'relaxed-threads': ['--enable', 'simd', '--enable', 'relaxed-simd', '--enable', 'threads', '--sharedMemory'],
};
// 2 GiB at most (32,768 pages of 64 KiB): a shared memory reserves its maximum up front.
const COMMON = [
  'assembly/index.ts',
  '-O3',
  '--runtime',
  'stub',
  '--noAssert',
  '--importMemory',
  '--initialMemory',
  '64',
  '--maximumMemory',
  '32768',
];

function asc(args) {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: here, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`asc ${args.join(' ')}\n${stderr}`))));
  });
}

async function build() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await Promise.all(
    Object.entries(VARIANTS).map(([name, flags]) =>
      asc([...COMMON, ...flags, '-o', join(out, `kindling-${name}.wasm`)]),
    ),
  );
  if (!quiet) console.log(`@kindling/wasm: built ${Object.keys(VARIANTS).length} modules in ${out}`);
}

build().catch((e) => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'build-error.txt'), String(e.stack ?? e));
  console.error(
    `@kindling/wasm: the build failed (${String(e.message).split('\n')[0]}); Kindling will use its other kernels`,
  );
});
