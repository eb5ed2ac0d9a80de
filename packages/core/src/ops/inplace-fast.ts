/**
 * Allocation-free in-place updates: when nothing is recorded, `self` is a contiguous tensor of its own (not a
 * view) and the result keeps its dtype, the kernel writes straight into self's storage. This is the path an
 * optimizer step takes for every parameter. The numbers are the same as the general path's; anything else
 * (recording, views, promotion, overlapping operands) returns false and takes the general path.
 */
import { isFloatingPoint } from '../dtype.js';
import { broadcastShapes, shapesEqual } from '../shape.js';
import { FAST_BINARY_FN, binaryKernel, type FastBinary } from '../kernels/elementwise.js';
import { needsRecording } from '../autograd/record.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { checkScalarOrTensorArg, resultDType, strided, stridedAs, toTensor, worthABackendCall } from './util.js';
import { relu } from './activation.js';
import { UnaryOp } from '../kernels/contiguous.js';
import type { FloatArray } from '../kernels/gemm.js';
import { getKernelBackend } from '../kernels/registry.js';
import { to } from './convert.js';
import { add, binaryOnBackend, mul, scaledAddFn, sub } from './binary.js';
import { addcdiv, addcmul, addcmulValues } from './combine.js';
import { fill_, inplace, inplaceSavingNoInput } from './inplace.js';
import { checkedIntegerValue, cTypeName } from '../dtype.js';

function ownContiguous(self: Tensor): boolean {
  return self._base === null && self.isContiguous();
}

function writable(self: Tensor, operands: readonly Tensor[]): boolean {
  if (!ownContiguous(self) || needsRecording([self, ...operands])) return false;
  // An operand on the same storage could be read after it was overwritten.
  return operands.every((t) => t._array !== self._array);
}

function target(self: Tensor) {
  return self._array.subarray(self._offset, self._offset + self.numel());
}

/** `self op= alpha * other` for add/sub (alpha), mul and div; false when the general path must run. */
export function binaryInplace(self: Tensor, op: FastBinary, other: TensorLike, alpha = 1): boolean {
  const b = toTensor(other);
  if (!writable(self, [b]) || resultDType(self, b) !== self.dtype) return false;
  if (op === 'div' && !isFloatingPoint(self.dtype)) return false;
  if (alpha !== 1 && (op === 'mul' || op === 'div' || !isFloatingPoint(self.dtype))) return false;
  if (!shapesEqual(broadcastShapes(self._shape, b._shape), self._shape)) return false;
  const y = b.dtype === self.dtype ? b : to(b, self.dtype, false, false);
  const a = self.dtype === 'float32' ? Math.fround(op === 'sub' ? -alpha : alpha) : op === 'sub' ? -alpha : alpha;
  const onBackend =
    alpha === 1
      ? binaryOnBackend(op, self, y, self._shape, self._array, self._offset, 1)
      : binaryOnBackend('add', self, y, self._shape, self._array, self._offset, a);
  if (!onBackend) {
    if (alpha === 1)
      binaryKernel(strided(self), stridedAs(y, self._shape), self._shape, target(self), FAST_BINARY_FN[op], op);
    else
      binaryKernel(
        strided(self),
        stridedAs(y, self._shape),
        self._shape,
        target(self),
        scaledAddFn(self.dtype, a),
        'add',
        a,
      );
  }
  self._version.bump();
  return true;
}

/** PyTorch's fused addcmul_/addcdiv_ rounding (see ops/binary.ts), written into self. */
export function ternaryInplace(
  self: Tensor,
  kind: 'addcmul' | 'addcdiv',
  t1: Tensor,
  t2: Tensor,
  value: number,
): boolean {
  if (!writable(self, [t1, t2]) || !isFloatingPoint(self.dtype)) return false;
  if (t1.dtype !== self.dtype || t2.dtype !== self.dtype) return false;
  if (!shapesEqual(t1._shape, self._shape) || !shapesEqual(t2._shape, self._shape)) return false;
  const o = target(self);
  const b = t1.contiguousArray();
  const c = t2.contiguousArray();
  const f32 = self.dtype === 'float32';
  const v = f32 ? Math.fround(value) : value;
  const n = o.length;
  if (kind === 'addcmul') addcmulValues(o, o, b, c, value, self.dtype);
  else if (f32) for (let i = 0; i < n; i++) o[i] = o[i] + Math.fround(Math.fround(v * b[i]) / c[i]);
  else for (let i = 0; i < n; i++) o[i] = o[i] + (v * b[i]) / c[i];
  self._version.bump();
  return true;
}

/** `self = op(self)` for a backend unary op (`UnaryOp`) on a float tensor of its own; false when the general path must run. */
export function unaryInplace(self: Tensor, op: number): boolean {
  const n = self.numel();
  if (!writable(self, []) || (self.dtype !== 'float32' && self.dtype !== 'float64') || !worthABackendCall(n))
    return false;
  const array = self._array as FloatArray;
  getKernelBackend().unary(op, array, self._offset, array, self._offset, n);
  self._version.bump();
  return true;
}

/** fill_/zero_ on a contiguous tensor of its own. */
export function fillInplace(self: Tensor, value: number | boolean | Tensor): boolean {
  if (value instanceof Tensor || !writable(self, [])) return false;
  const v = Number(value);
  const n = self.numel();
  if ((self.dtype === 'float32' || self.dtype === 'float64') && worthABackendCall(n))
    getKernelBackend().fill(self._array as FloatArray, self._offset, n, v);
  else
    target(self).fill(
      self.dtype === 'bool' ? (v ? 1 : 0) : self.dtype === 'int32' || self.dtype === 'int64' ? Math.trunc(v) : v,
    );
  self._version.bump();
  return true;
}

// The in-place methods: the allocation-free path when it applies, the general one otherwise.
export function add_<T extends Tensor>(self: T, other: TensorLike, options?: { alpha?: number }): T {
  return binaryInplace(self, 'add', other, options?.alpha)
    ? self
    : inplaceSavingNoInput(self, (s) => add(s, other, options), other);
}

export function relu_<T extends Tensor>(self: T): T {
  return unaryInplace(self, UnaryOp.relu) ? self : inplaceSavingNoInput(self, relu);
}

export function sub_<T extends Tensor>(self: T, other: TensorLike, options?: { alpha?: number }): T {
  return binaryInplace(self, 'sub', other, options?.alpha)
    ? self
    : inplaceSavingNoInput(self, (s) => sub(s, other, options), other);
}

export function mul_<T extends Tensor>(self: T, other: TensorLike): T {
  return binaryInplace(self, 'mul', other) ? self : inplace(self, (s) => mul(s, other), other);
}

/** `fill_(value)`, or `zero_()` when `zero` is set (the two differ only in the node a graph records). */
export function filled_<T extends Tensor>(self: T, value: number | boolean | Tensor, zero = false): T {
  checkScalarOrTensorArg(value, 'fill_');
  if (typeof value === 'number' && (self.dtype === 'int32' || self.dtype === 'int64'))
    checkedIntegerValue(value, self.dtype, cTypeName(self.dtype));
  return fillInplace(self, value) ? self : fill_(self, value, zero);
}

export function addcmul_<T extends Tensor>(self: T, t1: Tensor, t2: Tensor, value = 1): T {
  return ternaryInplace(self, 'addcmul', t1, t2, value)
    ? self
    : inplace(self, (s) => addcmul(s, t1, t2, value), t1, t2);
}

export function addcdiv_<T extends Tensor>(self: T, t1: Tensor, t2: Tensor, value = 1): T {
  return ternaryInplace(self, 'addcdiv', t1, t2, value)
    ? self
    : inplace(self, (s) => addcdiv(s, t1, t2, value), t1, t2);
}
