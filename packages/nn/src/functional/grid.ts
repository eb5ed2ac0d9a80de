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
 * `F.affine_grid(theta, size, align_corners=None)`: the (N, H, W, 2) sampling grid of the (N, 2, 3) affine maps
 * `theta` for an output of `size` [N, C, H, W], for `F.gridSample`.
 */
export function affineGrid(theta: Tensor, size: readonly number[], options: AffineGridOptions = {}): Tensor {
  let alignCorners = options.alignCorners ?? null;
  if (alignCorners === null) {
    torch.warnOnce(ALIGN_WARNING);
    alignCorners = false;
  }
  if (!theta.isFloatingPoint())
    throw new torch.ValueError(`Expected theta to have floating point type, but got torch.${theta.dtype}`);
  if (size.length === 5)
    throw new torch.NotImplementedError('affine_grid: Kindling has no 3-D affine grids (5-D sizes) yet');
  if (size.length !== 4) {
    throw new torch.NotImplementedError(
      `affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${list(size)}.`,
    );
  }
  if (theta.ndim !== 3 || theta.shape[1] !== 2 || theta.shape[2] !== 3) {
    throw new torch.ValueError(
      `Expected a batch of 2D affine matrices of shape Nx2x3 for size ${list(size)}. Got torch.Size([${theta.shape.join(', ')}]).`,
    );
  }
  if (Math.min(...size) <= 0) throw new torch.ValueError(`Expected non-zero, positive output size. Got ${list(size)}`);
  return torch._nn.affineGridGenerator(theta, size, alignCorners);
}

export interface GridSampleOptions {
  /** `'bilinear'` (default) or `'nearest'`. */
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
  if (modeName === 'bicubic') throw new torch.NotImplementedError("grid_sample: Kindling has no 'bicubic' mode yet");
  let alignCorners = options.alignCorners ?? null;
  if (alignCorners === null) {
    torch.warnOnce(ALIGN_WARNING);
    alignCorners = false;
  }
  return torch._nn.gridSampler2d(input, grid, mode, paddingMode, alignCorners);
}
