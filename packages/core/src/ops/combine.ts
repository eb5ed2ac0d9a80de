/** Three-tensor combinations of the binary ops, rounded as PyTorch's kernels: addcmul, addcdiv, lerp. */
import type { DType, TypedArray } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { empty, resultDType } from './util.js';
import { to } from './convert.js';
import { add, div, mul, sub } from './binary.js';
import { fma32, fma64 } from '../kernels/fma.js';

/**
 * self + value * t1 * t2 (Adam's and RMSprop's second moments), rounded as PyTorch's kernel rounds:
 * fma(value * t1, t2, self) (kernels/fma.ts), so optimizer trajectories match PyTorch's bit for bit.
 */
export function addcmul(self: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  const dtype = resultDType(self, t1, t2);
  const shape = broadcastShapes(broadcastShapes(self._shape, t1._shape), t2._shape);
  const [a, b, c] = [self, t1, t2].map((t) =>
    (t.dtype === dtype ? t : to(t, dtype, false, false)).expand(shape).contiguousArray(),
  );
  const out = empty(shape, dtype);
  addcmulValues(out._array, a, b, c, value, dtype);
  recordOp('AddcmulBackward0', [self, t1, t2], out, (save, needs) => {
    const s1 = needs[2] ? save(t1) : null;
    const s2 = needs[1] ? save(t2) : null;
    return ([g]) => [needs[0] && g, s2 && g.mul(s2()).mul(value), s1 && g.mul(s1()).mul(value)];
  });
  return out;
}

/**
 * o[i] = a[i] + value * b[i] * c[i] for i < o.length in `dtype` (o may be a), rounded as PyTorch's kernel:
 * fma(value * b, c, a), value and its product with b in the dtype first.
 */
export function addcmulValues(
  o: TypedArray,
  a: TypedArray,
  b: TypedArray,
  c: TypedArray,
  value: number,
  dtype: DType,
): void {
  if (dtype === 'float32') {
    const v = Math.fround(value);
    for (let i = 0; i < o.length; i++) o[i] = fma32(Math.fround(v * b[i]), c[i], a[i]);
  } else if (dtype === 'float64') {
    for (let i = 0; i < o.length; i++) o[i] = fma64(value * b[i], c[i], a[i]);
  } else {
    for (let i = 0; i < o.length; i++) o[i] = a[i] + value * b[i] * c[i];
  }
}

/** self + value * t1 / t2, rounded as PyTorch's kernel: self + ((value * t1) / t2). */
export function addcdiv(self: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  return add(self, div(mul(t1, value), t2));
}

/**
 * One element of PyTorch's CPU lerp: fma(w, end - start, start) for w < 0.5 (negative weights included, so that
 * an infinite end gives an infinity rather than NaN there), else fma(w - 1, end - start, end), the difference and
 * w - 1 rounded to float32 first for float32 (kernels/fma.ts).
 */
function lerpValue(start: number, end: number, w: number, f32: boolean): number {
  if (f32) {
    const diff = Math.fround(end - start);
    return w < 0.5 ? fma32(w, diff, start) : fma32(Math.fround(w - 1), diff, end);
  }
  const diff = end - start;
  return w < 0.5 ? fma64(w, diff, start) : fma64(w - 1, diff, end);
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
