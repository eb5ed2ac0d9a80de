import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { DataLoader, Dataset, IterableDataset, RandomSampler, SequentialSampler, TensorDataset } from '@kindling/data';
import golden from './fixtures/data.json';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function indexData(n: number): TensorDataset {
  return new TensorDataset(torch.arange(n, { dtype: 'float32' }).reshape(n, 1), torch.arange(n));
}

function labels(loader: Iterable<torch.Tensor[]>): number[][] {
  return [...loader].map((b) => Array.from(b[1].toArray()));
}

class AsyncRange extends Dataset<Promise<number>> {
  readonly started: number[] = [];
  constructor(
    readonly n: number,
    readonly delay: (i: number) => number = () => 0,
  ) {
    super();
  }
  get length(): number {
    return this.n;
  }
  async get(i: number): Promise<number> {
    this.started.push(i);
    await new Promise((r) => setTimeout(r, this.delay(i)));
    return i;
  }
}

describe('DataLoader batches', () => {
  it('has the length and batch sizes PyTorch gives, for every dataset size, batch size and dropLast', () => {
    for (const c of golden.loaderLengths) {
      const loader = new DataLoader(indexData(c.n), { batchSize: c.batchSize, dropLast: c.dropLast });
      const what = `n=${c.n} batchSize=${c.batchSize} dropLast=${c.dropLast}`;
      expect(loader.length, what).toBe(c.length);
      expect(
        [...loader].map((b) => b[0].size(0)),
        what,
      ).toEqual(c.batches);
    }
  });

  it('yields collated batches in order by default', () => {
    const loader = new DataLoader(indexData(5), { batchSize: 2 });
    const batches = [...loader];
    expect(batches[0][0].shape).toEqual([2, 1]);
    expect(batches[0][1].dtype).toBe('int64');
    expect(labels(loader)).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('batchSize defaults to 1, and null turns batching off', () => {
    expect(new DataLoader(indexData(3)).length).toBe(3);
    // an array is an iterable dataset
    expect([...new DataLoader<{ v: number }, { v: number }>([{ v: 1 }, { v: 2 }], { batchSize: null })]).toEqual([
      { v: 1 },
      { v: 2 },
    ]);
    const ds = new (class extends Dataset<number> {
      get length(): number {
        return 3;
      }
      get(i: number): number {
        return i * 10;
      }
    })();
    expect([...new DataLoader<number, number>(ds, { batchSize: null })]).toEqual([0, 10, 20]);
  });

  it("takes PyTorch's positional order, then (or instead) the options object", () => {
    // DataLoader(ds, 4), DataLoader(ds, 4, False, None, None, 0, None, False, True): 3 and 2 batches of 10 samples
    expect(labels(new DataLoader(indexData(10), 4))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    const untyped = DataLoader as unknown as new (...args: unknown[]) => DataLoader<unknown>;
    expect(new untyped(indexData(10), 4, false, null, null, 0, null, false, true).length).toBe(2);
    expect(new DataLoader(indexData(10), 4, { dropLast: true }).length).toBe(2);
    expect(new DataLoader(indexData(10), 4, false, { dropLast: true }).dropLast).toBe(true);
    expect(
      () => new untyped(indexData(10), 4, false, null, null, 0, null, false, false, 0, null, null, null, 1),
    ).toThrow(
      new torch.TorchTypeError('DataLoader.__init__() takes from 2 to 14 positional arguments but 15 were given'),
    );
    expect(() => new untyped(indexData(10), 4, { batchSize: 2 })).toThrow(
      new torch.TorchTypeError("DataLoader.__init__() got multiple values for argument 'batchSize'"),
    );
    expect(() => new untyped(indexData(10), 4, false, null, null, 0, null, false, false, 0, () => 0)).toThrow(
      new torch.TorchTypeError(
        "DataLoader: workerInitFn is not supported; worker threads are set up by the 'worker' option",
      ),
    );
    expect(() => new untyped(indexData(10), { batch_size: 4 })).toThrow(
      new torch.TorchTypeError(
        "DataLoader.__init__() got an unexpected keyword argument 'batch_size': Kindling spells it 'batchSize'",
      ),
    );
  });

  it('uses a custom collateFn, a sampler and a batchSampler', () => {
    const ds = indexData(6);
    const sums = [...new DataLoader(ds, { batchSize: 3, collateFn: (b) => b.reduce((s, [, y]) => s + y.item(), 0) })];
    expect(sums).toEqual([3, 12]);
    const rev = {
      length: 6,
      *[Symbol.iterator]() {
        for (let i = 5; i >= 0; i--) yield i;
      },
    };
    expect(labels(new DataLoader(ds, { batchSize: 4, sampler: rev }))).toEqual([
      [5, 4, 3, 2],
      [1, 0],
    ]);
    const batchSampler = [[0, 5], [1], [2, 3, 4]];
    expect(labels(new DataLoader(ds, { batchSampler }))).toEqual(batchSampler);
    expect(new DataLoader(ds, { batchSampler }).length).toBe(3);
  });
});

describe('DataLoader shuffling', () => {
  it('reshuffles every epoch, and torch.manualSeed replays the same epochs', () => {
    const loader = new DataLoader(indexData(40), { batchSize: 8, shuffle: true });
    torch.manualSeed(123);
    const e1 = labels(loader).flat();
    const e2 = labels(loader).flat();
    expect([...e1].sort((a, b) => a - b)).toEqual(range(40));
    expect(e1).not.toEqual(e2);
    expect(e1).not.toEqual(range(40));
    torch.manualSeed(123);
    expect(labels(loader).flat()).toEqual(e1);
    expect(labels(loader).flat()).toEqual(e2);
  });

  it('with a generator, is reproducible from that generator alone', () => {
    const run = (): number[][] => {
      const loader = new DataLoader(indexData(30), {
        batchSize: 7,
        shuffle: true,
        generator: new torch.Generator().manualSeed(9),
      });
      return [labels(loader).flat(), labels(loader).flat()];
    };
    const a = run();
    torch.manualSeed(1);
    torch.rand([5]);
    expect(run()).toEqual(a);
    expect(a[0]).not.toEqual(a[1]);
  });

  it('draws the epoch seed from the global generator even without shuffling (as PyTorch does)', () => {
    torch.manualSeed(0);
    void [...new DataLoader(indexData(3))];
    const after = torch.rand([1]).item();
    torch.manualSeed(0);
    torch.randint(0, 2 ** 53, [1]);
    expect(torch.rand([1]).item()).toBe(after);
  });
});

describe('DataLoader errors', () => {
  const ds = indexData(4);
  it("throws PyTorch's argument errors", () => {
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(
      'batch_size should be a positive integer value, but got batch_size=0',
    );
    expect(() => new DataLoader(ds, { sampler: [0, 1], shuffle: true })).toThrow(
      'sampler option is mutually exclusive with shuffle',
    );
    for (const extra of [{ batchSize: 2 }, { shuffle: true }, { sampler: [0] }, { dropLast: true }]) {
      expect(() => new DataLoader(ds, { batchSampler: [[0]], ...extra })).toThrow(
        'batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last',
      );
    }
    expect(() => new DataLoader(ds, { batchSize: null, dropLast: true })).toThrow(
      'batch_size=None option disables auto-batching and is mutually exclusive with drop_last',
    );
    expect(() => new DataLoader(ds, { numWorkers: -1 })).toThrow(
      'num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.',
    );
    expect(() => new DataLoader(ds, { prefetchFactor: 3 })).toThrow(
      'prefetch_factor option could only be specified in multiprocessing.',
    );
    expect(() => new DataLoader(ds, { persistentWorkers: true })).toThrow(
      'persistent_workers option needs num_workers > 0',
    );
    expect(() => new DataLoader(ds, { timeout: -1 })).toThrow('timeout option should be non-negative');
  });

  it('an empty dataset gives no batches (with or without dropLast); shuffling it fails in RandomSampler, as in PyTorch', () => {
    const empty = new TensorDataset(torch.zeros(0, 3));
    for (const dropLast of [true, false]) {
      const loader = new DataLoader(empty, { batchSize: 2, dropLast });
      expect(loader.length).toBe(0);
      expect([...loader]).toEqual([]);
    }
    expect(() => new DataLoader(empty, { batchSize: 2, shuffle: true })).toThrow(
      'num_samples should be a positive integer value, but got num_samples=0',
    );
  });

  it('tells the user to use for await for async datasets and background loading', () => {
    expect(() => [...new DataLoader(new AsyncRange(3))]).toThrow(
      "dataset.get() returned a Promise: iterate this DataLoader with 'for await",
    );
    expect(() => [...new DataLoader(ds, { numWorkers: 1 })]).toThrow(
      "numWorkers > 0 loads batches in the background: iterate it with 'for await",
    );
  });

  it('errors from get reach the loop', async () => {
    const bad = new (class extends Dataset<number> {
      get length(): number {
        return 3;
      }
      get(i: number): number {
        if (i === 2) throw new RangeError('no sample 2');
        return i;
      }
    })();
    expect(() => [...new DataLoader(bad, { batchSize: 2 })]).toThrow('no sample 2');
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const b of new DataLoader(bad, { batchSize: 1, numWorkers: 2 })) seen.push(b);
      })(),
    ).rejects.toThrow('no sample 2');
    expect(seen.length).toBe(2);
  });
});

describe('DataLoader over async and iterable datasets', () => {
  it('awaits async get() with for await, in order', async () => {
    const out: number[][] = [];
    for await (const b of new DataLoader(new AsyncRange(5), { batchSize: 2 })) out.push(Array.from(b.toArray()));
    expect(out).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('with numWorkers > 0 keeps prefetchFactor * numWorkers batches in flight and the order deterministic', async () => {
    const ds = new AsyncRange(12, (i) => (i % 3 === 0 ? 30 : 1));
    const loader = new DataLoader(ds, { batchSize: 2, numWorkers: 2, prefetchFactor: 1 });
    const out: number[][] = [];
    const startedWhenConsumed: number[] = [];
    for await (const b of loader) {
      out.push(Array.from(b.toArray()));
      startedWhenConsumed.push(ds.started.length);
    }
    expect(out).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
      [8, 9],
      [10, 11],
    ]);
    // when batch k is handed over, batches up to k + 2 (two in flight) have been started
    expect(startedWhenConsumed).toEqual([6, 8, 10, 12, 12, 12]);
  });

  it('prefetching overlaps slow async gets', async () => {
    const ds = new AsyncRange(8, () => 20);
    const t0 = performance.now();
    for await (const _ of new DataLoader(ds, { batchSize: 1, numWorkers: 4 })) void _;
    expect(performance.now() - t0).toBeLessThan(8 * 20);
  });

  it('batches an IterableDataset, keeping or dropping the short last batch', async () => {
    class Stream extends IterableDataset<number> {
      get length(): number {
        return 5;
      }
      *[Symbol.iterator](): Iterator<number> {
        yield* range(5);
      }
    }
    const toLists = (bs: Iterable<torch.Tensor>): number[][] => [...bs].map((t) => Array.from(t.toArray()));
    expect(toLists(new DataLoader(new Stream(), { batchSize: 2 }))).toEqual([[0, 1], [2, 3], [4]]);
    expect(toLists(new DataLoader(new Stream(), { batchSize: 2, dropLast: true }))).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(new DataLoader(new Stream(), { batchSize: 2 }).length).toBe(3);
    expect(new DataLoader(new Stream(), { batchSize: 2, dropLast: true }).length).toBe(2);
    expect(() => new DataLoader(new Stream(), { shuffle: true })).toThrow(
      'DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=True',
    );
    expect(() => new DataLoader(new Stream(), { sampler: new SequentialSampler({ length: 1 }) })).toThrow(
      'DataLoader with IterableDataset: expected unspecified sampler option',
    );
    // An async iterator that never awaits: the loader must still await each item.
    // eslint-disable-next-line @typescript-eslint/require-await
    async function* gen(): AsyncGenerator<number> {
      yield* range(3);
    }
    const out: number[][] = [];
    for await (const b of new DataLoader({ [Symbol.asyncIterator]: gen }, { batchSize: 2 }))
      out.push(Array.from(b.toArray()));
    expect(out).toEqual([[0, 1], [2]]);
  });

  it('a RandomSampler with replacement can be passed as the sampler', () => {
    const ds = indexData(5);
    const loader = new DataLoader(ds, {
      batchSize: 4,
      sampler: new RandomSampler(ds, { replacement: true, numSamples: 8 }),
    });
    expect(loader.length).toBe(2);
    expect(labels(loader).flat().length).toBe(8);
  });
});
