import { describe, expect, it, vi } from 'vitest';
import * as torch from '@kindling/core';
import {
  AssertionError,
  ChainDataset,
  ConcatDataset,
  Dataset,
  IterableDataset,
  Subset,
  TensorDataset,
  randomSplit,
} from '@kindling/data';
import golden from './fixtures/data.json';

class Range extends Dataset<number> {
  constructor(readonly n: number) {
    super();
  }
  get length(): number {
    return this.n;
  }
  get(i: number): number {
    if (i < 0 || i >= this.n) throw new RangeError(`index ${i}`);
    return i;
  }
}

describe('TensorDataset', () => {
  it('returns the rows of every tensor, sharing their storage', () => {
    const x = torch.arange(12, { dtype: 'float32' }).reshape(4, 3);
    const y = torch.tensor([10, 11, 12, 13]);
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(4);
    const [row, label] = ds.get(2);
    expect(row.tolist()).toEqual([6, 7, 8]);
    expect(label.item()).toBe(12);
    expect(label.ndim).toBe(0);
    expect(ds.get(-1)[1].item()).toBe(13);
    x.select(0, 2).fill_(0);
    expect(row.tolist()).toEqual([0, 0, 0]);
  });

  it("throws PyTorch's AssertionError when the first dimensions differ", () => {
    expect(() => new TensorDataset(torch.zeros(3), torch.zeros(4))).toThrow(AssertionError);
    expect(() => new TensorDataset(torch.zeros(3), torch.zeros(4))).toThrow('Size mismatch between tensors');
  });

  it('throws for an index past the end, as tensor indexing does', () => {
    const ds = new TensorDataset(torch.zeros(3, 2));
    expect(() => ds.get(3)).toThrow('index 3 is out of bounds for dimension 0 with size 3');
  });
});

describe('Subset and ConcatDataset', () => {
  it('Subset maps indices through its index list', () => {
    const s = new Subset(new Range(10), [7, 3, 5]);
    expect(s.length).toBe(3);
    expect([s.get(0), s.get(1), s.get(2), s.get(-1)]).toEqual([7, 3, 5, 5]);
    expect(() => s.get(3)).toThrow('list index out of range');
  });

  it('ConcatDataset finds the dataset and offset of each index (bisect_right on cumulative sizes)', () => {
    const c = new ConcatDataset([new Range(2), new Range(0), new Range(3)]);
    expect(c.length).toBe(5);
    expect(c.cumulativeSizes).toEqual([2, 2, 5]);
    expect(Array.from({ length: 5 }, (_, i) => c.get(i))).toEqual([0, 1, 0, 1, 2]);
    expect(c.get(-1)).toBe(2);
    expect(c.get(-5)).toBe(0);
    expect(() => c.get(-6)).toThrow('absolute value of index should not exceed dataset length');
    expect(new Range(2).concat(new Range(1)).length).toBe(3);
  });

  it("ConcatDataset rejects no datasets and iterable datasets with PyTorch's messages", () => {
    expect(() => new ConcatDataset([])).toThrow('datasets should not be an empty iterable');
    class Stream extends IterableDataset<number> {
      *[Symbol.iterator](): Iterator<number> {
        yield 1;
      }
    }
    const stream = new Stream() as unknown as Range;
    expect(() => new ConcatDataset([new Range(1), stream])).toThrow('ConcatDataset does not support IterableDataset');
  });

  it('ChainDataset iterates its datasets one after another', () => {
    const chain = new ChainDataset([[1, 2], new Set([3])]);
    expect([...chain]).toEqual([1, 2, 3]);
    expect(new ChainDataset([[1, 2], [3]]).length).toBe(3);
  });
});

describe('randomSplit', () => {
  it("turns fractions into lengths by PyTorch 1.13's rule (floor, then the remainder round-robin)", () => {
    for (const c of golden.splits) {
      const parts = randomSplit(new Range(c.n), c.fractions);
      expect(
        parts.map((p) => p.length),
        `n=${c.n} ${c.fractions}`,
      ).toEqual(c.lengths);
    }
  });

  it('warns about empty splits, as PyTorch does', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    randomSplit(new Range(1), [0.5, 0.5]);
    expect(warn).toHaveBeenCalledWith('Length of split at index 1 is 0. This might result in an empty dataset.');
    warn.mockRestore();
  });

  it('gives disjoint subsets covering the dataset, reproducibly per seed', () => {
    const split = (seed: number): number[][] =>
      randomSplit(new Range(20), [5, 15], { generator: new torch.Generator().manualSeed(seed) }).map((s) => [
        ...s.indices,
      ]);
    const [a, b] = split(7);
    expect(a.length).toBe(5);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(split(7)).toEqual([a, b]);
    expect(split(8)).not.toEqual([a, b]);
    // random_split(ds, lengths, generator): the generator positionally, as PyTorch takes it
    expect(randomSplit(new Range(20), [5, 15], new torch.Generator().manualSeed(7)).map((s) => [...s.indices])).toEqual(
      [a, b],
    );
    torch.manualSeed(3);
    const first = randomSplit(new Range(20), [0.5, 0.5]).map((s) => [...s.indices]);
    torch.manualSeed(3);
    expect(randomSplit(new Range(20), [0.5, 0.5]).map((s) => [...s.indices])).toEqual(first);
  });

  it("throws PyTorch's errors for lengths that do not add up and bad fractions", () => {
    expect(() => randomSplit(new Range(10), [3, 3])).toThrow(
      'Sum of input lengths does not equal the length of the input dataset!',
    );
    expect(() => randomSplit(new Range(10), [0.5, 1.5, -1])).toThrow('Fraction at index 1 is not between 0 and 1');
  });
});
