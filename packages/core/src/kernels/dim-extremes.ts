/**
 * The max or min along the middle dim of a contiguous [outer, size, inner] float array, and where it stands: the
 * reference implementation of the native addon's `extremeDim` entry, with the same signature, checks and results.
 * It picks what the strided reduce kernel (reduce.ts, extremeKernel) picks: the first NaN when there is one
 * (PyTorch propagates NaN), otherwise the first of equal extremes.
 */
import {
  checkBool,
  checkDimInput,
  checkFloatArray,
  checkSameType,
  checkSpan,
  dimCounts,
  overlaps,
} from './argument-checks.js';
import type { FloatArray } from './gemm.js';

/**
 * extremeDim's argument checks, before any array is read: each array, offset and size, that every span fits, and
 * no overlap between what is read and what is written. Returns the number of outputs.
 */
export function checkExtremeDim(...args: Parameters<typeof extremeDim>): number {
  const [a, aOff, outer, size, inner, isMax, values, indices] = args;
  checkDimInput(a, aOff, outer, size, inner);
  checkBool(isMax, 'isMax');
  if (values !== null) {
    checkFloatArray(values, 'values');
    checkSameType(a, 'a', values, 'values');
  }
  if (indices !== null && !(indices instanceof Float64Array))
    throw new TypeError("argument 'indices' must be a Float64Array or null");
  const { inN, outN } = dimCounts(outer, size, inner);
  if (outN === 0) return 0;
  if (size === 0) throw new RangeError("argument 'size' must be positive when there are outputs");
  checkSpan(a, 'a', aOff, inN);
  if (values !== null) {
    checkSpan(values, 'values', 0, outN);
    if (overlaps(a, aOff, inN, values, 0, outN)) throw new RangeError("argument 'values' must not overlap 'a'");
  }
  if (indices !== null) {
    checkSpan(indices, 'indices', 0, outN);
    if (overlaps(a, aOff, inN, indices, 0, outN)) throw new RangeError("argument 'indices' must not overlap 'a'");
    if (values !== null && overlaps(values, 0, outN, indices, 0, outN))
      throw new RangeError("arguments 'values' and 'indices' must not overlap");
  }
  return outN;
}

/**
 * For each (o, i): values[o * inner + i] = the max (isMax) or min over s of a[aOff + (o * size + s) * inner + i],
 * indices[o * inner + i] = its s (int64 data, exact in a Float64Array). Either output may be null.
 */
export function extremeDim(
  a: FloatArray,
  aOff: number,
  outer: number,
  size: number,
  inner: number,
  isMax: boolean,
  values: FloatArray | null,
  indices: Float64Array | null,
): void {
  if (checkExtremeDim(a, aOff, outer, size, inner, isMax, values, indices) === 0) return;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = aOff + o * size * inner + i;
      let best = a[base];
      let at = 0;
      if (best === best) {
        for (let s = 1; s < size; s++) {
          const v = a[base + s * inner];
          if (v !== v || (isMax ? v > best : v < best)) {
            best = v;
            at = s;
            if (v !== v) break;
          }
        }
      }
      if (values !== null) values[o * inner + i] = best;
      if (indices !== null) indices[o * inner + i] = at;
    }
  }
}
