/**
 * The metadata methods (`t.size()`, `t.stride()`, `t.numel()`, `t.isContiguous()`, ...); the properties (`shape`,
 * `ndim`, `dtype`) are the class's own. tensor.ts merges this class into Tensor's type and installs its methods.
 */
import { isFloatingPoint } from '../dtype.js';
import { isContiguous, numel } from '../shape.js';
import type { Size } from '../size.js';
import type { Tensor } from '../tensor.js';
import * as V from '../ops/view.js';

export class MetadataMethods {
  /**
   * The shape as a `torch.Size`, or the size of one dim (negative dims count from the end).
   *
   * @example
   * ```ts
   * const x = torch.zeros(2, 3);
   * console.log(x.size());
   * console.log(x.size(-1));
   * ```
   * ```text
   * torch.Size([2, 3])
   * 3
   * ```
   */
  size(this: Tensor): Size;
  size(this: Tensor, dim: number): number;
  size(this: Tensor, dim?: number): Size | number {
    return dim === undefined ? this.shape : this._shape[V.dimIndex(dim, this._shape.length)];
  }
  /**
   * The strides (elements to step in storage per index of each dim), or the stride of one dim.
   *
   * @example
   * ```ts
   * console.log(torch.zeros(2, 3).stride());
   * console.log(torch.zeros(2, 3).t().stride());
   * ```
   * ```text
   * [ 3, 1 ]
   * [ 1, 3 ]
   * ```
   */
  stride(this: Tensor): number[];
  stride(this: Tensor, dim: number): number;
  stride(this: Tensor, dim?: number): number[] | number {
    return dim === undefined ? this._strides.slice() : this._strides[V.dimIndex(dim, this._shape.length)];
  }
  /** The number of dims, as `ndim`. */
  dim(this: Tensor): number {
    return this._shape.length;
  }
  /**
   * The number of elements.
   *
   * @example
   * ```ts
   * console.log(torch.zeros(2, 3, 4).numel());
   * ```
   * ```text
   * 24
   * ```
   */
  numel(this: Tensor): number {
    return numel(this._shape);
  }
  /** The index of the first element in the storage (`storage_offset()`). */
  storageOffset(this: Tensor): number {
    return this._offset;
  }
  /**
   * Whether the elements lie in storage in row-major order without gaps (`is_contiguous()`).
   *
   * @example
   * ```ts
   * const x = torch.zeros(2, 3);
   * console.log(x.isContiguous(), x.t().isContiguous());
   * ```
   * ```text
   * true false
   * ```
   */
  isContiguous(this: Tensor): boolean {
    return isContiguous(this._shape, this._strides);
  }
  /** Whether the dtype is a floating-point one (`is_floating_point()`). */
  isFloatingPoint(this: Tensor): boolean {
    return isFloatingPoint(this.dtype);
  }
}
