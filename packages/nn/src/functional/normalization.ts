/** `F.batch_norm`, `F.layer_norm`, `F.group_norm`, `F.instance_norm` and `F.local_response_norm`. */
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

export interface InstanceNormOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with each instance's statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
  /** The running statistics' update factor (default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * `F.instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
 * momentum=0.1, eps=1e-5)`: each channel of each sample normalised over its spatial dims. Computed as PyTorch
 * computes it: the batch norm of the (1, N·C, ...) view with the per-channel tensors repeated N times, the running
 * statistics then set to the mean of their N updated copies.
 */
export function instanceNorm(
  input: Tensor,
  runningMean: Tensor | null | InstanceNormOptions = null,
  runningVar: Tensor | null = null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  options: InstanceNormOptions = {},
): Tensor {
  const o: InstanceNormOptions = isOptions<InstanceNormOptions>(runningMean)
    ? runningMean
    : { runningMean, runningVar, weight, bias, ...options };
  const useInputStats = o.useInputStats ?? true;
  const [rm, rv] = [o.runningMean ?? null, o.runningVar ?? null];
  if (useInputStats) {
    const spatial = input.shape.slice(2).reduce((a, b) => a * b, 1);
    if (spatial === 1)
      throw new torch.ValueError(
        `Expected more than 1 spatial element when training, got input size ${torchSize(input.shape)}`,
      );
  } else if (rm === null || rv === null) {
    throw new torch.RuntimeError('Expected running_mean and running_var to be defined when use_input_stats is false');
  }
  const [n, c] = input.shape;
  const repeated = (t: Tensor | null): Tensor | null => (t === null ? null : t.repeat(n));
  const [rmN, rvN] = [repeated(rm), repeated(rv)];
  const out = torch._nn.batchNorm(
    input.contiguous().view([1, n * c, ...input.shape.slice(2)]),
    repeated(o.weight ?? null),
    repeated(o.bias ?? null),
    rmN,
    rvN,
    useInputStats,
    o.momentum ?? 0.1,
    o.eps ?? 1e-5,
  );
  torch.noGrad(() => {
    if (rm !== null && rmN !== null) rm.copy_(rmN.view([n, c]).mean(0));
    if (rv !== null && rvN !== null) rv.copy_(rvN.view([n, c]).mean(0));
  });
  return out.view(input.shape);
}

export interface LocalResponseNormOptions {
  /** The scale of the neighbours' squares (default 1e-4). */
  alpha?: number;
  /** The exponent (default 0.75). */
  beta?: number;
  /** The additive constant (default 1). */
  k?: number;
}

/**
 * `F.local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0)`: each value divided by (k + α · the mean of the
 * squares of `size` neighbouring channels)^β, over (N, C, *) input, composed as PyTorch composes it (the channel
 * window as an average pooling of the zero-padded squares).
 */
export function localResponseNorm(input: Tensor, size: number, options: LocalResponseNormOptions = {}): Tensor {
  const { alpha = 1e-4, beta = 0.75, k = 1 } = options;
  if (input.ndim < 3)
    throw new torch.ValueError(`Expected 3D or higher dimensionality input (got ${input.ndim} dimensions)`);
  if (input.numel() === 0) return input;
  const [n, c] = input.shape;
  // The squares as one-channel images whose rows are the channels; a (size, 1) window averages neighbours.
  let div = input.mul(input).reshape([n, 1, c, -1]);
  div = torch.constantPadNd(div, [0, 0, Math.floor(size / 2), Math.floor((size - 1) / 2)], 0);
  div = torch.avgPool2d(div, [size, 1], { stride: 1 }).squeeze(1).view(input.shape);
  return input.div(div.mul(alpha).add(k).pow(beta));
}
