/**
 * DataLoader (torch.utils.data.DataLoader): batches of samples from a dataset, in sampler order.
 *
 *   for (const [x, y] of new DataLoader(ds, { batchSize: 64, shuffle: true })) { ... }
 *   for await (const batch of loader) { ... }   // async datasets, or numWorkers > 0
 *
 * With `numWorkers > 0` batches are prepared ahead while the consumer works: on worker threads when the loader
 * knows how to re-create the dataset there (`worker` option or `DataLoader.fromModule`), otherwise as up to
 * `prefetchFactor * numWorkers` concurrent `get` calls (the useful case for datasets whose `get` is async I/O).
 */
import * as torch from '@kindling/core';
import { type Collated, defaultCollate, defaultConvert } from './collate.js';
import { type MapDataset, isIterableDataset, lengthOf } from './dataset.js';
import { TorchTypeError, ValueError, pyRepr } from './errors.js';
import { BatchSampler, RandomSampler, SequentialSampler, drawSeed } from './sampler.js';
import { type WorkerDatasetSpec, type WorkerMode, WorkerPool, workerEpoch } from './workers.js';
import { type AnyDataset, type DataLoaderOptions, dataLoaderArgs } from './dataloader-options.js';

export type { AnyDataset, DataLoaderOptions };

type FetchMode = 'collate' | 'convert';

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof (x as { then?: unknown } | null)?.then === 'function';
}

const ASYNC_GET = "dataset.get() returned a Promise: iterate this DataLoader with 'for await (const batch of loader)'";
const NEEDS_AWAIT =
  "a DataLoader with numWorkers > 0 loads batches in the background: iterate it with 'for await (const batch of loader)'";

/**
 * Batches of samples from a dataset, in sampler order (`torch.utils.data.DataLoader`). Iterate it with `for...of`, or `for await` for async datasets and `numWorkers > 0`.
 *
 * @example
 * ```ts
 * import { DataLoader, TensorDataset } from '@kindling/data';
 *
 * const ds = new TensorDataset(torch.arange(10).view(5, 2), torch.tensor([0, 1, 0, 1, 0]));
 * const loader = new DataLoader(ds, { batchSize: 2 });
 * console.log(loader.length);
 * for (const [x, y] of loader) console.log(x.shape, y);
 * ```
 * ```text
 * 3
 * torch.Size([2, 2]) tensor([0, 1])
 * torch.Size([2, 2]) tensor([0, 1])
 * torch.Size([1, 2]) tensor([0])
 * ```
 */
export class DataLoader<T, B = Collated<Awaited<T>>, D extends AnyDataset<T> = AnyDataset<T>>
  implements Iterable<B>, AsyncIterable<B>
{
  /** The dataset, typed as given (so a map dataset's `length` reads as `len(loader.dataset)` does). */
  readonly dataset: D;
  /** Samples per batch, or `null` when automatic batching is off. */
  readonly batchSize: number | null;
  /** Whether a short last batch is dropped. */
  readonly dropLast: boolean;
  /** The sampler given, or `null`. */
  readonly sampler: Iterable<number> | null;
  /** The batch sampler given, or `null`. */
  readonly batchSampler: Iterable<readonly number[]> | null;
  /** Background loaders; 0 loads in the consuming thread. */
  readonly numWorkers: number;
  /** Batches loaded ahead per worker. */
  readonly prefetchFactor: number;
  /** Whether worker threads are kept between epochs. */
  readonly persistentWorkers: boolean;
  /** The generator that seeds each epoch's shuffle, or `null` for the global one. */
  readonly generator: torch.Generator | null;
  /** Turns a list of samples into a batch. */
  readonly collateFn: (batch: Awaited<T>[]) => B;
  /** How worker threads re-create the dataset, or `null`. */
  readonly worker: WorkerDatasetSpec | null;
  /** Seconds to wait for a batch from the worker threads (0: no limit). */
  readonly timeout: number;
  private readonly iterable: boolean;
  private readonly customCollate: boolean;
  /** The persistent workers (persistentWorkers only), kept between epochs. */
  private pool: Promise<WorkerPool> | null = null;
  /** Whether an iterator is using `pool`: another iterator running at the same time gets workers of its own. */
  private poolInUse = false;

  /** `new DataLoader(dataset, { batchSize, shuffle, sampler, batchSampler, numWorkers, collateFn, dropLast, generator, ... })`. */
  constructor(dataset: D & AnyDataset<T>, options?: DataLoaderOptions<T, B>);
  /** PyTorch's positional order: `new DataLoader(dataset, 64)`, `new DataLoader(dataset, 64, true, { dropLast: true })`. */
  constructor(
    dataset: D & AnyDataset<T>,
    batchSize: number | null,
    shuffle?: boolean | null | Omit<DataLoaderOptions<T, B>, 'batchSize'>,
    options?: Omit<DataLoaderOptions<T, B>, 'batchSize' | 'shuffle'>,
  );
  constructor(dataset: D & AnyDataset<T>, ...args: unknown[]) {
    const options = dataLoaderArgs<T, B>(args);
    const numWorkers = options.numWorkers ?? 0;
    const prefetchFactor = options.prefetchFactor ?? 2;
    let batchSize = options.batchSize === undefined ? 1 : options.batchSize;
    let dropLast = options.dropLast ?? false;
    const shuffle = options.shuffle ?? null;
    let sampler = options.sampler ?? null;
    let batchSampler = options.batchSampler ?? null;
    if (!Number.isInteger(numWorkers) || numWorkers < 0) {
      throw new ValueError('num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.');
    }
    if ((options.timeout ?? 0) < 0) throw new ValueError('timeout option should be non-negative');
    if (numWorkers === 0 && prefetchFactor !== 2) {
      throw new ValueError(
        'prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing.',
      );
    }
    if (!(prefetchFactor > 0))
      throw new ValueError(`prefetch_factor should be a positive integer, but got ${prefetchFactor}`);
    if (options.persistentWorkers && numWorkers === 0)
      throw new ValueError('persistent_workers option needs num_workers > 0');

    this.iterable = isIterableDataset(dataset);
    if (this.iterable) {
      if (shuffle !== null && shuffle !== false) {
        throw new ValueError(
          `DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=${pyRepr(shuffle)}`,
        );
      }
      if (sampler !== null)
        throw new ValueError(
          'DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=' + pyRepr(sampler),
        );
      if (batchSampler !== null) {
        throw new ValueError(
          'DataLoader with IterableDataset: expected unspecified batch_sampler option, but got batch_sampler=' +
            pyRepr(batchSampler),
        );
      }
    }
    if (sampler !== null && shuffle) throw new ValueError('sampler option is mutually exclusive with shuffle');
    if (batchSampler !== null) {
      if (batchSize !== 1 || shuffle || sampler !== null || dropLast) {
        throw new ValueError(
          'batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last',
        );
      }
      batchSize = null;
      dropLast = false;
    } else if (batchSize === null && dropLast) {
      throw new ValueError('batch_size=None option disables auto-batching and is mutually exclusive with drop_last');
    }
    if (sampler === null && !this.iterable) {
      const ds = dataset as MapDataset<T>;
      sampler = shuffle ? new RandomSampler(ds, { generator: options.generator ?? null }) : new SequentialSampler(ds);
    }
    if (batchSize !== null && batchSampler === null && sampler !== null)
      batchSampler = new BatchSampler(sampler, batchSize, dropLast);
    else if (batchSize !== null && this.iterable) new BatchSampler([], batchSize, dropLast); // PyTorch's argument checks

    this.dataset = dataset;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.sampler = sampler;
    this.batchSampler = batchSampler;
    this.numWorkers = numWorkers;
    this.prefetchFactor = prefetchFactor;
    this.persistentWorkers = options.persistentWorkers ?? false;
    this.generator = options.generator ?? null;
    this.worker = options.worker ?? null;
    this.timeout = options.timeout ?? 0;
    this.customCollate = typeof options.collateFn === 'function';
    const autoCollation = this.batchSize !== null || this.batchSampler !== null;
    this.collateFn =
      options.collateFn ?? ((autoCollation ? defaultCollate : defaultConvert) as (batch: Awaited<T>[]) => B);
    if (this.worker !== null && this.iterable) {
      throw new ValueError(
        'worker threads load map-style datasets only; an iterable dataset is read in the main thread',
      );
    }
  }

  /**
   * A loader whose dataset is `new Export(...args)` (or `Export(...args)` for a function) from `module`, created
   * here and again in each worker thread: the way to load a CPU-heavy dataset in parallel.
   *
   *   const loader = await DataLoader.fromModule(new URL('./my-dataset.ts', import.meta.url),
   *     { exportName: 'MyDataset', args: ['/data'], batchSize: 64, shuffle: true, numWorkers: 2 });
   */
  static async fromModule<T = unknown, B = Collated<Awaited<T>>>(
    module: string | URL,
    options: DataLoaderOptions<T, B> & { exportName?: string; args?: readonly unknown[] } = {},
  ): Promise<DataLoader<T, B>> {
    const spec: WorkerDatasetSpec = { module, exportName: options.exportName ?? 'default', args: options.args ?? [] };
    const href = module instanceof URL ? module.href : module;
    const mod = (await import(/* @vite-ignore */ href)) as Record<string, unknown>;
    const exported = mod[spec.exportName as string];
    if (typeof exported !== 'function')
      throw new TypeError(`${href} has no export '${spec.exportName}' that is a class or a function`);
    const isClass = /^class[\s{]/.test(Function.prototype.toString.call(exported));
    const args = [...(spec.args ?? [])];
    const dataset = (
      isClass
        ? new (exported as new (...a: unknown[]) => unknown)(...args)
        : await (exported as (...a: unknown[]) => unknown)(...args)
    ) as AnyDataset<T>;
    return new DataLoader<T, B>(dataset, { ...options, worker: spec });
  }

  /**
   * The number of batches (samples when batchSize is null).
   *
   * @example
   * ```ts
   * import { DataLoader, TensorDataset } from '@kindling/data';
   *
   * const ds = new TensorDataset(torch.zeros(10, 3));
   * console.log(new DataLoader(ds, { batchSize: 4 }).length);
   * console.log(new DataLoader(ds, { batchSize: 4, dropLast: true }).length);
   * ```
   * ```text
   * 3
   * 2
   * ```
   */
  get length(): number {
    if (this.iterable) {
      const n = lengthOf(this.dataset);
      if (this.batchSize === null) return n;
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
    return lengthOf(this.batchSampler ?? this.sampler);
  }

  /** Stops persistent worker threads (an epoch running on them fails with a clear error). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool !== null) await (await pool).terminate();
  }

  /** Index lists for one epoch, after drawing the epoch's base seed (as PyTorch's iterator does on creation). */
  private startEpoch(): { baseSeed: number; tasks: Iterator<readonly number[]>; mode: FetchMode } {
    const baseSeed = drawSeed(this.generator ?? undefined);
    if (this.batchSampler !== null) return { baseSeed, tasks: this.batchSampler[Symbol.iterator](), mode: 'collate' };
    const singles: Iterator<number> = this.sampler === null ? [][Symbol.iterator]() : this.sampler[Symbol.iterator]();
    const tasks: Iterator<readonly number[]> = {
      next: () => {
        const r = singles.next();
        return r.done ? { done: true, value: undefined } : { done: false, value: [r.value] };
      },
    };
    return { baseSeed, tasks, mode: this.batchSize === null ? 'convert' : 'collate' };
  }

  private finish(samples: Awaited<T>[], mode: FetchMode): B {
    return mode === 'collate' ? this.collateFn(samples) : this.collateFn(samples[0] as unknown as Awaited<T>[]);
  }

  /** The batches of one epoch, loaded in this thread (a new shuffle each time it is iterated). */
  *[Symbol.iterator](): Iterator<B> {
    if (this.numWorkers > 0) throw new TorchTypeError(NEEDS_AWAIT);
    const { tasks, mode } = this.startEpoch();
    if (this.iterable) {
      yield* this.iterableSync();
      return;
    }
    const ds = this.dataset as MapDataset<T>;
    for (let r = tasks.next(); !r.done; r = tasks.next()) {
      const samples = r.value.map((i) => {
        const s = ds.get(i);
        if (isThenable(s)) throw new TorchTypeError(ASYNC_GET);
        return s as Awaited<T>;
      });
      yield this.finish(samples, mode);
    }
  }

  /**
   * The batches of one epoch, for `for await`: what async datasets and `numWorkers > 0` need.
   *
   * @example
   * ```ts
   * import { DataLoader } from '@kindling/data';
   *
   * const ds = { length: 4, get: async (i: number) => torch.tensor([i, i * 10]) };
   * for await (const batch of new DataLoader(ds, { batchSize: 2 })) console.log(batch);
   * ```
   * ```text
   * tensor([[ 0,  0],
   *         [ 1, 10]])
   * tensor([[ 2, 20],
   *         [ 3, 30]])
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    const { baseSeed, tasks, mode } = this.startEpoch();
    if (this.iterable) {
      yield* this.iterableAsync();
      return;
    }
    if (this.numWorkers > 0 && this.worker !== null) {
      yield* this.fromWorkers(baseSeed, tasks, mode);
      return;
    }
    const ds = this.dataset as MapDataset<T>;
    const load = async (indices: readonly number[]): Promise<B> =>
      this.finish(await Promise.all(indices.map((i) => ds.get(i))), mode);
    if (this.numWorkers === 0) {
      for (let r = tasks.next(); !r.done; r = tasks.next()) yield await load(r.value);
      return;
    }
    const depth = this.prefetchFactor * this.numWorkers;
    const inFlight: Promise<B>[] = [];
    let exhausted = false;
    const fill = (): void => {
      while (!exhausted && inFlight.length < depth) {
        const r = tasks.next();
        if (r.done) exhausted = true;
        else {
          const p = load(r.value);
          p.catch(() => undefined); // seen when awaited below
          inFlight.push(p);
        }
      }
    };
    fill();
    while (inFlight.length > 0) {
      const batch = await (inFlight.shift() as Promise<B>);
      fill();
      yield batch;
    }
  }

  /**
   * An epoch on worker threads. Every iterator has workers of its own, as PyTorch gives each iterator its own
   * worker processes, so two loops over one loader both get every batch; with persistentWorkers one set is kept
   * between epochs and serves one iterator at a time.
   */
  private async *fromWorkers(baseSeed: number, tasks: Iterator<readonly number[]>, mode: FetchMode): AsyncGenerator<B> {
    const spec = this.worker as WorkerDatasetSpec;
    const shared = this.persistentWorkers && !this.poolInUse;
    let poolPromise: Promise<WorkerPool>;
    if (shared) {
      this.pool ??= WorkerPool.start(spec, this.numWorkers, baseSeed);
      poolPromise = this.pool;
      this.poolInUse = true;
    } else poolPromise = WorkerPool.start(spec, this.numWorkers, baseSeed);
    let pool: WorkerPool;
    try {
      pool = await poolPromise;
    } catch (e) {
      if (shared) {
        this.poolInUse = false;
        if (this.pool === poolPromise) this.pool = null;
      }
      throw e;
    }
    const workerMode: WorkerMode = this.customCollate ? (mode === 'collate' ? 'samples' : 'sample') : mode;
    let failed = false;
    try {
      for await (const value of workerEpoch(pool, tasks, baseSeed, this.prefetchFactor, workerMode, this.timeout)) {
        yield this.customCollate ? this.collateFn(value as Awaited<T>[]) : (value as B);
      }
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      if (shared) {
        this.poolInUse = false;
        // Workers that failed or timed out are not reused; close() may also have let the pool go meanwhile.
        if (failed && this.pool === poolPromise) this.pool = null;
      }
      if (!shared || this.pool !== poolPromise) await pool.terminate();
    }
  }

  /** Batches from an iterable dataset: `batchSize` items at a time; a short last batch unless `dropLast`. */
  private *iterableSync(): Generator<B> {
    const ds = this.dataset as Partial<Iterable<T>>;
    if (typeof ds[Symbol.iterator] !== 'function') {
      throw new TorchTypeError("this dataset is async-iterable: iterate the DataLoader with 'for await'");
    }
    const source = (ds as Iterable<T>)[Symbol.iterator]();
    const size = this.batchSize ?? 1;
    for (;;) {
      const items: Awaited<T>[] = [];
      while (items.length < size) {
        const r = source.next();
        if (r.done) break;
        items.push(r.value as Awaited<T>);
      }
      if (items.length === 0 || (items.length < size && this.dropLast)) return;
      yield this.finish(items, this.batchSize === null ? 'convert' : 'collate');
      if (items.length < size) return;
    }
  }

  private async *iterableAsync(): AsyncGenerator<B> {
    const ds = this.dataset as Partial<Iterable<T> & AsyncIterable<T>>;
    if (typeof ds[Symbol.asyncIterator] !== 'function') {
      yield* this.iterableSync();
      return;
    }
    const source = (ds as AsyncIterable<T>)[Symbol.asyncIterator]();
    const size = this.batchSize ?? 1;
    for (;;) {
      const items: Awaited<T>[] = [];
      while (items.length < size) {
        const r = await source.next();
        if (r.done) break;
        items.push(r.value as Awaited<T>);
      }
      if (items.length === 0 || (items.length < size && this.dropLast)) return;
      yield this.finish(items, this.batchSize === null ? 'convert' : 'collate');
      if (items.length < size) return;
    }
  }
}
