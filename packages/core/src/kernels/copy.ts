/** The backend's strided copy: a layout of `binary`'s form gathered into a contiguous run (the TypeScript reference). */
import { checkAlias, checkFloatArray, checkInt, checkSameType, checkSpan } from './argument-checks.js';
import { extentOf, isContiguous, readLayout } from './contiguous.js';
import type { FloatArray } from './gemm.js';
import { copyStrided } from './strided.js';

/**
 * out[outOff + k] = x[xOff + Σ i_d xStride_d] for the row-major index k of (i_0, ..., i_{ndim-1}) over the
 * layout's shape: a strided source gathered into a contiguous destination of the same array type (what
 * `contiguous()`, `clone()` and copying reshapes do). The layout is binary's with x's strides first; its second
 * set of strides is not read. `out` may be `x` itself (contiguous) but must not overlap it otherwise.
 */
export function copy(x: FloatArray, xOff: number, out: FloatArray, outOff: number, layout: Float64Array): void {
  checkFloatArray(x, 'x');
  checkInt(xOff, 'xOff', 0);
  checkFloatArray(out, 'out');
  checkInt(outOff, 'outOff', 0);
  const L = readLayout(layout);
  checkSameType(x, 'x', out, 'out');
  const n = L.n;
  if (n === 0) return;
  checkSpan(out, 'out', outOff, n);
  const xExtent = extentOf(L.shape, L.aStrides, 'x');
  checkSpan(x, 'x', xOff, xExtent);
  checkAlias(x, 'x', xOff, xExtent, isContiguous(L.shape, L.aStrides), out, 'out', outOff, n);
  copyStrided(x, L.shape.slice(0, L.ndim), L.aStrides.slice(0, L.ndim), xOff, out, outOff);
}
