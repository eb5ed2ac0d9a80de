/**
 * The methods behind the nn layers and indexing (`t.softmax(dim)`, `t.gather(dim, i)`, `t.topk(k)`, `t.sort()`, ...).
 * tensor.ts merges this class into Tensor's type and installs its methods on Tensor.prototype.
 */
import type { Tensor } from '../tensor.js';
import * as I from '../ops/indexing.js';
import * as N from '../ops/activation.js';
import * as R from '../ops/reduce.js';

export class NnMethods {
  /**
   * `exp(x) / sum(exp(x))` along `dim`.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3], { dtype: 'float32' }).softmax(0));
   * ```
   * ```text
   * tensor([0.0900, 0.2447, 0.6652])
   * ```
   */
  softmax(this: Tensor, dim: number): Tensor {
    return N.softmax(this, dim);
  }
  /**
   * The logarithm of `softmax` along `dim`, computed stably (`log_softmax`).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3], { dtype: 'float32' }).logSoftmax(0));
   * ```
   * ```text
   * tensor([-2.4076, -1.4076, -0.4076])
   * ```
   */
  logSoftmax(this: Tensor, dim: number): Tensor {
    return N.logSoftmax(this, dim);
  }
  /**
   * The elements at `index` along `dim`: `out[i][j] = this[i][index[i][j]]` for dim 1.
   *
   * @example
   * ```ts
   * const x = torch.tensor([[1, 2], [3, 4]]);
   * console.log(x.gather(1, torch.tensor([[0, 0], [1, 0]])));
   * ```
   * ```text
   * tensor([[1, 1],
   *         [4, 3]])
   * ```
   */
  gather(this: Tensor, dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }
  /** A copy with `src` written at `index` along `dim` (the inverse of `gather`). */
  scatter(this: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
    return I.scatter(this, dim, index, src);
  }
  /** A copy with `src` added at `index` along `dim` (`scatter_add`). */
  scatterAdd(this: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
    return I.scatterAdd(this, dim, index, src);
  }
  /** The slices along `dim` at the indices in `index` (`index_select`). */
  indexSelect(this: Tensor, dim: number, index: Tensor): Tensor {
    return I.indexSelect(this, dim, index);
  }
  /**
   * A copy with `value` where `mask` is true (`masked_fill`).
   *
   * @example
   * ```ts
   * const x = torch.tensor([1, 2, 3, 4]);
   * console.log(x.maskedFill(x.gt(2), 0));
   * ```
   * ```text
   * tensor([1, 2, 0, 0])
   * ```
   */
  maskedFill(this: Tensor, mask: Tensor, value: number | Tensor): Tensor {
    return I.maskedFill(this, mask, value);
  }
  /** The elements where `mask` is true, as a 1-D tensor (`masked_select`). */
  maskedSelect(this: Tensor, mask: Tensor): Tensor {
    return I.maskedSelect(this, mask);
  }
  /**
   * Each integer class index as a one-hot row (`F.one_hot`); `numClasses` defaults to the largest index + 1.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([0, 2, 1]).oneHot(3));
   * ```
   * ```text
   * tensor([[1, 0, 0],
   *         [0, 0, 1],
   *         [0, 1, 0]])
   * ```
   */
  oneHot(this: Tensor, numClasses = -1): Tensor {
    return I.oneHot(this, numClasses);
  }
  /**
   * The `k` largest (or smallest) elements along `dim`, as `{ values, indices }`.
   *
   * @example
   * ```ts
   * const { values, indices } = torch.tensor([3, 1, 4, 1, 5]).topk(2);
   * console.log(values, indices);
   * ```
   * ```text
   * tensor([5, 4]) tensor([4, 2])
   * ```
   */
  topk(this: Tensor, k: number, dim?: number | I.TopkOptions, options?: I.TopkOptions): R.ValuesIndices;
  topk(this: Tensor, k: number, dim: number, largest?: boolean, sorted?: boolean): R.ValuesIndices;
  topk(this: Tensor, k: number, ...args: unknown[]): R.ValuesIndices {
    return I.topk(this, k, ...args);
  }
  /**
   * The elements sorted along `dim`, as `{ values, indices }`.
   *
   * @example
   * ```ts
   * const { values, indices } = torch.tensor([3, 1, 2]).sort(0, { descending: true });
   * console.log(values, indices);
   * ```
   * ```text
   * tensor([3, 2, 1]) tensor([0, 2, 1])
   * ```
   */
  sort(this: Tensor, dim?: number | I.SortOptions, options?: I.SortOptions): R.ValuesIndices;
  sort(this: Tensor, dim: number, descending?: boolean): R.ValuesIndices;
  sort(this: Tensor, ...args: unknown[]): R.ValuesIndices {
    return I.sort(this, ...args);
  }
  /** The indices that sort the elements along `dim` (`argsort(dim, descending)` as in PyTorch, or with options). */
  argsort(this: Tensor, dim?: number | I.SortOptions, options?: I.SortOptions): Tensor;
  argsort(this: Tensor, dim: number, descending?: boolean): Tensor;
  argsort(this: Tensor, ...args: unknown[]): Tensor {
    return I.sort(this, ...args).indices;
  }
}
