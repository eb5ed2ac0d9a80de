// Builds the addon from src/*.c with the C compiler Node's addon toolchain uses (CC, else cc), against the N-API
// headers that ship with Node, into build/kindling.node. Files named *-avx512.c / *-avx2.c are compiled for
// those instruction sets (x86-64 only) and chosen at run time by CPU features. A failed build is a one-line note,
// never a failed install: Kindling then runs on its TypeScript kernels.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
// --out DIR builds elsewhere; --only a.c,b.c builds the shared files (thread pool, argument checks, module) and those.
const option = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const out = option('--out') ?? join(here, 'build');
const only = option('--only')?.split(',');
const SHARED = ['binding.c', 'napi-args.c', 'scratch.c', 'threadpool.c', 'vector-math.c'];
const quiet = process.argv.includes('--quiet');

const ISA_FLAGS = {
  avx512: ['-mavx512f', '-mavx512vl', '-mavx512bw', '-mavx512dq', '-mavx2', '-mfma'],
  avx2: ['-mavx2', '-mfma'],
};

function note(message) {
  console.error(`@kindling/native: ${message}; Kindling will use its TypeScript kernels`);
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}\n${stderr}`))));
  });
}

function nodeHeaders() {
  const candidates = [
    process.env.KINDLING_NODE_HEADERS,
    join(dirname(process.execPath), '..', 'include', 'node'),
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
  ].filter(Boolean);
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
}

async function build() {
  if (process.env.KINDLING_NATIVE_SKIP_BUILD) return note('build skipped (KINDLING_NATIVE_SKIP_BUILD)');
  if (platform() === 'win32') return note('no build for Windows yet');
  const headers = nodeHeaders();
  if (!headers) return note("Node's N-API headers (node_api.h) were not found");
  const cc = process.env.CC || 'cc';
  const x86 = arch() === 'x64';
  const common = [
    '-O3',
    '-std=gnu11',
    '-fPIC',
    '-pthread',
    '-fvisibility=hidden',
    '-Wall',
    '-Wno-unused-function',
    `-I${headers}`,
    '-DNAPI_VERSION=8',
  ];
  if (!x86) common.push('-DKD_NO_X86');
  rmSync(join(out, 'kindling.node'), { force: true });
  rmSync(join(out, 'build-error.txt'), { force: true });
  mkdirSync(out, { recursive: true });
  const sources = readdirSync(src).filter((f) => f.endsWith('.c') && (!only || SHARED.includes(f) || only.includes(f)));
  const objects = [];
  const jobs = [];
  for (const file of sources) {
    const isa = Object.keys(ISA_FLAGS).find((k) => file.endsWith(`-${k}.c`));
    if (isa && !x86) continue;
    const obj = join(out, file.replace(/\.c$/, '.o'));
    objects.push(obj);
    jobs.push(() => run(cc, [...common, ...(isa ? ISA_FLAGS[isa] : []), '-c', join(src, file), '-o', obj]));
  }
  // Two compiles at a time: the machines that build this have few cores.
  const queue = [...jobs];
  await Promise.all(
    [0, 1].map(async () => {
      while (queue.length) await queue.shift()();
    }),
  );
  // libdl for vector-math.c's dlopen of libmvec (part of libc itself from glibc 2.34 on).
  const link = [
    '-shared',
    '-pthread',
    '-o',
    join(out, 'kindling.node'),
    ...objects,
    '-lm',
    ...(platform() === 'linux' ? ['-ldl'] : []),
  ];
  if (platform() === 'darwin') link.unshift('-undefined', 'dynamic_lookup');
  await run(cc, link);
  for (const obj of objects) rmSync(obj, { force: true });
  if (!quiet) console.log(`@kindling/native: built ${join(out, 'kindling.node')}`);
}

build().catch((e) => {
  const first =
    String(e.message)
      .split('\n')
      .find((l) => /error/i.test(l)) ?? String(e.message).split('\n')[0];
  try {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'build-error.txt'), String(e.message));
  } catch {}
  note(`the native build failed (${first.trim()})`);
});
