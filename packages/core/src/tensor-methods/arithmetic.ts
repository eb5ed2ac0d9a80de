/**
 * The arithmetic, comparison and other elementwise methods of two or more tensors (`t.add(u)`, `t.eq(u)`, `t.where(c, u)`, ...), each forwarding to the op that defines it.
 * tensor.ts merges this class into Tensor's type and installs its methods on Tensor.prototype.
 */
import type { Tensor } from '../tensor.js';
import type { TensorLike } from '../tensor-types.js';
import { trailingOptions } from '../python-args.js';
import * as BM from '../ops/binary-math.js';
import * as Count from '../ops/counting.js';
import * as E from '../ops/elementwise.js';
import * as N from '../ops/activation.js';

export class ArithmeticMethods {
  /**
   * Adds `other` (a tensor, broadcast, or a number), scaled by `alpha` if given: `this + alpha * other`.
   *
   * @example
   * ```ts
   * const a = torch.tensor([1, 2, 3]);
   * console.log(a.add(10));
   * console.log(a.add(torch.tensor([1, 1, 1]), { alpha: 2 }));
   * ```
   * ```text
   * tensor([11, 12, 13])
   * tensor([3, 4, 5])
   * ```
   */
  add(this: Tensor, other: TensorLike, options?: { alpha?: number }): Tensor {
    return E.add(this, other, options);
  }
  /**
   * Subtracts `other`, scaled by `alpha` if given: `this - alpha * other`.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([5.5, 6]).sub(torch.tensor([1, 2])));
   * ```
   * ```text
   * tensor([4.5000, 4.0000])
   * ```
   */
  sub(this: Tensor, other: TensorLike, options?: { alpha?: number }): Tensor {
    return E.sub(this, other, options);
  }
  /**
   * Multiplies elementwise, broadcasting (`*`).
   *
   * @example
   * ```ts
   * const a = torch.tensor([[1, 2], [3, 4]]);
   * console.log(a.mul(torch.tensor([10, 100])));
   * ```
   * ```text
   * tensor([[ 10, 200],
   *         [ 30, 400]])
   * ```
   */
  mul(this: Tensor, other: TensorLike): Tensor {
    return E.mul(this, other);
  }
  /**
   * Divides elementwise (true division, so integers give floats); `roundingMode: 'trunc' | 'floor'` rounds.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([7, -7]).div(2));
   * console.log(torch.tensor([7, -7]).div(2, { roundingMode: 'floor' }));
   * ```
   * ```text
   * tensor([ 3.5000, -3.5000])
   * tensor([ 3, -4])
   * ```
   */
  div(this: Tensor, other: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
    return E.div(this, other, options);
  }
  /**
   * Raises each element to `exponent` (`**`).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3]).pow(2));
   * console.log(torch.tensor([4]).pow(0.5));
   * ```
   * ```text
   * tensor([1, 4, 9])
   * tensor([2.])
   * ```
   */
  pow(this: Tensor, exponent: TensorLike): Tensor {
    return E.pow(this, exponent);
  }
  /** The elementwise maximum of this tensor and `other`. */
  maximum(this: Tensor, other: TensorLike): Tensor {
    return E.maximum(this, other);
  }
  /** The elementwise minimum of this tensor and `other`. */
  minimum(this: Tensor, other: TensorLike): Tensor {
    return E.minimum(this, other);
  }
  /** The angle of the point (other, this), elementwise: `torch.atan2`. */
  atan2(this: Tensor, other: Tensor): Tensor {
    return E.atan2(this, other);
  }
  /** The remainder of `this / other`, with the sign of this tensor (C's fmod). */
  fmod(this: Tensor, other: TensorLike): Tensor {
    return E.fmod(this, other);
  }
  /** The remainder of `this / other`, with the sign of `other` (Python's `%`). */
  remainder(this: Tensor, other: TensorLike): Tensor {
    return E.remainder(this, other);
  }
  /** `sqrt(this² + other²)`, elementwise. */
  hypot(this: Tensor, other: Tensor): Tensor {
    return E.hypot(this, other);
  }
  /** `log(exp(this) + exp(other))`, elementwise, without overflow. */
  logaddexp(this: Tensor, other: Tensor): Tensor {
    return E.logaddexp(this, other);
  }
  /** `log2(2^this + 2^other)`, elementwise, without overflow. */
  logaddexp2(this: Tensor, other: Tensor): Tensor {
    return E.logaddexp2(this, other);
  }
  /** `this * log(other)`, 0 where this is 0: `torch.xlogy`. */
  xlogy(this: Tensor, other: TensorLike): Tensor {
    return E.xlogy(this, other);
  }
  /** The magnitude of this tensor with the sign of `other`. */
  copysign(this: Tensor, other: TensorLike): Tensor {
    return E.copysign(this, other);
  }
  /**
   * Where this tensor is within `atol + rtol * |other|` of `other` (NaNs equal with `equalNan`), as a bool tensor:
   * `isclose(other, rtol, atol, equalNan)` or `isclose(other, { rtol, atol, equalNan })`.
   */
  isclose(this: Tensor, other: Tensor, options?: BM.CloseOptions): Tensor;
  isclose(this: Tensor, other: Tensor, rtol?: number, atol?: number, equalNan?: boolean): Tensor;
  isclose(this: Tensor, other: Tensor, ...args: unknown[]): Tensor {
    return BM.isclose(this, other, closeOptions('isclose', args));
  }
  /**
   * Whether every element is close to `other`'s, as {@link Tensor.isclose} decides.
   *
   * @example
   * ```ts
   * const x = torch.tensor([1, 2], { dtype: 'float32' });
   * console.log(x.allclose(x.add(1e-7)), x.allclose(x.add(1e-3)));
   * ```
   * ```text
   * true false
   * ```
   */
  allclose(this: Tensor, other: Tensor, options?: BM.CloseOptions): boolean;
  allclose(this: Tensor, other: Tensor, rtol?: number, atol?: number, equalNan?: boolean): boolean;
  allclose(this: Tensor, other: Tensor, ...args: unknown[]): boolean {
    return BM.allclose(this, other, closeOptions('allclose', args));
  }
  /** `log(x / (1 - x))` of each element, the sigmoid's inverse; with `eps`, x clamped to [eps, 1 - eps] first. */
  logit(this: Tensor, eps: number | null = null): Tensor {
    return N.logit(this, eps);
  }
  /** This tensor in `other`'s dtype (itself when it already is). */
  typeAs(this: Tensor, other: Tensor): Tensor {
    return this.to(other.dtype);
  }
  /**
   * How often each value 0..max occurs in this 1-D tensor of non-negative integers, or the sum of `weights` there:
   * `bincount(weights, minlength)` or `bincount({ weights, minlength })`.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 3, 1, 0]).bincount());
   * ```
   * ```text
   * tensor([1, 2, 0, 1])
   * ```
   */
  bincount(this: Tensor, options?: Count.BincountOptions): Tensor;
  bincount(this: Tensor, weights?: Tensor | null, minlength?: number): Tensor;
  bincount(this: Tensor, ...args: unknown[]): Tensor {
    return Count.bincount(
      this,
      trailingOptions<Count.BincountOptions>('bincount', ['weights', 'minlength'], args, 1, 1),
    );
  }
  /** A histogram of `bins` equal bins over [min, max] (the data's range when both are 0). */
  histc(this: Tensor, bins = 100, min = 0, max = 0): Tensor {
    return Count.histc(this, bins, min, max);
  }
  /**
   * The distinct values, ascending; `[values, inverse?, counts?]` with `returnInverse` / `returnCounts`.
   *
   * @example
   * ```ts
   * const [values, counts] = torch.tensor([3, 1, 3, 2, 3]).unique({ returnCounts: true }) as torch.Tensor[];
   * console.log(values, counts);
   * ```
   * ```text
   * tensor([1, 2, 3]) tensor([1, 1, 3])
   * ```
   */
  unique(this: Tensor, options?: Count.UniqueOptions): Tensor | Tensor[] {
    return Count.unique(this, options);
  }
  /** This tensor where `condition` holds, `other` elsewhere (`torch.where(condition, self, other)`). */
  where(this: Tensor, condition: Tensor, other: TensorLike): Tensor {
    return E.where(condition, this, other);
  }
  /**
   * Negative elements set to zero.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([-1.5, 0, 2]).relu());
   * ```
   * ```text
   * tensor([0., 0., 2.])
   * ```
   */
  relu(this: Tensor): Tensor {
    return N.relu(this);
  }
  /**
   * Each element limited to `[min, max]` (either bound may be `null`).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([-2, 0.5, 3]).clamp(0, 1));
   * console.log(torch.tensor([-2, 0.5, 3]).clamp(null, 1));
   * ```
   * ```text
   * tensor([0.0000, 0.5000, 1.0000])
   * tensor([-2.0000,  0.5000,  1.0000])
   * ```
   */
  clamp(this: Tensor, min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
    return E.clamp(this, min ?? null, max ?? null);
  }
  /** `clamp` under its other name. */
  clip(this: Tensor, min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
    return E.clamp(this, min ?? null, max ?? null);
  }
  /** Every element at least `min` (`clamp_min`; node `ClampMinBackward0`). */
  clampMin(this: Tensor, min: number): Tensor {
    return E.clampBound(this, min, 'min');
  }
  /** Every element at most `max` (`clamp_max`; node `ClampMaxBackward0`). */
  clampMax(this: Tensor, max: number): Tensor {
    return E.clampBound(this, max, 'max');
  }
  /**
   * Elementwise `==`, as a bool tensor.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3]).eq(2));
   * ```
   * ```text
   * tensor([False,  True, False])
   * ```
   */
  eq(this: Tensor, other: TensorLike): Tensor {
    return E.compare('eq', this, other);
  }
  /** `torch.equal(self, other)`: the same sizes and values. */
  equal(this: Tensor, other: Tensor): boolean {
    return E.equal(this, other);
  }
  /** Elementwise `!=`, as a bool tensor. */
  ne(this: Tensor, other: TensorLike): Tensor {
    return E.compare('ne', this, other);
  }
  /** Elementwise `<`, as a bool tensor. */
  lt(this: Tensor, other: TensorLike): Tensor {
    return E.compare('lt', this, other);
  }
  /** Elementwise `<=`, as a bool tensor. */
  le(this: Tensor, other: TensorLike): Tensor {
    return E.compare('le', this, other);
  }
  /**
   * Elementwise `>`, as a bool tensor.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3]).gt(torch.tensor([2, 2, 2])));
   * ```
   * ```text
   * tensor([False, False,  True])
   * ```
   */
  gt(this: Tensor, other: TensorLike): Tensor {
    return E.compare('gt', this, other);
  }
  /** Elementwise `>=`, as a bool tensor. */
  ge(this: Tensor, other: TensorLike): Tensor {
    return E.compare('ge', this, other);
  }
  /** Elementwise logical and, as a bool tensor (`logical_and`). */
  logicalAnd(this: Tensor, other: TensorLike): Tensor {
    return E.logicalAnd(this, other);
  }
  /** Elementwise logical or, as a bool tensor (`logical_or`). */
  logicalOr(this: Tensor, other: TensorLike): Tensor {
    return E.logicalOr(this, other);
  }
}

/** isclose and allclose's tolerances, given positionally or as options. */
function closeOptions(fn: string, args: readonly unknown[]): BM.CloseOptions {
  return trailingOptions<BM.CloseOptions>(fn, ['rtol', 'atol', 'equalNan'], args, 2, 2);
}
