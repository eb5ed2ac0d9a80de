/**
 * The ranking, embedding and likelihood loss modules (`nn.MarginRankingLoss`, `nn.HingeEmbeddingLoss`,
 * `nn.CosineEmbeddingLoss`, `nn.TripletMarginLoss`, `nn.MultiLabelSoftMarginLoss`, `nn.PoissonNLLLoss`,
 * `nn.GaussianNLLLoss`, `nn.SoftMarginLoss`, `nn.MultiMarginLoss`): each holds its options, in PyTorch's positional order or an options object, and calls its
 * functional form.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from './module.js';
import * as F from './functional/index.js';
import { Loss, type Reduction, WeightedLoss, lossArgs } from './loss.js';

type MarginOptions = { margin?: number; reduction?: Reduction };
const MARGIN_ORDER = ['margin', 'sizeAverage', 'reduce', 'reduction'];

/** A loss of two inputs and a target (PyTorch's `forward(input1, input2, target)`), with a margin. */
abstract class PairLoss extends Module {
  /** `'none'`, `'mean'` or `'sum'`. */
  readonly reduction: Reduction;
  /** The margin. */
  readonly margin: number;

  constructor(args: readonly unknown[]) {
    super();
    const o = lossArgs<MarginOptions>(this.constructor.name, MARGIN_ORDER, args);
    this.reduction = o.reduction ?? 'mean';
    this.margin = o.margin ?? 0;
  }
}

/** A PairLoss as its users see it: the loss of two inputs against a target. */
interface PairLossLayer extends PairLoss {
  /** The loss of the pair against `target` (1 or -1 each). */
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor;
}

/** A pair loss's constructor: `new nn.MarginRankingLoss({ margin, reduction })`, or PyTorch's positional order. */
interface PairLossClass {
  new (options?: MarginOptions): PairLossLayer;
  new (margin?: number, sizeAverage?: null, reduce?: null, reduction?: Reduction): PairLossLayer;
}

/** The pair loss whose forward is `loss`, a functional form taking the margin and the reduction. */
function pairLoss(
  loss: (input1: Tensor, input2: Tensor, target: Tensor, options: MarginOptions) => Tensor,
): PairLossClass {
  return class extends PairLoss {
    constructor(...args: unknown[]) {
      super(args);
    }

    override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
      return loss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
    }
  };
}

/**
 * `max(0, -y (x1 - x2) + margin)`: x1 should rank above x2 where the target is 1, below where it is -1.
 *
 * @example
 * ```ts
 * const loss = new nn.MarginRankingLoss({ margin: 0.5 });
 * console.log(loss.forward(torch.tensor([3, 1]), torch.tensor([1, 2]), torch.tensor([1, 1])));
 * ```
 * ```text
 * tensor(0.7500)
 * ```
 */
export class MarginRankingLoss extends pairLoss(F.marginRankingLoss) {}

/** `1 - cos(x1, x2)` where the target is 1, `max(0, cos(x1, x2) - margin)` where it is -1. */
export class CosineEmbeddingLoss extends pairLoss(F.cosineEmbeddingLoss) {}

/** The input (a distance) where the target is 1, `max(0, margin - input)` where it is -1. */
export class HingeEmbeddingLoss extends Loss {
  /** The margin (default 1). */
  readonly margin: number;

  /** `new nn.HingeEmbeddingLoss({ margin, reduction })` (or PyTorch's positional order). */
  constructor(options?: MarginOptions);
  constructor(margin?: number, sizeAverage?: null, reduce?: null, reduction?: Reduction);
  constructor(...args: unknown[]) {
    const o = lossArgs<MarginOptions>('HingeEmbeddingLoss', MARGIN_ORDER, args);
    super(o.reduction);
    this.margin = o.margin ?? 1;
  }

  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

type TripletOptions = { margin?: number; p?: number; eps?: number; swap?: boolean; reduction?: Reduction };

/**
 * `max(0, margin + d(a, p) - d(a, n))`: the anchor nearer its positive than its negative by the margin.
 *
 * @example
 * ```ts
 * const loss = new nn.TripletMarginLoss({ margin: 1 });
 * const a = torch.tensor([[0, 0]]), p = torch.tensor([[0, 1]]), n = torch.tensor([[0, 1.5]]);
 * console.log(loss.forward(a, p, n));
 * ```
 * ```text
 * tensor(0.5000)
 * ```
 */
export class TripletMarginLoss extends Module {
  /** `'none'`, `'mean'` or `'sum'`. */
  readonly reduction: Reduction;
  /** The margin (default 1). */
  readonly margin: number;
  /** The distance's norm (default 2). */
  readonly p: number;
  /** Added to the differences (default 1e-6). */
  readonly eps: number;
  /** Whether the negative's distance is the smaller of its distances to anchor and positive. */
  readonly swap: boolean;

  /** `new nn.TripletMarginLoss({ margin, p, eps, swap, reduction })` (or PyTorch's positional order). */
  constructor(options?: TripletOptions);
  constructor(
    margin?: number,
    p?: number,
    eps?: number,
    swap?: boolean,
    sizeAverage?: null,
    reduce?: null,
    reduction?: Reduction,
  );
  constructor(...args: unknown[]) {
    super();
    const o = lossArgs<TripletOptions>(
      'TripletMarginLoss',
      ['margin', 'p', 'eps', 'swap', 'sizeAverage', 'reduce', 'reduction'],
      args,
    );
    this.reduction = o.reduction ?? 'mean';
    this.margin = o.margin ?? 1;
    this.p = o.p ?? 2;
    this.eps = o.eps ?? 1e-6;
    this.swap = o.swap ?? false;
  }

  /** The loss of the triplets. */
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    const { margin, p, eps, swap, reduction } = this;
    return F.tripletMarginLoss(anchor, positive, negative, { margin, p, eps, swap, reduction });
  }
}

/** Each class's logit against its 0/1 target (binary cross entropy), averaged over the classes. */
export class MultiLabelSoftMarginLoss extends WeightedLoss {
  /** `new nn.MultiLabelSoftMarginLoss({ weight, reduction })` (or PyTorch's positional order). */
  constructor(options?: { weight?: Tensor | null; reduction?: Reduction });
  constructor(weight?: Tensor | null, sizeAverage?: null, reduce?: null, reduction?: Reduction);
  constructor(...args: unknown[]) {
    const o = lossArgs<{ weight?: Tensor | null; reduction?: Reduction }>(
      'MultiLabelSoftMarginLoss',
      ['weight', 'sizeAverage', 'reduce', 'reduction'],
      args,
    );
    super(o.reduction, o.weight);
  }

  /** The loss of `input` (logits) against `target` (0 or 1 per class). */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.multilabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

type PoissonOptions = { logInput?: boolean; full?: boolean; eps?: number; reduction?: Reduction };

/** The negative log-likelihood of Poisson counts: `exp(input) - target·input` for log rates. */
export class PoissonNLLLoss extends Loss {
  /** Whether the input is the log of the rate. */
  readonly logInput: boolean;
  /** Whether Stirling's term is added. */
  readonly full: boolean;
  /** Added to a rate before its log. */
  readonly eps: number;

  /** `new nn.PoissonNLLLoss({ logInput, full, eps, reduction })` (or PyTorch's positional order). */
  constructor(options?: PoissonOptions);
  constructor(
    logInput?: boolean,
    full?: boolean,
    sizeAverage?: null,
    eps?: number,
    reduce?: null,
    reduction?: Reduction,
  );
  constructor(...args: unknown[]) {
    const o = lossArgs<PoissonOptions>(
      'PoissonNLLLoss',
      ['logInput', 'full', 'sizeAverage', 'eps', 'reduce', 'reduction'],
      args,
    );
    super(o.reduction);
    this.logInput = o.logInput ?? true;
    this.full = o.full ?? false;
    this.eps = o.eps ?? 1e-8;
  }

  /** The loss of `input` against the counts `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    const { logInput, full, eps, reduction } = this;
    return F.poissonNllLoss(input, target, { logInput, full, eps, reduction });
  }
}

/** The negative log-likelihood of a Gaussian: `0.5 (log var + (input - target)² / var)`. */
export class GaussianNLLLoss extends Module {
  /** `'none'`, `'mean'` or `'sum'`. */
  readonly reduction: Reduction;
  /** Whether the constant term is added. */
  readonly full: boolean;
  /** The smallest variance. */
  readonly eps: number;

  /** `new nn.GaussianNLLLoss({ full, eps, reduction })` (PyTorch takes these by keyword only). */
  constructor(options: { full?: boolean; eps?: number; reduction?: Reduction } = {}) {
    super();
    const o = lossArgs<{ full?: boolean; eps?: number; reduction?: Reduction }>('GaussianNLLLoss', [], [options]);
    this.reduction = o.reduction ?? 'mean';
    this.full = o.full ?? false;
    this.eps = o.eps ?? 1e-6;
  }

  /** The loss of the predicted means `input` and variances `variance` against `target`. */
  override forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    const { full, eps, reduction } = this;
    return F.gaussianNllLoss(input, target, variance, { full, eps, reduction });
  }
}

/** log(1 + exp(-y·x)) for targets y of 1 or -1 (`torch.nn.SoftMarginLoss`). */
export class SoftMarginLoss extends Loss {
  /** `new nn.SoftMarginLoss({ reduction })` (or PyTorch's positional order). */
  constructor(options?: { reduction?: Reduction });
  constructor(sizeAverage?: null, reduce?: null, reduction?: Reduction);
  constructor(...args: unknown[]) {
    super(
      lossArgs<{ reduction?: Reduction }>('SoftMarginLoss', ['sizeAverage', 'reduce', 'reduction'], args).reduction,
    );
  }

  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.softMarginLoss(input, target, { reduction: this.reduction });
  }
}

type MultiMarginModuleOptions = { p?: number; margin?: number; weight?: Tensor | null; reduction?: Reduction };

/** The multi-class hinge loss of scores against class indices (`torch.nn.MultiMarginLoss`). */
export class MultiMarginLoss extends WeightedLoss {
  /** 1 or 2. */
  readonly p: number;
  /** The margin. */
  readonly margin: number;

  /** `new nn.MultiMarginLoss({ p, margin, weight, reduction })` (or PyTorch's positional order). */
  constructor(options?: MultiMarginModuleOptions);
  constructor(
    p?: number,
    margin?: number,
    weight?: Tensor | null,
    sizeAverage?: null,
    reduce?: null,
    reduction?: Reduction,
  );
  constructor(...args: unknown[]) {
    const o = lossArgs<MultiMarginModuleOptions>(
      'MultiMarginLoss',
      ['p', 'margin', 'weight', 'sizeAverage', 'reduce', 'reduction'],
      args,
    );
    if (o.p !== undefined && o.p !== 1 && o.p !== 2) throw new torch.ValueError('only p == 1 and p == 2 supported');
    // PyTorch asserts it, without a message.
    if (o.weight && o.weight.ndim !== 1) throw new torch.AssertionError('');
    super(o.reduction, o.weight);
    this.p = o.p ?? 1;
    this.margin = o.margin ?? 1;
  }

  /** The loss of the scores `input` against the classes `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.multiMarginLoss(input, target, {
      p: this.p,
      margin: this.margin,
      weight: this.weight,
      reduction: this.reduction,
    });
  }
}
