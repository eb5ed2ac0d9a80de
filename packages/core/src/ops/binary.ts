/**
 * Broadcasting arithmetic, extremes, comparisons and logical ops, and `where` (their backward formulas use it), each
 * with its backward formula beside it (pow and the math library's two-tensor functions: binary-math.ts).
 */
import { type DType, type TypedArray, allocate, castValue, isFloatingPoint, isIntegral } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { broadcastShapes, isContiguous, numel, shapesEqual as sameShape } from '../shape.js';
import {
  FAST_BINARY_FN,
  binaryKernel,
  contiguousBinary,
  type BinaryFn,
  type FastBinary,
  whereKernel,
} from '../kernels/elementwise.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { checkTensorArg, resultDType, uninitialized, stridedAs, toTensor, worthABackendCall } from './util.js';
import { BinaryOp, binaryLayout } from '../kernels/contiguous.js';
import { arithmeticOf, fma32, fma64 } from '../kernels/fma.js';
import type { FloatArray } from '../kernels/gemm.js';
import { getKernelBackend } from '../kernels/registry.js';
import { to } from './convert.js';
import { zerosLike } from '../creation.js';

/** The backend's op code for f, where it has one; add/sub/mul/div also have hand-written loops here. */
export type BinaryKernelOp = keyof typeof BinaryOp;

/** Computes f over the broadcast of a and b in dtype `dtype` (inputs cast first when they differ). */
export function binaryForward(
  a: Tensor,
  b: Tensor,
  dtype: DType,
  f: BinaryFn,
  op?: BinaryKernelOp,
  outDType: DType = dtype,
  alpha = 1,
): Tensor {
  const fast = op === 'add' || op === 'sub' || op === 'mul' || op === 'div' ? op : undefined;
  const how: HowBinary = { dtype, f, op, fast, outDType, alpha };
  const out = a.dtype === dtype && (b.dtype === dtype || b._wrappedNumber) ? contiguousForward(a, b, how) : null;
  return out ?? stridedForward(a, b, how);
}

/** How binaryForward computes: in `dtype`, by f (or the backend's op, or a hand-written loop), into `outDType`. */
interface HowBinary {
  dtype: DType;
  f: BinaryFn;
  op: BinaryKernelOp | undefined;
  fast: FastBinary | undefined;
  outDType: DType;
  /** For add: out = a + alpha * b. */
  alpha: number;
}

/** One-element arrays per dtype holding a wrapped scalar cast to the op's dtype (as `to` would cast it). */
const SCALAR_SLOTS: Record<DType, TypedArray> = {
  float32: allocate('float32', 1),
  float64: allocate('float64', 1),
  int32: allocate('int32', 1),
  int64: allocate('int64', 1),
  bool: allocate('bool', 1),
};

/**
 * The common case decided once, with no broadcast walk: operands already in the op's dtype, the left one
 * contiguous and the right one contiguous of the same shape or a single value that broadcasts to it. Large float
 * work with a backend op is left to the backend (null).
 */
function contiguousForward(a: Tensor, b: Tensor, { dtype, f, op, fast, outDType, alpha }: HowBinary): Tensor | null {
  const shape = a._shape;
  const n = numel(shape);
  if (op !== undefined && worthABackendCall(n) && isFloatingPoint(dtype)) return null;
  if (!isContiguous(shape, a._strides)) return null;
  let bArray = b._array;
  let bOffset = b._offset;
  let sb: number;
  if (b.dtype !== dtype) {
    // A wrapped number (`x.add(1)`): its value cast once, instead of a converted copy and a broadcast walk.
    if (n === 0) return null;
    bArray = SCALAR_SLOTS[dtype];
    bArray[0] = castValue(b._array[b._offset], dtype);
    bOffset = 0;
    sb = 0;
  } else if (sameShape(b._shape, shape) && isContiguous(shape, b._strides)) sb = 1;
  else if (b._shape.length <= shape.length && numel(b._shape) === 1 && n > 0) sb = 0;
  else return null;
  const out = uninitialized(shape, outDType);
  contiguousBinary(a._array, a._offset, bArray, bOffset, sb, out._array, 0, n, f, fast, alpha);
  if (outDType === 'bool') toBool(out._array);
  return out;
}

function stridedForward(a: Tensor, b: Tensor, { dtype, f, op, fast, outDType, alpha }: HowBinary): Tensor {
  const shape = broadcastShapes(a._shape, b._shape);
  const x = a.dtype === dtype ? a : to(a, dtype, false, false);
  const y = b.dtype === dtype ? b : to(b, dtype, false, false);
  const out = uninitialized(shape, outDType);
  if (op !== undefined && outDType === dtype && binaryOnBackend(op, x, y, shape, out._array, 0, alpha)) return out;
  binaryKernel(stridedAs(x, shape), stridedAs(y, shape), shape, out._array, f, fast, alpha);
  if (outDType === 'bool') toBool(out._array);
  return out;
}

/**
 * out[outOffset...] = x op y over `shape` (x and y broadcast to it, in the same float dtype as out) on the kernel
 * backend: done when the work is worth a call and the coalesced layout has at most four dims; false otherwise, for
 * the strided loops to do. `out` may be x's own contiguous storage (an in-place update).
 */
export function binaryOnBackend(
  op: BinaryKernelOp,
  x: Tensor,
  y: Tensor,
  shape: readonly number[],
  out: TypedArray,
  outOffset: number,
  alpha: number,
): boolean {
  if ((x.dtype !== 'float32' && x.dtype !== 'float64') || !worthABackendCall(numel(shape))) return false;
  const layout = binaryLayout(shape, stridedAs(x, shape).strides, stridedAs(y, shape).strides);
  if (layout === null) return false;
  getKernelBackend().binary(
    BinaryOp[op],
    x._array as FloatArray,
    x._offset,
    y._array as FloatArray,
    y._offset,
    out as FloatArray,
    outOffset,
    layout,
    alpha,
  );
  return true;
}

/** A bool result holds 0 or 1: bool + bool is a logical or (True + True is True), as in PyTorch. */
function toBool(o: TypedArray): void {
  for (let i = 0; i < o.length; i++) if (o[i] !== 0) o[i] = 1;
}

const { add: addF, sub: subF, mul: mulF, div: divF } = FAST_BINARY_FN;

function checkAlpha(dtype: DType, alpha: number): void {
  if (!isFloatingPoint(dtype) && !Number.isInteger(alpha)) {
    throw new RuntimeError('For integral input tensors, argument alpha must not be a floating point number.');
  }
}

/**
 * x + alpha * y as PyTorch's CPU kernel computes it: alpha in the tensor's dtype and a fused multiply-add, one
 * rounding (kernels/fma.ts).
 */
function scaledAdd(a: Tensor, b: Tensor, dtype: DType, alpha: number): Tensor {
  const scale = dtype === 'float32' ? Math.fround(alpha) : alpha;
  return binaryForward(a, b, dtype, scaledAddFn(dtype, scale), 'add', dtype, scale);
}

/** One element of x + scale * y in `dtype` (scale already in it), rounded once as PyTorch's add with alpha. */
export function scaledAddFn(dtype: DType, scale: number): BinaryFn {
  if (dtype === 'float32') return (x, y) => fma32(scale, y, x);
  if (dtype === 'float64') return (x, y) => fma64(scale, y, x);
  return (x, y) => x + scale * y;
}

export function add(self: TensorLike, other: TensorLike, options?: { alpha?: number }): Tensor {
  const a = toTensor(self);
  const b = toTensor(other);
  const alpha = options?.alpha ?? 1;
  const dtype = resultDType(a, b);
  checkAlpha(dtype, alpha);
  const out = alpha === 1 ? binaryForward(a, b, dtype, addF, 'add') : scaledAdd(a, b, dtype, alpha);
  recordOp('AddBackward0', [a, b], out, (_save, needs) => ([g]) => [
    needs[0] && g,
    needs[1] && (alpha === 1 ? g : g.mul(alpha)),
  ]);
  return out;
}

export function sub(self: TensorLike, other: TensorLike, options?: { alpha?: number }): Tensor {
  const a = toTensor(self);
  const b = toTensor(other);
  const alpha = options?.alpha ?? 1;
  const dtype = resultDType(a, b);
  if (a.dtype === 'bool' && b.dtype === 'bool') {
    throw new RuntimeError(
      'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.',
    );
  }
  if (a.dtype === 'bool' || b.dtype === 'bool') {
    throw new RuntimeError(
      'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
    );
  }
  checkAlpha(dtype, alpha);
  const out = alpha === 1 ? binaryForward(a, b, dtype, subF, 'sub') : scaledAdd(a, b, dtype, -alpha);
  recordOp('SubBackward0', [a, b], out, (_save, needs) => ([g]) => [needs[0] && g, needs[1] && g.mul(-alpha)]);
  return out;
}

/** `scalar - tensor` (PyTorch's rsub, what `1 - x` calls). */
export function rsub(self: Tensor, other: TensorLike): Tensor {
  const a = toTensor(self);
  const b = toTensor(other);
  const out = binaryForward(b, a, resultDType(a, b), subF, 'sub');
  recordOp('RsubBackward1', [a], out, () => ([g]) => [g.neg()]);
  return out;
}

export function mul(self: TensorLike, other: TensorLike): Tensor {
  const a = toTensor(self);
  const b = toTensor(other);
  const out = binaryForward(a, b, resultDType(a, b), mulF, 'mul');
  recordOp('MulBackward0', [a, b], out, (save, needs) => {
    const sa = needs[1] ? save(a) : null;
    const sb = needs[0] ? save(b) : null;
    return ([g]) => {
      // Unpacked self first, as PyTorch's node does: a check failing on both names self.
      const [x, y] = [sa?.() ?? null, sb?.() ?? null];
      return [y && g.mul(y), x && g.mul(x)];
    };
  });
  return out;
}

export function div(
  self: TensorLike,
  other: TensorLike,
  options?: { roundingMode?: 'trunc' | 'floor' | null },
): Tensor {
  const a = toTensor(self);
  const b = toTensor(other);
  const mode = options?.roundingMode ?? null;
  const promoted = resultDType(a, b);
  if (mode !== null) {
    if (mode !== 'trunc' && mode !== 'floor') {
      throw new RuntimeError(
        `div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`,
      );
    }
    const integral = isIntegral(promoted, true);
    const f: BinaryFn = integral
      ? (x, y) => {
          if (y === 0) throw new RuntimeError('ZeroDivisionError');
          return (mode === 'trunc' ? Math.trunc : Math.floor)(x / y);
        }
      : mode === 'trunc'
        ? promoted === 'float32'
          ? (x, y) => Math.trunc(Math.fround(x / y))
          : (x, y) => Math.trunc(x / y)
        : divFloorFloating(arithmeticOf(promoted === 'float32').round);
    const out = binaryForward(a, b, promoted, f);
    recordOp('DivBackward2', [a, b], out, (_s, needs) => ([g]) => [
      needs[0] && zerosLike(g),
      needs[1] && zerosLike(g).sumToSize(b._shape),
    ]);
    return out;
  }
  const dtype = isFloatingPoint(promoted) ? promoted : 'float32';
  const out = binaryForward(a, b, dtype, divF, 'div');
  recordOp('DivBackward0', [a, b], out, (save, needs) => {
    const sa = needs[1] ? save(a) : null;
    const sb = save(b);
    // PyTorch's div_tensor_other_backward: -grad · ((self / other) / other), which stays finite where other² would
    // underflow.
    return ([g]) => {
      // Unpacked self first, as PyTorch's node does: a check failing on both names self.
      const [x, y] = [sa?.() ?? null, sb()];
      return [needs[0] && g.div(y), x && g.neg().mul(x.div(y).div(y))];
    };
  });
  return out;
}

/**
 * Floor division of floats as PyTorch computes it (c10::div_floor_floating), in the dtype's precision (`round`):
 * from fmod, so that 1.0 // 0.1 is 9, the floor of the exact quotient, not floor(1.0 / 0.1) = 10.
 */
function divFloorFloating(round: (v: number) => number): BinaryFn {
  return (a, b) => {
    if (b === 0) return a / b;
    const mod = a % b;
    let div = round((a - mod) / b);
    if (mod !== 0 && b < 0 !== mod < 0) div = round(div - 1);
    if (div === 0) {
      const q = a / b; // copysign(0, a / b)
      return q < 0 || Object.is(q, -0) ? -0 : 0;
    }
    let floordiv = Math.floor(div);
    if (round(div - floordiv) > 0.5) floordiv = round(floordiv + 1);
    return floordiv;
  };
}

export function maximum(self: TensorLike, other: TensorLike): Tensor {
  return extremum('MaximumBackward0', self, other, true);
}

export function minimum(self: TensorLike, other: TensorLike): Tensor {
  return extremum('MinimumBackward0', self, other, false);
}

function extremum(name: string, self: TensorLike, other: TensorLike, isMax: boolean): Tensor {
  const a = toTensor(self);
  const b = toTensor(other);
  const f: BinaryFn = isMax
    ? (x, y) => (x !== x || y !== y ? NaN : x > y ? x : y)
    : (x, y) => (x !== x || y !== y ? NaN : x < y ? x : y);
  const out = binaryForward(a, b, resultDType(a, b), f);
  recordOp(name, [a, b], out, (save) => {
    const sa = save(a);
    const sb = save(b);
    return ([g]) => {
      // PyTorch's formula: ties share the gradient equally, and only the operand that lost gets none, so where
      // either is NaN (no loser) both get all of it.
      const shared = where(sa().eq(sb()), g.div(2), g);
      const selfLost = isMax ? sa().lt(sb()) : sa().gt(sb());
      const otherLost = isMax ? sa().gt(sb()) : sa().lt(sb());
      return [shared.maskedFill(selfLost, 0), shared.maskedFill(otherLost, 0)];
    };
  });
  return out;
}

export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
const COMPARE: Record<CompareOp, BinaryFn> = {
  eq: (x, y) => (x === y ? 1 : 0),
  ne: (x, y) => (x !== y ? 1 : 0),
  lt: (x, y) => (x < y ? 1 : 0),
  le: (x, y) => (x <= y ? 1 : 0),
  gt: (x, y) => (x > y ? 1 : 0),
  ge: (x, y) => (x >= y ? 1 : 0),
};

export function compare(op: CompareOp, self: TensorLike, other: TensorLike): Tensor {
  const a = toTensor(self);
  const b = toTensor(other);
  return binaryForward(a, b, resultDType(a, b), COMPARE[op], undefined, 'bool');
}

/** torch.equal: the same sizes and the same values (NaN equals nothing; 0 equals -0), whatever the dtypes. */
export function equal(self: Tensor, other: Tensor): boolean {
  checkTensorArg(self, 'equal', 'input', 1);
  checkTensorArg(other, 'equal', 'other', 2);
  if (!sameShape(self._shape, other._shape)) return false;
  const a = self.contiguousArray();
  const b = other.contiguousArray();
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function logicalAnd(self: TensorLike, other: TensorLike): Tensor {
  const a = toTensor(self);
  const b = toTensor(other);
  // NaN is nonzero, hence true, as in C (JavaScript's `&&` would treat it as false).
  return binaryForward(a, b, resultDType(a, b), (x, y) => (x !== 0 && y !== 0 ? 1 : 0), undefined, 'bool');
}

export function logicalOr(self: TensorLike, other: TensorLike): Tensor {
  const a = toTensor(self);
  const b = toTensor(other);
  return binaryForward(a, b, resultDType(a, b), (x, y) => (x !== 0 || y !== 0 ? 1 : 0), undefined, 'bool');
}

export function where(condition: Tensor, self: TensorLike, other: TensorLike): Tensor {
  checkTensorArg(condition, 'where', 'condition', 1);
  if (condition.dtype !== 'bool') {
    throw new RuntimeError(
      `where expected condition to be a boolean tensor, but got a tensor with dtype ${condition.dtype === 'float32' ? 'Float' : condition.dtype}`,
    );
  }
  const a = toTensor(self);
  const b = toTensor(other);
  const dtype = resultDType(a, b);
  const shape = broadcastShapes(broadcastShapes(condition._shape, a._shape), b._shape);
  const x = a.dtype === dtype ? a : to(a, dtype, false, false);
  const y = b.dtype === dtype ? b : to(b, dtype, false, false);
  const out = uninitialized(shape, dtype);
  whereKernel(stridedAs(condition, shape), stridedAs(x, shape), stridedAs(y, shape), shape, out._array);
  recordOp('WhereBackward0', [a, b], out, (save, needs) => {
    const c = save(condition);
    return ([g]) => [needs[0] && where(c(), g, 0), needs[1] && where(c(), 0, g)];
  });
  return out;
}
