/**
 * 2-D resampling of (N, C, H, W) images, as PyTorch's CPU kernels compute it: nearest neighbour
 * (`UpsampleNearest2DBackward1`) and bilinear with or without aligned corners (`UpsampleBilinear2DBackward1`). Each
 * backward spreads the output gradient over the same source pixels with the same weights.
 */
import { RuntimeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { checkFloat, empty, recordLinearMap } from './util.js';

/** Arithmetic in the tensor's precision: float32 rounds each step, as PyTorch's kernel computes in float. */
type Round = (v: number) => number;

const roundFor = (x: Tensor): Round => (x.dtype === 'float32' ? Math.fround : (v) => v);

/** How output index o along one dim reads the input: from `i0` and `i1` with weights `w0` and `w1`. */
interface Tap {
  i0: number;
  i1: number;
  w0: number;
  w1: number;
}

/**
 * The source scale along one dim: `1 / scaleFactor` when the caller gave one (PyTorch keeps it as given), else
 * in / out; with aligned corners, (in - 1) / (out - 1).
 */
function sourceScale(inSize: number, outSize: number, alignCorners: boolean, scaleFactor: number | null): number {
  if (alignCorners) return outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  return scaleFactor !== null && scaleFactor > 0 ? 1 / scaleFactor : inSize / outSize;
}

/** Nearest neighbour: the floor of o · scale (PyTorch's legacy 'nearest'), kept inside the input. */
function nearestTaps(inSize: number, outSize: number, scaleFactor: number | null, round: Round): Tap[] {
  const scale = round(sourceScale(inSize, outSize, false, scaleFactor));
  return Array.from({ length: outSize }, (_, o) => {
    const i = Math.min(Math.floor(round(o * scale)), inSize - 1);
    return { i0: i, i1: i, w0: 1, w1: 0 };
  });
}

/** Linear interpolation between the two source pixels around o's source position (PyTorch's area_pixel rule). */
function linearTaps(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  scaleFactor: number | null,
  round: Round,
): Tap[] {
  const scale = round(sourceScale(inSize, outSize, alignCorners, scaleFactor));
  return Array.from({ length: outSize }, (_, o) => {
    const src = alignCorners ? round(scale * o) : Math.max(round(scale * (o + 0.5) - 0.5), 0);
    const i0 = Math.floor(src);
    const i1 = i0 + (i0 < inSize - 1 ? 1 : 0);
    const w1 = round(src - i0);
    return { i0, i1, w0: round(1 - w1), w1 };
  });
}

/**
 * Visits every output element in order (`at`), with the offsets of its two source rows in the input's storage and
 * its row and column taps.
 */
function eachOutput(
  inShape: readonly number[],
  rows: Tap[],
  cols: Tap[],
  visit: (at: number, r0: number, r1: number, r: Tap, k: Tap) => void,
): void {
  const [n, c, inH, inW] = inShape;
  let at = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inH * inW;
    for (const r of rows) {
      const [r0, r1] = [base + r.i0 * inW, base + r.i1 * inW];
      for (const k of cols) visit(at++, r0, r1, r, k);
    }
  }
}

/** out[n, c, y, x] = Σ of the taps' products. */
function resample(x: Tensor, rows: Tap[], cols: Tap[]): Tensor {
  const src = x.contiguousArray();
  const out = empty([x.shape[0], x.shape[1], rows.length, cols.length], x.dtype);
  const o = out._array;
  eachOutput(x.shape, rows, cols, (at, r0, r1, r, k) => {
    const top = k.w0 * src[r0 + k.i0] + k.w1 * src[r0 + k.i1];
    const bottom = k.w0 * src[r1 + k.i0] + k.w1 * src[r1 + k.i1];
    o[at] = r.w0 * top + r.w1 * bottom;
  });
  return out;
}

/** The adjoint of `resample`: each output gradient added back to its taps with their weights. */
function resampleBackward(g: Tensor, inShape: readonly number[], rows: Tap[], cols: Tap[]): Tensor {
  const gs = g.contiguousArray();
  const gx = empty([...inShape], g.dtype);
  const o = gx._array;
  eachOutput(inShape, rows, cols, (at, r0, r1, r, k) => {
    const v = gs[at];
    o[r0 + k.i0] += r.w0 * k.w0 * v;
    o[r0 + k.i1] += r.w0 * k.w1 * v;
    o[r1 + k.i0] += r.w1 * k.w0 * v;
    o[r1 + k.i1] += r.w1 * k.w1 * v;
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

function checkImages(x: Tensor, op: string): void {
  if (x.ndim !== 4) throw new RuntimeError(`Expected a 4-D (N, C, H, W) input for ${op}, but got ${x.ndim}-D`);
  checkFloat(x, op === 'upsample_nearest2d' ? 'upsample_nearest2d_out_frame' : 'upsample_bilinear2d_out_frame');
}

/** Nearest-neighbour resampling of (N, C, H, W) to `size` ([outH, outW]); `scales` as the caller gave them, if any. */
export function upsampleNearest2d(
  x: Tensor,
  size: readonly number[],
  scales: readonly (number | null)[] = [null, null],
): Tensor {
  checkImages(x, 'upsample_nearest2d');
  const [, , h, w] = x.shape;
  return recorded(
    'UpsampleNearest2DBackward1',
    x,
    nearestTaps(h, size[0], scales[0], roundFor(x)),
    nearestTaps(w, size[1], scales[1], roundFor(x)),
  );
}

/** Bilinear resampling of (N, C, H, W) to `size`, corners aligned or not. */
export function upsampleBilinear2d(
  x: Tensor,
  size: readonly number[],
  alignCorners: boolean,
  scales: readonly (number | null)[] = [null, null],
): Tensor {
  checkImages(x, 'upsample_bilinear2d');
  const [, , h, w] = x.shape;
  return recorded(
    'UpsampleBilinear2DBackward1',
    x,
    linearTaps(h, size[0], alignCorners, scales[0], roundFor(x)),
    linearTaps(w, size[1], alignCorners, scales[1], roundFor(x)),
  );
}
