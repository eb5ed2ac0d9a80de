/** `F.dropout`: zeroes elements with probability p and scales the rest by 1 / (1 - p), in training only. */
import type { Tensor } from '@kindling/core';
import * as torch from '@kindling/core';
import { isOptions } from './util.js';

export interface DropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
  /** The source of the mask; the default generator (seeded by `torch.manualSeed`) otherwise. */
  generator?: torch.Generator;
}

/**
 * `F.dropout(input, p=0.5, training=True, inplace=False)`. The mask is drawn with `bernoulli_(1 - p)` and divided
 * by 1 - p; the result is `input * mask` (so the gradient is masked and scaled the same way). When not training,
 * or when p is 0, the input itself is returned.
 */
export function dropout(input: Tensor, p: number | DropoutOptions = 0.5, options: DropoutOptions = {}): Tensor {
  const o: DropoutOptions = isOptions<DropoutOptions>(p) ? p : { ...options, p };
  const prob = o.p ?? 0.5;
  if (!(prob >= 0 && prob <= 1))
    throw new torch.ValueError(`dropout probability has to be between 0 and 1, but got ${prob}`);
  const training = o.training ?? true;
  if (prob === 0 || !training || input.numel() === 0) return input;
  const mask =
    prob === 1
      ? torch.zeros([], { dtype: input.dtype })
      : torch
          .emptyLike(input)
          .bernoulli_(1 - prob, { generator: o.generator })
          .div_(1 - prob);
  return o.inplace ? input.mul_(mask) : input.mul(mask);
}
