/**
 * Datasets: map-style (`length` + `get(i)`) and iterable ones, plus the wrappers of torch.utils.data.dataset:
 * TensorDataset, Subset, ConcatDataset, ChainDataset and randomSplit.
 */
import * as torch from '@kindling/core';
import { AssertionError, ValueError, pyRepr } from './errors.js';

/**
 * A map-style dataset (torch.utils.data.Dataset): subclass it and implement `length` and `get(i)`.
 * `get` may return a Promise (an async dataset); a DataLoader over it is iterated with `for await`.
 */
export abstract class Dataset<T> {
  abstract get length(): number;
  abstract get(index: number): T;

  /** `dataset + other` in PyTorch. */
  concat(other: Dataset<T>): ConcatDataset<T> {
    return new ConcatDataset<T>([this, other]);
  }
}

/**
 * An iterable-style dataset (torch.utils.data.IterableDataset): subclass it and implement
 * `*[Symbol.iterator]()` (or `async *[Symbol.asyncIterator]()`); a `length` getter is optional. Any iterable
 * works as a DataLoader's dataset; subclassing marks the intent, as in PyTorch.
 */
export abstract class IterableDataset<T> {
  /** The sample type, for type inference only. */
  declare readonly __sample?: T;
}

/** Anything with `length` and `get(i)`: a Dataset, or a plain object shaped like one. */
export interface MapDataset<T> {
  readonly length: number;
  get(index: number): T;
}

export function isIterableDataset(x: unknown): x is IterableDataset<unknown> {
  if (x instanceof IterableDataset) return true;
  if (typeof x !== 'object' || x === null || typeof (x as { get?: unknown }).get === 'function') return false;
  return Symbol.iterator in x || Symbol.asyncIterator in x;
}

/** Number of samples, with Python's `len()` error for objects that have none. */
export function lengthOf(ds: unknown): number {
  const n = (ds as { length?: unknown } | null)?.length;
  if (typeof n !== 'number') throw new TypeError(`object of type '${typeName(ds)}' has no len()`);
  return n;
}

export function typeName(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return x.constructor?.name ?? 'Object';
  return typeof x;
}

/** Each sample is the row `index` of every tensor (torch.utils.data.TensorDataset). */
export class TensorDataset extends Dataset<torch.Tensor[]> {
  readonly tensors: readonly torch.Tensor[];

  constructor(...tensors: torch.Tensor[]) {
    super();
    if (tensors.length === 0) throw new TypeError('TensorDataset needs at least one tensor');
    for (const t of tensors) {
      if (!(t instanceof torch.Tensor)) throw new TypeError(`TensorDataset expects tensors, but got ${typeName(t)}`);
      if (t.ndim === 0) throw new torch.IndexError('dimension specified as 0 but tensor has no dimensions');
    }
    const n = tensors[0].size(0);
    if (!tensors.every((t) => t.size(0) === n)) throw new AssertionError('Size mismatch between tensors');
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].size(0);
  }

  get(index: number): torch.Tensor[] {
    return this.tensors.map((t) => t.select(0, index));
  }
}

/** The samples of `dataset` at `indices` (torch.utils.data.Subset). */
export class Subset<T> extends Dataset<T> {
  constructor(
    readonly dataset: MapDataset<T>,
    readonly indices: readonly number[],
  ) {
    super();
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    const i = index < 0 ? index + this.indices.length : index;
    if (!(i >= 0 && i < this.indices.length)) throw new torch.IndexError('list index out of range');
    return this.dataset.get(this.indices[i]);
  }
}

/** Datasets one after another (torch.utils.data.ConcatDataset). */
export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: MapDataset<T>[];
  readonly cumulativeSizes: number[];

  constructor(datasets: Iterable<MapDataset<T>>) {
    super();
    this.datasets = [...datasets];
    if (this.datasets.length === 0) throw new AssertionError('datasets should not be an empty iterable');
    for (const d of this.datasets) {
      if (isIterableDataset(d)) throw new AssertionError('ConcatDataset does not support IterableDataset');
    }
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => (total += lengthOf(d)));
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }

  get(index: number): T {
    let idx = index;
    if (idx < 0) {
      if (-idx > this.length) throw new ValueError('absolute value of index should not exceed dataset length');
      idx += this.length;
    }
    // bisect_right: the first dataset whose cumulative size is greater than idx
    let lo = 0;
    let hi = this.cumulativeSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid] <= idx) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.datasets.length) throw new torch.IndexError('list index out of range');
    const sampleIdx = lo === 0 ? idx : idx - this.cumulativeSizes[lo - 1];
    return this.datasets[lo].get(sampleIdx);
  }
}

/** Iterable datasets one after another (torch.utils.data.ChainDataset). */
export class ChainDataset<T> extends IterableDataset<T> {
  constructor(readonly datasets: readonly Iterable<T>[]) {
    super();
  }

  get length(): number {
    return this.datasets.reduce((sum, d) => sum + lengthOf(d), 0);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (const d of this.datasets) yield* d;
  }
}

/**
 * Splits a dataset into non-overlapping random subsets (torch.utils.data.random_split). `lengths` are sizes, or
 * fractions summing to 1: each split gets floor(fraction * length) and the remainder is handed out one by one,
 * round-robin from the first split, as PyTorch 1.13 does. The permutation comes from `generator` (by default
 * the global generator, so `torch.manualSeed` makes it reproducible).
 */
export function randomSplit<T>(
  dataset: MapDataset<T>,
  lengths: readonly number[],
  generator?: torch.Generator | { generator?: torch.Generator },
): Subset<T>[] {
  // PyTorch's positional order, random_split(dataset, lengths, generator), or the options object.
  const options = torch.compat.trailingOptions<{ generator?: torch.Generator }>(
    'random_split',
    ['generator'],
    [generator],
    2,
    2,
  );
  const n = lengthOf(dataset);
  let sizes = [...lengths];
  const total = sizes.reduce((a, b) => a + b, 0);
  if (isClose(total, 1) && total <= 1) {
    sizes = lengths.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new ValueError(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * frac);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length] += 1;
    sizes.forEach((len, i) => {
      if (len === 0) console.warn(`Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
  }
  if (sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new ValueError('Sum of input lengths does not equal the length of the input dataset!');
  }
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 0)
      throw new ValueError(`random_split expects non-negative integer lengths, but got ${pyRepr(lengths)}`);
  }
  const indices = torch.randperm(n, { generator: options.generator }).tolist() as number[];
  let offset = 0;
  return sizes.map((len) => new Subset(dataset, indices.slice(offset, (offset += len))));
}

/** Python's math.isclose with its default tolerances. */
function isClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(1e-9 * Math.max(Math.abs(a), Math.abs(b)), 0);
}
