/**
 * Resampling of (N, C, L) signals and (N, C, H, W) images, as PyTorch's CPU kernels compute it: nearest neighbour
 * (`UpsampleNearest1DBackward1`, `UpsampleNearest2DBackward1`), linear and bilinear with or without aligned corners
 * (`UpsampleLinear1DBackward1`, `UpsampleBilinear2DBackward1`) and bicubic (`UpsampleBicubic2DBackward1`). Each is
 * separable: an output reads a few taps along each dim, the sum over rows of the sums over columns, in PyTorch's
 * order; each backward spreads the output gradient over the same taps with the same weights.
 */
import { RuntimeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { checkFloat, empty, recordLinearMap } from './util.js';
import { type Arithmetic, arithmeticOf } from '../kernels/fma.js';

/** Arithmetic in the tensor's precision: float32 rounds each step, as PyTorch's kernel computes in float. */
type Round = Arithmetic['round'];

/** How output index o along one dim reads the input: the source indices and their weights. */
interface Tap {
  idx: number[];
  w: number[];
}

/** The one tap of a dim that is not resampled (the height of a 1-D signal). */
const IDENTITY: Tap[] = [{ idx: [0], w: [1] }];

/**
 * The source scale along one dim: `1 / scaleFactor` when the caller gave one (PyTorch keeps it as given), else
 * in / out; with aligned corners, (in - 1) / (out - 1).
 */
function sourceScale(inSize: number, outSize: number, alignCorners: boolean, scaleFactor: number | null): number {
  if (alignCorners) return outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  return scaleFactor !== null && scaleFactor > 0 ? 1 / scaleFactor : inSize / outSize;
}

/**
 * Nearest neighbour, a copy: the floor of o · scale (PyTorch's legacy 'nearest'), or with `exact` of (o + 0.5) ·
 * scale (the pixel whose centre is nearest, 'nearest-exact'), kept inside the input.
 */
function nearestTaps(inSize: number, outSize: number, scaleFactor: number | null, round: Round, exact = false): Tap[] {
  const scale = round(sourceScale(inSize, outSize, false, scaleFactor));
  return Array.from({ length: outSize }, (_, o) => ({
    idx: [Math.min(Math.floor(round((exact ? o + 0.5 : o) * scale)), inSize - 1)],
    w: [1],
  }));
}

/** An interpolation's taps along one dim (`scaleFactor` as the caller gave it, if any). */
type InterpolationTaps = (
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  scaleFactor: number | null,
  round: Round,
) => Tap[];

/** Linear interpolation between the two source pixels around o's source position (PyTorch's area_pixel rule). */
const linearTaps: InterpolationTaps = (inSize, outSize, alignCorners, scaleFactor, round) => {
  const scale = round(sourceScale(inSize, outSize, alignCorners, scaleFactor));
  return Array.from({ length: outSize }, (_, o) => {
    const src = alignCorners ? round(scale * o) : Math.max(round(scale * (o + 0.5) - 0.5), 0);
    const i0 = Math.floor(src);
    const w1 = round(src - i0);
    return { idx: [i0, i0 + (i0 < inSize - 1 ? 1 : 0)], w: [round(1 - w1), w1] };
  });
};

/**
 * Bicubic (Keys, A = -0.75): the four source pixels around o's source position (not clamped at 0, as PyTorch's
 * cubic rule), indices kept inside the input, the coefficients computed in the tensor's precision.
 */
const cubicTaps: InterpolationTaps = (inSize, outSize, alignCorners, scaleFactor, round) => {
  const scale = round(sourceScale(inSize, outSize, alignCorners, scaleFactor));
  return Array.from({ length: outSize }, (_, o) => {
    const src = alignCorners ? round(scale * o) : round(round(scale * (o + 0.5)) - 0.5);
    const i = Math.min(Math.floor(src), inSize - 1);
    const t = Math.min(Math.max(round(src - i), 0), 1);
    const clampIndex = (k: number): number => Math.max(Math.min(k, inSize - 1), 0);
    return {
      idx: [clampIndex(i - 1), clampIndex(i), clampIndex(i + 1), clampIndex(i + 2)],
      w: cubicWeights(t, round),
    };
  });
};

/**
 * Keys' cubic convolution (A = -0.75): the weights of the four taps at t - 1, t, t + 1 and t + 2 for a position t in
 * [0, 1] past the second, each step rounded by `round` (the tensor's precision), as PyTorch's get_cubic_coefficients.
 */
export function cubicWeights(t: number, round: (v: number) => number): number[] {
  const A = -0.75;
  // cubic_convolution1 and 2: ((A + 2) x - (A + 3)) x² + 1 and ((A x - 5A) x + 8A) x - 4A, rounded at each step.
  const near = (x: number): number => round(round(round(round(round((A + 2) * x) - (A + 3)) * x) * x) + 1);
  const far = (x: number): number => round(round(round(round(round(round(A * x) - 5 * A) * x) + 8 * A) * x) - 4 * A);
  const u = round(1 - t);
  return [far(round(t + 1)), near(t), near(u), far(round(u + 1))];
}

/** A (N, C, L) shape as the (N, C, 1, L) image it is resampled as. */
function lift(shape: readonly number[]): readonly number[] {
  return shape.length === 3 ? [shape[0], shape[1], 1, shape[2]] : shape;
}

/** Calls `visit(at, rowBase, r, k)` for every output element in order, `rowBase` the plane's offset. */
function eachOutput(
  inShape: readonly number[],
  rows: Tap[],
  cols: Tap[],
  visit: (at: number, base: number, r: Tap, k: Tap) => void,
): void {
  const [n, c, inH, inW] = lift(inShape);
  let at = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inH * inW;
    for (const r of rows) for (const k of cols) visit(at++, base, r, k);
  }
}

/** The output's shape: the input's, its spatial sizes the taps'. */
function outShape(inShape: readonly number[], rows: Tap[], cols: Tap[]): number[] {
  const [n, c] = inShape;
  return inShape.length === 3 ? [n, c, cols.length] : [n, c, rows.length, cols.length];
}

/** out = Σ over row taps of w_r · (Σ over column taps of w_k · x), each sum in tap order, as PyTorch's loop. */
function resample(x: Tensor, rows: Tap[], cols: Tap[]): Tensor {
  const src = x.contiguousArray();
  const inW = lift(x.shape)[3];
  const out = empty(outShape(x.shape, rows, cols), x.dtype);
  const o = out._array;
  eachOutput(x.shape, rows, cols, (at, base, r, k) => {
    let sum = 0;
    for (let a = 0; a < r.idx.length; a++) {
      const row = base + r.idx[a] * inW;
      let t = k.w[0] * src[row + k.idx[0]];
      for (let b = 1; b < k.idx.length; b++) t += k.w[b] * src[row + k.idx[b]];
      sum = a === 0 ? r.w[0] * t : sum + r.w[a] * t;
    }
    o[at] = sum;
  });
  return out;
}

/** The adjoint of `resample`: each output gradient added back to its taps with their weights. */
function resampleBackward(g: Tensor, inShape: readonly number[], rows: Tap[], cols: Tap[]): Tensor {
  const gs = g.contiguousArray();
  const inW = lift(inShape)[3];
  const gx = empty([...inShape], g.dtype);
  const o = gx._array;
  eachOutput(inShape, rows, cols, (at, base, r, k) => {
    const v = gs[at];
    for (let a = 0; a < r.idx.length; a++) {
      const row = base + r.idx[a] * inW;
      for (let b = 0; b < k.idx.length; b++) o[row + k.idx[b]] += r.w[a] * k.w[b] * v;
    }
  });
  return gx;
}

/** The resampling recorded as `node` (a linear map: its backward spreads the gradient over the same taps). */
function recorded(node: string, x: Tensor, rows: Tap[], cols: Tap[]): Tensor {
  const inShape = x.shape;
  return recordLinearMap(
    node,
    node.replace('Backward1', 'BackwardBackward1'),
    x,
    resample(x, rows, cols),
    (t) => resample(t, rows, cols),
    (g) => resampleBackward(g, inShape, rows, cols),
  );
}

function checkRank(x: Tensor, rank: 3 | 4, op: string, kernel: string): void {
  const layout = rank === 3 ? '3-D (N, C, L)' : '4-D (N, C, H, W)';
  if (x.ndim !== rank) throw new RuntimeError(`Expected a ${layout} input for ${op}, but got ${x.ndim}-D`);
  checkFloat(x, kernel);
}

/** One dim's taps for `size` outputs from `inSize` inputs; `dim` indexes the resampled dims (and the scales). */
type TapsOf = (inSize: number, outSize: number, dim: number, round: Round) => Tap[];

/**
 * (N, C, L) when `rank` is 3, else (N, C, H, W), resampled to `size` with the taps `taps` gives each resampled dim,
 * recorded as `node`.
 */
function resampled(x: Tensor, rank: 3 | 4, op: string, node: string, size: readonly number[], taps: TapsOf): Tensor {
  checkRank(x, rank, op, `${op}_out_frame`);
  const { round } = arithmeticOf(x.dtype === 'float32');
  if (rank === 3) return recorded(node, x, IDENTITY, taps(x.shape[2], size[0], 0, round));
  const [, , h, w] = x.shape;
  return recorded(node, x, taps(h, size[0], 0, round), taps(w, size[1], 1, round));
}

/** A resampling to `size` (one output size a resampled dim); `scales` as the caller gave them, if any. */
export type Resampling = (x: Tensor, size: readonly number[], scales?: readonly (number | null)[]) => Tensor;

/** A resampling that interpolates, its corners aligned or not. */
export type Interpolation = (
  x: Tensor,
  size: readonly number[],
  alignCorners: boolean,
  scales?: readonly (number | null)[],
) => Tensor;

/** Nearest-neighbour resampling (`exact`: 'nearest-exact') of rank-`rank` input, as PyTorch's `op`. */
function nearest(rank: 3 | 4, op: string, node: string, exact: boolean): Resampling {
  return (x, size, scales = [null, null]) =>
    resampled(x, rank, op, node, size, (i, o, d, round) => nearestTaps(i, o, scales[d], round, exact));
}

/** Resampling of rank-`rank` input with `taps` (linear or cubic), as PyTorch's `op`. */
function interpolated(rank: 3 | 4, op: string, node: string, taps: InterpolationTaps): Interpolation {
  return (x, size, alignCorners, scales = [null, null]) =>
    resampled(x, rank, op, node, size, (i, o, d, round) => taps(i, o, alignCorners, scales[d], round));
}

/** Nearest-neighbour resampling of (N, C, H, W) to `size` ([outH, outW]). */
export const upsampleNearest2d = nearest(4, 'upsample_nearest2d', 'UpsampleNearest2DBackward1', false);

/** 'nearest-exact' resampling of (N, C, H, W) to `size`: each output reads the input pixel whose centre is nearest. */
export const upsampleNearestExact2d = nearest(4, '_upsample_nearest_exact2d', 'UpsampleNearestExact2DBackward1', true);

/** Bilinear resampling of (N, C, H, W) to `size`, corners aligned or not. */
export const upsampleBilinear2d = interpolated(4, 'upsample_bilinear2d', 'UpsampleBilinear2DBackward1', linearTaps);

/** Bicubic resampling of (N, C, H, W) to `size`, corners aligned or not (values may overshoot the input's range). */
export const upsampleBicubic2d = interpolated(4, 'upsample_bicubic2d', 'UpsampleBicubic2DBackward1', cubicTaps);

/** Nearest-neighbour resampling of (N, C, L) to `size` ([outL]). */
export const upsampleNearest1d = nearest(3, 'upsample_nearest1d', 'UpsampleNearest1DBackward1', false);

/** 'nearest-exact' resampling of (N, C, L) to `size` ([outL]). */
export const upsampleNearestExact1d = nearest(3, '_upsample_nearest_exact1d', 'UpsampleNearestExact1DBackward1', true);

/** Linear resampling of (N, C, L) to `size` ([outL]), corners aligned or not. */
export const upsampleLinear1d = interpolated(3, 'upsample_linear1d', 'UpsampleLinear1DBackward1', linearTaps);
