/** `F.batch_norm` and `F.layer_norm`. */
import type { Tensor } from '@kindling/core';
import * as torch from '@kindling/core';
import { isOptions, torchSize } from './util.js';

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with the batch's statistics (and update the running ones); default false, as in PyTorch. */
  training?: boolean;
  /** The running statistics' update factor: running = (1 - momentum) running + momentum batch. */
  momentum?: number;
  eps?: number;
}

/** `_verify_batch_size`: training needs more than one value per channel. */
function verifyBatchSize(shape: readonly number[]): void {
  let size = shape[0] ?? 1;
  for (let d = 2; d < shape.length; d++) size *= shape[d];
  if (size === 1)
    throw new torch.ValueError(
      `Expected more than 1 value per channel when training, got input size ${torchSize(shape)}`,
    );
}

/**
 * `F.batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5)`
 * over dim 1 of an (N, C), (N, C, L) or (N, C, H, W) input. In training the batch is normalised with its biased
 * variance and the running statistics (when given) are updated in place with the unbiased one; in evaluation the
 * running statistics are used.
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null | BatchNormOptions = null,
  bias: Tensor | null = null,
  options: BatchNormOptions = {},
): Tensor {
  const o: BatchNormOptions = isOptions<BatchNormOptions>(weight) ? weight : { weight, bias, ...options };
  const training = o.training ?? false;
  if (training) verifyBatchSize(input.shape);
  else if (!(runningMean instanceof torch.Tensor))
    throw new torch.RuntimeError('running_mean must be defined in evaluation mode');
  else if (!(runningVar instanceof torch.Tensor))
    throw new torch.RuntimeError('running_var must be defined in evaluation mode');
  return torch._nn.batchNorm(
    input,
    o.weight ?? null,
    o.bias ?? null,
    runningMean,
    runningVar,
    training,
    o.momentum ?? 0.1,
    o.eps ?? 1e-5,
  );
}

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/** `F.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5)` over the trailing dims. */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  weight: Tensor | null | LayerNormOptions = null,
  bias: Tensor | null = null,
  options: LayerNormOptions = {},
): Tensor {
  const o: LayerNormOptions = isOptions<LayerNormOptions>(weight) ? weight : { weight, bias, ...options };
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  return torch._nn.layerNorm(input, shape, o.weight ?? null, o.bias ?? null, o.eps ?? 1e-5);
}

export interface GroupNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/** `F.group_norm(input, num_groups, weight=None, bias=None, eps=1e-5)`: each group of channels normalised per sample. */
export function groupNorm(
  input: Tensor,
  numGroups: number,
  weight: Tensor | null | GroupNormOptions = null,
  bias: Tensor | null = null,
  options: GroupNormOptions = {},
): Tensor {
  const o: GroupNormOptions = isOptions<GroupNormOptions>(weight) ? weight : { weight, bias, ...options };
  if (input.ndim >= 2)
    verifyBatchSize([Math.floor((input.shape[0] * input.shape[1]) / numGroups), numGroups, ...input.shape.slice(2)]);
  return torch._nn.groupNorm(input, numGroups, o.weight ?? null, o.bias ?? null, o.eps ?? 1e-5);
}
