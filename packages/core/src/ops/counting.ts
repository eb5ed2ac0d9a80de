/**
 * Counting and searching ops, with no gradient: `bincount`, `histc`, `unique`, `searchsorted` and `bucketize` (a
 * confusion matrix is `torch.bincount(target.mul(k).add(pred), { minlength: k * k }).view(k, k)`).
 */
import { type DType, isFloatingPoint, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import { empty } from './util.js';

/** The tensor's values, row-major, as plain numbers. */
function numbersOf(t: Tensor): number[] {
  return Array.from(t.contiguousArray() as ArrayLike<number>);
}

/** `bincount`'s options, by PyTorch's keyword names. */
export interface BincountOptions {
  /** Added per occurrence instead of 1 (a 1-D tensor as long as the input). */
  weights?: Tensor | null;
  /** The least length of the result. */
  minlength?: number;
}

/**
 * How often each value 0, 1, ..., max occurs in a 1-D tensor of non-negative integers (int64), or the sum of the
 * `weights` at its occurrences (in the weights' dtype).
 */
export function bincount(self: Tensor, options: BincountOptions = {}): Tensor {
  const { weights = null, minlength = 0 } = options;
  if (isFloatingPoint(self.dtype) || self.dtype === 'bool')
    throw new RuntimeError(`"bincount_cpu" not implemented for '${scalarTypeName(self.dtype)}'`);
  if (minlength < 0) throw new RuntimeError('minlength should be >= 0');
  const values = numbersOf(self);
  if (self.ndim !== 1 || values.some((v) => v < 0))
    throw new RuntimeError('bincount only supports 1-d non-negative integral inputs.');
  if (weights !== null && (weights.ndim !== 1 || weights.shape[0] !== self.shape[0]))
    throw new RuntimeError('weights should be 1-d and have the same length as input');
  const length = Math.max(
    minlength,
    values.reduce((m, v) => Math.max(m, v + 1), 0),
  );
  const dtype: DType = weights === null ? 'int64' : weights.dtype === 'float64' ? 'float64' : 'float32';
  const out = empty([length], dtype);
  const o = out._array;
  const w = weights?.contiguousArray() ?? null;
  values.forEach((v, i) => (o[v] += w === null ? 1 : w[i]));
  return out;
}

/**
 * A histogram of `bins` equal bins over [min, max] (the data's own range when min = max = 0); elements outside
 * are not counted, and max itself falls in the last bin. Floating-point tensors only.
 */
export function histc(self: Tensor, bins = 100, min = 0, max = 0): Tensor {
  if (!isFloatingPoint(self.dtype))
    throw new RuntimeError(`"histogram_cpu" not implemented for '${scalarTypeName(self.dtype)}'`);
  if (bins <= 0) throw new RuntimeError(`torch.histc(): bins must be > 0, but got ${bins} for dimension 0`);
  const values = numbersOf(self);
  let [lo, hi] = [min, max];
  if (lo === hi && values.length > 0) {
    lo = values.reduce((m, v) => Math.min(m, v), Infinity);
    hi = values.reduce((m, v) => Math.max(m, v), -Infinity);
  }
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  if (lo > hi) throw new RuntimeError(`torch.histc(): max must be larger than min`);
  const out = empty([bins], self.dtype);
  const o = out._array;
  for (const v of values) {
    if (!(v >= lo && v <= hi)) continue;
    o[Math.min(Math.floor(((v - lo) * bins) / (hi - lo)), bins - 1)] += 1;
  }
  return out;
}

/** `unique`'s options, by PyTorch's keyword names. */
export interface UniqueOptions {
  /** Ascending order (default true; the order is ascending either way here). */
  sorted?: boolean;
  /** Also return, for each element, the index of its value in the result. */
  returnInverse?: boolean;
  /** Also return how often each value occurs. */
  returnCounts?: boolean;
}

/**
 * The distinct values of the flattened tensor, ascending; with `returnInverse` and/or `returnCounts`, `[values,
 * inverse?, counts?]` as PyTorch returns them. NaNs are each their own value, after the others.
 */
export function unique(self: Tensor, options: UniqueOptions = {}): Tensor | Tensor[] {
  const { returnInverse = false, returnCounts = false } = options;
  const values = numbersOf(self);
  const order = values.map((_, i) => i).sort((a, b) => compareNanLast(values[a], values[b]) || a - b);
  const distinct: number[] = [];
  const counts: number[] = [];
  const inverse = new Array<number>(values.length);
  for (const i of order) {
    const v = values[i];
    const last = distinct.length - 1;
    if (last >= 0 && distinct[last] === v) counts[last]++;
    else {
      distinct.push(v);
      counts.push(1);
    }
    inverse[i] = distinct.length - 1;
  }
  const result = tensor(distinct, { dtype: self.dtype });
  if (!returnInverse && !returnCounts) return result;
  const out = [result];
  if (returnInverse) out.push(tensor(inverse, { dtype: 'int64' }).reshape(self.shape));
  if (returnCounts) out.push(tensor(counts, { dtype: 'int64' }));
  return out;
}

function compareNanLast(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a - b;
}

/** `searchsorted`'s and `bucketize`'s options. */
export interface SearchOptions {
  /** The last position a value could go instead of the first (default false). */
  right?: boolean;
  /** `'left'` or `'right'`, as `right`. */
  side?: 'left' | 'right';
}

/** The first index in `row` (ascending, `length` long from `start`) whose element is > v (right) or >= v. */
function insertionPoint(row: ArrayLike<number>, start: number, length: number, v: number, right: boolean): number {
  let [lo, hi] = [0, length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = row[start + mid];
    if (right ? !(x > v) : x < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * For each of `values`, where it would be inserted into `sortedSequence` to keep it sorted (int64): before equal
 * elements, or after them with `right`. A sorted sequence of more dims searches each row with its own values.
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, options: SearchOptions = {}): Tensor {
  const right = options.side !== undefined ? options.side === 'right' : (options.right ?? false);
  if (options.side !== undefined && options.right === true && options.side === 'left') {
    throw new RuntimeError(
      "torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True",
    );
  }
  const v = typeof values === 'number' ? tensor(values) : values;
  const seq = sortedSequence.contiguousArray();
  const vals = v.contiguousArray();
  const n = sortedSequence.shape[sortedSequence.ndim - 1] ?? 1;
  const rows = sortedSequence.ndim <= 1 ? 1 : sortedSequence.numel() / n;
  if (rows > 1) {
    const lead = sortedSequence.shape.slice(0, -1);
    if (v.ndim !== sortedSequence.ndim || lead.some((s, i) => s !== v.shape[i])) {
      throw new RuntimeError(
        `torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor [${sortedSequence.shape.join(', ')}] and input value tensor [${v.shape.join(', ')}]`,
      );
    }
  }
  const perRow = rows > 1 ? vals.length / rows : vals.length;
  const out = empty(v.shape, 'int64');
  const o = out._array;
  for (let i = 0; i < vals.length; i++) {
    const row = rows > 1 ? Math.floor(i / perRow) : 0;
    o[i] = insertionPoint(seq, row * n, n, vals[i], right);
  }
  return out;
}

/** For each element of `self`, the index of the bucket of the 1-D ascending `boundaries` it falls in (int64). */
export function bucketize(self: Tensor | number, boundaries: Tensor, options: { right?: boolean } = {}): Tensor {
  if (boundaries.ndim !== 1)
    throw new RuntimeError(`boundaries tensor must be 1 dimension, but got dim(${boundaries.ndim})`);
  return searchsorted(boundaries, self, { right: options.right ?? false });
}
