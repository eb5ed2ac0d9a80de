/**
 * The linear-algebra methods (`t.matmul(u)`, `t.mm(u)`, `t.t()`, ...).
 * tensor.ts merges this class into Tensor's type and installs its methods on Tensor.prototype.
 */
import type { Tensor } from '../tensor.js';
import * as L from '../ops/linalg.js';
import * as V from '../ops/view.js';

export class LinalgMethods {
  /**
   * The matrix product with broadcasting over batch dims (`@`): dot, matrix-vector, matrix-matrix or batched.
   *
   * @example
   * ```ts
   * const a = torch.tensor([[1, 2], [3, 4]]);
   * const b = torch.tensor([[1, 0], [0, 1]]);
   * console.log(a.matmul(b));
   * console.log(a.matmul(torch.tensor([1, 1])));
   * ```
   * ```text
   * tensor([[1, 2],
   *         [3, 4]])
   * tensor([3, 7])
   * ```
   */
  matmul(this: Tensor, other: Tensor): Tensor {
    return L.matmul(this, other);
  }
  /** The product of two matrices (2-D only, no broadcasting). */
  mm(this: Tensor, other: Tensor): Tensor {
    return L.mm(this, other);
  }
  /** The batched product of two 3-D tensors, `[b, n, m] @ [b, m, p]`. */
  bmm(this: Tensor, other: Tensor): Tensor {
    return L.bmm(this, other);
  }
  /** The product of a matrix and a vector. */
  mv(this: Tensor, vec: Tensor): Tensor {
    return L.mv(this, vec);
  }
  /**
   * The dot product of two 1-D tensors.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3]).dot(torch.tensor([4, 5, 6])));
   * ```
   * ```text
   * tensor(32)
   * ```
   */
  dot(this: Tensor, other: Tensor): Tensor {
    return L.dot(this, other);
  }
  /** The outer product with the vector `vec2` (this tensor a vector too). */
  outer(this: Tensor, vec2: Tensor): Tensor {
    return L.outer(this, vec2);
  }
  /** The sum of this matrix's main diagonal. */
  trace(this: Tensor): Tensor {
    return L.trace(this);
  }
  /**
   * The transpose of a tensor of at most 2 dims (a view).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([[1, 2, 3], [4, 5, 6]]).t());
   * ```
   * ```text
   * tensor([[1, 4],
   *         [2, 5],
   *         [3, 6]])
   * ```
   */
  t(this: Tensor): Tensor {
    return V.t(this);
  }
}
