/**
 * Order statistics: `median` (the lower of the two middle values, as PyTorch's, over all elements or along a dim)
 * and `kthvalue` (the k-th smallest along a dim).
 */
import { RuntimeError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { eachRunAlong, empty } from './util.js';
import type { ReduceOptions } from '../tensor-types.js';
import { type ValuesIndices, outShape, parseArgs, valuesIndices } from './reduce.js';
import { checkNonEmptyReduction, evenlyDistribute, selectedBackward } from './extremes.js';

/** A run along a dim, read by position: `value(i)` is its `i`-th element. */
type Run = (i: number) => number;

/**
 * A run's median and its position in the run: the first NaN when there is one (PyTorch's median propagates NaN),
 * else the element at position (n - 1) / 2, rounded down, of the ascending order.
 */
function medianOf(value: Run, n: number): [number, number] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (const i of order) if (Number.isNaN(value(i))) return [NaN, i];
  order.sort((a, b) => value(a) - value(b) || a - b);
  const at = order[(n - 1) >> 1];
  return [value(at), at];
}

/** A run's k-th smallest value (from 1) and its position in the run, NaN ordered last. */
function kthOf(value: Run, n: number, k: number): [number, number] {
  const order = Array.from({ length: n }, (_, i) => i);
  const key = (i: number): number => (Number.isNaN(value(i)) ? Infinity : value(i));
  order.sort((a, b) => key(a) - key(b) || Number(Number.isNaN(value(a))) - Number(Number.isNaN(value(b))) || a - b);
  const at = order[k - 1];
  return [value(at), at];
}

/** One value a run along `dim` (`pick` chooses it), as `{ values, indices }` with `node`'s gradient. */
function selectAlong(
  x: Tensor,
  d: number,
  keepdim: boolean,
  node: string,
  pick: (value: Run, n: number) => [number, number],
): ValuesIndices {
  const n = x.ndim === 0 ? 1 : x._shape[d];
  const shape = outShape(x._shape, x.ndim === 0 ? [] : [d], keepdim);
  const values = empty(shape, x.dtype);
  const indices = empty(shape, 'int64');
  const src = x.contiguousArray();
  eachRunAlong(x._shape, d, (r, first, step) => {
    [values._array[r], indices._array[r]] = pick((i) => src[first + i * step], n);
  });
  const inShape = x.shape;
  recordOp(node, [x], values, () => ([g]) => [selectedBackward(g, indices, inShape, d, keepdim)]);
  return valuesIndices(values, indices);
}

/** `kthvalue(k, dim = -1, keepdim = false)`: the k-th smallest (from 1) along `dim`, as `{ values, indices }`. */
export function kthvalue(x: Tensor, k: number, dim = -1, keepdim = false): ValuesIndices {
  const d = normalizeDim(dim, x.ndim);
  const n = x.ndim === 0 ? 1 : x._shape[d];
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new RuntimeError(`kthvalue(): selected number k out of range for dimension ${d}`);
  return selectAlong(x, d, keepdim, 'KthvalueBackward0', (value, len) => kthOf(value, len, k));
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
    const src = x.contiguousArray();
    out._array[0] = x.numel() === 0 ? NaN : medianOf((i) => src[i], x.numel())[0];
    recordOp('MedianBackward0', [x], out, (save) => {
      const [sx, so] = [save(x), save(out)];
      return ([g]) => [evenlyDistribute(g, sx(), so())];
    });
    return out;
  }
  if (typeof args.dim !== 'number') throw new RuntimeError('median(): dim must be a single integer');
  const d = normalizeDim(args.dim, x.ndim);
  checkNonEmptyReduction('median', x, [d], false);
  return selectAlong(x, d, args.keepdim, 'MedianBackward1', medianOf);
}
