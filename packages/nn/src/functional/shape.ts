/** Shape helpers of nn.functional: `F.pad`, `torch.flatten`, `F.pixelShuffle`, `F.pixelUnshuffle`, `F.unfold` and `F.fold`. */
import type { Tensor } from '@kindling/core';
import * as torch from '@kindling/core';

export interface PadOptions {
  /** `'constant'` (default), `'reflect'`, `'replicate'` or `'circular'`. */
  mode?: 'constant' | 'reflect' | 'replicate' | 'circular';
  /** The fill value of constant padding (default 0). */
  value?: number;
}

/**
 * `F.pad(input, pad, mode='constant', value=0)`: `pad` lists (before, after) pairs starting from the last dim.
 * Constant padding takes any number of dims (negative amounts crop); the other modes pad the last 1, 2 or 3 dims of
 * a batched or unbatched input.
 */
export function pad(input: Tensor, padding: readonly number[], options: PadOptions = {}): Tensor {
  const mode = options.mode ?? 'constant';
  if (mode === 'constant') return torch.constantPadNd(input, padding, options.value ?? 0);
  if (mode !== 'reflect' && mode !== 'replicate' && mode !== 'circular')
    throw new torch.NotImplementedError(`Unrecognised padding mode ${String(mode)}`);
  if ((options.value ?? 0) !== 0) throw new torch.RuntimeError(`Padding mode "${mode}" doesn't take in value argument`);
  return torch._nn.padNonConstant(input, padding, mode);
}

/** `torch.flatten(input, start_dim=0, end_dim=-1)`. */
export function flatten(input: Tensor, startDim = 0, endDim = -1): Tensor {
  return input.flatten(startDim, endDim);
}

/** `F.pixel_shuffle(input, upscale_factor)`: (*, C·r², H, W) to (*, C, H·r, W·r). */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  return torch._nn.pixelShuffle(input, upscaleFactor);
}

/** `F.pixel_unshuffle(input, downscale_factor)`: (*, C, H·r, W·r) to (*, C·r², H, W). */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  return torch._nn.pixelUnshuffle(input, downscaleFactor);
}

/** A size for both spatial dims: one number, or `[h, w]`. */
type Pair = number | readonly number[];

export interface BlockOptions {
  /** The spacing between kernel elements (default 1). */
  dilation?: Pair;
  /** Zeros added on each side (default 0). */
  padding?: Pair;
  /** The step between blocks (default 1). */
  stride?: Pair;
}

/** `_pair`: one number for both dims, or the pair itself. */
function pair(v: Pair): number[] {
  return typeof v === 'number' ? [v, v] : v.length === 1 ? [v[0], v[0]] : [...v];
}

function geometry(kernelSize: Pair, o: BlockOptions): torch.BlockGeometry {
  return {
    kernelSize: pair(kernelSize),
    dilation: pair(o.dilation ?? 1),
    padding: pair(o.padding ?? 0),
    stride: pair(o.stride ?? 1),
  };
}

/**
 * `F.unfold(input, kernel_size, dilation=1, padding=0, stride=1)`: the sliding blocks of a (N, C, H, W) (or
 * unbatched) input as the columns of a (N, C·kh·kw, L) matrix, L the number of blocks.
 */
export function unfold(input: Tensor, kernelSize: Pair, options: BlockOptions = {}): Tensor {
  return torch._nn.im2col(input, geometry(kernelSize, options));
}

/**
 * `F.fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1)`: (N, C·kh·kw, L) columns summed back
 * into (N, C, H, W) images of `outputSize`, overlapping blocks added (the adjoint of `F.unfold`).
 */
export function fold(input: Tensor, outputSize: Pair, kernelSize: Pair, options: BlockOptions = {}): Tensor {
  return torch._nn.col2im(input, pair(outputSize), geometry(kernelSize, options));
}
