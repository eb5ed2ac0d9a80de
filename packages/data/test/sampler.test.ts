import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import {
  BatchSampler,
  RandomSampler,
  SequentialSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
} from '@kindling/data';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sized = (n: number): { length: number } => ({ length: n });
const gen = (seed: number): torch.Generator => new torch.Generator().manualSeed(seed);

/** Pearson's chi-square statistic of observed counts against expected probabilities. */
function chiSquare(counts: number[], probs: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.reduce((s, c, i) => s + (c - total * probs[i]) ** 2 / (total * probs[i]), 0);
}

describe('SequentialSampler', () => {
  it('yields 0..n-1, following the data source length', () => {
    const src = { length: 4 };
    const s = new SequentialSampler(src);
    expect([...s]).toEqual([0, 1, 2, 3]);
    expect(s.length).toBe(4);
    src.length = 2;
    expect([...s]).toEqual([0, 1]);
  });
});

describe('RandomSampler', () => {
  it('yields a permutation, a new one each pass, reproducible from the global seed', () => {
    const s = new RandomSampler(sized(50));
    torch.manualSeed(0);
    const a = [...s];
    const b = [...s];
    expect([...a].sort((x, y) => x - y)).toEqual(range(50));
    expect(a).not.toEqual(b);
    torch.manualSeed(0);
    expect([...s]).toEqual(a);
    expect([...s]).toEqual(b);
  });

  it('with a generator, continues that generator', () => {
    const g = gen(5);
    const s = new RandomSampler(sized(20), { generator: g });
    const a = [...s];
    const b = [...s];
    expect(a).not.toEqual(b);
    const s2 = new RandomSampler(sized(20), false, null, gen(5));
    expect([...s2]).toEqual(a);
    expect([...s2]).toEqual(b);
  });

  it('numSamples larger than n without replacement repeats whole permutations, then a partial one', () => {
    const out = [...new RandomSampler(sized(4), { numSamples: 10, generator: gen(1) })];
    expect(out.length).toBe(10);
    expect([...out.slice(0, 4)].sort()).toEqual([0, 1, 2, 3]);
    expect([...out.slice(4, 8)].sort()).toEqual([0, 1, 2, 3]);
    expect(new Set(out.slice(8)).size).toBe(2);
  });

  it('with replacement draws numSamples uniform indices (chi-square test)', () => {
    const s = new RandomSampler(sized(5), { replacement: true, numSamples: 20000, generator: gen(2) });
    const counts = [0, 0, 0, 0, 0];
    for (const i of s) counts[i]++;
    expect(s.length).toBe(20000);
    // 4 degrees of freedom: 18.47 is the 0.999 quantile
    expect(chiSquare(counts, [0.2, 0.2, 0.2, 0.2, 0.2])).toBeLessThan(18.47);
  });

  it("throws PyTorch's errors", () => {
    expect(() => new RandomSampler(sized(3), { replacement: 1 as unknown as boolean })).toThrow(
      'replacement should be a boolean value, but got replacement=1',
    );
    expect(() => new RandomSampler(sized(3), { replacement: 1 as unknown as boolean })).toThrow(TypeError);
    expect(() => new RandomSampler(sized(3), { numSamples: 0 })).toThrow(
      'num_samples should be a positive integer value, but got num_samples=0',
    );
    expect(() => new RandomSampler(sized(0))).toThrow(
      'num_samples should be a positive integer value, but got num_samples=0',
    );
  });
});

describe('SubsetRandomSampler', () => {
  it('yields its indices in a random order', () => {
    const s = new SubsetRandomSampler([10, 20, 30, 40], { generator: gen(3) });
    const a = [...s];
    expect([...a].sort()).toEqual([10, 20, 30, 40]);
    expect(s.length).toBe(4);
    expect([...new SubsetRandomSampler([10, 20, 30, 40], gen(3))]).toEqual(a);
  });
});

describe('WeightedRandomSampler', () => {
  it('with replacement draws in proportion to the weights (chi-square test), never a zero weight', () => {
    const w = [1, 0, 2, 7];
    const counts = [0, 0, 0, 0];
    for (const i of new WeightedRandomSampler(w, 30000, { generator: gen(4) })) counts[i]++;
    expect(counts[1]).toBe(0);
    // 2 degrees of freedom over the non-zero weights: 13.82 is the 0.999 quantile
    expect(chiSquare([counts[0], counts[2], counts[3]], [0.1, 0.2, 0.7])).toBeLessThan(13.82);
  });

  it('without replacement gives distinct indices, zero weights last, heavy ones first more often', () => {
    const out = [...new WeightedRandomSampler([0, 1, 1, 0], 4, false, gen(5))];
    expect(out.slice(0, 2).sort()).toEqual([1, 2]);
    expect(out.slice(2).sort()).toEqual([0, 3]);
    let firstIsHeavy = 0;
    const g = gen(6);
    for (let k = 0; k < 2000; k++)
      if ([...new WeightedRandomSampler([1, 9], 1, { replacement: false, generator: g })][0] === 1) firstIsHeavy++;
    // P(first = 1) = 0.9: 1800 expected, sd ~13.4
    expect(Math.abs(firstIsHeavy - 1800)).toBeLessThan(70);
  });

  it('accepts tensors of weights and is reproducible', () => {
    const a = [...new WeightedRandomSampler(torch.tensor([0.1, 0.9, 0.4]), 8, { generator: gen(7) })];
    const b = [...new WeightedRandomSampler([0.1, 0.9, 0.4], 8, true, gen(7))];
    expect(a).toEqual(b);
  });

  it("throws PyTorch's argument and multinomial errors", () => {
    expect(() => new WeightedRandomSampler([1, 2], 0)).toThrow(
      'num_samples should be a positive integer value, but got num_samples=0',
    );
    expect(() => new WeightedRandomSampler([1, 2], 2, { replacement: 1 as unknown as boolean })).toThrow(
      'replacement should be a boolean value, but got replacement=1',
    );
    expect(() => new WeightedRandomSampler([[1, 2]] as unknown as number[], 2)).toThrow(
      'weights should be a 1d sequence but given weights have shape (1, 2)',
    );
    expect(() => [...new WeightedRandomSampler([1, -1], 2)]).toThrow(
      'invalid multinomial distribution (encountering probability entry < 0)',
    );
    expect(() => [...new WeightedRandomSampler([Infinity, 1], 1)]).toThrow(
      'invalid multinomial distribution (encountering probability entry = infinity or NaN)',
    );
    expect(() => [...new WeightedRandomSampler([0, 0], 2)]).toThrow(
      'invalid multinomial distribution (sum of probabilities <= 0)',
    );
    expect(() => [...new WeightedRandomSampler([1, 2], 3, false)]).toThrow(
      'cannot sample n_sample > prob_dist.size(-1) samples without replacement',
    );
    expect(() => [...new WeightedRandomSampler([1, NaN], 1, false)]).toThrow(
      'probability tensor contains either `inf`, `nan` or element < 0',
    );
  });
});

describe('BatchSampler', () => {
  it("groups indices as PyTorch's docstring shows", () => {
    expect([...new BatchSampler(new SequentialSampler(sized(10)), 3, false)]).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
      [9],
    ]);
    expect([...new BatchSampler(new SequentialSampler(sized(10)), 3, true)]).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
    expect([...new BatchSampler(range(4), { batchSize: 2 })]).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('length is floor or ceil of n / batchSize', () => {
    expect(new BatchSampler(range(10), 3, false).length).toBe(4);
    expect(new BatchSampler(range(10), 3, true).length).toBe(3);
    expect(new BatchSampler(range(0), 3, false).length).toBe(0);
  });

  it("throws PyTorch's argument errors", () => {
    expect(() => new BatchSampler([1], 0, false)).toThrow(
      'batch_size should be a positive integer value, but got batch_size=0',
    );
    expect(() => new BatchSampler([1], 1.5, false)).toThrow(
      'batch_size should be a positive integer value, but got batch_size=1.5',
    );
    expect(() => new BatchSampler([1], 2, 1 as unknown as boolean)).toThrow(
      'drop_last should be a boolean value, but got drop_last=1',
    );
  });
});
