/**
 * Flat kernels over float arrays with a contiguous output: the reference implementations of the native addon's
 * `binary` and `unary` entries, with the same signatures, argument checks and results (its `sumDim` and `sumAll`
 * are contiguous-sums.ts).
 *
 * Every value is computed in double and rounded once when stored, so the results are what the strided kernels
 * (elementwise.ts, reduce.ts) give for the same operands, bit for bit: for float32, rounding a double sum,
 * difference, product or quotient of two float32 values once is exactly IEEE float32 arithmetic, and
 * add-with-alpha is a fused multiply-add, rounded once (fma.ts), as binaryKernel computes it.
 */

import { atenGelu, atenGeluSlope, dnnlGelu32, dnnlGeluSlope32 } from './gelu.js';
import { scaledAddRun } from './fma.js';
import {
  sigmoidF32,
  sigmoidF64,
  sigmoidGradF32,
  sigmoidGradF64,
  tanhGradF32,
  tanhGradF64,
} from './activation-formulas.js';
import { BRANCH_FREE_MIN, reluBackwardRun, reluRun } from './relu-runs.js';
import { checkAlias, checkFloatArray, checkInt, checkNumber, checkSameType, checkSpan } from './argument-checks.js';
import type { FloatArray } from './gemm.js';

/** Every float array of one call has the same type. */
export type { FloatArray } from './gemm.js';

/**
 * Op codes of `binary`: 0 is `a + alpha * b`; 4–6 are activations' backward ops from the gradient `a` and the
 * activation's output `b`: relu's (PyTorch's threshold_backward at 0) `b <= 0 ? 0 : a`, tanh's `a * (1 - b²)` and
 * sigmoid's `a * (1 - b) * b`, rounded as activation-grad.ts says.
 */
export const BinaryOp = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  reluBackward: 4,
  tanhBackward: 5,
  sigmoidBackward: 6,
} as const;
export type BinaryOpCode = (typeof BinaryOp)[keyof typeof BinaryOp];

/** Op codes of `unary`. */
export const UnaryOp = {
  relu: 0,
  neg: 1,
  abs: 2,
  exp: 3,
  log: 4,
  sqrt: 5,
  tanh: 6,
  sigmoid: 7,
  sin: 8,
  cos: 9,
  rsqrt: 10,
  square: 11,
  /** x Φ(x) (the exact, erf form), as PyTorch computes it on a contiguous tensor (kernels/gelu.ts) */
  gelu: 12,
  /** Φ(x) + x φ(x), gelu's derivative, the same way */
  geluDerivative: 13,
} as const;
export type UnaryOpCode = (typeof UnaryOp)[keyof typeof UnaryOp];

/** The most dims a `binary` layout describes. */
export const MAX_LAYOUT_DIMS = 4;
/** Entries of a `binary` layout: [ndim, shape0..3, aStride0..3, bStride0..3]. */
export const LAYOUT_LENGTH = 1 + 3 * MAX_LAYOUT_DIMS;

interface Layout {
  ndim: number;
  shape: number[];
  aStrides: number[];
  bStrides: number[];
  n: number;
}

export function readLayout(v: unknown): Layout {
  if (!(v instanceof Float64Array)) throw new TypeError("argument 'layout' must be a Float64Array");
  if (v.length !== LAYOUT_LENGTH)
    throw new RangeError(`argument 'layout' must have ${LAYOUT_LENGTH} entries, not ${v.length}`);
  const ndim = checkInt(v[0], 'layout[0] (ndim)', 1, MAX_LAYOUT_DIMS);
  const shape: number[] = [];
  const aStrides: number[] = [];
  const bStrides: number[] = [];
  let n = 1;
  for (let d = 0; d < MAX_LAYOUT_DIMS; d++) {
    const used = d < ndim;
    const s = checkInt(v[1 + d], `layout[${1 + d}] (shape${d})`, 0, used ? Number.MAX_SAFE_INTEGER : 0);
    const sa = checkInt(v[5 + d], `layout[${5 + d}] (aStride${d})`, 0, used ? Number.MAX_SAFE_INTEGER : 0);
    const sb = checkInt(v[9 + d], `layout[${9 + d}] (bStride${d})`, 0, used ? Number.MAX_SAFE_INTEGER : 0);
    if (!used) continue;
    shape.push(s);
    aStrides.push(sa);
    bStrides.push(sb);
    if (n !== 0 && s !== 0 && n > Number.MAX_SAFE_INTEGER / s)
      throw new RangeError("argument 'layout': the shape has too many elements");
    n *= s;
  }
  return { ndim, shape, aStrides, bStrides, n };
}

/** Elements from an operand's offset to its last element + 1 (n > 0), or throws when that is not a safe integer. */
export function extentOf(shape: readonly number[], strides: readonly number[], name: string): number {
  let last = 0;
  for (let d = 0; d < shape.length; d++) {
    const s = shape[d] - 1;
    if (s > 0 && strides[d] > (Number.MAX_SAFE_INTEGER - last) / s) {
      throw new RangeError(`argument '${name}': its layout reaches past the largest safe integer`);
    }
    last += s * strides[d];
  }
  return last + 1;
}

/** Whether strides are the row-major contiguous ones for shape (ignoring dims of size 1). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/**
 * The layout `binary` takes for operands with these strides (0 = broadcast) over `shape`, with dims of size 1
 * dropped and dims that are contiguous in both operands merged; null when more than four dims remain.
 */
export function binaryLayout(
  shape: readonly number[],
  aStrides: readonly number[],
  bStrides: readonly number[],
): Float64Array | null {
  const shp: number[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  if (shape.some((s) => s === 0)) {
    const layout = new Float64Array(LAYOUT_LENGTH);
    layout[0] = 1;
    return layout;
  }
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = shp.length - 1;
    if (last >= 0 && sa[last] === aStrides[d] * shape[d] && sb[last] === bStrides[d] * shape[d]) {
      shp[last] *= shape[d];
      sa[last] = aStrides[d];
      sb[last] = bStrides[d];
    } else {
      shp.push(shape[d]);
      sa.push(aStrides[d]);
      sb.push(bStrides[d]);
    }
  }
  if (shp.length > MAX_LAYOUT_DIMS) return null;
  if (shp.length === 0) {
    shp.push(1);
    sa.push(0);
    sb.push(0);
  }
  const layout = new Float64Array(LAYOUT_LENGTH);
  layout[0] = shp.length;
  for (let d = 0; d < shp.length; d++) {
    layout[1 + d] = shp[d];
    layout[5 + d] = sa[d];
    layout[9 + d] = sb[d];
  }
  return layout;
}

// ---- binary ----

/** What `checkBinary` found: the layout, its element count and how far each input reaches. */
export interface CheckedBinary {
  L: Layout;
  n: number;
  aExtent: number;
  bExtent: number;
}

/**
 * binary's argument checks, before any array is read: the op, each array and offset, the layout, the element
 * types, that every element the layout reaches lies inside its array, and that out overlaps an input only as
 * that input itself.
 */
export function checkBinary(...args: Parameters<typeof binary>): CheckedBinary {
  const [op, a, aOff, b, bOff, out, outOff, layout, alpha] = args;
  checkInt(op, 'op', 0, 6);
  checkFloatArray(a, 'a');
  checkInt(aOff, 'aOff', 0);
  checkFloatArray(b, 'b');
  checkInt(bOff, 'bOff', 0);
  checkFloatArray(out, 'out');
  checkInt(outOff, 'outOff', 0);
  const L = readLayout(layout);
  checkNumber(alpha, 'alpha');
  checkSameType(a, 'a', out, 'out');
  checkSameType(b, 'b', out, 'out');
  const n = L.n;
  if (n === 0) return { L, n, aExtent: 0, bExtent: 0 };
  checkSpan(out, 'out', outOff, n);
  const aExtent = extentOf(L.shape, L.aStrides, 'a');
  const bExtent = extentOf(L.shape, L.bStrides, 'b');
  checkSpan(a, 'a', aOff, aExtent);
  checkSpan(b, 'b', bOff, bExtent);
  checkAlias(a, 'a', aOff, aExtent, isContiguous(L.shape, L.aStrides), out, 'out', outOff, n);
  checkAlias(b, 'b', bOff, bExtent, isContiguous(L.shape, L.bStrides), out, 'out', outOff, n);
  return { L, n, aExtent, bExtent };
}

/**
 * out[outOff + k] = op(a[aOff + Σ i_d aStride_d], b[bOff + Σ i_d bStride_d]) for the row-major index k of
 * (i_0, ..., i_{ndim-1}) over the layout's shape. op 0 is a + alpha * b, 1 a - b, 2 a * b, 3 a / b, 4–6 the activations' backward ops (BinaryOp); alpha is
 * read by op 0 only. `out` may be `a` or `b` itself (same memory, contiguous layout) but must not overlap them
 * otherwise.
 */
export function binary(
  op: number,
  a: FloatArray,
  aOff: number,
  b: FloatArray,
  bOff: number,
  out: FloatArray,
  outOff: number,
  layout: Float64Array,
  alpha: number,
): void {
  const { L, n } = checkBinary(op, a, aOff, b, bOff, out, outOff, layout, alpha);
  if (n === 0) return;

  const nd = L.ndim;
  const inner = L.shape[nd - 1];
  const sa = L.aStrides[nd - 1];
  const sb = L.bStrides[nd - 1];
  const rows = n / inner;
  const idx = [0, 0, 0, 0];
  let pa = aOff;
  let pb = bOff;
  let po = outOff;
  for (let r = 0; r < rows; r++) {
    binaryRun(op, a, pa, sa, b, pb, sb, out, po, inner, alpha);
    po += inner;
    for (let d = nd - 2; d >= 0; d--) {
      pa += L.aStrides[d];
      pb += L.bStrides[d];
      if (++idx[d] < L.shape[d]) break;
      pa -= L.aStrides[d] * L.shape[d];
      pb -= L.bStrides[d] * L.shape[d];
      idx[d] = 0;
    }
  }
}

function binaryRun(
  op: number,
  a: FloatArray,
  pa: number,
  sa: number,
  b: FloatArray,
  pb: number,
  sb: number,
  out: FloatArray,
  po: number,
  n: number,
  alpha: number,
): void {
  if (op === BinaryOp.reluBackward) {
    if (sa === 1 && sb === 1 && n >= BRANCH_FREE_MIN) return reluBackwardRun(a, pa, b, pb, out, po, n);
    for (let i = 0; i < n; i++, pa += sa, pb += sb) out[po + i] = b[pb] <= 0 ? 0 : a[pa];
    return;
  }
  if (op > BinaryOp.reluBackward) {
    const f32 = out instanceof Float32Array;
    const f = op === BinaryOp.tanhBackward ? (f32 ? tanhGradF32 : tanhGradF64) : f32 ? sigmoidGradF32 : sigmoidGradF64;
    for (let i = 0; i < n; i++, pa += sa, pb += sb) out[po + i] = f(a[pa], b[pb]);
    return;
  }
  if (op === BinaryOp.add && alpha !== 1) return scaledAddRun(a, pa, sa, b, pb, sb, out, po, n, alpha);
  if (sa === 1 && sb === 1) {
    switch (op) {
      case 0:
        for (let i = 0; i < n; i++) out[po + i] = a[pa + i] + b[pb + i];
        return;
      case 1:
        for (let i = 0; i < n; i++) out[po + i] = a[pa + i] - b[pb + i];
        return;
      case 2:
        for (let i = 0; i < n; i++) out[po + i] = a[pa + i] * b[pb + i];
        return;
      default:
        for (let i = 0; i < n; i++) out[po + i] = a[pa + i] / b[pb + i];
        return;
    }
  }
  if (sa === 1 && sb === 0) {
    const y = b[pb];
    switch (op) {
      case 0:
        for (let i = 0; i < n; i++) out[po + i] = a[pa + i] + y;
        return;
      case 1:
        for (let i = 0; i < n; i++) out[po + i] = a[pa + i] - y;
        return;
      case 2:
        for (let i = 0; i < n; i++) out[po + i] = a[pa + i] * y;
        return;
      default:
        for (let i = 0; i < n; i++) out[po + i] = a[pa + i] / y;
        return;
    }
  }
  if (sa === 0 && sb === 1) {
    const x = a[pa];
    switch (op) {
      case 0:
        for (let i = 0; i < n; i++) out[po + i] = x + b[pb + i];
        return;
      case 1:
        for (let i = 0; i < n; i++) out[po + i] = x - b[pb + i];
        return;
      case 2:
        for (let i = 0; i < n; i++) out[po + i] = x * b[pb + i];
        return;
      default:
        for (let i = 0; i < n; i++) out[po + i] = x / b[pb + i];
        return;
    }
  }
  switch (op) {
    case 0:
      for (let i = 0; i < n; i++, pa += sa, pb += sb) out[po + i] = a[pa] + b[pb];
      return;
    case 1:
      for (let i = 0; i < n; i++, pa += sa, pb += sb) out[po + i] = a[pa] - b[pb];
      return;
    case 2:
      for (let i = 0; i < n; i++, pa += sa, pb += sb) out[po + i] = a[pa] * b[pb];
      return;
    default:
      for (let i = 0; i < n; i++, pa += sa, pb += sb) out[po + i] = a[pa] / b[pb];
      return;
  }
}

// ---- unary ----

/** unary's argument checks, before any array is read: the op, each array, offset and n, that n elements fit, and no partial overlap. */
export function checkUnary(op: number, x: FloatArray, xOff: number, out: FloatArray, outOff: number, n: number): void {
  checkInt(op, 'op', 0, 13);
  checkFloatArray(x, 'x');
  checkInt(xOff, 'xOff', 0);
  checkFloatArray(out, 'out');
  checkInt(outOff, 'outOff', 0);
  checkInt(n, 'n', 0);
  checkSameType(x, 'x', out, 'out');
  if (n === 0) return;
  checkSpan(x, 'x', xOff, n);
  checkSpan(out, 'out', outOff, n);
  checkAlias(x, 'x', xOff, n, true, out, 'out', outOff, n);
}

/**
 * out[outOff + i] = op(x[xOff + i]) for i < n, computed in double and rounded once: 0 relu (NaN passes through),
 * 1 neg, 2 abs, 3 exp, 4 log, 5 sqrt, 6 tanh, 7 sigmoid 1 / (1 + exp(-v)) (float32: each step rounded, as
 * PyTorch's), 8 sin, 9 cos, 10 rsqrt 1 / sqrt(v), 11 square v * v; 12 gelu v Φ(v) and 13 its derivative
 * Φ(v) + v φ(v) as PyTorch computes them on a contiguous tensor of more than one element (oneDNN's float32 kernel,
 * ATen's float64 formula: kernels/gelu.ts). `out` may be `x` itself but must not overlap it otherwise.
 */
export function unary(op: number, x: FloatArray, xOff: number, out: FloatArray, outOff: number, n: number): void {
  checkUnary(op, x, xOff, out, outOff, n);
  if (n === 0) return;
  const o = outOff;
  const p = xOff;
  switch (op) {
    case 0:
      if (n >= BRANCH_FREE_MIN) return reluRun(x, p, out, o, n);
      for (let i = 0; i < n; i++) {
        const v = x[p + i];
        out[o + i] = v < 0 ? 0 : v;
      }
      return;
    case 1:
      for (let i = 0; i < n; i++) out[o + i] = -x[p + i];
      return;
    case 2:
      for (let i = 0; i < n; i++) out[o + i] = Math.abs(x[p + i]);
      return;
    case 3:
      for (let i = 0; i < n; i++) out[o + i] = Math.exp(x[p + i]);
      return;
    case 4:
      for (let i = 0; i < n; i++) out[o + i] = Math.log(x[p + i]);
      return;
    case 5:
      for (let i = 0; i < n; i++) out[o + i] = Math.sqrt(x[p + i]);
      return;
    case 6:
      for (let i = 0; i < n; i++) out[o + i] = Math.tanh(x[p + i]);
      return;
    case 7:
      if (x instanceof Float32Array) for (let i = 0; i < n; i++) out[o + i] = sigmoidF32(x[p + i]);
      else for (let i = 0; i < n; i++) out[o + i] = sigmoidF64(x[p + i]);
      return;
    case 8:
      for (let i = 0; i < n; i++) out[o + i] = Math.sin(x[p + i]);
      return;
    case 9:
      for (let i = 0; i < n; i++) out[o + i] = Math.cos(x[p + i]);
      return;
    case 10:
      for (let i = 0; i < n; i++) out[o + i] = 1 / Math.sqrt(x[p + i]);
      return;
    case 11:
      for (let i = 0; i < n; i++) {
        const v = x[p + i];
        out[o + i] = v * v;
      }
      return;
    case 12:
      if (x instanceof Float32Array) for (let i = 0; i < n; i++) out[o + i] = dnnlGelu32(x[p + i]);
      else for (let i = 0; i < n; i++) out[o + i] = atenGelu(x[p + i], false);
      return;
    default:
      if (x instanceof Float32Array) for (let i = 0; i < n; i++) out[o + i] = dnnlGeluSlope32(x[p + i]);
      else for (let i = 0; i < n; i++) out[o + i] = atenGeluSlope(x[p + i], false, true);
      return;
  }
}
