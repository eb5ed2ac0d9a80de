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

/**
 * One element of PyTorch's CPU lerp: fma(w, end - start, start) for w < 0.5 (negative weights included, so that
 * an infinite end gives an infinity rather than NaN there), else fma(w - 1, end - start, end),
 * the difference and w - 1 rounded to float32 first for float32. The product of two float32 values is exact in a
 * double, so the double sum rounded to float32 is the fused result.
 */
function lerpValue(start: number, end: number, w: number, f32: boolean): number {
  const diff = f32 ? Math.fround(end - start) : end - start;
  if (w < 0.5) return start + w * diff;
  return end + (f32 ? Math.fround(w - 1) : w - 1) * diff;
}

/** self + weight * (end - self), `weight` a number or a tensor, rounded as PyTorch's kernel (lerpValue). */
export function lerp(self: Tensor, end: Tensor, weight: number | Tensor): Tensor {
  const scalar = typeof weight === 'number';
  const dtype = scalar ? resultDType(self, end) : resultDType(self, end, weight);
  let shape = broadcastShapes(self._shape, end._shape);
  if (!scalar) shape = broadcastShapes(shape, weight._shape);
  const operands = scalar ? [self, end] : [self, end, weight];
  const [a, b, c] = operands.map((t) =>
    (t.dtype === dtype ? t : to(t, dtype, false, false)).expand(shape).contiguousArray(),
  );
  const f32 = dtype === 'float32';
  const w = scalar && f32 ? Math.fround(weight) : weight;
  const out = empty(shape, dtype);
  const o = out._array;
  for (let i = 0; i < o.length; i++) o[i] = lerpValue(a[i], b[i], typeof w === 'number' ? w : c[i], f32);
  if (typeof weight === 'number') {
    recordOp('LerpBackward0', [self, end], out, (_save, needs) => ([g]) => [
      needs[0] && g.mul(1 - weight),
      needs[1] && g.mul(weight),
    ]);
  } else {
    recordOp('LerpBackward1', [self, end, weight], out, (save, needs) => {
      const sw = save(weight);
      const [ss, se] = needs[2] ? [save(self), save(end)] : [null, null];
      return ([g]) => [needs[0] && g.mul(sub(1, sw())), needs[1] && g.mul(sw()), ss && se && g.mul(sub(se(), ss()))];
    });
  }
  return out;
}
