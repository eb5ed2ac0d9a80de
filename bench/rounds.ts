/**
 * The figures of a benchmark measured in rounds (bench/run.ts): each system's median over the rounds, and ratios
 * taken within each round, so that the machine's drift between rounds does not enter a ratio.
 */

export type System = 'pytorch' | 'kindling-native' | 'kindling-typescript';

/** One system's median time for one workload at one thread count, in one round. */
export interface Measurement {
  workload: string;
  system: System;
  /** The thread count asked for. */
  threads: number;
  /** The threads the kernels used (the TypeScript kernels: 1). */
  threadsUsed: number;
  /** The round it was measured in (from 0); a single-threaded backend's figures carried to more threads keep theirs. */
  round: number;
  ms: number | null;
  gflops?: number;
  /** gflops over the measured FMA peak at the same thread count. */
  fractionOfPeak?: number;
  error?: string;
}

/** A system's figures for one workload and thread count over all its rounds. */
export interface Summary {
  workload: string;
  system: System;
  threads: number;
  threadsUsed: number;
  /** How many rounds measured it. */
  rounds: number;
  /** The median over the rounds that measured it; null when every round failed. */
  ms: number | null;
  gflops?: number;
  fractionOfPeak?: number;
  error?: string;
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function measurementsOf(
  results: readonly Measurement[],
  workload: string,
  system: System,
  threads: number,
): Measurement[] {
  return results.filter((r) => r.workload === workload && r.system === system && r.threads === threads);
}

/** `system`'s figures for `workload` at `threads`, over its rounds; undefined when it did not run. */
export function summarize(
  results: readonly Measurement[],
  workload: string,
  system: System,
  threads: number,
): Summary | undefined {
  const all = measurementsOf(results, workload, system, threads);
  if (all.length === 0) return undefined;
  const { threadsUsed } = all[0];
  const base = { workload, system, threads, threadsUsed, rounds: all.length };
  const ok = all.filter((r) => r.ms !== null);
  if (ok.length === 0) return { ...base, ms: null, error: all[0].error };
  const ms = median(ok.map((r) => r.ms as number));
  const summary: Summary = { ...base, ms };
  const gflops = ok.map((r) => r.gflops).filter((v): v is number => v !== undefined);
  if (gflops.length === ok.length) summary.gflops = median(gflops);
  const fractions = ok.map((r) => r.fractionOfPeak).filter((v): v is number => v !== undefined);
  if (fractions.length === ok.length) summary.fractionOfPeak = median(fractions);
  return summary;
}

/** a's time over b's, for `workload` at `threads`, in each round that measured both. */
export function ratiosByRound(
  results: readonly Measurement[],
  workload: string,
  a: System,
  b: System,
  threads: number,
): number[] {
  const bs = measurementsOf(results, workload, b, threads);
  const ratios: number[] = [];
  for (const x of measurementsOf(results, workload, a, threads)) {
    const y = bs.find((r) => r.round === x.round);
    if (x.ms !== null && y?.ms != null && y.ms > 0) ratios.push(x.ms / y.ms);
  }
  return ratios;
}
