/**
 * Batch norm's sums: eight interleaved double accumulators. Element j of a run goes to accumulator j mod 8 and the
 * total is ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)). The native and WebAssembly kernels add in exactly
 * this order with vector instructions (eight independent sums vectorise; one running sum cannot), so every backend
 * gives the same bits.
 *
 * Each function sums over `runs` runs of `length` elements, the first at `first` and each `runStride` after the
 * last (a channel: N runs of HW). Accumulator j mod 8 restarts at each run's element 0, so for runs of one element
 * everything is accumulator 0's: one running sum.
 */
import type { FloatArray } from './gemm.js';

const LANES = 8;
const sums = new Float64Array(LANES);
const products = new Float64Array(LANES);

function total(a: Float64Array): number {
  return a[0] + a[1] + (a[2] + a[3]) + (a[4] + a[5] + (a[6] + a[7]));
}

/** Adds term(p, j) for element j (at p) of every run to accumulator j mod 8 of `acc`, zeroed first. */
function accumulate(
  acc: Float64Array,
  first: number,
  runs: number,
  runStride: number,
  length: number,
  term: (p: number, j: number) => number,
): Float64Array {
  acc.fill(0);
  for (let run = 0; run < runs; run++) {
    const base = first + run * runStride;
    for (let j = 0; j < length; j++) acc[j % LANES] += term(base + j, j);
  }
  return acc;
}

/** Σ x over the runs. */
export function runSum(x: FloatArray, first: number, runs: number, runStride: number, length: number): number {
  return total(accumulate(sums, first, runs, runStride, length, (p) => x[p]));
}

/** Σ (x - mean)² over the runs. */
export function squaredDeviationSum(
  x: FloatArray,
  first: number,
  runs: number,
  runStride: number,
  length: number,
  mean: number,
): number {
  return total(accumulate(sums, first, runs, runStride, length, (p) => (x[p] - mean) * (x[p] - mean)));
}

/** The backward's two sums over the runs: Σgy and Σgy·((x - mean)·std). Returns [Σgy, Σgy·xhat]. */
export function gradientSums(
  gy: FloatArray,
  x: FloatArray,
  first: number,
  runs: number,
  runStride: number,
  length: number,
  mean: number,
  std: number,
): [number, number] {
  products.fill(0);
  accumulate(sums, first, runs, runStride, length, (p, j) => {
    products[j % LANES] += gy[p] * ((x[p] - mean) * std);
    return gy[p];
  });
  return [total(sums), total(products)];
}
