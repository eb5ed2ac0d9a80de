/**
 * The backend's copies, casts and fills (the TypeScript references): a strided copy (a layout of `binary`'s form
 * gathered into a contiguous run), float32/float64 conversion and filling with one value.
 */
import {
  checkAlias,
  checkFloatArray,
  checkInt,
  checkNumber,
  checkSameType,
  checkSpan,
  overlaps,
} from './argument-checks.js';
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

/**
 * out[outOff + k] = x[xOff + k] for k < n, converted to out's float type (float64 to float32 rounds to nearest, as
 * `Math.fround`): `to('float32')` and `to('float64')`. The two spans must lie apart.
 */
export function cast(x: FloatArray, xOff: number, out: FloatArray, outOff: number, n: number): void {
  checkFloatArray(x, 'x');
  checkInt(xOff, 'xOff', 0);
  checkFloatArray(out, 'out');
  checkInt(outOff, 'outOff', 0);
  checkInt(n, 'n', 0);
  checkSpan(x, 'x', xOff, n);
  checkSpan(out, 'out', outOff, n);
  if (overlaps(x, xOff, n, out, outOff, n)) throw new RangeError("argument 'out' must not overlap 'x'");
  out.set(x.subarray(xOff, xOff + n), outOff);
}

/** out[off + k] = value for k < n, in out's float type (`fill_`, `zero_`, `full`, `ones`). */
export function fill(out: FloatArray, off: number, n: number, value: number): void {
  checkFloatArray(out, 'out');
  checkInt(off, 'off', 0);
  checkInt(n, 'n', 0);
  checkNumber(value, 'value');
  checkSpan(out, 'out', off, n);
  out.fill(value, off, off + n);
}
