/** Shape helpers of nn.functional: `F.pad` (constant mode) and `torch.flatten`. */
import type { Tensor } from '@kindling/core';
import * as torch from '@kindling/core';

export interface PadOptions {
  mode?: 'constant';
  value?: number;
}

/**
 * `F.pad(input, pad, mode='constant', value=0)`: `pad` lists (before, after) pairs starting from the last dim;
 * negative amounts crop. Only constant padding is supported.
 */
export function pad(input: Tensor, padding: readonly number[], options: PadOptions = {}): Tensor {
  const mode = options.mode ?? 'constant';
  if (mode !== 'constant')
    throw new torch.RuntimeError(`Padding mode "${String(mode)}" is not supported; only constant padding is`);
  return torch.constantPadNd(input, padding, options.value ?? 0);
}

/** `torch.flatten(input, start_dim=0, end_dim=-1)`. */
export function flatten(input: Tensor, startDim = 0, endDim = -1): Tensor {
  return input.flatten(startDim, endDim);
}
