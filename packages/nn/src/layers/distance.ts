/** Layers that compare pairs of vectors: `CosineSimilarity` and `PairwiseDistance`. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import * as F from '../functional/index.js';

/**
 * The cosine similarity of `x1` and `x2` along `dim` (default 1).
 *
 * @example
 * ```ts
 * const cos = new nn.CosineSimilarity();
 * console.log(cos.forward(torch.tensor([[1, 0], [1, 1]], { dtype: 'float32' }), torch.tensor([[1, 1], [2, 2]], { dtype: 'float32' })));
 * ```
 * ```text
 * tensor([0.7071, 1.0000])
 * ```
 */
export class CosineSimilarity extends Module {
  /** The dim the vectors lie along. */
  readonly dim: number;
  /** The smallest norm divided by. */
  readonly eps: number;

  /** `new nn.CosineSimilarity(dim = 1, eps = 1e-8)`, or `new nn.CosineSimilarity({ dim, eps })`. */
  constructor(options?: { dim?: number; eps?: number });
  constructor(dim?: number, eps?: number);
  constructor(...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<{ dim?: number; eps?: number }>('CosineSimilarity', ['dim', 'eps'], args, 0, 0);
    this.dim = o.dim ?? 1;
    this.eps = o.eps ?? 1e-8;
  }

  /** The similarity of `x1` and `x2`. */
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.cosineSimilarity(x1, x2, { dim: this.dim, eps: this.eps });
  }
}

/** The `p`-norm distance between `x1` and `x2` along the last dim. */
export class PairwiseDistance extends Module {
  /** The norm's order. */
  readonly norm: number;
  /** Added to the differences. */
  readonly eps: number;
  /** Whether the last dim stays. */
  readonly keepdim: boolean;

  /** `new nn.PairwiseDistance(p = 2, eps = 1e-6, keepdim = false)`, or `new nn.PairwiseDistance({ p, eps, keepdim })`. */
  constructor(options?: { p?: number; eps?: number; keepdim?: boolean });
  constructor(p?: number, eps?: number, keepdim?: boolean);
  constructor(...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<{ p?: number; eps?: number; keepdim?: boolean }>(
      'PairwiseDistance',
      ['p', 'eps', 'keepdim'],
      args,
      0,
      0,
    );
    this.norm = o.p ?? 2;
    this.eps = o.eps ?? 1e-6;
    this.keepdim = o.keepdim ?? false;
  }

  /** The distance between `x1` and `x2`. */
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.pairwiseDistance(x1, x2, { p: this.norm, eps: this.eps, keepdim: this.keepdim });
  }
}
