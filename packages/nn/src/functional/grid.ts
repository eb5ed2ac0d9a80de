/** `F.affine_grid` and `F.grid_sample`: the spatial transformer's sampling grid and sampler, with PyTorch's checks. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';

/** Python's text of a size given as a list: `[1, 2, 3, 4]`. */
const list = (size: readonly number[]): string => `[${size.join(', ')}]`;

const ALIGN_WARNING =
  'Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for details.';

export interface AffineGridOptions {
  /** Whether -1 and 1 are the corner pixels' centres (true) or their outer edges (default false, with a warning when not given). */
  alignCorners?: boolean | null;
}

/**
 * `F.affine_grid(theta, size, align_corners=None)`: the sampling grid of the affine maps `theta` for an output of
 * `size`, for `F.gridSample`: (N, H, W, 2) for (N, 2, 3) maps and a size [N, C, H, W], (N, D, H, W, 3) for (N, 3, 4)
 * maps and a size [N, C, D, H, W].
 */
export function affineGrid(theta: Tensor, size: readonly number[], options: AffineGridOptions = {}): Tensor {
  let alignCorners = options.alignCorners ?? null;
  if (alignCorners === null) {
    torch.warnOnce(ALIGN_WARNING);
    alignCorners = false;
  }
  if (!theta.isFloatingPoint())
    throw new torch.ValueError(`Expected theta to have floating point type, but got torch.${theta.dtype}`);
  if (size.length !== 4 && size.length !== 5) {
    throw new torch.NotImplementedError(
      `affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${list(size)}.`,
    );
  }
  const k = size.length - 2;
  if (theta.ndim !== 3 || theta.shape[1] !== k || theta.shape[2] !== k + 1) {
    throw new torch.ValueError(
      `Expected a batch of ${k}D affine matrices of shape Nx${k}x${k + 1} for size ${list(size)}. Got torch.Size([${theta.shape.join(', ')}]).`,
    );
  }
  // As PyTorch, the size is checked only when this warning is not given.
  if (alignCorners && Math.min(...size.slice(2)) === 1) {
    torch.warnOnce(
      'Since version 1.3.0, affine_grid behavior has changed for unit-size grids when align_corners=True. This is not an intended use case of affine_grid. See the documentation of affine_grid for details.',
    );
  } else if (Math.min(...size) <= 0)
    throw new torch.ValueError(`Expected non-zero, positive output size. Got ${list(size)}`);
  return torch._nn.affineGridGenerator(theta, size, alignCorners);
}

export interface GridSampleOptions {
  /** `'bilinear'` (default), `'nearest'` or `'bicubic'` (cubic convolution over 4 × 4 pixels, A = -0.75). */
  mode?: torch.GridSampleMode;
  /** What points outside the input read: `'zeros'` (default), the `'border'` pixels, or a `'reflection'`. */
  paddingMode?: torch.GridSamplePadding;
  /** As `F.affineGrid`'s (default false, with a warning when not given). */
  alignCorners?: boolean | null;
}

/**
 * `F.grid_sample(input, grid, mode='bilinear', padding_mode='zeros', align_corners=None)`: (N, C, H, W) images
 * sampled at the (N, Ho, Wo, 2) grid's (x, y) points, -1 and 1 the images' edges; differentiable in both.
 */
export function gridSample(input: Tensor, grid: Tensor, options: GridSampleOptions = {}): Tensor {
  const { mode = 'bilinear', paddingMode = 'zeros' } = options;
  const modeName: string = mode;
  const paddingName: string = paddingMode;
  if (modeName !== 'bilinear' && modeName !== 'nearest' && modeName !== 'bicubic') {
    throw new torch.ValueError(
      `nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${modeName}'`,
    );
  }
  if (paddingName !== 'zeros' && paddingName !== 'border' && paddingName !== 'reflection') {
    throw new torch.ValueError(
      `nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${paddingName}'`,
    );
  }
  let alignCorners = options.alignCorners ?? null;
  if (alignCorners === null) {
    torch.warnOnce(ALIGN_WARNING);
    alignCorners = false;
  }
  return torch._nn.gridSampler2d(input, grid, mode, paddingMode, alignCorners);
}
