/**
 * Spatial transformers' two ops, as PyTorch's CPU kernels compute them: `affineGridGenerator` (the sampling grid of
 * a batch of 2-D affine maps, `AffineGridGeneratorBackward0`) and `gridSampler2d` (images sampled at a grid's
 * points, bilinear or nearest, with zeros, border or reflection padding, `GridSampler2DBackward0`, whose backward
 * gives the gradients of the input and of the grid).
 */
import { RuntimeError, ValueError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';
import { linspace } from '../creation-ranges.js';
import { cat } from './join.js';
import { checkFloat } from './util.js';

/** The base grid's coordinates along one dim: -1 … 1 at pixel corners (aligned) or centres. */
function baseCoordinates(steps: number, alignCorners: boolean, like: Tensor): Tensor {
  if (steps <= 1) return zeros([steps], { dtype: like.dtype });
  const range = linspace(-1, 1, steps, { dtype: like.dtype });
  return alignCorners ? range : range.mul((steps - 1) / steps);
}

/**
 * `affine_grid_generator(theta, size, align_corners)`: for (N, 2, 3) affine maps and an output size [N, C, H, W],
 * the (N, H, W, 2) grid of the points each map sends the base grid's (x, y, 1) to.
 */
export function affineGridGenerator(theta: Tensor, size: readonly number[], alignCorners: boolean): Tensor {
  if (size.length !== 4) {
    throw new RuntimeError(
      `affine_grid_generator: only 4-D sizes (N, C, H, W) are supported here, got [${size.join(', ')}]`,
    );
  }
  const [N, , H, W] = size;
  if (theta.ndim !== 3 || theta.shape[0] !== N || theta.shape[1] !== 2 || theta.shape[2] !== 3) {
    throw new ValueError(
      `Expected a batch of 2D affine matrices of shape Nx2x3 for size (${size.join(', ')}). Got torch.Size([${theta.shape.join(', ')}]).`,
    );
  }
  checkFloat(theta, 'affine_grid_generator');
  const base = noGrad(() => {
    const xs = baseCoordinates(W, alignCorners, theta).view([1, W, 1]).expand([H, W, 1]);
    const ys = baseCoordinates(H, alignCorners, theta).view([H, 1, 1]).expand([H, W, 1]);
    const ones = zeros([H, W, 1], { dtype: theta.dtype }).add(1);
    return cat([xs, ys, ones], 2)
      .reshape([1, H * W, 3])
      .expand([N, H * W, 3])
      .contiguous();
  });
  const out = noGrad(() => base.bmm(theta.transpose(1, 2)).view([N, H, W, 2]));
  recordOp('AffineGridGeneratorBackward0', [theta], out, () => ([g]) => [
    base
      .transpose(1, 2)
      .bmm(g.reshape([N, H * W, 2]))
      .transpose(1, 2),
  ]);
  return out;
}

export type GridSampleMode = 'bilinear' | 'nearest';
export type GridSamplePadding = 'zeros' | 'border' | 'reflection';

/** How one grid coordinate maps to a source position, and its derivative (PyTorch's compute_coordinates). */
function sourcer(size: number, padding: GridSamplePadding, alignCorners: boolean): (c: number) => [number, number] {
  const scale = alignCorners ? (size - 1) / 2 : size / 2;
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
  return (c) => {
    let v = alignCorners ? ((c + 1) / 2) * (size - 1) : ((c + 1) * size - 1) / 2;
    let d = scale;
    if (padding === 'border') [v, d] = clip(v, d);
    else if (padding === 'reflection') {
      [v, d] = alignCorners ? reflect(v, d, 0, 2 * (size - 1)) : reflect(v, d, -1, 2 * size - 1);
      [v, d] = clip(v, d);
    }
    return [v, d];
  };
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
  const x = input.contiguousArray();
  const gr = grid.contiguousArray();
  const toX = sourcer(W, padding, alignCorners);
  const toY = sourcer(H, padding, alignCorners);
  const inBounds = (yy: number, xx: number): boolean => yy >= 0 && yy < H && xx >= 0 && xx < W;
  /** Calls `tap(n, yy, xx, weight, dWeight/dx, dWeight/dy)` for every source pixel of output point (n, p). */
  const eachTap = (
    n: number,
    p: number,
    tap: (yy: number, xx: number, w: number, wx: number, wy: number) => void,
  ): [number, number] => {
    const [ix, dx] = toX(gr[(n * Ho * Wo + p) * 2]);
    const [iy, dy] = toY(gr[(n * Ho * Wo + p) * 2 + 1]);
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
