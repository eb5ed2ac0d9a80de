/**
 * The reductions and scans (`t.sum()`, `t.max(dim)`, `t.cumsum(dim)`, `t.norm()`, ...).
 * tensor.ts merges this class into Tensor's type and installs its methods on Tensor.prototype.
 */
import type { Tensor } from '../tensor.js';
import type { Dims, ReduceOptions, VarOptions } from '../tensor-types.js';
import { trailingOptions } from '../python-args.js';
import type { DType } from '../dtype.js';
import type { NormOptions, NormOrder } from '../ops/vector-norm.js';
import * as Cu from '../ops/cumulative.js';
import * as Md from '../ops/median.js';
import * as Nan from '../ops/nan.js';
import * as R from '../ops/reduce.js';
import * as VN from '../ops/vector-norm.js';
import * as X from '../ops/extremes.js';

export class ReductionMethods {
  /**
   * The sum of all elements, or along `dim` (a number or numbers), keeping reduced dims with `keepdim`.
   *
   * @example
   * ```ts
   * const x = torch.tensor([[1, 2], [3, 4]]);
   * console.log(x.sum());
   * console.log(x.sum(0));
   * console.log(x.sum(1, { keepdim: true }));
   * ```
   * ```text
   * tensor(10)
   * tensor([4, 6])
   * tensor([[3],
   *         [7]])
   * ```
   */
  sum(
    this: Tensor,
    dim?: Dims | ReduceOptions | null,
    options?: (ReduceOptions & { dtype?: DType }) | boolean,
  ): Tensor {
    return R.sum(this, dim, options);
  }
  /**
   * The mean of all elements, or along `dim`, keeping reduced dims with `keepdim`; floating-point tensors only.
   *
   * @example
   * ```ts
   * const x = torch.tensor([[1, 2], [3, 4]], { dtype: 'float32' });
   * console.log(x.mean());
   * console.log(x.mean(1));
   * ```
   * ```text
   * tensor(2.5000)
   * tensor([1.5000, 3.5000])
   * ```
   */
  mean(this: Tensor, dim?: Dims | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return R.mean(this, dim, options);
  }
  /** The product of all elements, or along `dim`. */
  prod(this: Tensor, dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return R.prod(this, dim, options);
  }
  /** Also PyTorch's positional `var(dim, unbiased, keepdim)`. */
  var(this: Tensor, dim?: Dims | VarOptions | null, options?: VarOptions | boolean, keepdim?: boolean): Tensor {
    return R.variance(this, dim, options, false, keepdim);
  }
  /**
   * The standard deviation (Bessel-corrected unless `correction: 0` / `unbiased: false`), of all elements or along `dim`.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3, 4], { dtype: 'float32' }).std());
   * ```
   * ```text
   * tensor(1.2910)
   * ```
   */
  std(this: Tensor, dim?: Dims | VarOptions | null, options?: VarOptions | boolean, keepdim?: boolean): Tensor {
    return R.variance(this, dim, options, true, keepdim);
  }
  /** `log(sum(exp(x)))` along `dim`, computed without overflow. */
  logsumexp(this: Tensor, dim: Dims | ReduceOptions, options?: ReduceOptions | boolean): Tensor {
    return R.logsumexp(this, dim, options);
  }
  /**
   * The largest element; along `dim`, `{ values, indices }`; with a tensor, the elementwise maximum.
   *
   * @example
   * ```ts
   * const x = torch.tensor([[1, 5], [7, 3]]);
   * console.log(x.max());
   * const { values, indices } = x.max(1);
   * console.log(values, indices);
   * ```
   * ```text
   * tensor(7)
   * tensor([5, 7]) tensor([1, 0])
   * ```
   */
  max(this: Tensor): Tensor;
  max(this: Tensor, dim: number | ReduceOptions, options?: ReduceOptions | boolean): R.ValuesIndices;
  max(this: Tensor, other: Tensor): Tensor;
  max(
    this: Tensor,
    arg?: number | ReduceOptions | Tensor,
    options?: ReduceOptions | boolean,
  ): Tensor | R.ValuesIndices {
    return X.maxOrMin('max', this, arg, options);
  }
  /**
   * The median (the lower of the two middle values, as PyTorch's); along `dim`, `{ values, indices }`.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([4, 1, 3, 2]).median());
   * ```
   * ```text
   * tensor(2)
   * ```
   */
  median(this: Tensor): Tensor;
  median(this: Tensor, dim: number | ReduceOptions, options?: ReduceOptions | boolean): R.ValuesIndices;
  median(this: Tensor, dim?: number | ReduceOptions, options?: ReduceOptions | boolean): Tensor | R.ValuesIndices {
    return Md.median(this, dim, options);
  }
  /** The k-th smallest element (from 1) along `dim` (default the last), as `{ values, indices }`. */
  kthvalue(this: Tensor, k: number, dim = -1, keepdim = false): R.ValuesIndices {
    return Md.kthvalue(this, k, dim, keepdim);
  }
  /** The smallest element; along `dim`, `{ values, indices }`; with a tensor, the elementwise minimum. */
  min(this: Tensor): Tensor;
  min(this: Tensor, dim: number | ReduceOptions, options?: ReduceOptions | boolean): R.ValuesIndices;
  min(this: Tensor, other: Tensor): Tensor;
  min(
    this: Tensor,
    arg?: number | ReduceOptions | Tensor,
    options?: ReduceOptions | boolean,
  ): Tensor | R.ValuesIndices {
    return X.maxOrMin('min', this, arg, options);
  }
  /** The largest values along `dim` (or of all elements), without indices. */
  amax(this: Tensor, dim?: Dims | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return X.amaxAmin('max', this, dim, options);
  }
  /** The smallest values along `dim` (or of all elements), without indices. */
  amin(this: Tensor, dim?: Dims | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return X.amaxAmin('min', this, dim, options);
  }
  /**
   * The index of the largest element (of the flattened tensor, or along `dim`).
   *
   * @example
   * ```ts
   * const logits = torch.tensor([[0.1, 2.5, 0.3], [1.2, 0.4, 0.9]]);
   * console.log(logits.argmax(1));
   * ```
   * ```text
   * tensor([1, 0])
   * ```
   */
  argmax(this: Tensor, dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return X.argMaxMin('max', this, dim, options);
  }
  /** The index of the smallest element (of the flattened tensor, or along `dim`). */
  argmin(this: Tensor, dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return X.argMaxMin('min', this, dim, options);
  }
  /** Whether any element is nonzero, overall or along `dim`. */
  any(this: Tensor, dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return R.anyAll('any', this, dim, options);
  }
  /** Whether every element is nonzero, overall or along `dim`. */
  all(this: Tensor, dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return R.anyAll('all', this, dim, options);
  }
  /**
   * The cumulative sum along `dim`.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3, 4]).cumsum(0));
   * ```
   * ```text
   * tensor([ 1,  3,  6, 10])
   * ```
   */
  cumsum(this: Tensor, dim: number): Tensor {
    return Cu.cumsum(this, dim);
  }
  /** The cumulative product along `dim` (`alphasCumprod = alphas.cumprod(0)`). */
  cumprod(this: Tensor, dim: number): Tensor {
    return Cu.cumprod(this, dim);
  }
  /** The running maximum along `dim` and where each was found: `{ values, indices }` (NaN, once met, stays). */
  cummax(this: Tensor, dim: number): R.ValuesIndices {
    return Cu.cummax(this, dim);
  }
  /** The running minimum along `dim` and where each was found: `{ values, indices }` (NaN, once met, stays). */
  cummin(this: Tensor, dim: number): R.ValuesIndices {
    return Cu.cummin(this, dim);
  }
  /**
   * The `n`-th differences of neighbours along `dim`: `diff(n, dim, prepend, append)` or `diff({ n, dim, prepend,
   * append })` (default once, along the last dim).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 4, 9, 16]).diff());
   * ```
   * ```text
   * tensor([3, 5, 7])
   * ```
   */
  diff(this: Tensor, options?: Cu.DiffOptions): Tensor;
  diff(this: Tensor, n?: number, dim?: number, prepend?: Tensor | null, append?: Tensor | null): Tensor;
  diff(this: Tensor, ...args: unknown[]): Tensor {
    return Cu.diff(this, trailingOptions<Cu.DiffOptions>('diff', ['n', 'dim', 'prepend', 'append'], args, 1, 1));
  }
  /** The sum, in all or along `dim`, with NaN counted as zero: as {@link Tensor.sum}. */
  nansum(
    this: Tensor,
    dim?: Dims | ReduceOptions | null,
    options?: (ReduceOptions & { dtype?: DType }) | boolean,
  ): Tensor {
    return Nan.nansum(this, dim, options);
  }
  /** The mean of the elements that are not NaN, in all or along `dim`: as {@link Tensor.mean}. */
  nanmean(this: Tensor, dim?: Dims | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return Nan.nanmean(this, dim, options);
  }
  /**
   * A copy with NaN, +∞ and -∞ replaced (by 0 and the dtype's largest and lowest values unless given):
   * `nanToNum(nan, posinf, neginf)` or `nanToNum({ nan, posinf, neginf })`.
   */
  nanToNum(this: Tensor, options?: Nan.NanToNumOptions): Tensor;
  nanToNum(this: Tensor, nan?: number, posinf?: number | null, neginf?: number | null): Tensor;
  nanToNum(this: Tensor, ...args: unknown[]): Tensor {
    return Nan.nanToNum(
      this,
      trailingOptions<Nan.NanToNumOptions>('nan_to_num', ['nan', 'posinf', 'neginf'], args, 1, 1),
    );
  }
  /** `norm(p='fro', dim=None, keepdim=False)`: positionally or as `{ p, dim, keepdim }`. */
  norm(this: Tensor, p?: NormOrder | NormOptions | null, dim?: Dims | null, keepdim?: boolean): Tensor {
    return VN.norm(this, p, dim, keepdim);
  }
  /** @internal sums a broadcast gradient back to `shape` */
  sumToSize(this: Tensor, shape: readonly number[]): Tensor {
    return R.sumToSize(this, shape);
  }
}
