/**
 * Spatial transformers' two ops, as PyTorch's CPU kernels compute them: `affineGridGenerator` (the sampling grid of
 * a batch of 2-D or 3-D affine maps, `AffineGridGeneratorBackward0`) and `gridSampler2d` (images sampled at a grid's
 * points, bilinear, nearest or bicubic, with zeros, border or reflection padding, `GridSampler2DBackward0`, whose
 * backward gives the gradients of the input and of the grid).
 */
import { RuntimeError, ValueError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';
import { linspace } from '../creation-ranges.js';
import { cat } from './join.js';
import { checkFloat } from './util.js';
import { cubicWeights } from './upsample.js';
import { arithmeticOf } from '../kernels/fma.js';

/** The base grid's coordinates along one dim: -1 … 1 at pixel corners (aligned) or centres. */
function baseCoordinates(steps: number, alignCorners: boolean, like: Tensor): Tensor {
  if (steps <= 1) return zeros([steps], { dtype: like.dtype });
  const range = linspace(-1, 1, steps, { dtype: like.dtype });
  return alignCorners ? range : range.mul((steps - 1) / steps);
}

/**
 * `affine_grid_generator(theta, size, align_corners)`: for (N, 2, 3) affine maps and an output size [N, C, H, W],
 * the (N, H, W, 2) grid of the points each map sends the base grid's (x, y, 1) to; for (N, 3, 4) maps and a size
 * [N, C, D, H, W], the (N, D, H, W, 3) grid of the images of (x, y, z, 1).
 */
export function affineGridGenerator(theta: Tensor, size: readonly number[], alignCorners: boolean): Tensor {
  if (size.length !== 4 && size.length !== 5) {
    throw new RuntimeError(
      `affine_grid_generator: only 4-D (N, C, H, W) and 5-D (N, C, D, H, W) sizes are supported, got [${size.join(', ')}]`,
    );
  }
  const spatial = size.slice(2);
  const k = spatial.length;
  const N = size[0];
  if (theta.ndim !== 3 || theta.shape[0] !== N || theta.shape[1] !== k || theta.shape[2] !== k + 1) {
    throw new ValueError(
      `Expected a batch of ${k}D affine matrices of shape Nx${k}x${k + 1} for size (${size.join(', ')}). Got torch.Size([${theta.shape.join(', ')}]).`,
    );
  }
  checkFloat(theta, 'affine_grid_generator');
  const points = spatial.reduce((a, b) => a * b, 1);
  // One column per coordinate, x first (the last dim), then a column of ones.
  const base = noGrad(() => {
    const columns = spatial.map((_, j) => {
      const dim = k - 1 - j;
      const shape = spatial.map((s, i) => (i === dim ? s : 1));
      return baseCoordinates(spatial[dim], alignCorners, theta)
        .view([...shape, 1])
        .expand([...spatial, 1]);
    });
    const ones = zeros([...spatial, 1], { dtype: theta.dtype }).add(1);
    return cat([...columns, ones], k)
      .reshape([1, points, k + 1])
      .expand([N, points, k + 1])
      .contiguous();
  });
  const out = noGrad(() => base.bmm(theta.transpose(1, 2)).view([N, ...spatial, k]));
  recordOp('AffineGridGeneratorBackward0', [theta], out, () => ([g]) => [
    base
      .transpose(1, 2)
      .bmm(g.reshape([N, points, k]))
      .transpose(1, 2),
  ]);
  return out;
}

export type GridSampleMode = 'bilinear' | 'nearest' | 'bicubic';
export type GridSamplePadding = 'zeros' | 'border' | 'reflection';

/** A grid coordinate in [-1, 1] as a position along a dim of `size` pixels, and the derivative of the map. */
function unnormalizer(size: number, alignCorners: boolean): (c: number) => [number, number] {
  const scale = alignCorners ? (size - 1) / 2 : size / 2;
  return (c) => [alignCorners ? ((c + 1) / 2) * (size - 1) : ((c + 1) * size - 1) / 2, scale];
}

/**
 * A position moved inside [0, size - 1] as the padding mode does (zeros: left as it is), with the derivative `d`
 * of the position carried along (PyTorch's compute_coordinates).
 */
function padder(
  size: number,
  padding: GridSamplePadding,
  alignCorners: boolean,
): (v: number, d: number) => [number, number] {
  const clip = (v: number, d: number): [number, number] => (v <= 0 ? [0, 0] : v >= size - 1 ? [size - 1, 0] : [v, d]);
  const reflect = (v: number, d: number, lo2: number, hi2: number): [number, number] => {
    if (lo2 === hi2) return [0, 0];
    const min = lo2 / 2;
    const span = (hi2 - lo2) / 2;
    let x = v - min;
    let sign = 1;
    if (x < 0) {
      x = -x;
      sign = -1;
    }
    const flips = Math.floor(x / span);
    const extra = x - flips * span;
    const [out, s] = flips % 2 === 0 ? [extra + min, sign] : [span - extra + min, -sign];
    return [out, d * s];
  };
  return (v, d) => {
    if (padding === 'border') return clip(v, d);
    if (padding === 'reflection')
      return clip(...(alignCorners ? reflect(v, d, 0, 2 * (size - 1)) : reflect(v, d, -1, 2 * size - 1)));
    return [v, d];
  };
}

/** The derivatives of upsample.ts's cubicWeights(t) with respect to t, negated (PyTorch's get_cubic_coefficients_grad). */
function cubicWeightGradients(t: number): number[] {
  const A = -0.75;
  let x = -1 - t;
  const g0 = (-3 * A * x - 10 * A) * x - 8 * A;
  x = -t;
  const g1 = (-3 * (A + 2) * x - 2 * (A + 3)) * x;
  x = 1 - t;
  const g2 = (3 * (A + 2) * x - 2 * (A + 3)) * x;
  x = 2 - t;
  const g3 = (3 * A * x - 10 * A) * x + 8 * A;
  return [g0, g1, g2, g3];
}

/**
 * `grid_sampler_2d(input, grid, mode, padding_mode, align_corners)`: (N, C, H, W) images sampled at the (N, Ho, Wo,
 * 2) grid's (x, y) points in [-1, 1], giving (N, C, Ho, Wo).
 */
export function gridSampler2d(
  input: Tensor,
  grid: Tensor,
  mode: GridSampleMode,
  padding: GridSamplePadding,
  alignCorners: boolean,
): Tensor {
  if (grid.ndim !== 4 || grid.shape[3] !== 2) {
    throw new RuntimeError(
      `grid_sampler(): expected grid to have size 2 in last dimension, but got grid with sizes [${grid.shape.join(', ')}]`,
    );
  }
  if (input.ndim !== 4)
    throw new RuntimeError(`grid_sampler(): expected 4D input, but got input with sizes [${input.shape.join(', ')}]`);
  if (input.shape[0] !== grid.shape[0]) {
    throw new RuntimeError(
      `grid_sampler(): expected grid and input to have same batch size, but got input with sizes [${input.shape.join(', ')}] and grid with sizes [${grid.shape.join(', ')}]`,
    );
  }
  if (input.dtype !== grid.dtype) {
    throw new RuntimeError(
      `grid_sampler(): expected input and grid to have same dtype, but input has ${input.dtype} and grid has ${grid.dtype}`,
    );
  }
  checkFloat(input, 'grid_sampler_2d_cpu');
  const [N, C, H, W] = input.shape;
  const [, Ho, Wo] = grid.shape;
  // The cubic coefficients in the tensors' precision, as PyTorch computes them.
  const { round } = arithmeticOf(input.dtype === 'float32');
  const x = input.contiguousArray();
  const gr = grid.contiguousArray();
  const [unX, unY] = [unnormalizer(W, alignCorners), unnormalizer(H, alignCorners)];
  const [padX, padY] = [padder(W, padding, alignCorners), padder(H, padding, alignCorners)];
  const inBounds = (yy: number, xx: number): boolean => yy >= 0 && yy < H && xx >= 0 && xx < W;
  /**
   * Calls `tap(yy, xx, weight, dWeight/dx, dWeight/dy)` for every source pixel of output point (n, p); returns the
   * derivatives of the source position with respect to the grid's x and y.
   */
  const eachTap = (
    n: number,
    p: number,
    tap: (yy: number, xx: number, w: number, wx: number, wy: number) => void,
  ): [number, number] => {
    const [ux, sx] = unX(gr[(n * Ho * Wo + p) * 2]);
    const [uy, sy] = unY(gr[(n * Ho * Wo + p) * 2 + 1]);
    if (mode === 'bicubic') {
      // The taps, not the point, go through the padding: a point just outside still reads the pixels inside.
      const [x0, y0] = [Math.floor(ux), Math.floor(uy)];
      const [cx, cy] = [cubicWeights(ux - x0, round), cubicWeights(uy - y0, round)];
      const [gx, gy] = [cubicWeightGradients(ux - x0), cubicWeightGradients(uy - y0)];
      for (let j = 0; j < 4; j++) {
        const yy = Math.trunc(padY(y0 - 1 + j, 0)[0]);
        for (let i = 0; i < 4; i++) {
          const xx = Math.trunc(padX(x0 - 1 + i, 0)[0]);
          if (inBounds(yy, xx)) tap(yy, xx, cx[i] * cy[j], -(gx[i] * cy[j]), -(cx[i] * gy[j]));
        }
      }
      return [sx, sy];
    }
    const [ix, dx] = padX(ux, sx);
    const [iy, dy] = padY(uy, sy);
    if (mode === 'nearest') {
      const [xx, yy] = [roundHalfEven(ix), roundHalfEven(iy)];
      if (inBounds(yy, xx)) tap(yy, xx, 1, 0, 0);
      return [dx, dy];
    }
    const [x0, y0] = [Math.floor(ix), Math.floor(iy)];
    const [fx, fy] = [ix - x0, iy - y0];
    const corners: [number, number, number, number, number][] = [
      [y0, x0, (1 - fx) * (1 - fy), -(1 - fy), -(1 - fx)],
      [y0, x0 + 1, fx * (1 - fy), 1 - fy, -fx],
      [y0 + 1, x0, (1 - fx) * fy, -fy, 1 - fx],
      [y0 + 1, x0 + 1, fx * fy, fy, fx],
    ];
    for (const [yy, xx, w, wx, wy] of corners) if (inBounds(yy, xx)) tap(yy, xx, w, wx, wy);
    return [dx, dy];
  };
  const out = zeros([N, C, Ho, Wo], { dtype: input.dtype });
  const o = out._array;
  for (let n = 0; n < N; n++) {
    for (let p = 0; p < Ho * Wo; p++) {
      eachTap(n, p, (yy, xx, w) => {
        for (let c = 0; c < C; c++) o[(n * C + c) * Ho * Wo + p] += w * x[((n * C + c) * H + yy) * W + xx];
      });
    }
  }
  recordOp(
    'GridSampler2DBackward0',
    [input, grid],
    out,
    (_save, needs) =>
      ([g]) =>
        noGrad(() => {
          const gs = g.contiguousArray();
          const gx = zeros([N, C, H, W], { dtype: input.dtype });
          const gg = zeros([N, Ho, Wo, 2], { dtype: grid.dtype });
          const [gxa, gga] = [gx._array, gg._array];
          for (let n = 0; n < N; n++) {
            for (let p = 0; p < Ho * Wo; p++) {
              let [sx, sy] = [0, 0];
              const [dx, dy] = eachTap(n, p, (yy, xx, w, wx, wy) => {
                for (let c = 0; c < C; c++) {
                  const go = gs[(n * C + c) * Ho * Wo + p];
                  const at = ((n * C + c) * H + yy) * W + xx;
                  gxa[at] += w * go;
                  sx += wx * x[at] * go;
                  sy += wy * x[at] * go;
                }
              });
              gga[(n * Ho * Wo + p) * 2] = sx * dx;
              gga[(n * Ho * Wo + p) * 2 + 1] = sy * dy;
            }
          }
          return [needs[0] ? gx : null, needs[1] ? gg : null];
        }),
  );
  return out;
}

/** C's nearbyint: halves to the even neighbour. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
