// The discrete samples: fillRandint / nextInt uniform over every value (no modulo bias, ranges up to 2^53, float
// outputs kept below `to`), randpermArray uniform over permutations and positions, fillBernoulli's rate, each
// checked by chi-square, and PyTorch's argument checks.
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../src/errors.js';
import { fillBernoulli, fillRandint, randpermArray } from '../src/sampling.js';
import { N, maxOf, mean, minOf, seeded } from './helpers/random-samples.js';

function chiSquare(counts: ArrayLike<number>, expected: number): number {
  let chi = 0;
  for (let k = 0; k < counts.length; k++) chi += (counts[k] - expected) ** 2 / expected;
  return chi;
}

/** chi-square critical values at p = 0.001, by degrees of freedom. */
const CHI2_CRITICAL: Record<number, number> = { 1: 10.828, 2: 13.816, 4: 18.467, 9: 27.877, 23: 49.728, 99: 148.23 };

describe('fillRandint / nextInt', () => {
  it('covers every value uniformly (chi-square)', () => {
    const xs = new Int32Array(N);
    fillRandint(xs, -3, 7, seeded(300));
    expect(xs.every((v) => v >= -3 && v < 7)).toBe(true);
    const counts = new Float64Array(10);
    for (const v of xs) counts[v + 3]++;
    expect(chiSquare(counts, N / 10)).toBeLessThan(CHI2_CRITICAL[9]);
  });

  it('is uniform over 100 values into float32 and float64 outputs', () => {
    for (const out of [new Float32Array(N), new Float64Array(N)]) {
      fillRandint(out, 0, 100, seeded(301));
      const counts = new Float64Array(100);
      for (const v of out) counts[v]++;
      expect(counts.every((c) => c > 0)).toBe(true);
      expect(chiSquare(counts, N / 100)).toBeLessThan(CHI2_CRITICAL[99]);
    }
  });

  it('has no modulo bias for ranges that do not divide 2^32', () => {
    // With a plain `word % range`, values below 2^30 would be twice as likely as the others here.
    const range = 3 * 2 ** 30;
    const gen = seeded(302);
    const thirds = new Float64Array(3);
    for (let k = 0; k < 30_000; k++) thirds[Math.floor(gen.nextInt(0, range) / 2 ** 30)]++;
    expect(chiSquare(thirds, 10_000)).toBeLessThan(CHI2_CRITICAL[2]);
  });

  it('handles ranges above 2^32 up to 2^53', () => {
    const gen = seeded(303);
    const range = 3 * 2 ** 40;
    const thirds = new Float64Array(3);
    let odd = 0;
    let bad = 0;
    for (let k = 0; k < 30_000; k++) {
      const v = gen.nextInt(0, range);
      if (!(Number.isInteger(v) && v >= 0 && v < range)) bad++;
      thirds[Math.floor(v / 2 ** 40)]++;
      odd += v % 2;
    }
    expect(bad).toBe(0);
    expect(chiSquare(thirds, 10_000)).toBeLessThan(CHI2_CRITICAL[2]);
    expect(chiSquare([odd, 30_000 - odd], 15_000)).toBeLessThan(CHI2_CRITICAL[1]);
    const out = new Float64Array(1000);
    fillRandint(out, -(2 ** 52), 2 ** 52, gen);
    expect(out.every((v) => Number.isInteger(v) && v >= -(2 ** 52) && v < 2 ** 52)).toBe(true);
    expect(minOf(out)).toBeLessThan(0);
    expect(maxOf(out)).toBeGreaterThan(0);
  });

  it('returns low for a single-value range and stays inside int32 extremes', () => {
    const out = new Int32Array(10);
    fillRandint(out, 5, 6, seeded(304));
    expect(Array.from(out)).toEqual(Array(10).fill(5));
    fillRandint(out, -(2 ** 31), 2 ** 31, seeded(305));
    expect(out.some((v) => v < 0) && out.some((v) => v > 0)).toBe(true);
  });

  it('keeps float32 outputs below `to` beyond 2^24', () => {
    // Float32 values near 2^25 are 4 apart, and 2^25 + 6 rounds up to 2^25 + 8: PyTorch lowers `to` to 2^25 + 4
    // first, so every stored value stays below 2^25 + 7.
    const out = new Float32Array(1000);
    fillRandint(out, 2 ** 25, 2 ** 25 + 7, seeded(306));
    expect(new Set(out)).toEqual(new Set([2 ** 25, 2 ** 25 + 4]));
  });

  it('checks its arguments like PyTorch', () => {
    expect(() => fillRandint(new Int32Array(2), 5, 5)).toThrow(RuntimeError);
    expect(() => fillRandint(new Int32Array(2), 5, 5)).toThrow(
      "random_ expects 'from' to be less than 'to', but got from=5 >= to=5",
    );
    expect(() => seeded(1).nextInt(3, 1)).toThrow(
      "random_ expects 'from' to be less than 'to', but got from=3 >= to=1",
    );
    expect(() => fillRandint(new Int32Array(2), 0, 2 ** 32)).toThrow('to - 1 is out of bounds for int');
    expect(() => fillRandint(new Int32Array(2), -(2 ** 32), 0)).toThrow('from is out of bounds for int');
    expect(() => fillRandint(new Float64Array(2), 0.5, 3)).toThrow(TypeError);
    expect(() => fillRandint(new Float64Array(2), -(2 ** 53), 2 ** 53)).toThrow(RuntimeError);
  });
});

describe('randpermArray', () => {
  it('returns a permutation of 0..n-1', () => {
    const perm = randpermArray(1000, seeded(400));
    const sorted = Array.from(perm).sort((a, b) => a - b);
    expect(sorted).toEqual(Array.from({ length: 1000 }, (_, k) => k));
    expect(Array.from(perm)).not.toEqual(sorted);
    expect(randpermArray(0, seeded(400)).length).toBe(0);
    expect(Array.from(randpermArray(1, seeded(400)))).toEqual([0]);
  });

  it('draws each of the 24 permutations of 4 items equally often', () => {
    const gen = seeded(401);
    const draws = 48_000;
    const counts = new Map<string, number>();
    for (let k = 0; k < draws; k++) {
      const key = randpermArray(4, gen).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    expect(chiSquare([...counts.values()], draws / 24)).toBeLessThan(CHI2_CRITICAL[23]);
  });

  it('puts every value in every position equally often', () => {
    const gen = seeded(402);
    const n = 10;
    const draws = 20_000;
    const counts = Array.from({ length: n }, () => new Float64Array(n));
    for (let k = 0; k < draws; k++) {
      const perm = randpermArray(n, gen);
      for (let pos = 0; pos < n; pos++) counts[pos][perm[pos]]++;
    }
    // Each position's row is a multinomial over n values: test it alone (df = n - 1).
    for (const row of counts) expect(chiSquare(row, draws / n)).toBeLessThan(CHI2_CRITICAL[9]);
  });

  it('rejects a negative n', () => {
    expect(() => randpermArray(-1)).toThrow(RuntimeError);
    expect(() => randpermArray(-1)).toThrow('randperm expected n >= 0 but got -1');
  });
});

describe('fillBernoulli', () => {
  it('gives 1 with probability p', () => {
    const bits = new Uint8Array(N);
    fillBernoulli(bits, 0.3, seeded(500));
    const ones = bits.reduce((acc, v) => acc + v, 0);
    expect(bits.every((v) => v === 0 || v === 1)).toBe(true);
    expect(Math.abs(ones / N - 0.3)).toBeLessThan(5 * Math.sqrt((0.3 * 0.7) / N));
  });

  it('handles p = 0 and p = 1 exactly, and float outputs', () => {
    const bits = new Uint8Array(1000);
    fillBernoulli(bits, 0, seeded(501));
    expect(bits.every((v) => v === 0)).toBe(true);
    fillBernoulli(bits, 1, seeded(501));
    expect(bits.every((v) => v === 1)).toBe(true);
    const floats = new Float32Array(N);
    fillBernoulli(floats, 0.5, seeded(502));
    expect(Math.abs(mean(floats) - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / N));
  });

  it('rejects p outside [0, 1] like PyTorch', () => {
    expect(() => fillBernoulli(new Uint8Array(2), 1.5)).toThrow(RuntimeError);
    expect(() => fillBernoulli(new Uint8Array(2), 1.5)).toThrow('bernoulli_ expects p to be in [0, 1], but got p=1.5');
    expect(() => fillBernoulli(new Uint8Array(2), -0.5)).toThrow('but got p=-0.5');
    expect(() => fillBernoulli(new Uint8Array(2), Number.NaN)).toThrow('but got p=nan');
  });
});
