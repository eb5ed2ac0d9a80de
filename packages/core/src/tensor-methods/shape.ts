/**
 * The shape methods (`t.view(...)`, `t.permute(...)`, `t.cat`-like rearrangements, indexing by subscript, ...): views where PyTorch makes views.
 * tensor.ts merges this class into Tensor's type and installs its methods on Tensor.prototype.
 */
import type { Tensor } from '../tensor.js';
import type { Dims } from '../tensor-types.js';
import { trailingOptions } from '../python-args.js';
import * as Re from '../ops/rearrange.js';
import * as S from '../ops/subscript.js';
import * as V from '../ops/view.js';

export class ShapeMethods {
  /**
   * A view with a new shape on the same storage (one dim may be -1); the strides must allow it.
   *
   * @example
   * ```ts
   * const x = torch.arange(6);
   * console.log(x.view(2, 3));
   * console.log(x.view(-1, 2).shape);
   * ```
   * ```text
   * tensor([[0, 1, 2],
   *         [3, 4, 5]])
   * torch.Size([3, 2])
   * ```
   */
  view(this: Tensor, ...shape: (number | readonly number[])[]): Tensor {
    return V.view(this, shape);
  }
  /**
   * The same elements in a new shape (one dim may be -1): a view when possible, a copy otherwise.
   *
   * @example
   * ```ts
   * console.log(torch.arange(6).reshape([3, 2]));
   * ```
   * ```text
   * tensor([[0, 1],
   *         [2, 3],
   *         [4, 5]])
   * ```
   */
  reshape(this: Tensor, ...shape: (number | readonly number[])[]): Tensor {
    return V.reshape(this, shape);
  }
  /** A view with `other`'s shape (`view_as`). */
  viewAs(this: Tensor, other: Tensor): Tensor {
    return V.view(this, [other._shape]);
  }
  /** Reshaped to `other`'s shape (`reshape_as`). */
  reshapeAs(this: Tensor, other: Tensor): Tensor {
    return V.reshape(this, [other._shape]);
  }
  /**
   * Dims `startDim` to `endDim` merged into one.
   *
   * @example
   * ```ts
   * const x = torch.zeros(2, 3, 4);
   * console.log(x.flatten().shape);
   * console.log(x.flatten(1).shape);
   * ```
   * ```text
   * torch.Size([24])
   * torch.Size([2, 12])
   * ```
   */
  flatten(this: Tensor, startDim = 0, endDim = -1): Tensor {
    return V.flatten(this, startDim, endDim);
  }
  /** Dim `dim` split into `sizes`. */
  unflatten(this: Tensor, dim: number, sizes: readonly number[]): Tensor {
    return V.unflatten(this, dim, sizes);
  }
  /**
   * A view with a new dim of size 1 at `dim`.
   *
   * @example
   * ```ts
   * const x = torch.tensor([1, 2, 3]);
   * console.log(x.unsqueeze(0).shape, x.unsqueeze(1).shape);
   * ```
   * ```text
   * torch.Size([1, 3]) torch.Size([3, 1])
   * ```
   */
  unsqueeze(this: Tensor, dim: number): Tensor {
    return V.unsqueeze(this, dim);
  }
  /**
   * A view without the dims of size 1 (all of them, or those in `dim`).
   *
   * @example
   * ```ts
   * console.log(torch.zeros(1, 3, 1).squeeze().shape);
   * ```
   * ```text
   * torch.Size([3])
   * ```
   */
  squeeze(this: Tensor, dim?: Dims): Tensor {
    return V.squeeze(this, dim);
  }
  /**
   * A view with dims `dim0` and `dim1` swapped.
   *
   * @example
   * ```ts
   * console.log(torch.zeros(2, 3, 4).transpose(0, 2).shape);
   * ```
   * ```text
   * torch.Size([4, 3, 2])
   * ```
   */
  transpose(this: Tensor, dim0: number, dim1: number): Tensor {
    return V.transpose(this, dim0, dim1);
  }
  /** `transpose` under NumPy's name. */
  swapaxes(this: Tensor, dim0: number, dim1: number): Tensor {
    return V.transpose(this, dim0, dim1);
  }
  /**
   * A view with the dims reordered.
   *
   * @example
   * ```ts
   * console.log(torch.zeros(2, 3, 4).permute(2, 0, 1).shape);
   * ```
   * ```text
   * torch.Size([4, 2, 3])
   * ```
   */
  permute(this: Tensor, ...dims: (number | readonly number[])[]): Tensor {
    return V.permute(this, V.intListArgs(dims, 'permute', 'dims', 'ints'));
  }
  /**
   * A view repeating dims of size 1 to `sizes` without copying (-1 keeps a dim).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([[1], [2]]).expand(2, 3));
   * ```
   * ```text
   * tensor([[1, 1, 1],
   *         [2, 2, 2]])
   * ```
   */
  expand(this: Tensor, ...sizes: (number | readonly number[])[]): Tensor {
    return V.expand(this, V.intListArgs(sizes, 'expand', 'size'));
  }
  /** `expand` to `other`'s shape (`expand_as`). */
  expandAs(this: Tensor, other: Tensor): Tensor {
    return V.expand(this, other._shape);
  }
  /** A view broadcast to `shape` (`broadcast_to`). */
  broadcastTo(this: Tensor, shape: readonly number[]): Tensor {
    return V.expand(this, shape);
  }
  /** This tensor if it is contiguous, else a contiguous copy. */
  contiguous(this: Tensor): Tensor {
    return V.contiguous(this);
  }
  /** A view of `length` elements of dim `dim` from `start`. */
  narrow(this: Tensor, dim: number, start: number, length: number): Tensor {
    return V.narrow(this, dim, start, length);
  }
  /**
   * A view of index `index` along `dim`, without that dim (`x[:, i]` for dim 1).
   *
   * @example
   * ```ts
   * const x = torch.tensor([[1, 2, 3], [4, 5, 6]]);
   * console.log(x.select(0, 1));
   * console.log(x.select(1, -1));
   * ```
   * ```text
   * tensor([4, 5, 6])
   * tensor([3, 6])
   * ```
   */
  select(this: Tensor, dim: number, index: number): Tensor {
    return V.select(this, dim, index);
  }
  /**
   * A view of `start:end:step` along `dim` (`x[:, 1:3]` is `x.slice(1, 1, 3)`).
   *
   * @example
   * ```ts
   * const x = torch.arange(10);
   * console.log(x.slice(0, 2, 8, 2));
   * ```
   * ```text
   * tensor([2, 4, 6])
   * ```
   */
  slice(this: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return V.slice(this, dim, start, end, step);
  }
  /**
   * Python-style indexing: numbers, `':'`/`'1:3'`/`'::2'` strings, `null` for a new axis, `'...'`.
   *
   * @example
   * ```ts
   * const x = torch.arange(12).view(3, 4);
   * console.log(x.index(1));
   * console.log(x.index(':', '1:3'));
   * console.log(x.index('...', null).shape);
   * ```
   * ```text
   * tensor([4, 5, 6, 7])
   * tensor([[ 1,  2],
   *         [ 5,  6],
   *         [ 9, 10]])
   * torch.Size([3, 4, 1])
   * ```
   */
  index(this: Tensor, ...indices: S.IndexSpec[]): Tensor {
    return S.index(this, indices);
  }
  /**
   * Splits into `chunks` views of (nearly) equal size along `dim`.
   *
   * @example
   * ```ts
   * console.log(torch.arange(5).chunk(2));
   * ```
   * ```text
   * [ tensor([0, 1, 2]), tensor([3, 4]) ]
   * ```
   */
  chunk(this: Tensor, chunks: number, dim = 0): Tensor[] {
    return V.chunk(this, chunks, dim);
  }
  /** Splits into views of `splitSize` elements along `dim` (or of the sizes listed). */
  split(this: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
    return V.split(this, splitSize, dim);
  }
  /** The slices along `dim`, each without that dim. */
  unbind(this: Tensor, dim = 0): Tensor[] {
    return V.unbind(this, dim);
  }
  /** A copy with the order of elements reversed along `dims`. */
  flip(this: Tensor, dims: Dims): Tensor {
    return V.flip(this, dims);
  }
  /** The rows in reverse order (`flip(0)`). */
  flipud(this: Tensor): Tensor {
    return Re.flipud(this);
  }
  /** The columns in reverse order (`flip(1)`). */
  fliplr(this: Tensor): Tensor {
    return Re.fliplr(this);
  }
  /** The plane of `dims` (default [0, 1]) turned by `k` quarter turns (default 1), from the first dim toward the second. */
  rot90(this: Tensor, k = 1, dims: readonly number[] = [0, 1]): Tensor {
    return Re.rot90(this, k, dims);
  }
  /**
   * A copy with the elements shifted by `shifts` along `dims`, wrapping around; without dims, over the flattened
   * tensor.
   *
   * @example
   * ```ts
   * console.log(torch.arange(6).view(2, 3).roll(1, 1));
   * ```
   * ```text
   * tensor([[2, 0, 1],
   *         [5, 3, 4]])
   * ```
   */
  roll(this: Tensor, shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor {
    return Re.roll(this, shifts, dims);
  }
  /**
   * The lower triangle of the last two dims (on and below `diagonal`), zeros above: a causal mask's shape.
   *
   * @example
   * ```ts
   * console.log(torch.ones(3, 3).tril());
   * ```
   * ```text
   * tensor([[1., 0., 0.],
   *         [1., 1., 0.],
   *         [1., 1., 1.]])
   * ```
   */
  tril(this: Tensor, diagonal = 0): Tensor {
    return Re.tril(this, diagonal);
  }
  /** The upper triangle of the last two dims (on and above `diagonal`), zeros below. */
  triu(this: Tensor, diagonal = 0): Tensor {
    return Re.triu(this, diagonal);
  }
  /** Each slice along `dim` repeated `repeats` times (a number, or an int64 tensor of one count per slice). */
  repeatInterleave(this: Tensor, repeats: number | Tensor, dim?: number | null): Tensor {
    return Re.repeatInterleave(this, repeats, dim);
  }
  /** The dims at `source` moved to `destination`, the others keeping their order (a view). */
  movedim(this: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return Re.movedim(this, source, destination);
  }
  /** How many elements are not zero, in all or along `dim` (int64). */
  countNonzero(this: Tensor, dim?: number | readonly number[]): Tensor {
    return Re.countNonzero(this, dim);
  }
  /**
   * A vector's square matrix with the vector on diagonal `diagonal`, or a matrix's diagonal as a vector.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2]).diag());
   * ```
   * ```text
   * tensor([[1, 0],
   *         [0, 2]])
   * ```
   */
  diag(this: Tensor, diagonal = 0): Tensor {
    return Re.diag(this, diagonal);
  }
  /**
   * A view of the diagonal `offset` (above the main one when positive) of the matrices spanned by `dim1` and `dim2`,
   * appended as the last dim: `diagonal(offset, dim1, dim2)` or `diagonal({ offset, dim1, dim2 })`.
   *
   * @example
   * ```ts
   * const x = torch.arange(9).reshape(3, 3);
   * console.log(x.diagonal());
   * console.log(x.diagonal(1));
   * ```
   * ```text
   * tensor([0, 4, 8])
   * tensor([1, 5])
   * ```
   */
  diagonal(this: Tensor, options?: { offset?: number; dim1?: number; dim2?: number }): Tensor;
  diagonal(this: Tensor, offset?: number, dim1?: number, dim2?: number): Tensor;
  diagonal(this: Tensor, ...args: unknown[]): Tensor {
    const o = trailingOptions<{ offset?: number; dim1?: number; dim2?: number }>(
      'diagonal',
      ['offset', 'dim1', 'dim2'],
      args,
      1,
      1,
    );
    return Re.diagonal(this, o.offset, o.dim1, o.dim2);
  }
  /** A copy tiled `sizes` times along each dim. */
  repeat(this: Tensor, ...sizes: (number | readonly number[])[]): Tensor {
    return V.repeat(this, V.intListArgs(sizes, 'repeat', 'repeats'));
  }
  /** A copy repeated along each dim as `repeat`, missing leading counts taken as 1: `x.tile(2)`, `x.tile([2, 1])`. */
  tile(this: Tensor, ...dims: (number | readonly number[])[]): Tensor {
    return Re.tile(this, V.intListArgs(dims, 'tile', 'dims', 'ints'));
  }
  /** A copy with its own storage; the copy stays in the graph (gradients flow back through it). */
  clone(this: Tensor): Tensor {
    return V.clone(this);
  }
}
