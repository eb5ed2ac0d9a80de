/**
 * The ranking, margin, embedding and likelihood losses (`F.margin_ranking_loss`, `F.hinge_embedding_loss`,
 * `F.cosine_embedding_loss`, `F.triplet_margin_loss`, `F.multilabel_soft_margin_loss`, `F.poisson_nll_loss`,
 * `F.gaussian_nll_loss`), composed of core ops as PyTorch composes them, so values, gradients and graphs are its;
 * and `F.soft_margin_loss` and `F.multi_margin_loss`, core's single-node ops as PyTorch's are.
 */
import type { Tensor } from '@kindling/core';
import * as torch from '@kindling/core';
import { logsigmoid } from './activation.js';
import { pairwiseDistance } from './distance.js';
import { checkReduction, type Reduction, reduced, torchSize } from './util.js';

export interface MarginOptions {
  /** The margin (default 0; 1 for the hinge and triplet losses). */
  margin?: number;
  reduction?: Reduction;
}

/**
 * `F.margin_ranking_loss(input1, input2, target, margin=0, reduction='mean')`: `max(0, -y (x1 - x2) + margin)`, for
 * targets y of 1 (x1 should rank higher) or -1.
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const reduction = checkReduction(options.reduction);
  if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim) {
    throw new torch.RuntimeError(
      `margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ${torchSize(input1.shape)}, input2: ${torchSize(input2.shape)}, target: ${torchSize(target.shape)} `,
    );
  }
  return reduced(
    target
      .neg()
      .mul(input1.sub(input2))
      .add(options.margin ?? 0)
      .clampMin(0),
    reduction,
  );
}

/**
 * `F.hinge_embedding_loss(input, target, margin=1.0, reduction='mean')`: the input where the target is 1, and
 * `max(0, margin - input)` where it is -1 (inputs are distances).
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const reduction = checkReduction(options.reduction);
  const zeros = torch.zerosLike(input);
  const marginClamp = input
    .neg()
    .add(options.margin ?? 1)
    .clampMin(0);
  const outputMargin = torch.where(target.ne(1), marginClamp, zeros);
  const outputSelf = torch.where(target.ne(-1), input, zeros);
  return reduced(outputMargin.add(outputSelf), reduction);
}

/** The smallest squared norm cosine_embedding_loss adds (ATen's EPSILON). */
const EPSILON = 1e-12;

/**
 * `F.cosine_embedding_loss(input1, input2, target, margin=0, reduction='mean')`: `1 - cos(x1, x2)` where the target
 * is 1, `max(0, cos(x1, x2) - margin)` where it is -1.
 */
export function cosineEmbeddingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  options: MarginOptions = {},
): Tensor {
  const reduction = checkReduction(options.reduction);
  const dim = target.ndim;
  if (dim !== 0 && dim !== 1)
    throw new torch.RuntimeError('0D or 1D target tensor expected, multi-target not supported');
  const sizes = `[${input1.shape.join(', ')}] and [${input2.shape.join(', ')}]`;
  if (dim === 1 && (input1.ndim !== 2 || input2.ndim !== 2))
    throw new torch.RuntimeError(`1D target tensor expects 2D input tensors, but found inputs with sizes ${sizes}.`);
  if (dim === 0 && (input1.ndim !== 1 || input2.ndim !== 1))
    throw new torch.RuntimeError(`0D target tensor expects 1D input tensors, but found inputs with sizes ${sizes}.`);
  const prodSum = input1.mul(input2).sum(dim);
  const magSquare1 = input1.mul(input1).sum(dim).add(EPSILON);
  const magSquare2 = input2.mul(input2).sum(dim).add(EPSILON);
  const cos = prodSum.div(magSquare1.mul(magSquare2).sqrt());
  const zeros = torch.zerosLike(cos);
  const pos = cos.neg().add(1);
  const neg = cos.sub(options.margin ?? 0).clampMin(0);
  const output = torch.where(target.eq(1), pos, zeros).add(torch.where(target.eq(-1), neg, zeros));
  return reduced(output, reduction);
}

export interface TripletMarginOptions extends MarginOptions {
  /** The norm's order (default 2). */
  p?: number;
  /** Added to the differences, as in `F.pairwiseDistance` (default 1e-6). */
  eps?: number;
  /** Whether the negative's distance is the smaller of its distances to the anchor and to the positive (default false). */
  swap?: boolean;
}

/**
 * `F.triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, reduction='mean')`:
 * `max(0, margin + d(a, p) - d(a, n))` with the pairwise distance d.
 */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  options: TripletMarginOptions = {},
): Tensor {
  const reduction = checkReduction(options.reduction);
  const { margin = 1, p = 2, eps = 1e-6, swap = false } = options;
  if (anchor.ndim !== positive.ndim || positive.ndim !== negative.ndim) {
    throw new torch.RuntimeError(
      `All inputs should have same dimension but got ${anchor.ndim}D, ${positive.ndim}D and ${negative.ndim}D inputs.`,
    );
  }
  const distPos = pairwiseDistance(anchor, positive, { p, eps });
  let distNeg = pairwiseDistance(anchor, negative, { p, eps });
  if (swap) distNeg = torch.minimum(distNeg, pairwiseDistance(positive, negative, { p, eps }));
  return reduced(distPos.add(margin).sub(distNeg).clampMin(0), reduction);
}

export interface MultilabelSoftMarginOptions {
  /** A weight per class (C). */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/**
 * `F.multilabel_soft_margin_loss(input, target, weight=None, reduction='mean')`: the binary cross entropy of each
 * class's logit against its 0/1 target, averaged over the classes.
 */
export function multilabelSoftMarginLoss(
  input: Tensor,
  target: Tensor,
  options: MultilabelSoftMarginOptions = {},
): Tensor {
  const reduction = options.reduction ?? 'mean';
  let loss = target
    .mul(logsigmoid(input))
    .add(target.neg().add(1).mul(logsigmoid(input.neg())))
    .neg();
  if (options.weight) loss = loss.mul(options.weight);
  const classDim = input.ndim - 1;
  loss = loss.sum(classDim).div(input.shape[classDim]);
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum')
    throw new torch.ValueError(`${String(reduction)} is not valid`);
  return reduced(loss, reduction);
}

export interface PoissonNllOptions {
  /** Whether the input is the log of the rate (default true): `exp(input) - target·input`. */
  logInput?: boolean;
  /** Whether Stirling's approximation of log(target!) is added (default false). */
  full?: boolean;
  /** Added to the rate before its log when `logInput` is false (default 1e-8). */
  eps?: number;
  reduction?: Reduction;
}

/** `F.poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8, reduction='mean')`. */
export function poissonNllLoss(input: Tensor, target: Tensor, options: PoissonNllOptions = {}): Tensor {
  const { logInput = true, full = false, eps = 1e-8 } = options;
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum')
    throw new torch.ValueError(`${String(reduction)} is not valid`);
  let loss = logInput ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(eps).log()));
  if (full) {
    const stirling = target
      .mul(target.log())
      .sub(target)
      .add(
        target
          .mul(2 * Math.PI)
          .log()
          .mul(0.5),
      );
    loss = loss.add(stirling.maskedFill(target.le(1), 0));
  }
  return reduced(loss, reduction);
}

export interface GaussianNllOptions {
  /** Whether the constant `0.5·log(2π)` is added (default false). */
  full?: boolean;
  /** The smallest variance, for stability (default 1e-6); the gradient passes the clamp. */
  eps?: number;
  reduction?: Reduction;
}

/**
 * `F.gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction='mean')`: `0.5 (log var + (input -
 * target)² / var)`; `var` as the input (heteroscedastic) or one per sample (without, or with a last dim of 1).
 */
export function gaussianNllLoss(
  input: Tensor,
  target: Tensor,
  variance: Tensor,
  options: GaussianNllOptions = {},
): Tensor {
  const { full = false, eps = 1e-6 } = options;
  const reduction = options.reduction ?? 'mean';
  let v = variance;
  const same = (a: readonly number[], b: readonly number[]): boolean =>
    a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(v.shape, input.shape)) {
    if (same(input.shape.slice(0, -1), v.shape)) v = v.unsqueeze(-1);
    else if (!(same(input.shape.slice(0, -1), v.shape.slice(0, -1)) && v.shape[v.ndim - 1] === 1))
      throw new torch.ValueError('var is of incorrect size');
  }
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum')
    throw new torch.ValueError(`${String(reduction)} is not valid`);
  if (v.lt(0).any().item()) throw new torch.ValueError('var has negative entry/entries');
  // As PyTorch: clamped in place without recording, so the gradient reaches var as if unclamped.
  v = v.clone();
  torch.noGrad(() => v.clamp_(eps, null));
  let loss = v.log().add(input.sub(target).pow(2).div(v)).mul(0.5);
  if (full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return reduced(loss, reduction);
}

export interface SoftMarginOptions {
  reduction?: Reduction;
}

/** `F.soft_margin_loss(input, target, reduction='mean')`: log(1 + exp(-y·x)) for targets of 1 or -1. */
export function softMarginLoss(input: Tensor, target: Tensor, options: SoftMarginOptions = {}): Tensor {
  return torch._nn.softMarginLoss(input, target, checkReduction(options.reduction));
}

export interface MultiMarginOptions {
  /** 1 (default) or 2: the hinge, or its square. */
  p?: number;
  /** The margin (default 1). */
  margin?: number;
  /** A weight per class, applied by the target's class (C). */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/**
 * `F.multi_margin_loss(input, target, p=1, margin=1, weight=None, reduction='mean')`: the multi-class hinge loss of
 * (N, C) scores against class indices, Σ over the other classes of max(0, margin - x[y] + x[i])^p, over C.
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options: MultiMarginOptions = {}): Tensor {
  const { p = 1, margin = 1, weight = null } = options;
  if (p !== 1 && p !== 2) throw new torch.ValueError('only p == 1 and p == 2 supported');
  if (weight !== null && weight.ndim !== 1) throw new torch.ValueError('weight must be one-dimensional');
  return torch._nn.multiMarginLoss(input, target, p, margin, weight, checkReduction(options.reduction));
}
