/** `F.embedding`, `F.embedding_bag` and `F.one_hot`. */
import type { Tensor } from '@kindling/core';
import * as torch from '@kindling/core';
import { AssertionError, sameShape, torchSize } from './util.js';

export interface EmbeddingOptions {
  /** This row takes no gradient (negative values count from the end). */
  paddingIdx?: number | null;
  /** Rows looked up are first renormalised in place to this norm at most. */
  maxNorm?: number | null;
  normType?: number;
  /** Divide each row's gradient by its index's frequency in the batch. */
  scaleGradByFreq?: boolean;
  /** Sparse gradients are not supported; must be false. */
  sparse?: boolean;
}

/** `torch.embedding_renorm_` under no_grad: rows indexed by `indices` with norm above maxNorm are scaled down to it. */
function renorm(weight: Tensor, indices: Tensor, maxNorm: number, normType: number): void {
  torch.noGrad(() => {
    const rows = [...new Set(Array.from(indices.reshape(-1).toArray(), Number))];
    for (const i of rows) {
      if (i < 0 || i >= weight.shape[0]) continue;
      const row = weight.select(0, i);
      const norm = row
        .abs()
        .pow(normType)
        .sum()
        .pow(1 / normType)
        .item();
      if (norm > maxNorm) row.mul_(maxNorm / (norm + 1e-7));
    }
  });
}

/**
 * `F.embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False)`:
 * the rows of `weight` (num_embeddings, embedding_dim) picked by the integer tensor `input` of any shape.
 */
export function embedding(input: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  let paddingIdx = options.paddingIdx ?? null;
  if (paddingIdx !== null) {
    if (paddingIdx > 0 && paddingIdx >= weight.shape[0])
      throw new AssertionError('Padding_idx must be within num_embeddings');
    if (paddingIdx < 0) {
      if (paddingIdx < -weight.shape[0]) throw new AssertionError('Padding_idx must be within num_embeddings');
      paddingIdx += weight.shape[0];
    }
  }
  if (options.sparse) throw new torch.RuntimeError('sparse embedding gradients are not supported');
  if (options.maxNorm !== undefined && options.maxNorm !== null)
    renorm(weight, input, options.maxNorm, options.normType ?? 2);
  return torch._nn.embedding(weight, input, paddingIdx ?? -1, options.scaleGradByFreq ?? false);
}

/** `F.one_hot(tensor, num_classes=-1)`: int64 (*, num_classes); -1 means max(tensor) + 1. */
export function oneHot(tensor: Tensor, numClasses = -1): Tensor {
  return tensor.oneHot(numClasses);
}

export interface EmbeddingBagOptions {
  /** For a 1-D input: where each bag starts (required then; none for a 2-D input, whose rows are the bags). */
  offsets?: Tensor | null;
  /** `'mean'` (default), `'sum'` or `'max'`. */
  mode?: torch.EmbeddingBagMode;
  /** A weight for each index of the input, multiplying its row (`'sum'` only). */
  perSampleWeights?: Tensor | null;
  /** Whether `offsets` ends with the input's length (B + 1 entries). */
  includeLastOffset?: boolean;
  /** Entries equal to this take no part in their bag (nor count in its mean). */
  paddingIdx?: number | null;
  /** Not supported here: a clear error when set. */
  maxNorm?: number | null;
  /** The norm of `maxNorm` (default 2). */
  normType?: number;
  /** Not supported here: a clear error when true. */
  scaleGradByFreq?: boolean;
  /** Sparse gradients are not supported; must be false. */
  sparse?: boolean;
}

/**
 * `F.embedding_bag(input, weight, offsets=None, ..., mode='mean', per_sample_weights=None, include_last_offset=False,
 * padding_idx=None)`: the sum, mean or max of each bag's rows of `weight`, (B, embedding_dim).
 */
export function embeddingBag(input: Tensor, weight: Tensor, options: EmbeddingBagOptions = {}): Tensor {
  const { mode = 'mean', includeLastOffset = false } = options;
  let { offsets = null, perSampleWeights = null } = options;
  if (perSampleWeights !== null && !sameShape(perSampleWeights.shape, input.shape)) {
    throw new torch.ValueError(
      `embedding_bag: If per_sample_weights (${torchSize(perSampleWeights.shape)}) is not None, then it must have the same shape as the input (${torchSize(input.shape)})`,
    );
  }
  let indices = input;
  if (input.ndim === 2) {
    if (offsets !== null) {
      throw new torch.ValueError(
        "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>",
      );
    }
    offsets = torch.arange(0, input.numel(), input.shape[1], { dtype: input.dtype });
    indices = input.reshape(-1);
    perSampleWeights = perSampleWeights?.reshape(-1) ?? null;
  } else if (input.ndim === 1) {
    if (offsets === null) throw new torch.ValueError('offsets has to be a 1D Tensor but got None');
    if (offsets.ndim !== 1) throw new torch.ValueError('offsets has to be a 1D Tensor');
  } else {
    throw new torch.ValueError(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.ndim}`);
  }
  if (mode !== 'sum' && mode !== 'mean' && mode !== 'max')
    throw new torch.ValueError('mode has to be one of sum, mean or max');
  if (options.sparse) throw new torch.NotImplementedError('embedding_bag: sparse gradients are not supported');
  if (options.maxNorm != null || options.scaleGradByFreq)
    throw new torch.NotImplementedError('embedding_bag: Kindling does not support max_norm or scale_grad_by_freq yet');
  if (perSampleWeights !== null && mode !== 'sum') {
    throw new torch.NotImplementedError(
      `embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on GitHub.`,
    );
  }
  let paddingIdx = options.paddingIdx ?? null;
  if (paddingIdx !== null && paddingIdx < 0) paddingIdx += weight.shape[0];
  return torch._nn.embeddingBag(weight, indices, offsets, mode, perSampleWeights, includeLastOffset, paddingIdx);
}
