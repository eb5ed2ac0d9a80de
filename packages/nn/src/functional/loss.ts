/**
 * The losses' functional forms, with PyTorch's semantics: reductions 'none' | 'mean' | 'sum', class weights
 * (a weighted mean divides by the summed weights of the targets that count), ignoreIndex, label smoothing, class
 * index and class probability targets, and PyTorch's messages for bad targets.
 */
import type { Tensor } from '@kindling/core';
import * as torch from '@kindling/core';
import {
  broadcastLossOperands,
  broadcastShape,
  checkReduction,
  type Reduction,
  reduced,
  sameShape,
  torchSize,
} from './util.js';

export type { Reduction };

export interface ReductionOptions {
  reduction?: Reduction;
}

export interface NllLossOptions extends ReductionOptions {
  /** A weight per class (C). */
  weight?: Tensor | null;
  /** Targets equal to this take no part (no loss, no gradient, no weight in the mean). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** Mixes the target with the uniform distribution: (1 - ε) target + ε / C. */
  labelSmoothing?: number;
}

function isFloat(t: Tensor): boolean {
  return t.dtype === 'float32' || t.dtype === 'float64';
}

/** The weight as a (1, C, 1, ...) tensor that lines up with dim 1 of an n-d input. */
function classWeight(weight: Tensor, ndim: number): Tensor {
  if (ndim <= 1) return weight;
  return weight.view(Array.from({ length: ndim }, (_, d) => (d === 1 ? weight.shape[0] : 1)));
}

/**
 * `F.nll_loss(input, target, weight=None, ignore_index=-100, reduction='mean')` on log-probabilities: input (C),
 * (N, C) or (N, C, d1, ..., dk); int64 class targets (), (N) or (N, d1, ..., dk).
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  const reduction = checkReduction(options.reduction);
  return torch._nn.nllLoss(input, target, options.weight ?? null, reduction, options.ignoreIndex ?? -100);
}

/** Cross entropy against class probabilities (a float target shaped like the input). */
function crossEntropyProbs(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  reduction: Reduction,
  labelSmoothing: number,
): Tensor {
  const classDim = input.ndim === 1 ? 0 : 1;
  const c = input.shape[classDim];
  if (weight !== null && (weight.ndim !== 1 || weight.numel() !== c)) {
    throw new torch.RuntimeError(
      `cross_entropy: weight tensor should be defined either for all ${c} classes or no classes but got weight tensor of shape: [${weight.shape.join(', ')}]`,
    );
  }
  const logp = input.logSoftmax(classDim);
  let t = target;
  if (labelSmoothing > 0) {
    checkLabelSmoothing(labelSmoothing);
    t = target.mul(1 - labelSmoothing).add(labelSmoothing / c);
  }
  let prod = logp.mul(t);
  if (weight !== null) prod = prod.mul(classWeight(weight, input.ndim));
  if (reduction === 'none') return prod.sum(classDim).neg();
  if (reduction === 'sum') return prod.sum().neg();
  if (input.numel() === 0) return prod.sum().neg().mul(NaN);
  return prod
    .sum()
    .neg()
    .div(input.numel() / c);
}

function checkLabelSmoothing(labelSmoothing: number): void {
  if (labelSmoothing > 1)
    throw new torch.RuntimeError(`label_smoothing must be between 0.0 and 1.0. Got: ${labelSmoothing}`);
}

/** Cross entropy with class indices and label smoothing: (1 - ε) nll + ε / C times the (weighted) -Σ log p. */
function crossEntropySmoothed(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  reduction: Reduction,
  ignoreIndex: number,
  labelSmoothing: number,
): Tensor {
  const classDim = input.ndim === 1 ? 0 : 1;
  const logp = input.logSoftmax(classDim);
  const nll = torch._nn.nllLoss(logp, target, weight, reduction, ignoreIndex);
  const c = logp.shape[classDim];
  const ignored = target.eq(ignoreIndex);
  const smooth = (weight !== null ? logp.mul(classWeight(weight, logp.ndim)) : logp)
    .sum(classDim)
    .neg()
    .maskedFill(ignored, 0);
  let ret: Tensor;
  if (reduction === 'mean') {
    // Normalised like nll_loss: by the summed weights (or the count) of the targets that are not ignored.
    const kept = ignored.logicalNot();
    const denominator = weight !== null ? weight.gather(0, target.maskedSelect(kept).flatten()).sum() : kept.sum();
    ret = smooth.sum().div(denominator);
  } else {
    ret = reduction === 'sum' ? smooth.sum() : smooth;
  }
  return nll.mul(1 - labelSmoothing).add(ret.mul(labelSmoothing / c));
}

/**
 * `F.cross_entropy(input, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)`:
 * log_softmax over the class dim (1, or 0 for an unbatched (C) input) then the negative log-likelihood. The
 * target is either int64 class indices (N) / (N, d1, ..., dk), or class probabilities shaped like the input.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const reduction = checkReduction(options.reduction);
  const weight = options.weight ?? null;
  const ignoreIndex = options.ignoreIndex ?? -100;
  const labelSmoothing = options.labelSmoothing ?? 0;
  if (sameShape(input.shape, target.shape)) {
    if (!isFloat(target)) {
      const name = { int64: 'Long', int32: 'Int', bool: 'Bool', float32: 'Float', float64: 'Double' }[target.dtype];
      throw new torch.RuntimeError(`Expected floating point type for target with class probabilities, got ${name}`);
    }
    if (ignoreIndex >= 0) throw new torch.RuntimeError('ignore_index is not supported for floating point target');
    return crossEntropyProbs(input, target, weight, reduction, labelSmoothing);
  }
  if (labelSmoothing > 0) {
    checkLabelSmoothing(labelSmoothing);
    return crossEntropySmoothed(input, target, weight, reduction, ignoreIndex, labelSmoothing);
  }
  return torch._nn.nllLoss(input.logSoftmax(input.ndim === 1 ? 0 : 1), target, weight, reduction, ignoreIndex);
}

/** An elementwise loss: the reduction checked, then `loss` of input and target broadcast (differing shapes warn). */
function pointwiseLoss(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions,
  loss: (x: Tensor, t: Tensor, reduction: Reduction) => Tensor,
): Tensor {
  const reduction = checkReduction(options.reduction);
  const [x, t] = broadcastLossOperands(input, target);
  return loss(x, t, reduction);
}

/** `F.mse_loss(input, target, reduction='mean')`: (input - target)^2; differing shapes warn and broadcast. */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  return pointwiseLoss(input, target, options, (x, t, reduction) => torch._nn.mseLoss(x, t, reduction));
}

/** `F.l1_loss(input, target, reduction='mean')`: |input - target|. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  return pointwiseLoss(input, target, options, (x, t, reduction) => reduced(x.sub(t).abs(), reduction));
}

export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (0 gives the L1 loss). */
  beta?: number;
}

/** `F.smooth_l1_loss(input, target, reduction='mean', beta=1.0)`: 0.5 d²/β where |d| < β, else |d| - 0.5 β. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  return pointwiseLoss(input, target, options, (x, t, reduction) =>
    torch._nn.smoothL1Loss(x, t, reduction, options.beta ?? 1),
  );
}

export interface HuberOptions extends ReductionOptions {
  delta?: number;
}

/** `F.huber_loss(input, target, reduction='mean', delta=1.0)`: 0.5 d² where |d| < δ, else δ (|d| - 0.5 δ). */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  return pointwiseLoss(input, target, options, (x, t, reduction) =>
    torch._nn.huberLoss(x, t, reduction, options.delta ?? 1),
  );
}

export interface KlDivOptions {
  /** `'mean'` (over every element, with PyTorch's warning), `'batchmean'` (over the batch: the KL divergence), `'sum'` or `'none'`. */
  reduction?: Reduction | 'batchmean';
  /** Whether the target holds log-probabilities too. */
  logTarget?: boolean;
}

/**
 * `F.kl_div(input, target, reduction='mean', log_target=False)` on log-probabilities: the pointwise
 * `target * (log(target) - input)` (0 where the target is 0), reduced; `'batchmean'` gives the KL divergence.
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  const { reduction = 'mean', logTarget = false } = options;
  if (reduction === 'mean') {
    torch.warnOnce(
      "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.",
    );
  }
  const pointwise = logTarget ? target.exp().mul(target.sub(input)) : target.xlogy(target).sub(target.mul(input));
  if (reduction === 'batchmean') return input.ndim === 0 ? pointwise.sum() : pointwise.sum().div(input.shape[0]);
  const r = checkReduction(reduction);
  return r === 'mean' ? pointwise.mean() : r === 'sum' ? pointwise.sum() : pointwise;
}

export interface BinaryCrossEntropyOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcast to the target's shape. */
  weight?: Tensor | null;
}

/**
 * `F.binary_cross_entropy(input, target, weight=None, reduction='mean')` on probabilities in [0, 1]:
 * -w (t log x + (1 - t) log(1 - x)), each log clamped at -100 as PyTorch does.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const reduction = checkReduction(options.reduction);
  if (!sameShape(input.shape, target.shape)) {
    throw new torch.ValueError(
      `Using a target size (${torchSize(target.shape)}) that is different to the input size (${torchSize(input.shape)}) is deprecated. Please ensure they have the same size.`,
    );
  }
  let weight = options.weight ?? null;
  if (weight !== null) weight = weight.expand(broadcastShape(target.shape, weight.shape));
  return torch._nn.binaryCrossEntropy(input, target, weight, reduction);
}

export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** A weight for the positive term (per class, broadcast against the input). */
  posWeight?: Tensor | null;
}

/**
 * `F.binary_cross_entropy_with_logits(input, target, weight=None, reduction='mean', pos_weight=None)`: sigmoid
 * and binary cross entropy in one numerically stable formula.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: BinaryCrossEntropyWithLogitsOptions = {},
): Tensor {
  const reduction = checkReduction(options.reduction);
  if (!sameShape(input.shape, target.shape)) {
    throw new torch.ValueError(
      `Target size (${torchSize(target.shape)}) must be the same as input size (${torchSize(input.shape)})`,
    );
  }
  return torch._nn.binaryCrossEntropyWithLogits(
    input,
    target,
    options.weight ?? null,
    options.posWeight ?? null,
    reduction,
  );
}
