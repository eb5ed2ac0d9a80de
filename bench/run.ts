/**
 * Kindling (native and TypeScript kernel backends) against PyTorch (CPU, via /usr/bin/python3) on the same
 * workloads, at 1 and 2 threads, in one run; prints the times and ratios.
 *
 *   pnpm bench [--quick] [--backend native|typescript] [--threads 1,2] [--json FILE]
 *
 * --quick    a short subset (W1 at 256 and 512, the overhead workloads, W2)
 * --backend  only this Kindling backend (default: both; KINDLING_BACKEND in the environment limits it the same way)
 * --threads  the thread counts (default 1,2): PyTorch's torch.set_num_threads and Kindling's torch.setNumThreads
 * --json     also write every figure, with the machine (CPU, cores, Node, PyTorch) and the FMA peak, to FILE
 *
 * The TypeScript kernels run on one thread: their 1-thread figures stand for every thread count. A workload
 * whose first call takes 250 ms or more gets few iterations (harness.ts), on both sides alike.
 */
import { writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import * as torch from '@kindling/core';
import { measureFmaPeak, type FmaPeak } from './fma-peak.js';
import { benchFile, runPython, time } from './harness.js';
import { type Workload, w1Gemm } from './workloads.js';
import { batch1Mlp, sgdSmallParams, w5SmallOps } from './workloads-overhead.js';
import { optimizerStep, transformerBlock, w2Mlp, w3Cnn, w4ResNet } from './workloads-training.js';

type Backend = 'native' | 'typescript';
const BACKENDS: Backend[] = ['native', 'typescript'];

// ---- arguments ----

const argv = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
  return v;
}
if (argv.includes('--help') || argv.includes('-h')) {
  console.log('usage: pnpm bench [--quick] [--backend native|typescript] [--threads 1,2] [--json FILE]');
  process.exit(0);
}
const quick = argv.includes('--quick');
const jsonFile = option('--json');
const threadCounts = (option('--threads') ?? '1,2').split(',').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--threads expects positive integers, got '${s}'`);
  return n;
});
const backendArg = option('--backend') ?? (process.env.KINDLING_BACKEND || undefined);
if (backendArg !== undefined && !BACKENDS.includes(backendArg as Backend)) {
  throw new Error(`--backend must be 'native' or 'typescript', got '${backendArg}'`);
}
const wanted: Backend[] = backendArg === undefined ? BACKENDS : [backendArg as Backend];

// ---- the kernel-backend API, feature-detected (a core without it runs the TypeScript kernels only) ----

interface BackendApi {
  getKernelBackend?: () => { name: string; getNumThreads?: () => number };
  setKernelBackend?: (name: string) => unknown;
  availableKernelBackends?: () => string[];
  setNumThreads?: (n: number) => void;
  getNumThreads?: () => number;
}
const api = torch as unknown as BackendApi;
const notes: string[] = [];

/** Switches Kindling to `name`; the reason when it cannot. */
function useBackend(name: Backend): string | null {
  if (api.setKernelBackend === undefined) {
    return name === 'typescript' ? null : 'this build of @kindling/core has no setKernelBackend';
  }
  try {
    api.setKernelBackend(name);
  } catch (e) {
    return (e as Error).message;
  }
  const now = api.getKernelBackend?.().name ?? name;
  return now === name ? null : `setKernelBackend('${name}') left the '${now}' backend active`;
}

/** Sets Kindling's thread count; returns the threads the active backend's kernels actually use. */
function useThreads(name: Backend, n: number): number {
  api.setNumThreads?.(n);
  const used = api.getKernelBackend?.().getNumThreads?.();
  return used ?? (name === 'typescript' || api.setNumThreads === undefined ? 1 : n);
}

// ---- workloads ----

const all: Workload[] = [
  ...w1Gemm(),
  w5SmallOps(),
  batch1Mlp(),
  sgdSmallParams(),
  w2Mlp(),
  w3Cnn(),
  ...w4ResNet(),
  transformerBlock(),
  optimizerStep(),
];
const workloads = quick ? all.filter((w) => w.quick) : all;

interface Result {
  workload: string;
  system: 'pytorch' | `kindling-${Backend}`;
  /** The thread count asked for. */
  threads: number;
  /** The threads the kernels used (the TypeScript kernels: 1). */
  threadsUsed: number;
  ms: number | null;
  gflops?: number;
  /** gflops over the measured FMA peak at the same thread count. */
  fractionOfPeak?: number;
  error?: string;
}
const results: Result[] = [];

function withFlops(r: Result, w: Workload): Result {
  if (w.flops === undefined || r.ms === null) return r;
  return { ...r, gflops: w.flops / (r.ms * 1e6) };
}

const progress = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * A full garbage collection (the bench script runs Node with --expose-gc): each workload starts without the
 * previous one's garbage, as each PyTorch workload does (its memory is freed the moment it is dropped). What a
 * workload's own allocations cost the collector is still timed.
 */
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => {});

function runKindling(name: Backend, threads: number, used: number): void {
  for (const w of workloads) {
    const base = { workload: w.name, system: `kindling-${name}` as const, threads, threadsUsed: used };
    collectGarbage();
    try {
      const ms = time(w.name, w.setup(), w.timing).ms;
      results.push(withFlops({ ...base, ms }, w));
      progress(`  ${name.padEnd(10)} ${threads}t  ${w.name.padEnd(42)} ${fmtMs(ms)} ms`);
    } catch (e) {
      const error = (e as Error).message.split('\n')[0];
      results.push({ ...base, ms: null, error });
      progress(`  ${name.padEnd(10)} ${threads}t  ${w.name.padEnd(42)} failed: ${error}`);
    }
  }
}

const script = benchFile('torch_workloads.py');
let torchMeta: { torch?: string; blas?: string; cpuCapability?: string } = {};
const unavailable = new Map<Backend, string>();
const startLoad = loadavg()[0];

for (const threads of threadCounts) {
  progress(`${threads} thread${threads === 1 ? '' : 's'}:`);
  const py = runPython(script, quick ? [String(threads), '--quick'] : [String(threads)], threads);
  if (py.timings === null) {
    if (!notes.includes(py.note)) notes.push(py.note);
  } else {
    torchMeta = py.meta;
    for (const w of workloads) {
      const ms = py.timings[w.name];
      if (ms === undefined) continue;
      results.push(
        withFlops(
          { workload: w.name, system: 'pytorch', threads, threadsUsed: Number(py.meta.threads ?? threads), ms },
          w,
        ),
      );
    }
    progress(`  pytorch    ${threads}t  done`);
  }
  for (const name of wanted) {
    if (unavailable.has(name)) continue;
    const reason = useBackend(name);
    if (reason !== null) {
      unavailable.set(name, reason);
      console.log(`${name}: unavailable (${reason})`);
      continue;
    }
    const used = useThreads(name, threads);
    // A single-threaded backend measured once already: its figures stand for this thread count too.
    const earlier = results.filter((r) => r.system === `kindling-${name}` && r.threadsUsed === used);
    if (used < threads && earlier.length > 0) {
      for (const r of earlier.filter((x) => x.threads === earlier[0].threads)) {
        const { gflops: _g, fractionOfPeak: _f, ...copy } = r;
        results.push(withFlops({ ...copy, threads }, workloadByName(r.workload)));
      }
      progress(
        `  ${name.padEnd(10)} ${threads}t  (runs on ${used} thread${used === 1 ? '' : 's'}: the ${earlier[0].threads}-thread figures stand)`,
      );
      continue;
    }
    runKindling(name, threads, used);
  }
}

// The FMA peak is measured last: a few seconds of both cores at full vector load leave this shared VM slower for a
// while after (the small-op workloads measured right after it ran at half speed).
const fmaPeak: FmaPeak | string = measureFmaPeak(threadCounts);
if (typeof fmaPeak === 'string') notes.push(fmaPeak);
else {
  for (const r of results) {
    const peak = fmaPeak.gflops[r.threads];
    if (r.gflops !== undefined && peak) r.fractionOfPeak = r.gflops / peak;
  }
}

function workloadByName(name: string): Workload {
  return workloads.find((w) => w.name === name) as Workload;
}

// ---- the table ----

function fmtMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

function find(workload: string, system: Result['system'], threads: number): Result | undefined {
  return results.find((r) => r.workload === workload && r.system === system && r.threads === threads);
}

const cell = (r: Result | undefined): string => {
  if (r === undefined) return '-';
  if (r.ms === null) return 'failed';
  return `${fmtMs(r.ms)}${r.threadsUsed < r.threads ? '*' : ''}`;
};
const ratio = (a: Result | undefined, b: Result | undefined): string =>
  a?.ms != null && b?.ms != null && b.ms > 0 ? `${(a.ms / b.ms).toFixed(2)}x` : '-';

const W = 42;
const cols = ['native ms', 'ts ms', 'pytorch ms', 'native/pt', 'ts/pt', 'ts/native'];
const widths = [11, 10, 12, 11, 9, 11];
const line = (first: string, cells: string[]): string =>
  first.padEnd(W) + cells.map((c, i) => c.padStart(widths[i])).join('');
const anyStarred = results.some((r) => r.threadsUsed < r.threads && r.system !== 'pytorch');

console.log(
  `\nKindling vs PyTorch ${torchMeta.torch ?? ''} (CPU${torchMeta.blas ? `, ${torchMeta.blas.split(', ').pop()}` : ''}), median ms per iteration`,
);
console.log(
  `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} logical cores, Node ${process.version}, load average ${startLoad.toFixed(2)} at start`,
);
for (const threads of threadCounts) {
  console.log(`\n${threads} thread${threads === 1 ? '' : 's'}`);
  const header = line('workload', cols);
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const w of workloads) {
    const nat = find(w.name, 'kindling-native', threads);
    const ts = find(w.name, 'kindling-typescript', threads);
    const pt = find(w.name, 'pytorch', threads);
    console.log(line(w.name, [cell(nat), cell(ts), cell(pt), ratio(nat, pt), ratio(ts, pt), ratio(ts, nat)]));
  }
}
console.log(
  '\nnative/pt, ts/pt: Kindling time / PyTorch time at the same thread count (lower is better; 1.00x = as fast)',
);
console.log('ts/native: TypeScript time / native time (the native speed-up)');
if (anyStarred) console.log('*: the TypeScript kernels run on one thread; their 1-thread time');

const gemms = workloads.filter((w) => w.flops !== undefined);
if (gemms.length > 0) {
  const peakText =
    typeof fmaPeak === 'string'
      ? fmaPeak
      : `measured FMA peak (${fmaPeak.isa}, ${fmaPeak.build}): ${threadCounts.map((t) => `${fmaPeak.gflops[t].toFixed(0)} GFLOP/s on ${t} thread${t === 1 ? '' : 's'}`).join(', ')}`;
  console.log(
    `\nW1 float32 GEMM throughput, GFLOP/s (% of the ${peakText.startsWith('measured') ? 'FMA peak at that thread count' : 'peak: not measured'})`,
  );
  console.log(peakText);
  const gw = [10, 18, 18, 18];
  const header = `${'size'.padEnd(14)}${'threads'.padStart(gw[0])}${'native'.padStart(gw[1])}${'typescript'.padStart(gw[2])}${'pytorch'.padStart(gw[3])}`;
  console.log(header);
  console.log('-'.repeat(header.length));
  const g = (r: Result | undefined): string => {
    if (r?.gflops === undefined) return r?.ms === null ? 'failed' : '-';
    const pct = r.fractionOfPeak === undefined ? '' : ` (${(r.fractionOfPeak * 100).toFixed(1)}%)`;
    return `${r.gflops.toFixed(1)}${pct}${r.threadsUsed < r.threads ? '*' : ''}`;
  };
  for (const threads of threadCounts) {
    for (const w of gemms) {
      const size = w.name.replace(/^W1 matmul | f32$/g, '');
      const cells = [
        String(threads),
        g(find(w.name, 'kindling-native', threads)),
        g(find(w.name, 'kindling-typescript', threads)),
        g(find(w.name, 'pytorch', threads)),
      ];
      console.log(size.padEnd(14) + cells.map((c, i) => c.padStart(gw[i])).join(''));
    }
  }
}

for (const [name, reason] of unavailable) notes.push(`${name}: unavailable (${reason})`);
if (notes.length > 0) console.log(`\n${notes.map((n) => `note: ${n}`).join('\n')}`);

if (jsonFile !== undefined) {
  const machine = {
    cpuModel: cpus()[0]?.model ?? null,
    logicalCores: cpus().length,
    platform: platform(),
    arch: arch(),
    totalMemoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    torch: torchMeta.torch ?? null,
    torchCpuCapability: torchMeta.cpuCapability ?? null,
    torchBlas: torchMeta.blas ?? null,
    loadAverage: { start: startLoad, end: loadavg()[0] },
  };
  const doc = {
    date: new Date().toISOString(),
    machine,
    fmaPeak: typeof fmaPeak === 'string' ? { note: fmaPeak } : fmaPeak,
    config: {
      quick,
      threads: threadCounts,
      backends: wanted,
      availableBackends: api.availableKernelBackends?.() ?? ['typescript'],
    },
    unit: 'median ms per iteration',
    results,
    notes,
  };
  writeFileSync(jsonFile, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`\nwrote ${jsonFile}`);
}
