/** Three-tensor combinations of the binary ops, rounded as PyTorch's kernels: addcmul, addcdiv, lerp. */
import { broadcastShapes } from '../shape.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { empty, resultDType } from './util.js';
import { to } from './convert.js';
import { add, div, mul, sub } from './binary.js';

/**
 * self + value * t1 * t2 (Adam's and RMSprop's second moments), rounded as PyTorch's kernel rounds:
 * fma(value * t1, t2, self), so optimizer trajectories match PyTorch's bit for bit.
 */
export function addcmul(self: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  const dtype = resultDType(self, t1, t2);
  const shape = broadcastShapes(broadcastShapes(self._shape, t1._shape), t2._shape);
  const [a, b, c] = [self, t1, t2].map((t) =>
    (t.dtype === dtype ? t : to(t, dtype, false, false)).expand(shape).contiguousArray(),
  );
  const v = dtype === 'float32' ? Math.fround(value) : value;
  const out = empty(shape, dtype);
  const o = out._array;
  if (dtype === 'float32') for (let i = 0; i < o.length; i++) o[i] = a[i] + Math.fround(v * b[i]) * c[i];
  else for (let i = 0; i < o.length; i++) o[i] = a[i] + v * b[i] * c[i];
  recordOp('AddcmulBackward0', [self, t1, t2], out, (save, needs) => {
    const s1 = needs[2] ? save(t1) : null;
    const s2 = needs[1] ? save(t2) : null;
    return ([g]) => [needs[0] && g, s2 && g.mul(s2()).mul(value), s1 && g.mul(s1()).mul(value)];
  });
  return out;
}

/** self + value * t1 / t2, rounded as PyTorch's kernel: self + ((value * t1) / t2). */
export function addcdiv(self: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  return add(self, div(mul(t1, value), t2));
}

/** self + weight * (end - self). */
export function lerp(self: Tensor, end: Tensor, weight: number): Tensor {
  return add(self, sub(end, self), { alpha: weight });
}
