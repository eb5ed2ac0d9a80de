/** Shape helpers of nn.functional: `F.pad`, `torch.flatten`, `F.pixelShuffle` and `F.pixelUnshuffle`. */
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
