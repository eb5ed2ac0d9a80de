/**
 * Sums over contiguous float arrays: the reference implementations of the native addon's `sumDim` and `sumAll`
 * entries, with the same signatures, argument checks and results. Each sum is accumulated in double from 0 in
 * ascending index order, as the strided reduce kernel (reduce.ts, sumKernel) sums.
 */
import {
  checkDimInput,
  checkFloatArray,
  checkInt,
  checkSameType,
  checkSpan,
  dimCounts,
  overlaps,
} from './argument-checks.js';
import type { FloatArray } from './gemm.js';

/**
 * sumDim's argument checks, before any array is read: each array, offset and size, that both spans fit, and no
 * overlap. Returns the input's and the output's element counts.
 */
export function checkSumDim(...args: Parameters<typeof sumDim>): { inN: number; outN: number } {
  const [a, aOff, outer, size, inner, out, outOff] = args;
  checkDimInput(a, aOff, outer, size, inner);
  checkFloatArray(out, 'out');
  checkInt(outOff, 'outOff', 0);
  checkSameType(a, 'a', out, 'out');
  const { inN, outN } = dimCounts(outer, size, inner);
  if (outN === 0) return { inN, outN };
  checkSpan(out, 'out', outOff, outN);
  checkSpan(a, 'a', aOff, inN);
  if (overlaps(a, aOff, inN, out, outOff, outN)) throw new RangeError("argument 'out' must not overlap 'a'");
  return { inN, outN };
}

/**
 * The array viewed as contiguous [outer, size, inner] from aOff: out[outOff + o * inner + i] = Σ_s
 * a[aOff + (o * size + s) * inner + i], accumulated in double from 0 in ascending s (sumKernel's order).
 * `out` must not overlap the input.
 */
export function sumDim(
  a: FloatArray,
  aOff: number,
  outer: number,
  size: number,
  inner: number,
  out: FloatArray,
  outOff: number,
): void {
  const { outN } = checkSumDim(a, aOff, outer, size, inner, out, outOff);
  if (outN === 0) return;
  const rowStride = size * inner;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = aOff + o * size;
      let acc = 0;
      for (let s = 0; s < size; s++) acc += a[base + s];
      out[outOff + o] = acc;
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const base = aOff + o * rowStride;
    for (let s = 0; s < size; s++) {
      const p = base + s * inner;
      for (let i = 0; i < inner; i++) acc[i] += a[p + i];
    }
    const q = outOff + o * inner;
    for (let i = 0; i < inner; i++) out[q + i] = acc[i];
  }
}

/** Σ a[aOff + i] for i < n, in double from 0 in index order. */
export function sumAll(a: FloatArray, aOff: number, n: number): number {
  checkFloatArray(a, 'a');
  checkInt(aOff, 'aOff', 0);
  checkInt(n, 'n', 0);
  checkSpan(a, 'a', aOff, n);
  let acc = 0;
  for (let i = 0; i < n; i++) acc += a[aOff + i];
  return acc;
}
