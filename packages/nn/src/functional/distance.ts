/**
 * Norms and distances between vectors (`F.normalize`, `F.cosineSimilarity`, `F.pairwiseDistance`), composed of core
 * ops as PyTorch composes them, so their graphs end in PyTorch's nodes.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { isOptions } from './util.js';

export interface NormalizeOptions {
  /** The norm's order (default 2). */
  p?: number;
  /** The dim normalised along (default 1). */
  dim?: number;
  /** The smallest norm divided by (default 1e-12). */
  eps?: number;
}

/** `F.normalize(input, p=2.0, dim=1, eps=1e-12)`: the input divided by its `p`-norm along `dim` (at least `eps`). */
export function normalize(input: Tensor, options: NormalizeOptions = {}): Tensor {
  const { p = 2, dim = 1, eps = 1e-12 } = options;
  return input.div(input.norm(p, dim, true).clamp(eps, null).expandAs(input));
}

export interface CosineSimilarityOptions {
  /** The dim the vectors lie along (default 1). */
  dim?: number;
  /** The smallest norm divided by (default 1e-8). */
  eps?: number;
}

/**
 * `F.cosine_similarity(x1, x2, dim=1, eps=1e-8)`: the cosine of the angle between the vectors along `dim`
 * (broadcasting), each divided by its norm (at least `eps`) before the product is summed.
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim: number | CosineSimilarityOptions = 1): Tensor {
  const o = isOptions<CosineSimilarityOptions>(dim) ? dim : { dim };
  const d = o.dim ?? 1;
  const eps = o.eps ?? 1e-8;
  // As PyTorch 1.13: both expanded to one shape, each divided by the square root of its squared norm, which is
  // raised to eps² in place without recording (so the gradient still goes through the sum of squares there).
  const shape = torch.broadcastShapes(x1.shape, x2.shape);
  const [a, b] = [x1.expand(shape), x2.expand(shape)];
  const unit = (t: Tensor): Tensor => {
    const squaredNorm = t.pow(2).sum(d, true);
    torch.noGrad(() => squaredNorm.clamp_(eps * eps, null));
    return t.div(squaredNorm.sqrt());
  };
  return unit(a).mul(unit(b)).sum(d);
}

export interface PairwiseDistanceOptions {
  /** The norm's order (default 2). */
  p?: number;
  /** Added to the differences, keeping the norm differentiable at 0 (default 1e-6). */
  eps?: number;
  /** Whether the last dim stays, with size 1. */
  keepdim?: boolean;
}

/** `F.pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False)`: `‖x1 - x2 + eps‖_p` along the last dim. */
export function pairwiseDistance(x1: Tensor, x2: Tensor, options: PairwiseDistanceOptions = {}): Tensor {
  const { p = 2, eps = 1e-6, keepdim = false } = options;
  return x1.sub(x2).add(eps).norm(p, -1, keepdim);
}
