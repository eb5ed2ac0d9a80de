/**
 * The margin losses PyTorch implements as single ATen ops: `soft_margin_loss` (`SoftMarginLossBackward0`,
 * differentiable twice: its backward is written with tensor ops) and `multi_margin_loss`
 * (`MultiMarginLossBackward0`, the multi-class hinge loss; PyTorch has no gradient of its backward either).
 */
import { RuntimeError, ValueError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';
import { type Reduction, checkReduction, reduce, unreduce } from './loss.js';
import { checkFloat } from './util.js';

/** `soft_margin_loss(input, target, reduction)`: log(1 + exp(-y·x)) for targets y of ±1. */
export function softMarginLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  const r = checkReduction(reduction);
  checkFloat(input, 'soft_margin_loss');
  const out = noGrad(() => reduce(input.mul(target).neg().exp().log1p(), r));
  const shape = input.shape;
  recordOp('SoftMarginLossBackward0', [input, target], out, (save, needs) => {
    const [sx, sy] = [save(input), save(target)];
    return ([g]) => {
      const [x, y] = [sx(), sy()];
      // d/dx log(1 + exp(-y x)) = -y · z / (1 + z), z = exp(-y x).
      const z = y.neg().mul(x).exp();
      const dx = y.neg().mul(z).div(z.add(1));
      const gu = unreduce(g, shape, r);
      return [needs[0] && dx.mul(gu), needs[1] && x.neg().mul(z).div(z.add(1)).mul(gu)];
    };
  });
  return out;
}

/**
 * `multi_margin_loss(input, target, p, margin, weight, reduction)` over (N, C) (or (C)) scores: for each sample,
 * Σ over the classes i ≠ y of max(0, margin - x[y] + x[i])^p (times weight[y]), over C.
 */
export function multiMarginLoss(
  input: Tensor,
  target: Tensor,
  p: number,
  margin: number,
  weight: Tensor | null,
  reduction: Reduction = 'mean',
): Tensor {
  const r = checkReduction(reduction);
  if (p !== 1 && p !== 2) throw new ValueError('only p == 1 and p == 2 supported');
  const nd = input.ndim;
  if (!((nd === 2 && input.shape[1] !== 0) || (nd === 1 && input.shape[0] !== 0) || nd === 0)) {
    throw new RuntimeError(
      `Expected non-empty vector or matrix with optional 0-dim batch size, but got: [${input.shape.join(', ')}]`,
    );
  }
  checkFloat(input, 'multi_margin_loss_cpu');
  const frames = nd <= 1 ? 1 : input.shape[0];
  const dim = nd === 0 ? 1 : input.shape[nd - 1];
  if (target.ndim > 1 || target.numel() !== frames)
    throw new RuntimeError(`inconsistent target size, got: [${target.shape.join(', ')}]`);
  const x = input.contiguousArray();
  const t = target.contiguousArray();
  const w = weight?.contiguousArray() ?? null;
  for (let n = 0; n < frames; n++) {
    if (!(t[n] >= 0 && t[n] < dim)) throw new RuntimeError('target out of range');
  }
  /** Calls `visit(n, d, z)` for every violated margin z = margin - x[y] + x[d] > 0 of sample n. */
  const eachViolation = (visit: (n: number, d: number, z: number, wy: number) => void): void => {
    for (let n = 0; n < frames; n++) {
      const y = t[n];
      const xy = x[n * dim + y];
      const wy = w === null ? 1 : w[y];
      for (let d = 0; d < dim; d++) {
        if (d === y) continue;
        const z = margin - xy + x[n * dim + d];
        if (z > 0) visit(n, d, z, wy);
      }
    }
  };
  const perSample = new Float64Array(frames);
  eachViolation((n, _d, z, wy) => (perSample[n] += (p === 1 ? z : z * z) * wy));
  const losses = zeros(nd === 2 || target.ndim === 1 ? [frames] : [], { dtype: input.dtype });
  perSample.forEach((v, n) => (losses._array[n] = v / dim));
  const out = reduce(losses, r);
  const shape = input.shape;
  recordOp(
    'MultiMarginLossBackward0',
    [input, weight],
    out,
    (_save, needs) =>
      ([g]) =>
        noGrad(() => {
          const gi = zeros([...shape], { dtype: input.dtype });
          const a = gi._array;
          const scale = r === 'mean' ? 1 / (frames * dim) : 1 / dim;
          eachViolation((n, d, z, wy) => {
            const h = (p === 1 ? scale : 2 * scale * z) * wy;
            a[n * dim + d] += h;
            a[n * dim + t[n]] -= h;
          });
          const rows = r === 'none' ? g.reshape([frames, ...new Array<number>(Math.max(nd - 1, 0)).fill(1)]) : g;
          return [needs[0] ? gi.mul(nd === 0 ? g : rows) : null, null];
        }),
  );
  return out;
}
