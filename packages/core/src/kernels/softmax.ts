/**
 * Softmax and log-softmax along the middle dim of a contiguous [outer, size, inner] array, and their backwards:
 * the reference implementations of the native addon's `softmax` and `softmaxBackward` entries (same signatures,
 * same argument checks).
 *
 * Per column (o, i): m = the max over the dim (a NaN anywhere makes it NaN, and with it the whole column, as in
 * PyTorch), e_s = exp(x_s - m), S = Σ e_s in ascending s, then out_s = e_s / S, or for log-softmax
 * out_s = (x_s - m) - log(S): float64 in double, float32 as PyTorch's kernel for a middle dim takes its steps, each
 * rounded to float32 (`columnsF32`). Rows (inner == 1, softmax over a contiguous last dim) take PyTorch's row
 * kernel's steps: `softmaxRows`.
 */
import {
  checkAlias,
  checkBool,
  checkedProduct,
  checkFloatArray,
  checkInt,
  checkSameType,
  checkSpan,
} from './argument-checks.js';
import type { FloatArray } from './gemm.js';
import { arithmeticOf } from './fma.js';
import { laneSum } from './vector-lanes.js';

/** Columns are processed in blocks whose exp values (size * block doubles) fit in this many entries. */
const SCRATCH_ENTRIES = 1 << 16;

let scratch = new Float64Array(0);

function scratchOf(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  return scratch;
}

/** Columns per block, for `size` rows in a block of at most SCRATCH_ENTRIES values (at least one column). */
export function softmaxBlock(size: number, inner: number): number {
  return Math.max(1, Math.min(inner, Math.floor(SCRATCH_ENTRIES / Math.max(size, 1))));
}

/** Checks the [outer, size, inner] layout and the `log` flag; returns the element count. */
function checkLayout(outer: number, size: number, inner: number, log: boolean): number {
  checkInt(outer, 'outer', 0);
  checkInt(size, 'size', 0);
  checkInt(inner, 'inner', 0);
  checkBool(log, 'log');
  return checkedProduct(outer, size, inner, 'outer * size * inner');
}

/** softmax's argument checks, in order, before anything is read; returns the element count. */
export function checkSoftmax(...args: Parameters<typeof softmax>): number {
  const [x, xOff, out, outer, size, inner, log] = args;
  checkFloatArray(x, 'x');
  checkInt(xOff, 'xOff', 0);
  checkFloatArray(out, 'out');
  const n = checkLayout(outer, size, inner, log);
  checkSameType(x, 'x', out, 'out');
  if (n === 0) return 0;
  checkSpan(x, 'x', xOff, n);
  checkSpan(out, 'out', 0, n);
  checkAlias(x, 'x', xOff, n, true, out, 'out', 0, n);
  return n;
}

/** softmaxBackward's argument checks, as checkSoftmax's. */
export function checkSoftmaxBackward(...args: Parameters<typeof softmaxBackward>): number {
  const [y, gy, gx, outer, size, inner, log] = args;
  checkFloatArray(y, 'y');
  checkFloatArray(gy, 'gy');
  checkFloatArray(gx, 'gx');
  const n = checkLayout(outer, size, inner, log);
  checkSameType(y, 'y', gx, 'gx');
  checkSameType(gy, 'gy', gx, 'gx');
  if (n === 0) return 0;
  checkSpan(y, 'y', 0, n);
  checkSpan(gy, 'gy', 0, n);
  checkSpan(gx, 'gx', 0, n);
  checkAlias(y, 'y', 0, n, true, gx, 'gx', 0, n);
  checkAlias(gy, 'gy', 0, n, true, gx, 'gx', 0, n);
  return n;
}

/**
 * out[o, s, i] = softmax (or log-softmax when `log`) over s of x[xOff + (o * size + s) * inner + i]; out is
 * contiguous from 0. `out` may be `x` itself (xOff 0) but must not overlap it otherwise.
 */
export function softmax(
  x: FloatArray,
  xOff: number,
  out: FloatArray,
  outer: number,
  size: number,
  inner: number,
  log: boolean,
): void {
  const n = checkSoftmax(x, xOff, out, outer, size, inner, log);
  if (n === 0) return;
  if (inner === 1) {
    softmaxRows(x, xOff, out, outer, size, log);
    return;
  }
  const bw = softmaxBlock(size, inner);
  const e = log ? scratch : scratchOf(size * bw);
  const m = new Float64Array(bw);
  const sum = new Float64Array(bw);
  const float32 = out instanceof Float32Array;
  for (let o = 0; o < outer; o++) {
    for (let i0 = 0; i0 < inner; i0 += bw) {
      const w = Math.min(bw, inner - i0);
      const base = o * size * inner + i0; // element (o, 0, i0) relative to the start of the view
      m.fill(-Infinity, 0, w);
      sum.fill(0, 0, w);
      for (let s = 0; s < size; s++) {
        const p = xOff + base + s * inner;
        for (let i = 0; i < w; i++) {
          const v = x[p + i];
          if (v > m[i] || v !== v) m[i] = v;
        }
      }
      if (float32) {
        columnsF32(x, xOff + base, out, base, size, inner, w, log, m, sum, e);
        continue;
      }
      if (log) {
        for (let s = 0; s < size; s++) {
          const p = xOff + base + s * inner;
          for (let i = 0; i < w; i++) sum[i] += Math.exp(x[p + i] - m[i]);
        }
        for (let i = 0; i < w; i++) sum[i] = Math.log(sum[i]);
        for (let s = 0; s < size; s++) {
          const p = xOff + base + s * inner;
          const q = base + s * inner;
          for (let i = 0; i < w; i++) out[q + i] = x[p + i] - m[i] - sum[i];
        }
      } else {
        for (let s = 0; s < size; s++) {
          const p = xOff + base + s * inner;
          const k = s * w;
          for (let i = 0; i < w; i++) {
            const v = Math.exp(x[p + i] - m[i]);
            e[k + i] = v;
            sum[i] += v;
          }
        }
        for (let s = 0; s < size; s++) {
          const q = base + s * inner;
          const k = s * w;
          for (let i = 0; i < w; i++) out[q + i] = e[k + i] / sum[i];
        }
      }
    }
  }
}

/**
 * w float32 columns from x[at] (stride `inner`) into out[to], given their maxima m, as PyTorch's kernel for a middle
 * dim computes them: e = exp(x - m) with the difference and the exp rounded to float32, S their float32 sum in
 * order, out = e / S, or (x - m) - log(S) with log(S) rounded.
 */
function columnsF32(
  x: FloatArray,
  at: number,
  out: FloatArray,
  to: number,
  size: number,
  inner: number,
  w: number,
  log: boolean,
  m: Float64Array,
  sum: Float64Array,
  e: Float64Array,
): void {
  for (let s = 0; s < size; s++) {
    const p = at + s * inner;
    const k = s * w;
    for (let i = 0; i < w; i++) {
      const v = Math.fround(Math.exp(Math.fround(x[p + i] - m[i])));
      if (!log) e[k + i] = v;
      sum[i] = Math.fround(sum[i] + v);
    }
  }
  if (log) {
    for (let i = 0; i < w; i++) sum[i] = Math.fround(Math.log(sum[i]));
    for (let s = 0; s < size; s++) {
      const p = at + s * inner;
      const q = to + s * inner;
      for (let i = 0; i < w; i++) out[q + i] = Math.fround(x[p + i] - m[i]) - sum[i];
    }
  } else {
    for (let s = 0; s < size; s++) {
      const q = to + s * inner;
      const k = s * w;
      for (let i = 0; i < w; i++) out[q + i] = e[k + i] / sum[i];
    }
  }
}

/**
 * softmax over rows (inner == 1), as PyTorch's kernel for a contiguous last dim computes it: e_s = exp(x_s - m)
 * with x_s - m and the exp rounded to the type, their sum in the type's arithmetic over PyTorch's vector lanes
 * (`laneSum`), then out_s = e_s · (1 / S), or (x_s - m) - log(S) for log-softmax.
 */
function softmaxRows(x: FloatArray, xOff: number, out: FloatArray, outer: number, size: number, log: boolean): void {
  const float32 = out instanceof Float32Array;
  const e = scratchOf(size);
  for (let o = 0; o < outer; o++) {
    const p = xOff + o * size;
    const q = o * size;
    let m = -Infinity;
    for (let s = 0; s < size; s++) {
      const v = x[p + s];
      if (v > m || v !== v) m = v;
    }
    // The loops are written out per type, so that each calls Math.fround directly (or not at all).
    if (float32) for (let s = 0; s < size; s++) e[s] = Math.fround(Math.exp(Math.fround(x[p + s] - m)));
    else for (let s = 0; s < size; s++) e[s] = Math.exp(x[p + s] - m);
    const sum = laneSum(e, 0, size, float32);
    if (log) {
      const l = float32 ? Math.fround(Math.log(sum)) : Math.log(sum);
      if (float32) for (let s = 0; s < size; s++) out[q + s] = Math.fround(x[p + s] - m) - l;
      else for (let s = 0; s < size; s++) out[q + s] = x[p + s] - m - l;
    } else {
      const inverse = float32 ? Math.fround(1 / sum) : 1 / sum;
      for (let s = 0; s < size; s++) out[q + s] = e[s] * inverse;
    }
  }
}

/**
 * The gradient of softmax over rows (inner == 1) as PyTorch's kernel computes it: log-softmax gx = gy - exp(y) · S
 * (one fused multiply-add), S the lane sum of gy; softmax gx = (gy - S) · y, S the lane sum of gy · y.
 */
function softmaxBackwardRows(y: FloatArray, gy: FloatArray, gx: FloatArray, outer: number, size: number, log: boolean) {
  const float32 = gx instanceof Float32Array;
  const { round, madd: fma } = arithmeticOf(float32);
  for (let o = 0; o < outer; o++) {
    const p = o * size;
    if (log) {
      const sum = laneSum(gy, p, size, float32);
      for (let s = 0; s < size; s++) gx[p + s] = fma(-round(Math.exp(y[p + s])), sum, gy[p + s]);
    } else {
      const sum = laneSum(gy, p, size, float32, y);
      for (let s = 0; s < size; s++) gx[p + s] = round(gy[p + s] - sum) * y[p + s];
    }
  }
}

/**
 * The gradient of softmax (log-softmax when `log`) along the middle dim of contiguous [outer, size, inner]
 * arrays, from the forward's output y and the output's gradient gy: softmax gx = y * (gy - Σ gy * y), log-softmax
 * gx = gy - exp(y) * Σ gy, as PyTorch's kernels compute them in the type's arithmetic: the sums in ascending s
 * (Σ gy * y accumulated in fused multiply-adds), log-softmax's gradient one fused multiply-add; rows (inner == 1)
 * sum over PyTorch's vector lanes instead (`softmaxBackwardRows`). `gx` may be `y` or `gy` itself but must not
 * overlap them otherwise.
 */
export function softmaxBackward(
  y: FloatArray,
  gy: FloatArray,
  gx: FloatArray,
  outer: number,
  size: number,
  inner: number,
  log: boolean,
): void {
  if (checkSoftmaxBackward(y, gy, gx, outer, size, inner, log) === 0) return;
  if (inner === 1) {
    softmaxBackwardRows(y, gy, gx, outer, size, log);
    return;
  }
  const bw = softmaxBlock(size, inner);
  const sum = new Float64Array(bw);
  const float32 = gx instanceof Float32Array;
  const { round, madd: fma } = arithmeticOf(float32);
  for (let o = 0; o < outer; o++) {
    for (let i0 = 0; i0 < inner; i0 += bw) {
      const w = Math.min(bw, inner - i0);
      const base = o * size * inner + i0;
      sum.fill(0, 0, w);
      if (log) {
        for (let s = 0; s < size; s++) {
          const p = base + s * inner;
          for (let i = 0; i < w; i++) sum[i] = round(sum[i] + gy[p + i]);
        }
        for (let s = 0; s < size; s++) {
          const p = base + s * inner;
          for (let i = 0; i < w; i++) gx[p + i] = fma(-round(Math.exp(y[p + i])), sum[i], gy[p + i]);
        }
      } else {
        for (let s = 0; s < size; s++) {
          const p = base + s * inner;
          for (let i = 0; i < w; i++) sum[i] = fma(gy[p + i], y[p + i], sum[i]);
        }
        for (let s = 0; s < size; s++) {
          const p = base + s * inner;
          for (let i = 0; i < w; i++) gx[p + i] = round(gy[p + i] - sum[i]) * y[p + i];
        }
      }
    }
  }
}
