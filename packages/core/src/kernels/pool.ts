/**
 * 2-D pooling loops over contiguous arrays of `planes` planes (N·C) of H x W inputs and OH x OW outputs.
 * Window rules, tie-breaking and NaN handling follow PyTorch's CPU kernels: a max window starts at its first
 * in-input element, takes a later element when it is strictly greater or NaN (so the last NaN wins), and
 * indices are flat positions h·W + w within the input plane.
 */
import type { TypedArray } from '../dtype.js';
import type { WindowGeometry } from './window.js';

/** Pooling over `planes` (N·C) planes. */
export interface PoolGeometry extends WindowGeometry {
  planes: number;
}

/**
 * PyTorch's pooling output size: floor (or ceil) of (size + 2·pad − dilation·(kernel − 1) − 1) / stride, plus 1;
 * with ceilMode, a last window that would start past the input and its left padding is dropped.
 */
export function poolOutputSize(
  size: number,
  kernel: number,
  pad: number,
  stride: number,
  dilation: number,
  ceilMode: boolean,
): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

/**
 * The windows of a pooling, the same for every plane: per output position o, the window's rows [h0, h1) and
 * columns [w0, w1) clipped to the input (empty where a window lies in the padding only) at bounds[4o..4o+3], and
 * what an average over it divides by.
 */
/** Each output's window, rows [h0, h1) and columns [w0, w1) as four i32s, and its divisor. */
export interface Windows {
  bounds: Int32Array;
  divisors: Float64Array;
}

/** Max pooling's windows: each starts at its first in-input element along the dilation steps (no divisors). */
function maxWindows(g: PoolGeometry): Windows {
  const { H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw } = g;
  const bounds = new Int32Array(OH * OW * 4);
  let o = 0;
  for (let oh = 0; oh < OH; oh++) {
    let h0 = oh * sh - ph;
    const h1 = Math.min(h0 + (kh - 1) * dh + 1, H);
    while (h0 < 0) h0 += dh;
    for (let ow = 0; ow < OW; ow++, o++) {
      let w0 = ow * sw - pw;
      const w1 = Math.min(w0 + (kw - 1) * dw + 1, W);
      while (w0 < 0) w0 += dw;
      bounds.set([h0, h1, w0, w1], 4 * o);
    }
  }
  return { bounds, divisors: new Float64Array(0) };
}

/**
 * The max of each window of each plane (stepping `dh` rows and `dw` columns), and its flat position in the plane
 * when `indices` is given.
 */
function maxOverWindows(
  x: TypedArray,
  planes: number,
  H: number,
  W: number,
  { bounds }: Windows,
  dh: number,
  dw: number,
  out: TypedArray,
  indices: TypedArray | null,
): void {
  const OHW = bounds.length / 4;
  for (let p = 0; p < planes; p++) {
    const xb = p * H * W;
    for (let o = 0, at = p * OHW; o < OHW; o++, at++) {
      const h0 = bounds[4 * o];
      const h1 = bounds[4 * o + 1];
      const w0 = bounds[4 * o + 2];
      const w1 = bounds[4 * o + 3];
      let maxIndex = h0 * W + w0;
      let maxValue = -Infinity;
      for (let ih = h0; ih < h1; ih += dh) {
        const row = ih * W;
        for (let iw = w0; iw < w1; iw += dw) {
          const v = x[xb + row + iw];
          if (v > maxValue || v !== v) {
            maxValue = v;
            maxIndex = row + iw;
          }
        }
      }
      out[at] = maxValue;
      if (indices !== null) indices[at] = maxIndex;
    }
  }
}

/**
 * Average pooling over the windows of each plane, or its gradient. 'forward': each window's sum over its divisor
 * (truncated toward zero when `integral`) into `dst`; 'backward': each output gradient of `src` over its divisor,
 * added to every element of its window of `dst`, which is zeroed first.
 */
function averageOverWindows(
  direction: 'forward' | 'backward',
  src: TypedArray,
  planes: number,
  H: number,
  W: number,
  { bounds, divisors }: Windows,
  integral: boolean,
  dst: TypedArray,
): void {
  if (direction === 'backward') dst.fill(0);
  const OHW = divisors.length;
  for (let p = 0; p < planes; p++) {
    const xb = p * H * W;
    const ob = p * OHW;
    for (let o = 0; o < OHW; o++) {
      const b = 4 * o;
      if (direction === 'forward') {
        const s = windowSum(src, xb, W, bounds[b], bounds[b + 1], bounds[b + 2], bounds[b + 3]);
        dst[ob + o] = integral ? Math.trunc(s / divisors[o]) : s / divisors[o];
      } else {
        addToWindow(dst, xb, W, bounds[b], bounds[b + 1], bounds[b + 2], bounds[b + 3], src[ob + o] / divisors[o]);
      }
    }
  }
}

/** The sum of rows [h0, h1) and columns [w0, w1) of the plane at `xb`, row by row. */
function windowSum(x: TypedArray, xb: number, W: number, h0: number, h1: number, w0: number, w1: number): number {
  let s = 0;
  for (let ih = h0; ih < h1; ih++) {
    const row = xb + ih * W;
    for (let iw = w0; iw < w1; iw++) s += x[row + iw];
  }
  return s;
}

/** Adds v to rows [h0, h1) and columns [w0, w1) of the plane at `xb`. */
function addToWindow(
  gx: TypedArray,
  xb: number,
  W: number,
  h0: number,
  h1: number,
  w0: number,
  w1: number,
  v: number,
): void {
  for (let ih = h0; ih < h1; ih++) {
    const row = xb + ih * W;
    for (let iw = w0; iw < w1; iw++) gx[row + iw] += v;
  }
}

/** Max pooling; `indices` (flat positions in the plane) may be null when nobody needs them. */
export function maxPool2dForward(x: TypedArray, g: PoolGeometry, out: TypedArray, indices: TypedArray | null): void {
  maxOverWindows(x, g.planes, g.H, g.W, maxWindows(g), g.dh, g.dw, out, indices);
}

/** Adds each output gradient into the input position its index names (max and adaptive max pooling). */
export function maxPool2dBackward(
  gy: TypedArray,
  indices: TypedArray,
  planes: number,
  HW: number,
  OHW: number,
  gx: TypedArray,
): void {
  gx.fill(0);
  for (let p = 0; p < planes; p++) {
    const xb = p * HW;
    const ob = p * OHW;
    for (let o = 0; o < OHW; o++) gx[xb + indices[ob + o]] += gy[ob + o];
  }
}

export interface AvgPoolMode {
  countIncludePad: boolean;
  /** 0 when not given. */
  divisorOverride: number;
  /** Integer storage: PyTorch divides with truncation. */
  integral: boolean;
}

/** Average pooling's windows, with the divisor the mode asks for (1 for a window in the padding only). */
export function avgWindows(g: PoolGeometry, mode: AvgPoolMode): Windows {
  const { H, W, OH, OW, kh, kw, sh, sw, ph, pw } = g;
  const bounds = new Int32Array(OH * OW * 4);
  const divisors = new Float64Array(OH * OW).fill(1);
  let o = 0;
  for (let oh = 0; oh < OH; oh++) {
    const h0p = oh * sh - ph;
    const h1p = Math.min(h0p + kh, H + ph);
    const h0 = Math.max(h0p, 0);
    const h1 = Math.min(h1p, H);
    for (let ow = 0; ow < OW; ow++, o++) {
      const w0p = ow * sw - pw;
      const w1p = Math.min(w0p + kw, W + pw);
      const w0 = Math.max(w0p, 0);
      const w1 = Math.min(w1p, W);
      if (h0 >= h1 || w0 >= w1) continue;
      bounds.set([h0, h1, w0, w1], 4 * o);
      divisors[o] =
        mode.divisorOverride !== 0
          ? mode.divisorOverride
          : mode.countIncludePad
            ? (h1p - h0p) * (w1p - w0p)
            : (h1 - h0) * (w1 - w0);
    }
  }
  return { bounds, divisors };
}

export function avgPool2dForward(x: TypedArray, g: PoolGeometry, mode: AvgPoolMode, out: TypedArray): void {
  averageOverWindows('forward', x, g.planes, g.H, g.W, avgWindows(g, mode), mode.integral, out);
}

export function avgPool2dBackward(gy: TypedArray, g: PoolGeometry, mode: AvgPoolMode, gx: TypedArray): void {
  averageOverWindows('backward', gy, g.planes, g.H, g.W, avgWindows(g, mode), mode.integral, gx);
}

/** Adaptive windows along one dim: [floor(o·I/O), ceil((o+1)·I/O)) for each output o. */
export function adaptiveBounds(inSize: number, outSize: number): Int32Array {
  const b = new Int32Array(outSize * 2);
  for (let o = 0; o < outSize; o++) {
    b[2 * o] = Math.floor((o * inSize) / outSize);
    b[2 * o + 1] = Math.ceil(((o + 1) * inSize) / outSize);
  }
  return b;
}

/** Adaptive pooling's windows (adaptiveBounds along each dim), each divided by its size. */
export function adaptiveWindows(H: number, W: number, OH: number, OW: number): Windows {
  const bh = adaptiveBounds(H, OH);
  const bw = adaptiveBounds(W, OW);
  const bounds = new Int32Array(OH * OW * 4);
  const divisors = new Float64Array(OH * OW);
  for (let oh = 0, o = 0; oh < OH; oh++) {
    const h0 = bh[2 * oh];
    const h1 = bh[2 * oh + 1];
    for (let ow = 0; ow < OW; ow++, o++) {
      const w0 = bw[2 * ow];
      const w1 = bw[2 * ow + 1];
      bounds.set([h0, h1, w0, w1], 4 * o);
      divisors[o] = (h1 - h0) * (w1 - w0);
    }
  }
  return { bounds, divisors };
}

/** An adaptive average pooling or its gradient: `planes` planes between H x W and OH x OW. */
type AdaptiveAverage = (
  src: TypedArray,
  planes: number,
  H: number,
  W: number,
  OH: number,
  OW: number,
  dst: TypedArray,
) => void;

export const adaptiveAvgPool2dForward: AdaptiveAverage = (x, planes, H, W, OH, OW, out) =>
  averageOverWindows('forward', x, planes, H, W, adaptiveWindows(H, W, OH, OW), false, out);

export const adaptiveAvgPool2dBackward: AdaptiveAverage = (gy, planes, H, W, OH, OW, gx) =>
  averageOverWindows('backward', gy, planes, H, W, adaptiveWindows(H, W, OH, OW), false, gx);

export function adaptiveMaxPool2dForward(
  x: TypedArray,
  planes: number,
  H: number,
  W: number,
  OH: number,
  OW: number,
  out: TypedArray,
  indices: TypedArray | null,
): void {
  maxOverWindows(x, planes, H, W, adaptiveWindows(H, W, OH, OW), 1, 1, out, indices);
}
