/** dtype names, their storage arrays, and PyTorch's type promotion. */
import { RuntimeError } from './errors.js';
import { type Shape, numel } from './shape.js';

export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';

/**
 * Storage for each dtype. int64 lives in a Float64Array of exact integers (exact up to 2^53): arithmetic on it
 * stays on the fast float path, and every value a tensor index or a label takes fits.
 */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool'];

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

export function allocate(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
    case 'int64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'bool':
      return new Uint8Array(n);
  }
}

export function isFloatingPoint(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function isIntegral(dtype: DType, includeBool = false): boolean {
  return dtype === 'int32' || dtype === 'int64' || (includeBool && dtype === 'bool');
}

/** PyTorch's name for a dtype as printed in reprs and messages (`torch.float64`). */
export function torchName(dtype: DType): string {
  return `torch.${dtype}`;
}

/** PyTorch's ScalarType name used in error messages ("Float", "Long", ...). */
export function scalarTypeName(dtype: DType): string {
  return { float32: 'Float', float64: 'Double', int32: 'Int', int64: 'Long', bool: 'Bool' }[dtype];
}

/** 0 = bool, 1 = integer, 2 = floating: the category that decides whether a scalar may promote a tensor. */
export function category(dtype: DType): number {
  return dtype === 'bool' ? 0 : isFloatingPoint(dtype) ? 2 : 1;
}

const ORDER: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

/** torch.promote_types for the dtypes Kindling has. */
export function promoteTypes(a: DType, b: DType): DType {
  return ORDER[a] >= ORDER[b] ? a : b;
}

/** One operand of an op as type promotion sees it: a tensor with dims, a 0-d tensor, or a plain number. */
export interface PromotionOperand {
  dtype: DType;
  kind: 'tensor' | 'zeroDim' | 'scalar';
}

/**
 * torch.result_type: dimensioned tensors decide first; 0-d tensors and then Python-style scalars
 * only promote when they belong to a higher category (bool < integer < floating).
 */
export function resultType(operands: readonly PromotionOperand[], defaultFloat: DType = 'float32'): DType {
  let dims: DType | null = null;
  let zero: DType | null = null;
  let scalar: DType | null = null;
  for (const op of operands) {
    if (op.kind === 'tensor') dims = dims === null ? op.dtype : promoteTypes(dims, op.dtype);
    else if (op.kind === 'zeroDim') zero = zero === null ? op.dtype : promoteTypes(zero, op.dtype);
    else scalar = scalar === null ? op.dtype : promoteTypes(scalar, op.dtype);
  }
  let result = dims;
  for (const [next, isScalar] of [
    [zero, false],
    [scalar, true],
  ] as const) {
    if (next === null) continue;
    if (result === null) result = isScalar && next === 'float64' ? defaultFloat : next;
    else if (category(next) > category(result)) {
      // A higher-category scalar brings the default type of its category, not its own width.
      result = isScalar ? (category(next) === 2 ? defaultFloat : 'int64') : next;
    }
  }
  return result ?? defaultFloat;
}

/** The dtype a JavaScript number or boolean has as a scalar operand. */
export function scalarDType(x: number | boolean): DType {
  if (typeof x === 'boolean') return 'bool';
  return Number.isInteger(x) ? 'int64' : 'float64';
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2 ** 63);
/** 2^63, the first double past int64's range. */
const INT64_END = 2 ** 63;

/**
 * Casts a number to what a storage of `dtype` holds, as PyTorch's cast kernels do on x86: integers truncate toward
 * zero, and a value an integer type cannot hold (NaN, ±Infinity, out of range) becomes its smallest value, the
 * CPU's "integer indefinite" (`tensor([nan, 1e10]).to(int32)` is `[-2147483648, -2147483648]`).
 */
export function castValue(x: number, dtype: DType): number {
  switch (dtype) {
    case 'bool':
      return x !== 0 ? 1 : 0;
    case 'int32': {
      const v = Math.trunc(x);
      return v >= INT32_MIN && v <= INT32_MAX ? v : INT32_MIN;
    }
    case 'int64': {
      const v = Math.trunc(x);
      return v >= INT64_MIN && v < INT64_END ? v : INT64_MIN;
    }
    default:
      return x;
  }
}

/**
 * A number written into an integer tensor by a creation function or `fill_`: truncated toward zero, and PyTorch's
 * error for a value the type cannot hold. `typeName` is how PyTorch names the type in that call's message
 * (`int64` from `tensor`, `int64_t` from `full` and `fill_`).
 */
export function checkedIntegerValue(x: number, dtype: 'int32' | 'int64', typeName: string): number {
  const v = Math.trunc(x);
  const fits = dtype === 'int32' ? v >= INT32_MIN && v <= INT32_MAX : v >= INT64_MIN && v < INT64_END;
  if (!fits) throw new RuntimeError(`value cannot be converted to type ${typeName} without overflow`);
  return v;
}

/** PyTorch's C++ name of an integer dtype, as its scalar-conversion errors from `full` and `fill_` spell it. */
export function cTypeName(dtype: 'int32' | 'int64'): string {
  return dtype === 'int32' ? 'int' : 'int64_t';
}

/** Whether PyTorch's can_cast allows writing a `from` result into a `to` tensor in place. */
export function canCast(from: DType, to: DType): boolean {
  return category(from) <= category(to);
}

/** Bytes per element as PyTorch stores each dtype (an int64 is 8 bytes; here it lives in a Float64Array). */
export const ITEM_SIZE: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1 };

/**
 * The storage of a new tensor of `shape`, with PyTorch's errors instead of the engine's when it cannot exist: a
 * byte size past int64 ("Storage size calculation overflowed"), or more memory than can be had.
 */
export function allocateFor(shape: Shape, dtype: DType): TypedArray {
  const n = numel(shape);
  const bytes = n * ITEM_SIZE[dtype];
  if (bytes >= 2 ** 63) {
    const sizes = shape.map((s) => (Number.isInteger(s) ? BigInt(s).toString() : String(s)));
    throw new RuntimeError(`Storage size calculation overflowed with sizes=[${sizes.join(', ')}]`);
  }
  try {
    return allocate(dtype, n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new RuntimeError(
      `DefaultCPUAllocator: can't allocate memory: you tried to allocate ${bytes} bytes. Error code 12 (Cannot allocate memory)`,
    );
  }
}
