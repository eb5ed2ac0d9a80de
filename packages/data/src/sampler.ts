/**
 * Samplers (torch.utils.data.sampler): iterables of dataset indices, or of index batches for BatchSampler.
 * Each is re-iterable: every `for...of` starts a new pass (a new permutation for the random ones).
 */
import * as torch from '@kindling/core';
import { RuntimeError, TorchTypeError, ValueError, pyRepr } from './errors.js';
import { lengthOf } from './dataset.js';

/** Base class: an iterable of indices (or index batches) with a `length`. */
export abstract class Sampler<T = number> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
  abstract get length(): number;
}

/** Something that has a length, as a sampler's data source. */
export interface Sized {
  readonly length: number;
}

/** A fresh generator seeded from `generator` (or the global one), as PyTorch's RandomSampler does each pass. */
export function drawSeed(generator?: torch.Generator): number {
  return torch.randint(0, 2 ** 53, [1], { generator }).item();
}

/** 0, 1, ..., n - 1. */
export class SequentialSampler extends Sampler<number> {
  constructor(readonly dataSource: Sized) {
    super();
  }

  get length(): number {
    return lengthOf(this.dataSource);
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.length;
    for (let i = 0; i < n; i++) yield i;
  }
}

export interface RandomSamplerOptions {
  replacement?: boolean;
  numSamples?: number | null;
  generator?: torch.Generator | null;
}

/**
 * A random permutation each pass, or `numSamples` draws with replacement. Without a `generator`, each pass seeds
 * a fresh generator from the global one (so `torch.manualSeed` fixes every epoch's order, and epochs differ).
 */
export class RandomSampler extends Sampler<number> {
  readonly replacement: boolean;
  readonly generator: torch.Generator | null;
  private readonly requestedSamples: number | null;

  constructor(dataSource: Sized, options?: RandomSamplerOptions);
  constructor(dataSource: Sized, replacement?: boolean, numSamples?: number | null, generator?: torch.Generator | null);
  constructor(
    readonly dataSource: Sized,
    a: RandomSamplerOptions | boolean = {},
    numSamples: number | null = null,
    generator: torch.Generator | null = null,
  ) {
    super();
    const options: RandomSamplerOptions =
      typeof a === 'object' && a !== null ? a : { replacement: a, numSamples, generator };
    const replacement: unknown = options.replacement ?? false;
    this.requestedSamples = options.numSamples ?? null;
    this.generator = options.generator ?? null;
    if (typeof replacement !== 'boolean') {
      throw new TorchTypeError(`replacement should be a boolean value, but got replacement=${pyRepr(replacement)}`);
    }
    this.replacement = replacement;
    const n = this.numSamples;
    if (!Number.isInteger(n) || n <= 0) {
      throw new ValueError(`num_samples should be a positive integer value, but got num_samples=${pyRepr(n)}`);
    }
  }

  /** `numSamples` if given, else the data source's current length. */
  get numSamples(): number {
    return this.requestedSamples ?? lengthOf(this.dataSource);
  }

  get length(): number {
    return this.numSamples;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = lengthOf(this.dataSource);
    const generator = this.generator ?? new torch.Generator().manualSeed(drawSeed());
    const total = this.numSamples;
    if (this.replacement) {
      for (let k = 0; k < Math.floor(total / 32); k++) yield* intList(torch.randint(0, n, [32], { generator }));
      yield* intList(torch.randint(0, n, [total % 32], { generator }));
    } else {
      for (let k = 0; k < Math.floor(total / n); k++) yield* intList(torch.randperm(n, { generator }));
      yield* intList(torch.randperm(n, { generator })).slice(0, total % n);
    }
  }
}

function intList(t: torch.Tensor): number[] {
  return Array.from(t.toArray());
}

/** The given indices in a random order, a new one each pass. */
export class SubsetRandomSampler extends Sampler<number> {
  readonly generator: torch.Generator | null;

  constructor(
    readonly indices: readonly number[],
    options: { generator?: torch.Generator | null } | torch.Generator = {},
  ) {
    super();
    this.generator = options instanceof torch.Generator ? options : (options.generator ?? null);
  }

  get length(): number {
    return this.indices.length;
  }

  *[Symbol.iterator](): Iterator<number> {
    const perm = intList(torch.randperm(this.indices.length, { generator: this.generator ?? undefined }));
    for (const i of perm) yield this.indices[i];
  }
}

export interface WeightedRandomSamplerOptions {
  replacement?: boolean;
  generator?: torch.Generator | null;
}

/**
 * Indices 0..len(weights)-1 drawn with probabilities proportional to `weights` (torch.multinomial): with
 * replacement by inverting the cumulative distribution, without replacement by the exponential-keys method
 * PyTorch uses (so zero-weight indices come last).
 */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: Float64Array;
  readonly replacement: boolean;
  readonly generator: torch.Generator | null;

  constructor(
    weights: readonly number[] | torch.Tensor | Float64Array | Float32Array,
    readonly numSamples: number,
    a: boolean | WeightedRandomSamplerOptions = {},
    generator: torch.Generator | null = null,
  ) {
    super();
    const options: WeightedRandomSamplerOptions =
      typeof a === 'object' && a !== null ? a : { replacement: a, generator };
    if (typeof numSamples !== 'number' || !Number.isInteger(numSamples) || numSamples <= 0) {
      throw new ValueError(`num_samples should be a positive integer value, but got num_samples=${pyRepr(numSamples)}`);
    }
    const replacement: unknown = options.replacement ?? true;
    if (typeof replacement !== 'boolean') {
      throw new ValueError(`replacement should be a boolean value, but got replacement=${pyRepr(replacement)}`);
    }
    const w = weights instanceof torch.Tensor ? weights : torch.tensor(weights as number[], { dtype: 'float64' });
    if (w.ndim !== 1) {
      throw new ValueError(`weights should be a 1d sequence but given weights have shape (${w.shape.join(', ')})`);
    }
    this.weights = Float64Array.from(w.toArray());
    this.replacement = replacement;
    this.generator = options.generator ?? null;
  }

  get length(): number {
    return this.numSamples;
  }

  *[Symbol.iterator](): Iterator<number> {
    yield* multinomial(this.weights, this.numSamples, this.replacement, this.generator ?? undefined);
  }
}

/** torch.multinomial over one row of non-negative weights, with PyTorch's checks and messages. */
export function multinomial(
  weights: Float64Array,
  n: number,
  replacement: boolean,
  generator?: torch.Generator,
): number[] {
  const k = weights.length;
  if (!replacement && n > k)
    throw new RuntimeError('cannot sample n_sample > prob_dist.size(-1) samples without replacement');
  let sum = 0;
  for (const w of weights) {
    if (!replacement && !(w >= 0 && w < Infinity)) {
      throw new RuntimeError('probability tensor contains either `inf`, `nan` or element < 0');
    }
    if (!(w >= 0)) throw new RuntimeError('invalid multinomial distribution (encountering probability entry < 0)');
    if (w === Infinity)
      throw new RuntimeError('invalid multinomial distribution (encountering probability entry = infinity or NaN)');
    sum += w;
  }
  if (!(sum > 0)) throw new RuntimeError('invalid multinomial distribution (sum of probabilities <= 0)');
  const u = torch.rand([replacement ? n : k], { dtype: 'float64', generator }).toArray();
  if (!replacement) {
    // Exponential keys: w / Exp(1); the n largest keys are a weighted sample without replacement.
    const keys = Array.from(weights, (w, i) => w / -Math.log1p(-u[i]));
    const order = Array.from({ length: k }, (_, i) => i).sort((x, y) => keys[y] - keys[x] || x - y);
    return order.slice(0, n);
  }
  const cumulative = new Float64Array(k);
  let acc = 0;
  for (let i = 0; i < k; i++) cumulative[i] = (acc += weights[i]) / sum;
  cumulative[k - 1] = 1;
  const out = new Array<number>(n);
  for (let s = 0; s < n; s++) {
    // the first category whose cumulative probability exceeds the uniform sample
    let lo = 0;
    let hi = k - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] <= u[s]) lo = mid + 1;
      else hi = mid;
    }
    out[s] = lo;
  }
  return out;
}

/** Groups another sampler's indices into batches of `batchSize`; the last, shorter one is kept unless `dropLast`. */
export class BatchSampler extends Sampler<number[]> {
  readonly batchSize: number;
  readonly dropLast: boolean;

  constructor(sampler: Iterable<number>, options: { batchSize: number; dropLast?: boolean });
  constructor(sampler: Iterable<number>, batchSize: number, dropLast: boolean);
  constructor(
    readonly sampler: Iterable<number>,
    a: number | { batchSize: number; dropLast?: boolean },
    dropLast?: boolean,
  ) {
    super();
    const batchSize: unknown = typeof a === 'object' && a !== null ? a.batchSize : a;
    const drop: unknown = typeof a === 'object' && a !== null ? (a.dropLast ?? false) : dropLast;
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize <= 0) {
      throw new ValueError(`batch_size should be a positive integer value, but got batch_size=${pyRepr(batchSize)}`);
    }
    if (typeof drop !== 'boolean') {
      throw new ValueError(`drop_last should be a boolean value, but got drop_last=${pyRepr(drop)}`);
    }
    this.batchSize = batchSize;
    this.dropLast = drop;
  }

  get length(): number {
    const n = lengthOf(this.sampler);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const idx of this.sampler) {
      batch.push(idx);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}
