/** DataLoader's options: the keyword arguments by PyTorch's names, and PyTorch's positional order for them. */
import * as torch from '@kindling/core';
import type { MapDataset } from './dataset.js';
import { TorchTypeError } from './errors.js';
import type { WorkerDatasetSpec } from './workers.js';

/** Datasets a DataLoader reads: map-style (`length` + `get`) or iterable (sync or async). */
export type AnyDataset<T> = MapDataset<T> | Iterable<T> | AsyncIterable<T>;

/** DataLoader's options, by PyTorch's keyword names. */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); `null` turns automatic batching off. */
  batchSize?: number | null;
  /** A new random order every epoch (a RandomSampler). */
  shuffle?: boolean | null;
  /** The order of sample indices (overrides `shuffle`). */
  sampler?: Iterable<number> | null;
  /** Lists of indices, one per batch (overrides `batchSize`, `shuffle`, `sampler` and `dropLast`). */
  batchSampler?: Iterable<readonly number[]> | null;
  /** Background loaders; 0 loads in the consuming thread. */
  numWorkers?: number;
  /** Turns a list of samples into a batch (default: `defaultCollate`, which stacks tensors). */
  collateFn?: ((batch: Awaited<T>[]) => B) | null;
  /** Drop the last batch when it is short (default false). */
  dropLast?: boolean;
  /** Seeds each epoch's shuffle and worker seeds (default: the global generator). */
  generator?: torch.Generator | null;
  /** Batches loaded ahead per worker (default 2; only with numWorkers > 0). */
  prefetchFactor?: number;
  /** Keep worker threads between epochs (call `close()` when done). */
  persistentWorkers?: boolean;
  /** How worker threads re-create the dataset (Node.js). */
  worker?: WorkerDatasetSpec | null;
  /** Accepted for source compatibility; ignored (CPU only). */
  pinMemory?: boolean;
  /**
   * Seconds to wait for a batch from the worker threads before raising PyTorch's "DataLoader timed out after N
   * seconds" (0, the default: wait as long as it takes). Batches loaded in the main thread are not timed.
   */
  timeout?: number;
}

/**
 * DataLoader's options from PyTorch's positional order (`DataLoader(dataset, 64, True)`), then (or instead) an
 * options object. PyTorch's `worker_init_fn` and `multiprocessing_context` keep their places but must stay unset.
 */
export function dataLoaderArgs<T, B>(args: readonly unknown[]): DataLoaderOptions<T, B> {
  const o = torch.compat.pythonArgs<
    DataLoaderOptions<T, B> & { workerInitFn?: unknown; multiprocessingContext?: unknown }
  >(
    'DataLoader',
    [
      'batchSize',
      'shuffle',
      'sampler',
      'batchSampler',
      'numWorkers',
      'collateFn',
      'pinMemory',
      'dropLast',
      'timeout',
      'workerInitFn',
      'multiprocessingContext',
      'generator',
    ],
    args,
  );
  for (const key of ['workerInitFn', 'multiprocessingContext'] as const) {
    if ((o[key] ?? null) !== null)
      throw new TorchTypeError(`DataLoader: ${key} is not supported; worker threads are set up by the 'worker' option`);
  }
  return o;
}
