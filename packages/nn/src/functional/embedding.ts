/** `F.embedding` and `F.one_hot`. */
import type { Tensor } from '@kindling/core';
import * as torch from '@kindling/core';
import { AssertionError } from './util.js';

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
