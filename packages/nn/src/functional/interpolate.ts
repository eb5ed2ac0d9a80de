/** `F.interpolate`: resampling to a size or by a scale factor, on core's 2-D nearest and bilinear kernels. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';

export interface InterpolateOptions {
  /** The output's spatial size: one number or `[h, w]`. */
  size?: number | readonly number[] | null;
  /** The factor of each spatial size: one number or `[h, w]`. */
  scaleFactor?: number | readonly number[] | null;
  /** `'nearest'` (default) or `'bilinear'`. */
  mode?: 'nearest' | 'bilinear';
  /** Whether the corner pixels of input and output align (bilinear only; default false). */
  alignCorners?: boolean | null;
  /** Compute the scale from the output size instead of using `scaleFactor` as given. */
  recomputeScaleFactor?: boolean | null;
}

/** `[h, w]` from one number or a pair. */
function pairOf(v: number | readonly number[]): number[] {
  return typeof v === 'number' ? [v, v] : [...v];
}

/**
 * `F.interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
 * recompute_scale_factor=None)` on (N, C, H, W): exactly one of `size` and `scaleFactor`; the output size from a
 * factor is floor(in · factor), and the kernels use the factor as given unless `recomputeScaleFactor`.
 */
export function interpolate(input: Tensor, options: InterpolateOptions = {}): Tensor {
  const {
    size = null,
    scaleFactor = null,
    mode = 'nearest',
    alignCorners = null,
    recomputeScaleFactor = null,
  } = options;
  if (mode === 'nearest' && alignCorners !== null) {
    throw new torch.ValueError(
      'align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear',
    );
  }
  if (size !== null && scaleFactor !== null)
    throw new torch.ValueError('only one of size or scale_factor should be defined');
  if (size === null && scaleFactor === null)
    throw new torch.ValueError('either size or scale_factor should be defined');
  if (input.ndim !== 4 || (mode !== 'nearest' && mode !== 'bilinear')) {
    throw new torch.RuntimeError(
      `interpolate supports 4-D (N, C, H, W) input with mode 'nearest' or 'bilinear', not ${input.ndim}-D input with mode '${String(mode)}'`,
    );
  }
  const [h, w] = [input.shape[2], input.shape[3]];
  const factors = scaleFactor === null ? null : pairOf(scaleFactor);
  const outSize =
    size !== null ? pairOf(size) : [Math.floor(h * (factors as number[])[0]), Math.floor(w * (factors as number[])[1])];
  const scales = factors === null || recomputeScaleFactor === true ? [null, null] : factors;
  if (mode === 'nearest') return torch._nn.upsampleNearest2d(input, outSize, scales);
  return torch._nn.upsampleBilinear2d(input, outSize, alignCorners ?? false, scales);
}
