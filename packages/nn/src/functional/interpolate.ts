/**
 * `F.interpolate`: resampling to a size or by a scale factor, PyTorch 1.13's rules and messages, on core's nearest,
 * linear, bilinear and bicubic kernels and, for `'area'`, adaptive average pooling.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { adaptiveAvgPool1d } from './pooling1d.js';

/** The modes Kindling resamples with; PyTorch's 5-D ones (`'trilinear'`, 3-D nearest) are not here. */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'area';

export interface InterpolateOptions {
  /** The output's spatial size: one number or one per spatial dim. */
  size?: number | readonly number[] | null;
  /** The factor of each spatial size: one number or one per spatial dim. */
  scaleFactor?: number | readonly number[] | null;
  /** `'nearest'` (default), `'nearest-exact'`, `'linear'` (3-D), `'bilinear'` or `'bicubic'` (4-D), or `'area'`. */
  mode?: InterpolateMode;
  /** Whether the corner pixels of input and output align (the interpolating modes only; default false). */
  alignCorners?: boolean | null;
  /** Compute the scale from the output size instead of using `scaleFactor` as given. */
  recomputeScaleFactor?: boolean | null;
  /** Only false: Kindling has no anti-aliased resampling. */
  antialias?: boolean;
}

/** The modes whose input rank they need, for PyTorch's "Got 3D input, but bilinear mode needs 4D input". */
const RANK: Partial<Record<string, number>> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 };

/**
 * `F.interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
 * recompute_scale_factor=None, antialias=False)` on (N, C, L) or (N, C, H, W): exactly one of `size` and
 * `scaleFactor`; the output size from a factor is floor(in · factor), and the kernels use the factor as given
 * unless `recomputeScaleFactor`.
 */
export function interpolate(input: Tensor, options: InterpolateOptions = {}): Tensor {
  const { size = null, scaleFactor = null, mode = 'nearest', recomputeScaleFactor = null } = options;
  let alignCorners = options.alignCorners ?? null;
  if (mode === 'nearest' || mode === 'nearest-exact' || mode === 'area') {
    if (alignCorners !== null) {
      throw new torch.ValueError(
        'align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear',
      );
    }
  } else alignCorners ??= false;
  const dim = input.ndim - 2;
  const spatial = input.shape.slice(2);
  let outSize: number[] | null = null;
  let scales: (number | null)[] | null = null;
  if (size !== null && scaleFactor !== null) {
    throw new torch.ValueError('only one of size or scale_factor should be defined');
  } else if (size !== null) {
    if (typeof size !== 'number' && size.length !== dim) {
      throw new torch.ValueError(
        `Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [${spatial.join(', ')}] and output size of [${size.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`,
      );
    }
    outSize = typeof size === 'number' ? new Array<number>(dim).fill(size) : [...size];
  } else if (scaleFactor !== null) {
    if (typeof scaleFactor !== 'number' && scaleFactor.length !== dim) {
      throw new torch.ValueError(
        `Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of [${spatial.join(', ')}] and scale_factor of shape [${scaleFactor.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`,
      );
    }
    scales = typeof scaleFactor === 'number' ? new Array<number>(dim).fill(scaleFactor) : [...scaleFactor];
  } else {
    throw new torch.ValueError('either size or scale_factor should be defined');
  }
  if (recomputeScaleFactor === true && size !== null)
    throw new torch.ValueError('recompute_scale_factor is not meaningful with an explicit size.');
  if (outSize === null) {
    const factors = scales as number[];
    outSize = spatial.map((s, i) => Math.floor(s * factors[i]));
    if (recomputeScaleFactor === true || mode === 'area') scales = null;
  }
  if (options.antialias === true) {
    if (!((mode === 'bilinear' || mode === 'bicubic') && input.ndim === 4))
      throw new torch.ValueError('Anti-alias option is only supported for bilinear and bicubic modes');
    throw new torch.NotImplementedError('Kindling has no anti-aliased resampling (antialias=True)');
  }
  const given = scales ?? new Array<null>(dim).fill(null);
  const aligned = alignCorners ?? false;
  if (input.ndim === 3) {
    if (mode === 'nearest') return torch._nn.upsampleNearest1d(input, outSize, given);
    if (mode === 'nearest-exact') return torch._nn.upsampleNearestExact1d(input, outSize, given);
    if (mode === 'area') return adaptiveAvgPool1d(input, outSize[0]);
    if (mode === 'linear') return torch._nn.upsampleLinear1d(input, outSize, aligned, given);
  }
  if (input.ndim === 4) {
    if (mode === 'nearest') return torch._nn.upsampleNearest2d(input, outSize, given);
    if (mode === 'nearest-exact') return torch._nn.upsampleNearestExact2d(input, outSize, given);
    if (mode === 'area') return torch.adaptiveAvgPool2d(input, outSize);
    if (mode === 'bilinear') return torch._nn.upsampleBilinear2d(input, outSize, aligned, given);
    if (mode === 'bicubic') return torch._nn.upsampleBicubic2d(input, outSize, aligned, given);
  }
  const needs = RANK[mode];
  if (needs !== undefined && input.ndim >= 3 && input.ndim <= 5 && needs !== input.ndim)
    throw new torch.NotImplementedError(`Got ${input.ndim}D input, but ${mode} mode needs ${needs}D input`);
  if (input.ndim === 5) {
    throw new torch.NotImplementedError(
      `interpolate: Kindling does not resample 5-D (N, C, D, H, W) input yet (mode '${String(mode)}')`,
    );
  }
  throw new torch.NotImplementedError(
    `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${String(mode)})`,
  );
}
