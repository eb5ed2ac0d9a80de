/** `median`: the lower of the two middle values, as PyTorch's, over all elements or along a dim. */
import { RuntimeError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { empty } from './util.js';
import type { ReduceOptions } from '../tensor-types.js';
import {
  type ValuesIndices,
  checkNonEmptyReduction,
  evenlyDistribute,
  outShape,
  parseArgs,
  selectedBackward,
  valuesIndices,
} from './reduce.js';

/**
 * The median of `values[from, from + n)` and its offset in that run: the first NaN when there is one (PyTorch's
 * median propagates NaN), else the element at position (n - 1) / 2, rounded down, of the ascending order.
 */
function medianOf(values: ArrayLike<number>, from: number, n: number): [number, number] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (const i of order) if (Number.isNaN(values[from + i])) return [NaN, i];
  order.sort((a, b) => values[from + a] - values[from + b] || a - b);
  const at = order[(n - 1) >> 1];
  return [values[from + at], at];
}

/** `median()` (a 0-d tensor; NaN for no elements) or `median(dim, keepdim?)` (`{ values, indices }`). */
export function median(
  x: Tensor,
  dim?: number | ReduceOptions,
  options?: ReduceOptions | boolean,
): Tensor | ValuesIndices {
  const args = parseArgs(dim ?? null, options);
  if (args.dim === null) {
    const out = empty([], x.dtype);
    out._array[0] = x.numel() === 0 ? NaN : medianOf(x.contiguousArray(), 0, x.numel())[0];
    recordOp('MedianBackward0', [x], out, (save) => {
      const [sx, so] = [save(x), save(out)];
      return ([g]) => [evenlyDistribute(g, sx(), so())];
    });
    return out;
  }
  if (typeof args.dim !== 'number') throw new RuntimeError('median(): dim must be a single integer');
  const d = normalizeDim(args.dim, x.ndim);
  checkNonEmptyReduction('median', x, [d], false);
  const n = x.ndim === 0 ? 1 : x._shape[d];
  const shape = outShape(x._shape, x.ndim === 0 ? [] : [d], args.keepdim);
  const values = empty(shape, x.dtype);
  const indices = empty(shape, 'int64');
  // The reduced dim last, the others in their order: each row of `rows` is one output element's values.
  const rows = (x.ndim === 0 ? x : x.movedim(d, -1)).contiguousArray();
  for (let r = 0; r < values.numel(); r++) {
    [values._array[r], indices._array[r]] = medianOf(rows, r * n, n);
  }
  const inShape = x.shape;
  recordOp('MedianBackward1', [x], values, () => ([g]) => [selectedBackward(g, indices, inShape, d, args.keepdim)]);
  return valuesIndices(values, indices);
}
