/** Small helpers shared by the op files: making outputs, wrapping scalars, type promotion, broadcast views. */
import {
  type DType,
  type PromotionOperand,
  type TypedArray,
  allocate,
  allocateFor,
  isFloatingPoint,
  resultType,
  scalarDType,
  scalarTypeName,
} from '../dtype.js';
import { RuntimeError, TorchTypeError } from '../errors.js';
import { broadcastStrides, numel } from '../shape.js';
import type { StridedArray } from '../kernels/elementwise.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { pyTypeName } from '../python-types.js';
import { uninitializedStorage } from '../storage-pool.js';
import { copyStrided } from '../kernels/strided.js';
import { binaryLayout } from '../kernels/contiguous.js';
import type { FloatArray } from '../kernels/gemm.js';
import { getKernelBackend } from '../kernels/registry.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';

/** A new contiguous tensor filled with zeros. */
export function empty(shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(allocateFor(shape, dtype), [...shape], dtype);
}

/** Below this many elements no storage is pooled or left unzeroed (storage-pool.ts starts at 16 KiB). */
const SMALL_ELEMENTS = 2048;

/**
 * A new contiguous tensor whose values are unspecified: only for a result the op then writes in full. Large
 * ones reuse storage autograd released, or skip the zero-fill (storage-pool.ts).
 */
export function uninitialized(shape: readonly number[], dtype: DType): Tensor {
  const n = numel(shape);
  // Small results (most of a small-op loop) go straight to the allocator.
  const array = (n >= SMALL_ELEMENTS ? uninitializedStorage(dtype, n) : null) ?? allocateFor(shape, dtype);
  return new Tensor(array, [...shape], dtype);
}

/** Scalars entering an op become 0-d "wrapped number" tensors, which never decide the result's width. */
export function scalarTensor(x: number | boolean, dtype: DType = scalarDType(x)): Tensor {
  const t = new Tensor(allocate(dtype, 1), [], dtype);
  t._array[0] = typeof x === 'boolean' ? Number(x) : x;
  t._wrappedNumber = true;
  return t;
}

export function isWrappedNumber(t: Tensor): boolean {
  return t._wrappedNumber;
}

export function toTensor(x: TensorLike): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number' || typeof x === 'boolean') return scalarTensor(x);
  throw new TorchTypeError(`expected a Tensor or a number, but got ${typeof x}`);
}

export function promotionOperand(t: Tensor): PromotionOperand {
  return { dtype: t.dtype, kind: isWrappedNumber(t) ? 'scalar' : t._shape.length === 0 ? 'zeroDim' : 'tensor' };
}

export function resultDType(a: Tensor, b: Tensor, ...more: Tensor[]): DType {
  // Operands of one dtype give that dtype whatever their kinds: most ops, decided without building operands.
  if (a.dtype === b.dtype && more.length === 0) return a.dtype;
  return resultType([a, b, ...more].map(promotionOperand));
}

/** The tensor's storage read as if expanded to `shape` (broadcast dims get stride 0). */
export function stridedAs(t: Tensor, shape: readonly number[]): StridedArray {
  return { array: t._array, strides: broadcastStrides(t._shape, t._strides, shape), offset: t._offset };
}

export function strided(t: Tensor): StridedArray {
  return { array: t._array, strides: t._strides, offset: t._offset };
}

/**
 * Elementwise work on fewer elements than this stays in the ops' own strided loops: below it, a backend call
 * (argument checks, a layout, crossing into native code) costs more than the loop it replaces.
 */
const BACKEND_MIN_ELEMENTS = 2048;

export function worthABackendCall(elements: number): boolean {
  return elements >= BACKEND_MIN_ELEMENTS;
}

/**
 * Each run of a contiguous array of `shape` along dim `d`: `visit(r, first, step)` with `r` the run's place in the
 * shape without `d` (an output element of a reduction over `d`), `first` the offset of its first element and `step`
 * the distance between its elements. A 0-d shape is one run of one element.
 */
export function eachRunAlong(
  shape: readonly number[],
  d: number,
  visit: (r: number, first: number, step: number) => void,
): void {
  const outer = shape.length === 0 ? 1 : numel(shape.slice(0, d));
  const size = shape.length === 0 ? 1 : shape[d];
  const inner = shape.length === 0 ? 1 : numel(shape.slice(d + 1));
  for (let a = 0; a < outer; a++) for (let b = 0; b < inner; b++) visit(a * inner + b, a * size * inner + b, inner);
}

/** PyTorch's refusal of a floating-point kernel for another dtype. */
export function checkFloat(x: Tensor, kernel: string): void {
  if (!isFloatingPoint(x.dtype)) throw new RuntimeError(`"${kernel}" not implemented for '${scalarTypeName(x.dtype)}'`);
}

/** PyTorch's error for a non-tensor where an op takes a tensor (`mm(): argument 'mat2' (position 1) must be Tensor, not int`). */
export function checkTensorArg(x: unknown, op: string, name: string, position: number): void {
  if (!(x instanceof Tensor))
    throw new TorchTypeError(`${op}(): argument '${name}' (position ${position}) must be Tensor, not ${pyTypeName(x)}`);
}

/** PyTorch's TypeError for an int argument given something else (`topk(): argument 'k' (position 1) must be int, not float`). */
export function checkIntArg(v: unknown, op: string, name: string, position: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new TorchTypeError(`${op}(): argument '${name}' (position ${position}) must be int, not ${pyTypeName(v)}`);
}

/** PyTorch's TypeError when an argument that takes a number or a tensor gets something else. */
export function checkScalarOrTensorArg(v: unknown, op: string): void {
  if (!(v instanceof Tensor) && typeof v !== 'number' && typeof v !== 'boolean') {
    throw new TorchTypeError(
      `${op}() received an invalid combination of arguments - got (${pyTypeName(v)}), but expected a Number or a Tensor`,
    );
  }
}

/**
 * The elements of `src` at `shape`/`strides`/`offset`, in row-major order, written into `out` from `outOffset`
 * (a copy, with a cast when the array types differ). Large float copies with non-negative strides go to the
 * kernel backend; the rest to the strided loops.
 */
export function gather(
  src: TypedArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  out: TypedArray,
  outOffset = 0,
): void {
  const floats =
    (src instanceof Float32Array && out instanceof Float32Array) ||
    (src instanceof Float64Array && out instanceof Float64Array);
  if (floats && worthABackendCall(numel(shape)) && strides.every((s) => s >= 0)) {
    const layout = binaryLayout(shape, strides, new Array<number>(shape.length).fill(0));
    if (layout !== null) {
      getKernelBackend().copy(src as FloatArray, offset, out as FloatArray, outOffset, layout);
      return;
    }
  }
  copyStrided(src, shape, strides, offset, out, outOffset);
}

/**
 * Records `out = f(x)`, for a fixed linear map `f` with the adjoint `fT`, as `node`. The backward applies `fT` and is
 * recorded in turn as `backwardNode`, with `f` as its own backward, so gradients of any order flow (the resampling
 * and padding ops are such maps).
 */
export function recordLinearMap(
  node: string,
  backwardNode: string,
  x: Tensor,
  out: Tensor,
  f: (t: Tensor) => Tensor,
  fT: (t: Tensor) => Tensor,
): Tensor {
  recordOp(node, [x], out, () => ([g]) => [
    recordLinearMap(
      backwardNode,
      node,
      g,
      noGrad(() => fT(g)),
      fT,
      f,
    ),
  ]);
  return out;
}
