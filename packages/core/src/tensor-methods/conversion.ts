/**
 * The conversions (`t.item()`, `t.tolist()`, `t.float()`, `t.to(dtype)`) and the `new_*` creation methods.
 * tensor.ts merges this class into Tensor's type and installs its methods on Tensor.prototype.
 */
import type { Tensor } from '../tensor.js';
import type { NestedArray } from '../tensor-types.js';
import type { DType, TypedArray } from '../dtype.js';
import { type SizeArgs, type TensorOptions, withDefaultDType } from '../creation.js';
import * as C from '../ops/convert.js';
import * as Cr from '../creation.js';

export class ConversionMethods {
  /**
   * The value of a one-element tensor, as a number.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([[2.5]]).item());
   * ```
   * ```text
   * 2.5
   * ```
   */
  item(this: Tensor): number {
    return C.item(this);
  }
  /**
   * The values as nested arrays of numbers (booleans for bool tensors).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([[1, 2], [3, 4]]).tolist());
   * ```
   * ```text
   * [ [ 1, 2 ], [ 3, 4 ] ]
   * ```
   */
  tolist(this: Tensor): NestedArray {
    return C.tolist(this);
  }
  /** The values as a new contiguous typed array (`Float32Array` for float32, ...). */
  toArray(this: Tensor): TypedArray {
    return C.toArray(this);
  }
  /**
   * The tensor's own storage as a typed array, shared as PyTorch's `numpy()` shares it: writes through it change
   * the tensor (and the tensor's in-place ops change it). Float32Array for float32, Float64Array for float64 and
   * int64 (exact integers), Int32Array, Uint8Array for bool. A typed array has no strides, so the tensor must be
   * contiguous (`t.contiguous().numpy()` copies first); `toArray()` always copies.
   */
  numpy(this: Tensor): TypedArray {
    return C.sharedArray(this);
  }
  /** A converted copy: to a dtype, another tensor's dtype, or a device (`'cpu'`; others throw). */
  to(this: Tensor, target: DType | 'cpu' | (string & {}) | Tensor, options?: { copy?: boolean }): Tensor {
    return C.to(this, target, options?.copy ?? false);
  }
  /** `t.type()`: PyTorch's type name (`'torch.FloatTensor'`); `t.type(dtype)`: converted to `dtype`. */
  type(this: Tensor): string;
  type(this: Tensor, dtype: DType): Tensor;
  type(this: Tensor, dtype?: DType): Tensor | string {
    return dtype === undefined ? C.legacyTypeName(this) : C.to(this, dtype, false);
  }
  /**
   * Converted to float32.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2]).float());
   * ```
   * ```text
   * tensor([1., 2.])
   * ```
   */
  float(this: Tensor): Tensor {
    return C.to(this, 'float32', false);
  }
  /** Converted to float64. */
  double(this: Tensor): Tensor {
    return C.to(this, 'float64', false);
  }
  /**
   * Converted to int64 (values truncated toward zero).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1.7, -1.7]).long());
   * ```
   * ```text
   * tensor([ 1, -1])
   * ```
   */
  long(this: Tensor): Tensor {
    return C.to(this, 'int64', false);
  }
  /** Converted to int32. */
  int(this: Tensor): Tensor {
    return C.to(this, 'int32', false);
  }
  /** Converted to bool (nonzero is true). */
  bool(this: Tensor): Tensor {
    return C.to(this, 'bool', false);
  }
  /** This tensor (the CPU is the only device). */
  cpu(this: Tensor): Tensor {
    return this;
  }
  /** `new_zeros`, `new_ones`, `new_empty`, `new_full`, `new_tensor`: new tensors of this one's dtype unless told. */
  newZeros(this: Tensor, ...size: SizeArgs): Tensor {
    return Cr.zeros(...withDefaultDType(size, this.dtype));
  }
  /** A tensor of ones of this tensor's dtype unless told (`new_ones`). */
  newOnes(this: Tensor, ...size: SizeArgs): Tensor {
    return Cr.ones(...withDefaultDType(size, this.dtype));
  }
  /** An uninitialised (here: zeroed) tensor of this tensor's dtype unless told (`new_empty`). */
  newEmpty(this: Tensor, ...size: SizeArgs): Tensor {
    return Cr.empty(...withDefaultDType(size, this.dtype));
  }
  /** A tensor filled with `fillValue`, of this tensor's dtype unless told (`new_full`). */
  newFull(
    this: Tensor,
    size: number | readonly number[],
    fillValue: number | boolean,
    options: TensorOptions = {},
  ): Tensor {
    return Cr.full(size, fillValue, { dtype: this.dtype, ...options });
  }
  /** A tensor of `data`, of this tensor's dtype unless told (`new_tensor`). */
  newTensor(this: Tensor, data: NestedArray | TypedArray | Tensor, options: TensorOptions = {}): Tensor {
    return Cr.tensor(data, { dtype: this.dtype, ...options });
  }
  /** @internal the values as a contiguous array of the storage type (no copy when already contiguous and whole) */
  contiguousArray(this: Tensor): TypedArray {
    return C.contiguousArray(this);
  }
  /**
   * PyTorch's `repr`, exactly.
   *
   * @example
   * ```ts
   * const x = torch.tensor([0.5, 1], { requiresGrad: true });
   * console.log(`${x.mul(2)}`);
   * ```
   * ```text
   * tensor([1., 2.], grad_fn=<MulBackward0>)
   * ```
   */
  toString(this: Tensor): string {
    return C.repr(this);
  }
}
