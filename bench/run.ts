/**
 * Kindling (native and TypeScript kernel backends) against PyTorch (CPU, via /usr/bin/python3) on the same
 * workloads, at 1 and 2 threads, in one run; prints the times and ratios.
 *
 *   pnpm bench [--quick] [--only TEXT] [--backend native|typescript] [--threads 1,2] [--rounds 7] [--json FILE]
 *
 * --quick    a short subset (W1 at 256 and 512, the overhead workloads, W2), 5 rounds
 * --only     only the workloads whose names contain TEXT (case-insensitive; e.g. --only W1, --only transformer)
 * --backend  only this Kindling backend (default: both; KINDLING_BACKEND in the environment limits it the same way)
 * --threads  the thread counts (default 1,2): PyTorch's torch.set_num_threads and Kindling's torch.setNumThreads
 * --rounds   the samples each of PyTorch and the native kernels takes of a workload, in turn (default 7)
 * --json     also write every figure, with the machine (CPU, cores, Node, PyTorch) and the FMA peak, to FILE
 *
 * PyTorch runs in a process of its own (torch-remote.ts) on the same thread count, and it and the native kernels
 * time each workload in interleaved rounds (interleave.ts): both warm up, then each takes one sample in turn. A
 * shared machine's speed drifts by tens of percent within a minute, so PyTorch's figures and Kindling's taken
 * minutes apart could disagree for no reason of their own; taken in turn, the drift reaches both alike. A ratio
 * is taken within each round, and the table shows their median and range.
 *
 * The TypeScript kernels run on one thread, each workload once after the others (harness.ts `time`; a workload
 * whose first call takes 500 ms or more gets few iterations): their 1-thread figures stand for every thread count.
 */
import { writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import * as torch from '@kindling/core';
import { measureFmaPeak, type FmaPeak } from './fma-peak.js';
import { pytorchMissing, time } from './harness.js';
import { type Contender, SETTLE_MS, TURN_MS, type TimedWorkload, interleave, localWorkload } from './interleave.js';
import { type Measurement, type Summary, type System, median, ratiosByRound, summarize } from './rounds.js';
import { type TorchMeta, TorchRemote } from './torch-remote.js';
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
  console.log(
    'usage: pnpm bench [--quick] [--only TEXT] [--backend native|typescript] [--threads 1,2] [--rounds 7] [--json FILE]',
  );
  process.exit(0);
}
const quick = argv.includes('--quick');
const jsonFile = option('--json');
const threadCounts = (option('--threads') ?? '1,2').split(',').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--threads expects positive integers, got '${s}'`);
  return n;
});
const rounds = Number(option('--rounds') ?? (quick ? 5 : 7));
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds expects a positive integer, got '${option('--rounds')}'`);
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
const only = option('--only')?.toLowerCase();
const workloads = all.filter((w) => (!quick || w.quick) && (only === undefined || w.name.toLowerCase().includes(only)));
if (workloads.length === 0) throw new Error(`no workload's name contains '${option('--only')}'`);

const results: Measurement[] = [];

function withFlops(r: Measurement, w: Workload): Measurement {
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

/** The TypeScript kernels: each workload once, alone (harness.ts `time`), as round 0. */
function runAlone(name: Backend, threads: number, used: number): void {
  for (const w of workloads) {
    const base = { workload: w.name, system: `kindling-${name}` as const, threads, threadsUsed: used, round: 0 };
    collectGarbage();
    try {
      const ms = time(w.name, w.setup(), w.timing).ms;
      results.push(withFlops({ ...base, ms }, w));
      progress(`  ${name.padEnd(10)} ${threads}t  ${w.name.padEnd(42)} ${fmtMs(ms)} ms`);
    } catch (e) {
      results.push({ ...base, ms: null, error: firstLine(e) });
      progress(`  ${name.padEnd(10)} ${threads}t  ${w.name.padEnd(42)} failed: ${firstLine(e)}`);
    }
  }
}

const firstLine = (e: unknown): string => (e as Error).message.split('\n')[0];

const pytorchNote = pytorchMissing();
if (pytorchNote !== null) notes.push(pytorchNote);
let torchMeta: TorchMeta = {};
const unavailable = new Map<Backend, string>();
const startLoad = loadavg()[0];

/** A system set up for one workload, for interleave.ts. */
interface Entry extends Contender {
  system: System;
  threadsUsed: number;
}

/**
 * PyTorch (in its own process) and the native kernels (here, on `nativeThreads` threads; null: not measured) on
 * each workload, in interleaved rounds of one sample each; every sample is recorded with its round.
 */
async function runInterleaved(threads: number, nativeThreads: number | null): Promise<void> {
  const remote = pytorchNote === null ? new TorchRemote(threads) : null;
  try {
    if (remote !== null) torchMeta = await remote.meta();
    for (const w of workloads) {
      const entries: Entry[] = [];
      const failed = (system: System, threadsUsed: number, e: unknown): void => {
        results.push({ workload: w.name, system, threads, threadsUsed, round: 0, ms: null, error: firstLine(e) });
        progress(`  ${system.padEnd(16)} ${threads}t  ${w.name.padEnd(42)} failed: ${firstLine(e)}`);
      };
      const add = async (system: System, threadsUsed: number, timer: () => Promise<TimedWorkload>): Promise<void> => {
        try {
          entries.push({ system, threadsUsed, enter: () => {}, timer: await timer() });
        } catch (e) {
          failed(system, threadsUsed, e);
        }
      };
      if (remote !== null) await add('pytorch', torchMeta.threads ?? threads, () => remote.setup(w.name));
      if (nativeThreads !== null) {
        collectGarbage();
        await add('kindling-native', nativeThreads, () => Promise.resolve(localWorkload(w.setup())));
      }
      if (entries.length === 0) continue;
      try {
        const samples = await interleave(entries, {
          rounds,
          minMs: w.timing.minMs ?? 50,
          warmup: w.timing.warmup ?? 3,
          settleMs: SETTLE_MS,
          turnMs: TURN_MS,
        });
        const medians = entries.map(({ system }, k) => `${system} ${fmtMs(median(samples[k]))} ms`);
        progress(`  ${threads}t  ${w.name.padEnd(42)} ${medians.join(', ')}`);
        entries.forEach(({ system, threadsUsed }, k) =>
          samples[k].forEach((ms, round) =>
            results.push(withFlops({ workload: w.name, system, threads, threadsUsed, round, ms }, w)),
          ),
        );
      } catch (e) {
        for (const { system, threadsUsed } of entries) failed(system, threadsUsed, e);
      }
    }
  } finally {
    remote?.close();
  }
}

/** Makes `name` the active backend on `threads`; the threads its kernels use, or null when it is unavailable. */
function enterBackend(name: Backend, threads: number): number | null {
  if (!wanted.includes(name) || unavailable.has(name)) return null;
  const reason = useBackend(name);
  if (reason !== null) {
    unavailable.set(name, reason);
    console.log(`${name}: unavailable (${reason})`);
    return null;
  }
  return useThreads(name, threads);
}

// Every thread count of the native kernels first, the TypeScript kernels after: these leave a large JavaScript heap
// behind, and V8's work on it competed for the cores of the native kernels measured next (a two-thread 256x256
// product right after them took 110-140 us instead of 97-100 on a 2-core VM).
for (const threads of threadCounts) {
  progress(`${threads} thread${threads === 1 ? '' : 's'}:`);
  await runInterleaved(threads, enterBackend('native', threads));
}
for (const threads of threadCounts) {
  const used = enterBackend('typescript', threads);
  if (used === null) continue;
  // A single-threaded backend measured once already: its figures stand for this thread count too.
  const earlier = results.filter((r) => r.system === 'kindling-typescript' && r.threadsUsed === used);
  if (used < threads && earlier.length > 0) {
    for (const r of earlier.filter((x) => x.threads === earlier[0].threads)) {
      const { gflops: _g, fractionOfPeak: _f, ...copy } = r;
      results.push(withFlops({ ...copy, threads }, workloadByName(r.workload)));
    }
    progress(
      `  typescript ${threads}t  (runs on ${used} thread${used === 1 ? '' : 's'}: the ${earlier[0].threads}-thread figures stand)`,
    );
  } else {
    runAlone('typescript', threads, used);
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

const find = (workload: string, system: System, threads: number): Summary | undefined =>
  summarize(results, workload, system, threads);

const cell = (r: Summary | undefined): string => {
  if (r === undefined) return '-';
  if (r.ms === null) return 'failed';
  return `${fmtMs(r.ms)}${r.threadsUsed < r.threads ? '*' : ''}`;
};
/** The median of a's time over b's within each round. */
const ratio = (workload: string, a: System, b: System, threads: number): string => {
  const ratios = ratiosByRound(results, workload, a, b, threads);
  return ratios.length === 0 ? '-' : `${median(ratios).toFixed(2)}x`;
};
/** The lowest and highest of native/pt over the rounds. */
const ratioRange = (workload: string, threads: number): string => {
  const ratios = ratiosByRound(results, workload, 'kindling-native', 'pytorch', threads);
  return ratios.length < 2 ? '-' : `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`;
};

const W = 42;
const cols = ['native ms', 'ts ms', 'pytorch ms', 'native/pt', 'rounds', 'ts/pt', 'ts/native'];
const widths = [11, 10, 12, 11, 12, 9, 11];
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
    const cells = [cell(nat), cell(ts), cell(pt), ratio(w.name, 'kindling-native', 'pytorch', threads)];
    cells.push(ratioRange(w.name, threads), ratio(w.name, 'kindling-typescript', 'pytorch', threads));
    console.log(line(w.name, [...cells, ratio(w.name, 'kindling-typescript', 'kindling-native', threads)]));
  }
}
console.log(
  '\nnative/pt, ts/pt: Kindling time / PyTorch time at the same thread count (lower is better; 1.00x = as fast)',
);
console.log('ts/native: TypeScript time / native time (the native speed-up)');
if (rounds > 1) {
  console.log(
    `ms: each system's median over ${rounds} rounds; native/pt: the median of the ${rounds} rounds' ratios; rounds: their range`,
  );
}
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
  const g = (r: Summary | undefined): string => {
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
      rounds,
      threads: threadCounts,
      backends: wanted,
      availableBackends: api.availableKernelBackends?.() ?? ['typescript'],
    },
    unit: 'median ms per iteration',
    results,
    summaries: workloads.flatMap((w) =>
      threadCounts.flatMap((t) =>
        (['kindling-native', 'kindling-typescript', 'pytorch'] as const).flatMap((system) => {
          const s = find(w.name, system, t);
          return s === undefined ? [] : [s];
        }),
      ),
    ),
    notes,
  };
  writeFileSync(jsonFile, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`\nwrote ${jsonFile}`);
}
