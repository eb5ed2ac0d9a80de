/** Timing helpers shared by the benchmarks: warm up, then take the median of several timed runs. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file of bench/, whether this code runs from its source there or compiled into bench/dist/ (tools/compile.mjs). */
export function benchFile(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return join(basename(here) === 'dist' ? dirname(here) : here, name);
}

export interface Timing {
  name: string;
  /** Median milliseconds per iteration. */
  ms: number;
}

export interface TimeOptions {
  /** Untimed calls before measuring. */
  warmup?: number;
  /** Timed samples; the median is reported. */
  runs?: number;
  /** Each sample repeats the call until it lasts at least this long (0: one call per sample). */
  minMs?: number;
}

/**
 * A first call at least this slow: no more warm-up, and at most 3 samples of one call each (the TypeScript kernels
 * on ResNet-18). Above the first step of a native ResNet-18 training step, which on a loaded machine can pass 250 ms
 * (its fresh memory's page faults) and must still get its warm-up.
 */
export const SLOW_MS = 500;

/**
 * Untimed calls before a workload's samples, on every system alike: at least this long from the first call, and at
 * least two after the `warmup` count. V8 compiles a workload's code in tiers while it runs, and the small-op
 * workloads (W5) could spend their first 100-400 ms at a fifth of their later speed, so that a median of 7 short
 * samples sometimes fell there.
 */
export const WARM_UP_MS = 500;

/**
 * The median time of `fn` in ms. The first call is timed: a slow workload (the TypeScript kernels on ResNet-18)
 * then gets few iterations and no timed warm-up. `pnpm bench` times the TypeScript kernels this way; PyTorch and the
 * native kernels take turns instead (interleave.ts).
 */
export function time(name: string, fn: () => void, options: TimeOptions = {}): Timing {
  let warmup = options.warmup ?? 3;
  let runs = options.runs ?? 7;
  let minMs = options.minMs ?? 50;
  const first = performance.now();
  fn();
  const slow = performance.now() - first >= SLOW_MS;
  if (slow) [warmup, runs, minMs] = [1, Math.min(runs, 3), 0];
  for (let i = 1; i < warmup; i++) fn();
  if (!slow) warmUp(fn, WARM_UP_MS, first);
  const iters = iterationsFor(fn, minMs);
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) samples.push(sampleMs(fn, iters));
  samples.sort((a, b) => a - b);
  return { name, ms: samples[Math.floor(samples.length / 2)] };
}

/** Iterations of `fn` for a sample of at least minMs: doubled from 1 until one lasts that long (1 when minMs is 0). */
export function iterationsFor(fn: () => void, minMs: number): number {
  let iters = 1;
  while (minMs > 0) {
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) fn();
    if (performance.now() - t0 >= minMs || iters >= 1 << 20) break;
    iters *= 2;
  }
  return iters;
}

/** The mean time of one call of `fn` over `iterations` back-to-back calls, in ms. */
export function sampleMs(fn: () => void, iterations: number): number {
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return (performance.now() - t0) / iterations;
}

/**
 * Calls `fn` until `ms` have passed since `since` (now, by default), and at least twice: long enough for V8 to
 * have optimised its code and the module's.
 */
export function warmUp(fn: () => void, ms: number, since = performance.now()): void {
  for (let calls = 0; calls < 2 || performance.now() - since < ms; calls++) fn();
}

export const PYTHON = '/usr/bin/python3';

/** Why PyTorch cannot serve as the baseline here, or null when it can. */
export function pytorchMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found: PyTorch baseline skipped`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return 'PyTorch is not installed (apt-get install python3-torch libopenblas0-pthread): baseline skipped';
  }
  return null;
}

/** The environment for a PyTorch process on `threads` threads (all of them when undefined). */
export function pythonEnv(threads?: number): NodeJS.ProcessEnv {
  // torch.set_num_threads does not bound the OpenBLAS that Debian's PyTorch calls for matmul: its own variables do.
  return threads === undefined
    ? process.env
    : { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
}

export interface PythonResult {
  /** `{ name: value }` as the script printed it; null (with the reason in `note`) when unavailable. */
  timings: Record<string, number> | null;
  /** Anything else the script's JSON line held besides `timings` (the torch version, its thread count). */
  meta: Record<string, unknown>;
  note: string;
}

/**
 * Runs a PyTorch script whose last stdout line is one JSON object: either `{ name: ms }` or
 * `{ timings: { name: ms }, ...meta }`.
 */
export function runPython(script: string, args: string[] = [], threads?: number): PythonResult {
  const missing = pytorchMissing();
  if (missing !== null) return { timings: null, meta: {}, note: missing };
  const res = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 24, env: pythonEnv(threads) });
  if (res.status !== 0)
    return { timings: null, meta: {}, note: `PyTorch baseline failed: ${res.stderr.trim().split('\n').pop()}` };
  const parsed = JSON.parse(res.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
  if (typeof parsed.timings === 'object' && parsed.timings !== null) {
    const { timings, ...meta } = parsed;
    return { timings: timings as Record<string, number>, meta, note: '' };
  }
  return { timings: parsed as Record<string, number>, meta: {}, note: '' };
}
