/** clamp/clip with number or tensor bounds, each with PyTorch's gradients. */
import { RuntimeError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { checkScalarOrTensorArg, toTensor } from './util.js';
import { unaryForward } from './unary-forward.js';
import { where } from './binary.js';

export function clamp(x: Tensor, min: number | Tensor | null, max: number | Tensor | null): Tensor {
  if (min === null && max === null)
    throw new RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  if (min !== null) checkScalarOrTensorArg(min, 'clamp');
  if (max !== null) checkScalarOrTensorArg(max, 'clamp');
  if ((typeof min === 'object' && min !== null) || (typeof max === 'object' && max !== null)) {
    return clampTensor(x, min === null ? null : toTensor(min), max === null ? null : toTensor(max));
  }
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const out = unaryForward(x, (v) => (v !== v ? v : Math.min(Math.max(v, lo), hi)), false);
  recordOp('ClampBackward1', [x], out, (save) => {
    const sx = save(x);
    return ([g]) => [where(sx().ge(lo).logicalAnd(sx().le(hi)), g, 0)];
  });
  return out;
}

/**
 * `clamp_min` / `clamp_max` with a number bound, recorded under PyTorch's own nodes (ClampMinBackward0,
 * ClampMaxBackward0): the gradient passes where the input reaches the bound's side, bound included (not at NaN).
 */
export function clampBound(x: Tensor, bound: number, side: 'min' | 'max'): Tensor {
  checkScalarOrTensorArg(bound, side === 'min' ? 'clamp_min' : 'clamp_max');
  const out = unaryForward(
    x,
    side === 'min' ? (v) => (v !== v ? v : Math.max(v, bound)) : (v) => (v !== v ? v : Math.min(v, bound)),
    false,
  );
  recordOp(side === 'min' ? 'ClampMinBackward0' : 'ClampMaxBackward0', [x], out, (save) => {
    const sx = save(x);
    return ([g]) => [where(side === 'min' ? sx().ge(bound) : sx().le(bound), g, 0)];
  });
  return out;
}

/** clamp with tensor bounds (broadcast with x): one node, ClampBackward0, with PyTorch's gradients for all three. */
function clampTensor(x: Tensor, min: Tensor | null, max: Tensor | null): Tensor {
  const out = noGrad(() => {
    let r = x;
    if (min !== null) r = r.maximum(min);
    if (max !== null) r = r.minimum(max);
    return r;
  });
  recordOp('ClampBackward0', [x, min, max], out, (save, needs) => {
    const sx = save(x);
    const smin = min !== null ? save(min) : null;
    const smax = max !== null ? save(max) : null;
    return ([g]) => {
      const self = sx();
      const lo = smin && smin();
      const hi = smax && smax();
      const inRange = lo && hi ? self.ge(lo).logicalAnd(self.le(hi)) : lo ? self.ge(lo) : self.le(hi as Tensor);
      return [
        needs[0] && where(inRange, g, 0),
        // When min > max the result is max: min takes no gradient there, and max takes all of it.
        needs[1] && lo && where(hi ? self.lt(lo).logicalAnd(lo.lt(hi)) : self.lt(lo), g, 0),
        needs[2] && hi && where(lo ? self.gt(hi).logicalOr(hi.lt(lo)) : self.gt(hi), g, 0),
      ];
    };
  });
  return out;
}
