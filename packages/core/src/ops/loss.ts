/**
 * The losses PyTorch implements as single ATen ops (`torch._C._nn.mse_loss`, `nll_loss_nd`, ...), each recording
 * one node under PyTorch's name, with PyTorch's formulas for the value (log clamped at -100, the stable
 * log-sum-exp form of the logits loss) and for the gradients. Backwards are written with tensor ops.
 */
import { type DType, isFloatingPoint, promoteTypes, scalarTypeName } from '../dtype.js';
import { IndexError, RuntimeError, ValueError } from '../errors.js';
import { formatShape, shapesEqual } from '../shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { where } from './binary.js';
import { empty } from './util.js';
import { checkNoRequiresGrad } from './layer-ops.js';

export type Reduction = 'none' | 'mean' | 'sum';

export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return loss.mean();
  if (reduction === 'sum') return loss.sum();
  return loss;
}

/** The gradient of the unreduced loss from the gradient of the reduced one. */
export function unreduce(g: Tensor, shape: readonly number[], reduction: Reduction): Tensor {
  if (reduction === 'none') return g;
  const n = shape.reduce((a, b) => a * b, 1);
  return (reduction === 'mean' ? g.div(n) : g).expand(shape);
}

export function checkReduction(reduction: string): Reduction {
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum')
    throw new ValueError(`${reduction} is not a valid value for reduction`);
  return reduction;
}

/** Both operands in their promoted floating dtype (differentiably), for the pointwise losses. */
function promoted(input: Tensor, target: Tensor, kernel: string): [Tensor, Tensor] {
  const dtype: DType = promoteTypes(input.dtype, target.dtype);
  if (!isFloatingPoint(dtype)) throw new RuntimeError(`"${kernel}" not implemented for '${scalarTypeName(dtype)}'`);
  return [input.dtype === dtype ? input : input.to(dtype), target.dtype === dtype ? target : target.to(dtype)];
}

function checkSameShape(input: Tensor, target: Tensor): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new RuntimeError(
      `The size of tensor a (${input.shape.at(-1)}) must match the size of tensor b (${target.shape.at(-1)}) at non-singleton dimension ${input.ndim - 1}`,
    );
  }
}

/**
 * A pointwise loss of (input - target): `value` gives the unreduced loss from the difference, `slope` its
 * derivative; both operands may require grad (the target's gradient is the negative of the input's).
 */
function pointwiseLoss(
  name: string,
  kernel: string,
  input0: Tensor,
  target0: Tensor,
  reduction0: string,
  value: (d: Tensor) => Tensor,
  slope: (d: Tensor) => Tensor,
): Tensor {
  const reduction = checkReduction(reduction0);
  checkSameShape(input0, target0);
  const [input, target] = promoted(input0, target0, kernel);
  const out = noGrad(() => reduce(value(input.sub(target)), reduction));
  const shape = input.shape;
  recordOp(name, [input, target], out, (save, needs) => {
    const si = save(input);
    const st = save(target);
    return ([g]) => {
      const scale = unreduce(g, shape, reduction);
      // The target's gradient is the same backward with the operands swapped (PyTorch's derivatives.yaml), which
      // is not always the input's negated: smooth L1 with beta 0 gives both -1 where they are equal.
      return [needs[0] && slope(si().sub(st())).mul(scale), needs[1] && slope(st().sub(si())).mul(scale)];
    };
  });
  return out;
}

/** mse_loss: (input - target)^2, same-shaped operands (F.mseLoss broadcasts first). */
export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return pointwiseLoss(
    'MseLossBackward0',
    'mse_cpu',
    input,
    target,
    reduction,
    (d) => d.square(),
    (d) => d.mul(2),
  );
}

/** The sign PyTorch's smooth L1 and L1 backwards use: +1 where d > 0, else -1 (so d = 0 takes -1). */
function signNonPositiveNegative(d: Tensor): Tensor {
  return d.gt(0).to(d.dtype).mul(2).sub(1);
}

/** smooth_l1_loss: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta. */
export function smoothL1Loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean', beta = 1): Tensor {
  if (beta < 0) throw new RuntimeError('smooth_l1_loss does not support negative values for beta.');
  return pointwiseLoss(
    'SmoothL1LossBackward0',
    'smooth_l1_cpu',
    input,
    target,
    reduction,
    (d) => {
      const z = d.abs();
      return beta === 0 ? z : where(z.lt(beta), z.square().mul(0.5).div(beta), z.sub(0.5 * beta));
    },
    // As PyTorch's kernel: the sign where |d| >= beta (every d when beta is 0), else d / beta, so NaN stays NaN.
    (d) => where(d.abs().ge(beta), signNonPositiveNegative(d), d.div(beta)),
  );
}

/** huber_loss: 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta). */
export function huberLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean', delta = 1): Tensor {
  if (!(delta > 0)) throw new RuntimeError('huber_loss does not support non-positive values for delta.');
  return pointwiseLoss(
    'HuberLossBackward0',
    'huber_cpu',
    input,
    target,
    reduction,
    (d) => {
      const z = d.abs();
      return where(z.lt(delta), z.square().mul(0.5), z.sub(0.5 * delta).mul(delta));
    },
    (d) => d.clamp(-delta, delta),
  );
}

/** binary_cross_entropy on probabilities: -w (t log x + (1 - t) log(1 - x)), each log clamped at -100. */
const BCE_EPSILON = Math.fround(1e-12);

export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null = null,
  reduction0: Reduction = 'mean',
): Tensor {
  const reduction = checkReduction(reduction0);
  checkNoRequiresGrad(weight, 'weight', 'binary_cross_entropy');
  if (input.dtype !== target.dtype) {
    throw new RuntimeError(`Found dtype ${scalarTypeName(target.dtype)} but expected ${scalarTypeName(input.dtype)}`);
  }
  checkSameShape(input, target);
  const values = input.contiguousArray();
  for (const v of values)
    if (!(v >= 0 && v <= 1)) throw new RuntimeError('all elements of input should be between 0 and 1');
  const out = noGrad(() => {
    const logX = input.log().clamp(-100, null);
    const log1mX = input.neg().log1p().clamp(-100, null);
    let loss = target.sub(1).mul(log1mX).sub(target.mul(logX));
    if (weight !== null) loss = loss.mul(weight);
    return reduce(loss, reduction);
  });
  const shape = input.shape;
  recordOp('BinaryCrossEntropyBackward0', [input, target], out, (save, needs) => {
    const sx = save(input);
    const st = save(target);
    const sw = weight !== null ? save(weight) : null;
    return ([g]) => {
      const x = sx();
      let scale = unreduce(g, shape, reduction);
      if (sw) scale = scale.mul(sw());
      // PyTorch's EPSILON is a C float, for float64 too.
      const gi = needs[0] && x.sub(st()).div(x.neg().add(1).mul(x).clamp(BCE_EPSILON, null)).mul(scale);
      const gt = needs[1] && x.log().sub(x.neg().log1p()).neg().mul(scale);
      return [gi, gt];
    };
  });
  return out;
}

/** log(sigmoid(x)) without overflow: min(x, 0) - log1p(exp(-|x|)). */
function logSigmoid(x: Tensor): Tensor {
  return x.clamp(null, 0).sub(x.abs().neg().exp().log1p());
}

/**
 * binary_cross_entropy_with_logits: (1 - t) x + (1 + (pw - 1) t) log(1 + exp(-x)), in PyTorch's stable form
 * (max_val = max(-x, 0)), times weight. Weight and posWeight broadcast against the input.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null = null,
  posWeight: Tensor | null = null,
  reduction0: Reduction = 'mean',
): Tensor {
  const reduction = checkReduction(reduction0);
  checkNoRequiresGrad(weight, 'weight', 'binary_cross_entropy_with_logits');
  checkNoRequiresGrad(posWeight, 'pos_weight', 'binary_cross_entropy_with_logits');
  checkSameShape(input, target);
  const [x0, t0] = promoted(input, target, 'binary_cross_entropy_with_logits');
  const unreduced = noGrad(() => {
    const x = x0;
    const t = t0;
    const maxVal = x.neg().clamp(0, null);
    const lse = maxVal.neg().exp().add(x.neg().sub(maxVal).exp()).log().add(maxVal);
    let loss =
      posWeight !== null
        ? t.neg().add(1).mul(x).add(posWeight.sub(1).mul(t).add(1).mul(lse))
        : t.neg().add(1).mul(x).add(lse);
    if (weight !== null) loss = loss.mul(weight);
    return loss;
  });
  const out = noGrad(() => reduce(unreduced, reduction));
  const lossShape = unreduced.shape;
  const inShape = x0.shape;
  recordOp('BinaryCrossEntropyWithLogitsBackward0', [x0, t0], out, (save, needs) => {
    const sx = save(x0);
    const st = save(t0);
    const sw = weight !== null ? save(weight) : null;
    const sp = posWeight !== null ? save(posWeight) : null;
    return ([g]) => {
      const x = sx();
      const t = st();
      let scale = unreduce(g, lossShape, reduction);
      if (sw) scale = scale.mul(sw());
      let gi: Tensor | null = null;
      let gt: Tensor | null = null;
      if (needs[0]) {
        const pt = sp ? sp().mul(t) : null;
        gi = (pt ? pt.add(1).sub(t).mul(x.sigmoid()).sub(pt) : x.sigmoid().sub(t)).mul(scale).sumToSize(inShape);
      }
      if (needs[1])
        gt = (sp ? logSigmoid(x.neg()).sub(logSigmoid(x).mul(sp())) : x.neg()).mul(scale).sumToSize(inShape);
      return [gi, gt];
    };
  });
  return out;
}

function checkTargetDType(target: Tensor): void {
  if (target.dtype !== 'int64')
    throw new RuntimeError(`expected scalar type Long but found ${scalarTypeName(target.dtype)}`);
}

/**
 * nll_loss for 1-D (C) / 2-D (N, C) inputs (`NllLossBackward0`) and 4-D (N, C, H, W) ones (`NllLoss2DBackward0`):
 * -w[t] x[t] per target; 'mean' divides by the summed weights of the targets that are not ignored.
 */
function nllLossCore(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  reduction: Reduction,
  ignoreIndex: number,
): Tensor {
  const spatial = input.ndim === 4;
  const fnName = spatial ? 'nll_loss2d_forward' : 'nll_loss_forward';
  const c = input.shape[spatial || input.ndim === 2 ? 1 : 0];
  if (spatial) {
    if (target.ndim !== 3)
      throw new RuntimeError(
        `only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.ndim}`,
      );
    const [n, , h, w] = input.shape;
    if (target.shape[0] !== n || target.shape[1] !== h || target.shape[2] !== w) {
      throw new RuntimeError(
        `size mismatch (got input: ${formatShape(input.shape)} , target: ${formatShape(target.shape)}`,
      );
    }
    if (weight !== null && weight.numel() !== c)
      throw new RuntimeError('weight tensor should be defined either for all or no classes');
  } else {
    if (target.ndim > 1) throw new RuntimeError('0D or 1D target tensor expected, multi-target not supported');
    const noBatchDim = input.ndim === 1 && target.ndim === 0;
    if (!noBatchDim && input.shape[0] !== target.shape[0]) {
      throw new RuntimeError(
        `size mismatch (got input: ${formatShape(input.shape)}, target: ${formatShape(target.shape)})`,
      );
    }
    if (weight !== null && (weight.ndim !== 1 || weight.numel() !== c)) {
      throw new RuntimeError(
        `weight tensor should be defined either for all ${c} classes or no classes but got weight tensor of shape: ${formatShape(weight.shape)}`,
      );
    }
  }
  checkNoRequiresGrad(weight, 'weight', fnName);
  checkTargetDType(target);
  if (!isFloatingPoint(input.dtype))
    throw new RuntimeError(`"nll_loss_out_frame" not implemented for '${scalarTypeName(input.dtype)}'`);
  for (const v of target.contiguousArray()) {
    if (v !== ignoreIndex && (v < 0 || v >= c)) throw new IndexError(`Target ${v} is out of bounds.`);
  }
  const classDim = input.ndim === 1 ? 0 : 1;
  const { picked, weights, totalWeight } = noGrad(() => {
    const keep = target.ne(ignoreIndex);
    const safe = where(keep, target, 0);
    const idx = safe.unsqueeze(classDim);
    const perTarget =
      weight === null
        ? keep.to(input.dtype)
        : where(keep, weight.to(input.dtype).indexSelect(0, safe.reshape(-1)).reshape(target.shape), 0);
    return {
      picked: input.gather(classDim, idx).squeeze(classDim),
      weights: perTarget,
      totalWeight: perTarget.sum().item(),
    };
  });
  // An ignored target contributes nothing, whatever its row holds (NaN included): PyTorch's loop skips it.
  const ignored = noGrad(() => target.eq(ignoreIndex));
  const out = noGrad(() => {
    const losses = picked.mul(weights).neg().maskedFill(ignored, 0);
    if (reduction === 'none') return losses;
    if (target.numel() === 0) return empty([], input.dtype).fill_(reduction === 'mean' ? NaN : 0);
    return reduction === 'sum' ? losses.sum() : losses.sum().div(totalWeight);
  });
  const shape = input.shape;
  recordOp(spatial ? 'NllLoss2DBackward0' : 'NllLossBackward0', [input], out, (save) => {
    const st = save(target);
    return ([g]) => {
      const keepIdx = where(st().ne(ignoreIndex), st(), 0).unsqueeze(classDim);
      // With every target ignored under 'mean', PyTorch writes no gradient at all (not 0/0).
      const scale = reduction === 'mean' ? (totalWeight === 0 ? 0 : 1 / totalWeight) : 1;
      const perTarget = (reduction === 'none' ? g : g.expand(weights.shape))
        .mul(weights)
        .mul(-scale)
        .maskedFill(ignored, 0);
      return [empty(shape, g.dtype).scatter(classDim, keepIdx, perTarget.unsqueeze(classDim))];
    };
  });
  return out;
}

/**
 * nll_loss_nd: class dim 1 (or 0 for a single unbatched input), any number of extra dims (N, C, d1, ..., dk) with
 * targets (N, d1, ..., dk); 3-D and 5-D+ inputs go through the 2-D kernel on an (N, C, 1, -1) view, as PyTorch.
 */
export function nllLoss(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null = null,
  reduction0: Reduction = 'mean',
  ignoreIndex = -100,
): Tensor {
  const reduction = checkReduction(reduction0);
  if (input.ndim < 1) throw new ValueError(`Expected 1 or more dimensions (got ${input.ndim})`);
  if (input.ndim !== 1 && input.shape[0] !== (target.shape[0] ?? 0)) {
    throw new ValueError(
      `Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0] ?? 0}).`,
    );
  }
  if (input.ndim <= 2 || input.ndim === 4) return nllLossCore(input, target, weight, reduction, ignoreIndex);
  const [n, c] = input.shape;
  const outSize = [n, ...input.shape.slice(2)];
  if (!shapesEqual(target.shape.slice(1), input.shape.slice(2))) {
    throw new RuntimeError(`Expected target size ${formatShape(outSize)}, got ${formatShape(target.shape)}`);
  }
  const empty4 = input.numel() === 0;
  const x = input.contiguous().view(empty4 ? [n, c, 0, 0] : [n, c, 1, -1]);
  const t = target.contiguous().view(target.numel() === 0 ? [n, 0, 0] : [n, 1, -1]);
  const out = nllLossCore(x, t, weight, reduction, ignoreIndex);
  return reduction === 'none' ? out.view(outSize) : out;
}
