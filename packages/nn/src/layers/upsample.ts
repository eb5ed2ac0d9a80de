/** `nn.Upsample`: `F.interpolate` as a layer. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import * as F from '../functional/index.js';
import { pyFloat, pyValue } from '../utils/py-format.js';

/** Upsample's options, by PyTorch's keyword names. */
export interface UpsampleOptions {
  /** The output's spatial size. */
  size?: number | [number, number] | null;
  /** The factor of each spatial size. */
  scaleFactor?: number | [number, number] | null;
  /** `'nearest'` (default), `'linear'`, `'bilinear'`, `'bicubic'` or `'area'`. */
  mode?: F.InterpolateMode;
  /** Whether corner pixels align (the interpolating modes only). */
  alignCorners?: boolean | null;
  /** Compute the scale from the output size instead of using `scaleFactor` as given. */
  recomputeScaleFactor?: boolean | null;
}

/**
 * Resamples (N, C, H, W) images to a size or by a factor (`torch.nn.Upsample`).
 *
 * @example
 * ```ts
 * const up = new nn.Upsample({ scaleFactor: 2 });
 * console.log(up);
 * console.log(up.forward(torch.tensor([[[[1, 2], [3, 4]]]], { dtype: 'float32' })));
 * ```
 * ```text
 * Upsample(scale_factor=2.0, mode=nearest)
 * tensor([[[[1., 1., 2., 2.],
 *           [1., 1., 2., 2.],
 *           [3., 3., 4., 4.],
 *           [3., 3., 4., 4.]]]])
 * ```
 */
export class Upsample extends Module {
  /** The output size, or null. */
  readonly size: number | [number, number] | null;
  /** The scale factor, or null. */
  readonly scaleFactor: number | [number, number] | null;
  /** The resampling mode. */
  readonly mode: F.InterpolateMode;
  /** Whether corner pixels align. */
  readonly alignCorners: boolean | null;
  /** Whether the scale is recomputed from the size. */
  readonly recomputeScaleFactor: boolean | null;

  /** `new nn.Upsample({ size, scaleFactor, mode, alignCorners })`, or PyTorch's positional order. */
  constructor(options?: UpsampleOptions);
  constructor(
    size?: number | [number, number] | null,
    scaleFactor?: number | [number, number] | null,
    mode?: F.InterpolateMode,
    alignCorners?: boolean | null,
    recomputeScaleFactor?: boolean | null,
  );
  constructor(...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<UpsampleOptions>(
      'Upsample',
      ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor'],
      args,
      0,
      0,
    );
    this.size = o.size ?? null;
    this.scaleFactor = o.scaleFactor ?? null;
    this.mode = o.mode ?? 'nearest';
    this.alignCorners = o.alignCorners ?? null;
    this.recomputeScaleFactor = o.recomputeScaleFactor ?? null;
  }

  /** Resamples `input`. */
  override forward(input: Tensor): Tensor {
    return F.interpolate(input, {
      size: this.size,
      scaleFactor: this.scaleFactor,
      mode: this.mode,
      alignCorners: this.alignCorners,
      recomputeScaleFactor: this.recomputeScaleFactor,
    });
  }

  /** The size or scale factor, and the mode, as PyTorch prints them. */
  override extraRepr(): string {
    const info =
      this.scaleFactor !== null
        ? `scale_factor=${typeof this.scaleFactor === 'number' ? pyFloat(this.scaleFactor) : `(${this.scaleFactor.map(pyFloat).join(', ')})`}`
        : `size=${pyValue(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
}

type SizeOrScale = { size?: number | [number, number] | null; scaleFactor?: number | [number, number] | null };

/** `new nn.UpsamplingNearest2d(...)`'s and `UpsamplingBilinear2d`'s two arguments, positionally or by name. */
function sizeOrScale(cls: string, args: readonly unknown[]): SizeOrScale {
  return torch.compat.pythonArgs<SizeOrScale>(cls, ['size', 'scaleFactor'], args, 0, 0);
}

/** Nearest-neighbour upsampling of (N, C, H, W) images (`torch.nn.UpsamplingNearest2d`, `Upsample`'s older form). */
export class UpsamplingNearest2d extends Upsample {
  /** `new nn.UpsamplingNearest2d({ size, scaleFactor })`, or `(size, scaleFactor)`. */
  constructor(options?: SizeOrScale);
  constructor(size?: number | [number, number] | null, scaleFactor?: number | [number, number] | null);
  constructor(...args: unknown[]) {
    super({ ...sizeOrScale('UpsamplingNearest2d', args), mode: 'nearest' });
  }
}

/**
 * Bilinear upsampling of (N, C, H, W) images with aligned corners (`torch.nn.UpsamplingBilinear2d`, `Upsample`'s
 * older form: `mode: 'bilinear', alignCorners: true`).
 */
export class UpsamplingBilinear2d extends Upsample {
  /** `new nn.UpsamplingBilinear2d({ size, scaleFactor })`, or `(size, scaleFactor)`. */
  constructor(options?: SizeOrScale);
  constructor(size?: number | [number, number] | null, scaleFactor?: number | [number, number] | null);
  constructor(...args: unknown[]) {
    super({ ...sizeOrScale('UpsamplingBilinear2d', args), mode: 'bilinear', alignCorners: true });
  }
}
