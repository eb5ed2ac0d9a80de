/**
 * The in-place methods (`t.add_(u)`, `t.zero_()`, `t.uniform_()`, ...): each returns the tensor it was called on.
 * tensor.ts merges this class into Tensor's type and installs its methods on Tensor.prototype.
 */
import type { Tensor } from '../tensor.js';
import type { TensorLike } from '../tensor-types.js';
import type { Generator } from '../random.js';
import * as C from '../ops/convert.js';
import * as E from '../ops/elementwise.js';
import * as F from '../ops/inplace-fast.js';
import * as I from '../ops/indexing.js';
import { overlapsItself } from '../ops/memory-overlap.js';
import { warnOnce } from '../warnings.js';

export class InPlaceMethods {
  /**
   * In-place `add`: `this += alpha * other`.
   *
   * @example
   * ```ts
   * const x = torch.zeros(3);
   * x.add_(1).add_(torch.tensor([1, 2, 3]), { alpha: 10 });
   * console.log(x);
   * ```
   * ```text
   * tensor([11., 21., 31.])
   * ```
   */
  add_<T extends Tensor>(this: T, other: TensorLike, options?: { alpha?: number }): T {
    return F.add_(this, other, options);
  }
  /** In-place `sub`: `this -= alpha * other`. */
  sub_<T extends Tensor>(this: T, other: TensorLike, options?: { alpha?: number }): T {
    return F.sub_(this, other, options);
  }
  /**
   * In-place `mul`.
   *
   * @example
   * ```ts
   * const x = torch.tensor([1.5, 2]);
   * x.mul_(2);
   * console.log(x);
   * ```
   * ```text
   * tensor([3., 4.])
   * ```
   */
  mul_<T extends Tensor>(this: T, other: TensorLike): T {
    return F.mul_(this, other);
  }
  /** In-place `div`. */
  div_<T extends Tensor>(this: T, other: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): T {
    return E.inplace(this, (s) => E.div(s, other, options), other);
  }
  /** In-place `pow`. */
  pow_<T extends Tensor>(this: T, exponent: TensorLike): T {
    return E.inplace(this, (s) => E.pow(s, exponent), exponent);
  }
  /** In-place `neg`. */
  neg_<T extends Tensor>(this: T): T {
    return E.inplace(this, E.neg);
  }
  /** In-place `abs`. */
  abs_<T extends Tensor>(this: T): T {
    return E.inplace(this, E.abs);
  }
  /** In-place `exp`. */
  exp_<T extends Tensor>(this: T): T {
    return E.inplace(this, E.exp);
  }
  /** In-place `log`. */
  log_<T extends Tensor>(this: T): T {
    return E.inplace(this, E.log);
  }
  /** In-place `sqrt`. */
  sqrt_<T extends Tensor>(this: T): T {
    return E.inplace(this, E.sqrt);
  }
  /** In-place `relu`. */
  relu_<T extends Tensor>(this: T): T {
    return F.relu_(this);
  }
  /** In-place `sigmoid`. */
  sigmoid_<T extends Tensor>(this: T): T {
    return E.inplaceSavingNoInput(this, E.sigmoid);
  }
  /** In-place `tanh`. */
  tanh_<T extends Tensor>(this: T): T {
    return E.inplaceSavingNoInput(this, E.tanh);
  }
  /** In-place `clamp`. */
  clamp_<T extends Tensor>(this: T, min?: number | Tensor | null, max?: number | Tensor | null): T {
    return E.inplace(this, (s) => E.clamp(s, min ?? null, max ?? null));
  }
  /**
   * Fills with zeros in place.
   *
   * @example
   * ```ts
   * const x = torch.ones(2, 2);
   * x.zero_();
   * console.log(x);
   * ```
   * ```text
   * tensor([[0., 0.],
   *         [0., 0.]])
   * ```
   */
  zero_<T extends Tensor>(this: T): T {
    return F.filled_(this, 0, true);
  }
  /**
   * Fills with `value` in place.
   *
   * @example
   * ```ts
   * console.log(torch.empty(3).fill_(7));
   * ```
   * ```text
   * tensor([7., 7., 7.])
   * ```
   */
  fill_<T extends Tensor>(this: T, value: number | boolean | Tensor): T {
    return F.filled_(this, value);
  }
  /**
   * Copies `src`'s values into this tensor in place (broadcasting and converting dtype).
   *
   * @example
   * ```ts
   * const x = torch.zeros(2, 3);
   * x.copy_(torch.tensor([1, 2, 3]));
   * console.log(x);
   * ```
   * ```text
   * tensor([[1., 2., 3.],
   *         [1., 2., 3.]])
   * ```
   */
  copy_<T extends Tensor>(this: T, src: Tensor | number | boolean): T {
    return E.copy_(this, src);
  }
  /** In-place `maskedFill` (`masked_fill_`). */
  maskedFill_<T extends Tensor>(this: T, mask: Tensor, value: number | Tensor): T {
    if (overlapsItself(this)) {
      warnOnce(
        'Use of masked_fill_ on expanded tensors is deprecated. Please clone() the tensor before performing this ' +
          'operation. This also applies to advanced indexing e.g. tensor[mask] = scalar',
      );
    }
    return E.inplaceFill(this, (s) => I.maskedFill(s, mask, value), value);
  }
  /** Fills in place with samples uniform in `[from, to)`. */
  uniform_<T extends Tensor>(this: T, from = 0, to = 1, options?: { generator?: Generator }): T {
    return C.uniform_(this, from, to, options?.generator);
  }
  /** Fills in place with samples from the normal distribution `N(mean, std²)`. */
  normal_<T extends Tensor>(this: T, mean = 0, std = 1, options?: { generator?: Generator }): T {
    return C.normal_(this, mean, std, options?.generator);
  }
  /** Fills in place with samples from the exponential distribution of rate `lambd` (mean 1 / λ). */
  exponential_<T extends Tensor>(this: T, lambd = 1, options?: { generator?: Generator }): T {
    return C.exponential_(this, lambd, options?.generator);
  }
  /** Fills in place with 1 (probability `p`) or 0. */
  bernoulli_<T extends Tensor>(this: T, p = 0.5, options?: { generator?: Generator }): T {
    return C.bernoulli_(this, p, options?.generator);
  }
  /** In-place `addcmul`: `this += value * t1 * t2`. */
  addcmul_<T extends Tensor>(this: T, t1: Tensor, t2: Tensor, options?: { value?: number }): T {
    return F.addcmul_(this, t1, t2, options?.value);
  }
  /** In-place `addcdiv`: `this += value * t1 / t2`. */
  addcdiv_<T extends Tensor>(this: T, t1: Tensor, t2: Tensor, options?: { value?: number }): T {
    return F.addcdiv_(this, t1, t2, options?.value);
  }
  /** `this + value * t1 * t2`. */
  addcmul(this: Tensor, t1: Tensor, t2: Tensor, options?: { value?: number }): Tensor {
    return E.addcmul(this, t1, t2, options?.value ?? 1);
  }
  /** `this + value * t1 / t2`. */
  addcdiv(this: Tensor, t1: Tensor, t2: Tensor, options?: { value?: number }): Tensor {
    return E.addcdiv(this, t1, t2, options?.value ?? 1);
  }
  /**
   * The linear interpolation `this + weight * (end - this)`, `weight` a number or a tensor, rounded as PyTorch's
   * kernel.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2]).float().lerp(torch.tensor([3, -2]).float(), 0.25));
   * ```
   * ```text
   * tensor([1.5000, 1.0000])
   * ```
   */
  lerp(this: Tensor, end: Tensor, weight: number | Tensor): Tensor {
    return E.lerp(this, end, weight);
  }
  /** Moves toward `end` in place (`this.lerp_(end, weight)`: an exponential moving average's update). */
  lerp_<T extends Tensor>(this: T, end: Tensor, weight: number | Tensor): T {
    return E.inplace(this, (s) => E.lerp(s, end, weight), end, weight);
  }
}
