import { describe, expect, it } from 'vitest';
import xor4096 from 'seedrandom/lib/xor4096.js';
import { RuntimeError } from '../src/errors.js';
import {
  DEFAULT_RNG_SEED,
  Generator,
  defaultGenerator,
  getRngState,
  initialSeed,
  manualSeed,
  seed,
  setRngState,
} from '../src/random.js';
import { fillBernoulli, fillNormal, fillRandint, fillUniform, randpermArray } from '../src/sampling.js';

// The statistical checks run on fixed seeds, so they are deterministic; their thresholds are the p = 0.001
// critical values, so a generator with a real defect fails them while a good one passes with room to spare.

const N = 100_000;

function seeded(s: number | bigint): Generator {
  return new Generator().manualSeed(s);
}

function mean(xs: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < xs.length; k++) sum += xs[k];
  return sum / xs.length;
}

function minOf(xs: ArrayLike<number>): number {
  let m = Infinity;
  for (let k = 0; k < xs.length; k++) m = Math.min(m, xs[k]);
  return m;
}

function maxOf(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let k = 0; k < xs.length; k++) m = Math.max(m, xs[k]);
  return m;
}

/** Central moments 2, 3 and 4 about the sample mean. */
function centralMoments(xs: ArrayLike<number>): { m2: number; m3: number; m4: number } {
  const mu = mean(xs);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let k = 0; k < xs.length; k++) {
    const d = xs[k] - mu;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  return { m2: m2 / xs.length, m3: m3 / xs.length, m4: m4 / xs.length };
}

/** erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)): positive terms, no cancellation. */
function erf(x: number): number {
  if (x < 0) return -erf(-x);
  if (x >= 6) return 1; // erfc(6) < 3e-17
  let term = x;
  let sum = x;
  for (let n = 1; term > sum * 1e-17; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

/** The Kolmogorov–Smirnov statistic sup |F_n - F| of a sample against a continuous CDF. */
function ksStatistic(xs: ArrayLike<number>, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(xs).sort();
  const n = sorted.length;
  let d = 0;
  for (let k = 0; k < n; k++) {
    const f = cdf(sorted[k]);
    d = Math.max(d, (k + 1) / n - f, f - k / n);
  }
  return d;
}

/** The KS critical value at p = 0.001 for a large sample. */
function ksCritical(n: number): number {
  return 1.949 / Math.sqrt(n);
}

function chiSquare(counts: ArrayLike<number>, expected: number): number {
  let chi = 0;
  for (let k = 0; k < counts.length; k++) chi += (counts[k] - expected) ** 2 / expected;
  return chi;
}

/** chi-square critical values at p = 0.001, by degrees of freedom. */
const CHI2_CRITICAL: Record<number, number> = { 1: 10.828, 2: 13.816, 4: 18.467, 9: 27.877, 23: 49.728, 99: 148.23 };

const uniformCdf = (x: number): number => Math.min(1, Math.max(0, x));

describe('erf (test helper)', () => {
  it('matches reference values', () => {
    const reference: [number, number][] = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [1.5, 0.9661051464753108],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
      [-0.7, -0.6778011938374184],
      [4.5, 0.9999999998033839],
    ];
    for (const [x, value] of reference) expect(erf(x)).toBeCloseTo(value, 14);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517796, 14);
  });
});

describe('Generator seeding and state', () => {
  it('starts from PyTorch default seed', () => {
    const gen = new Generator();
    expect(gen.initialSeed()).toBe(67280421310721);
    expect(DEFAULT_RNG_SEED).toBe(67280421310721);
    const a = Array.from({ length: 8 }, () => gen.nextDouble());
    const b = seeded(67280421310721);
    expect(Array.from({ length: 8 }, () => b.nextDouble())).toEqual(a);
  });

  it('gives identical streams for the same seed and different ones for different seeds', () => {
    const fill = (s: number | bigint): Float64Array => {
      const out = new Float64Array(1000);
      fillUniform(out, 0, 1, seeded(s));
      return out;
    };
    expect(fill(42)).toEqual(fill(42));
    expect(fill(42)).not.toEqual(fill(43));
    expect(fill(0)).not.toEqual(fill(1));
    expect(fill(42n)).toEqual(fill(42));
    // Seeds differing only above 2^32 or 2^53 still give different streams.
    expect(fill(2n ** 40n)).not.toEqual(fill(2n ** 40n + 2n ** 33n));
    expect(fill(2n ** 63n)).not.toEqual(fill(2n ** 63n + 1n));
  });

  it('makes every kernel reproducible', () => {
    const run = (s: number): number[][] => {
      const gen = seeded(s);
      const u32 = new Float32Array(50);
      const u64 = new Float64Array(50);
      const normal = new Float64Array(51);
      const ints = new Int32Array(50);
      const bits = new Uint8Array(50);
      fillUniform(u32, -1, 1, gen);
      fillUniform(u64, -1, 1, gen);
      fillNormal(normal, 0, 1, gen);
      fillRandint(ints, 0, 1000, gen);
      fillBernoulli(bits, 0.5, gen);
      const perm = randpermArray(50, gen);
      return [u32, u64, normal, ints, bits, perm].map((xs) => Array.from(xs));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('wraps negative seeds to uint64 and rejects seeds outside int64/uint64', () => {
    const a = seeded(-1);
    const b = seeded(2n ** 64n - 1n);
    expect(a.nextDouble()).toBe(b.nextDouble());
    expect(a.initialSeed()).toBe(Number(2n ** 64n - 1n));
    expect(() => seeded(2n ** 64n)).toThrow(RuntimeError);
    expect(() => seeded(2n ** 64n)).toThrow('Overflow when unpacking long');
    expect(() => seeded(-(2n ** 63n) - 1n)).toThrow('Overflow when unpacking long');
    expect(() => seeded(1.5)).toThrow(TypeError);
    expect(() => seeded(Number.NaN)).toThrow(TypeError);
  });

  it('reports the initial seed and reseeds non-deterministically with seed()', () => {
    const gen = seeded(123);
    expect(gen.initialSeed()).toBe(123);
    gen.nextDouble();
    expect(gen.initialSeed()).toBe(123);
    const s = gen.seed();
    expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
    expect(gen.initialSeed()).toBe(s);
    const first = gen.nextDouble();
    expect(seeded(s).nextDouble()).toBe(first);
    const seeds = new Set(Array.from({ length: 5 }, () => gen.seed()));
    expect(seeds.size).toBe(5);
  });

  it('resumes exactly from a saved state', () => {
    const gen = seeded(2024);
    for (let k = 0; k < 1000; k++) gen.nextUint32(); // wrap the 128-word buffer several times
    const state = gen.getState();
    const expected = [gen.nextDouble(), gen.nextFloat32(), gen.nextNormal(), gen.nextNormal(), gen.nextInt(0, 10)];
    gen.nextDouble();
    gen.setState(state);
    expect([gen.nextDouble(), gen.nextFloat32(), gen.nextNormal(), gen.nextNormal(), gen.nextInt(0, 10)]).toEqual(
      expected,
    );
    // Another generator picks up the same stream and the seed it came from.
    const other = new Generator().setState(state);
    expect(other.initialSeed()).toBe(2024);
    expect(other.nextDouble()).toBe(expected[0]);
  });

  it('includes a pending cached normal in the state', () => {
    const gen = seeded(5);
    const first = gen.nextNormal(); // draws a pair; the second value is now cached
    const state = gen.getState();
    const second = gen.nextNormal();
    const third = gen.nextNormal();
    expect(second).not.toBe(first);
    const restored = new Generator().setState(state);
    expect(restored.nextNormal()).toBe(second);
    expect(restored.nextNormal()).toBe(third);
    // A state taken with the cache pending must not leak that value into a state taken without it.
    const fresh = seeded(5);
    fresh.nextNormal();
    fresh.nextNormal();
    expect(fresh.getState()).not.toEqual(state);
  });

  it('clears the cached normal when reseeded', () => {
    const a = seeded(9);
    a.nextNormal();
    a.manualSeed(9);
    const b = seeded(9);
    expect(a.nextNormal()).toBe(b.nextNormal());
    expect(a.nextNormal()).toBe(b.nextNormal());
  });

  it('returns states that are snapshots, and rejects malformed ones', () => {
    const gen = seeded(1);
    const state = gen.getState();
    const copy = state.slice();
    state.fill(0); // mutating a returned state does not touch the generator
    expect(gen.nextDouble()).toBe(seeded(1).nextDouble());
    const restored = seeded(2).setState(copy);
    copy.fill(0); // nor does mutating a state after it was set
    expect(restored.nextDouble()).toBe(seeded(1).nextDouble());
    const good = seeded(1).getState();

    expect(() => gen.setState(new Uint8Array(10))).toThrow(
      `Expected a generator state of size ${good.length} but found the input RNG state size to be 10`,
    );
    expect(() => gen.setState(new Uint8Array(good.length))).toThrow(RuntimeError);
    const badIndex = good.slice();
    badIndex[16] = 200;
    expect(() => gen.setState(badIndex)).toThrow('Invalid generator state');
  });
});

describe('default generator', () => {
  it('is seeded by manualSeed, which returns it', () => {
    const g = manualSeed(31337);
    expect(g).toBe(defaultGenerator);
    expect(initialSeed()).toBe(31337);
    const a = new Float64Array(100);
    fillUniform(a, 0, 1);
    manualSeed(31337);
    const b = new Float64Array(100);
    fillUniform(b, 0, 1);
    expect(b).toEqual(a);
    const c = new Float64Array(100);
    fillUniform(c, 0, 1, seeded(31337));
    expect(c).toEqual(a);
  });

  it('truncates fractional seeds like torch.manual_seed', () => {
    manualSeed(10.9);
    expect(initialSeed()).toBe(10);
  });

  it('saves and restores through getRngState / setRngState', () => {
    manualSeed(77);
    defaultGenerator.nextNormal();
    const state = getRngState();
    const a = new Float32Array(64);
    fillNormal(a, 0, 1);
    setRngState(state);
    const b = new Float32Array(64);
    fillNormal(b, 0, 1);
    expect(b).toEqual(a);
  });

  it('reseeds with seed()', () => {
    const s = seed();
    expect(initialSeed()).toBe(s);
  });
});

describe('raw samples', () => {
  it('nextDouble uses 53 bits and stays in [0, 1)', () => {
    const gen = seeded(11);
    let oddLowBit = 0;
    let bad = 0;
    for (let k = 0; k < N; k++) {
      const u = gen.nextDouble();
      const scaled = u * 2 ** 53;
      if (!(u >= 0 && u < 1 && Number.isInteger(scaled))) bad++;
      oddLowBit += scaled % 2;
    }
    expect(bad).toBe(0);
    // The lowest of the 53 bits is a fair coin too (5 standard deviations).
    expect(Math.abs(oddLowBit / N - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / N));
  });

  it('nextFloat32 is on the float32 grid, in [0, 1), and uses 24 bits', () => {
    const gen = seeded(12);
    let oddLowBit = 0;
    let bad = 0;
    for (let k = 0; k < N; k++) {
      const u = gen.nextFloat32();
      const scaled = u * 2 ** 24;
      if (!(Math.fround(u) === u && u >= 0 && u < 1 && Number.isInteger(scaled))) bad++;
      oddLowBit += scaled % 2;
    }
    expect(bad).toBe(0);
    expect(Math.abs(oddLowBit / N - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / N));
  });

  it('streams from adjacent seeds are uncorrelated', () => {
    const a = new Float64Array(N);
    const b = new Float64Array(N);
    fillUniform(a, 0, 1, seeded(1000));
    fillUniform(b, 0, 1, seeded(1001));
    const ma = mean(a);
    const mb = mean(b);
    let cov = 0;
    for (let k = 0; k < N; k++) cov += (a[k] - ma) * (b[k] - mb);
    const r = cov / N / (1 / 12);
    expect(Math.abs(r)).toBeLessThan(5 / Math.sqrt(N));
  });

  it('successive samples are uncorrelated (lag-1)', () => {
    const a = new Float64Array(N);
    fillUniform(a, 0, 1, seeded(1002));
    let cov = 0;
    for (let k = 1; k < N; k++) cov += (a[k] - 0.5) * (a[k - 1] - 0.5);
    expect(Math.abs(cov / (N - 1) / (1 / 12))).toBeLessThan(5 / Math.sqrt(N));
  });
});

describe('fillUniform', () => {
  it('float64: mean, variance and KS match U(0, 1)', () => {
    const xs = new Float64Array(N);
    fillUniform(xs, 0, 1, seeded(100));
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    // Var of the sample variance of U(0,1) is (1/80 - 1/144) / N.
    expect(Math.abs(centralMoments(xs).m2 - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / N));
    expect(ksStatistic(xs, uniformCdf)).toBeLessThan(ksCritical(N));
  });

  it('float32: KS matches U(0, 1)', () => {
    const xs = new Float32Array(N);
    fillUniform(xs, 0, 1, seeded(101));
    expect(ksStatistic(xs, uniformCdf)).toBeLessThan(ksCritical(N));
  });

  it('the KS check has the power to see a 2% distortion', () => {
    const xs = new Float64Array(N);
    fillUniform(xs, 0, 0.98, seeded(102));
    expect(ksStatistic(xs, uniformCdf)).toBeGreaterThan(ksCritical(N));
  });

  it('scales to [from, to)', () => {
    const xs = new Float64Array(N);
    fillUniform(xs, -3, 5, seeded(103));
    expect(minOf(xs)).toBeGreaterThanOrEqual(-3);
    expect(maxOf(xs)).toBeLessThan(5);
    expect(ksStatistic(xs, (x) => uniformCdf((x + 3) / 8))).toBeLessThan(ksCritical(N));
  });

  it('float32 never returns `to`, even where rounding would land on it', () => {
    // Around 1e8 float32 values are 8 apart, so a quarter of the samples in [1e8, 1e8 + 16) round onto 1e8 + 16.
    const wide = new Float32Array(10_000);
    fillUniform(wide, 1e8, 1e8 + 16, seeded(104));
    expect(wide.every((v) => v >= 1e8 && v < 1e8 + 16)).toBe(true);
    expect(new Set(wide)).toEqual(new Set([1e8, 1e8 + 8]));
    // 0.1 is not a float32; its nearest float32 is above 0.1, and must not be stored.
    const tenth = new Float32Array(N);
    fillUniform(tenth, 0, 0.1, seeded(105));
    expect(maxOf(tenth)).toBeLessThan(0.1);
    expect(maxOf(tenth)).toBeGreaterThan(0.0999);
    // A span of one float32 step: only `from` is possible.
    const step = 2 ** -23;
    const tight = new Float32Array(1000);
    fillUniform(tight, 1, 1 + step, seeded(106));
    expect(tight.every((v) => v === 1)).toBe(true);
  });

  it('float64 never returns `to` either', () => {
    // Around 2^53 doubles are 2 apart: samples in [2^53 + 3, 2^53 + 4) would round onto 2^53 + 4.
    const base = 2 ** 53;
    const xs = new Float64Array(10_000);
    fillUniform(xs, base, base + 4, seeded(107));
    expect(xs.every((v) => v >= base && v < base + 4)).toBe(true);
    expect(maxOf(xs)).toBe(base + 2);
  });

  it('fills with `from` when from == to', () => {
    const xs = new Float32Array(5);
    fillUniform(xs, 2.5, 2.5, seeded(108));
    expect(Array.from(xs)).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
  });

  it('checks its arguments like PyTorch', () => {
    const xs = new Float64Array(3);
    expect(() => fillUniform(xs, 2, 1)).toThrow(RuntimeError);
    expect(() => fillUniform(xs, 2, 1)).toThrow(
      'uniform_ expects to return a [from, to) range, but found from=2 > to=1',
    );
    expect(() => fillUniform(xs, 2.2, 1.2)).toThrow('but found from=2.2 > to=1.2');
    const f32 = new Float32Array(3);
    expect(() => fillUniform(f32, 0, 1e39)).toThrow('to is out of bounds for float');
    expect(() => fillUniform(f32, -1e39, 0)).toThrow('from is out of bounds for float');
    expect(() => fillUniform(xs, Number.NaN, 0)).toThrow('from is out of bounds for double');
    expect(() => fillUniform(f32, -3.4028234663852886e38, 3.4028234663852886e38)).toThrow(
      'uniform_ expects to-from <= std::numeric_limits<Float>::max(), but found to=3.40282e+38 and ' +
        'from=-3.40282e+38 which result in to-from to exceed the limit',
    );
  });
});

describe('fillNormal', () => {
  it('matches N(0, 1): mean, std, skewness, kurtosis and KS', () => {
    const xs = new Float64Array(N);
    fillNormal(xs, 0, 1, seeded(200));
    const { m2, m3, m4 } = centralMoments(xs);
    expect(Math.abs(mean(xs))).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(Math.sqrt(m2) - 1)).toBeLessThan(5 / Math.sqrt(2 * N));
    expect(Math.abs(m3 / m2 ** 1.5)).toBeLessThan(5 * Math.sqrt(6 / N));
    expect(Math.abs(m4 / m2 ** 2 - 3)).toBeLessThan(5 * Math.sqrt(24 / N));
    expect(ksStatistic(xs, normalCdf)).toBeLessThan(ksCritical(N));
  });

  it('has normal tails', () => {
    const xs = new Float64Array(N);
    fillNormal(xs, 0, 1, seeded(201));
    let beyond3 = 0;
    for (const v of xs) if (Math.abs(v) > 3) beyond3++;
    const p = 2 * (1 - normalCdf(3));
    expect(Math.abs(beyond3 - N * p)).toBeLessThan(5 * Math.sqrt(N * p));
  });

  it('both halves of each Box–Muller pair are N(0, 1)', () => {
    const gen = seeded(202);
    const first = new Float64Array(N / 2);
    const second = new Float64Array(N / 2);
    for (let k = 0; k < N / 2; k++) {
      first[k] = gen.nextNormal();
      second[k] = gen.nextNormal();
    }
    expect(ksStatistic(first, normalCdf)).toBeLessThan(ksCritical(N / 2));
    expect(ksStatistic(second, normalCdf)).toBeLessThan(ksCritical(N / 2));
  });

  it('the KS check has the power to see a 5% error in scale', () => {
    const xs = new Float64Array(N);
    fillNormal(xs, 0, 1.05, seeded(203));
    expect(ksStatistic(xs, normalCdf)).toBeGreaterThan(ksCritical(N));
  });

  it('applies mean and std, also into float32', () => {
    const xs = new Float32Array(N);
    fillNormal(xs, 3, 2, seeded(204));
    expect(Math.abs(mean(xs) - 3)).toBeLessThan(5 * (2 / Math.sqrt(N)));
    expect(Math.abs(Math.sqrt(centralMoments(xs).m2) - 2)).toBeLessThan(5 * (2 / Math.sqrt(2 * N)));
    expect(ksStatistic(xs, (x) => normalCdf((x - 3) / 2))).toBeLessThan(ksCritical(N));
    const zero = new Float64Array(4);
    fillNormal(zero, 1.5, 0, seeded(205));
    expect(Array.from(zero)).toEqual([1.5, 1.5, 1.5, 1.5]);
  });

  it('rejects a negative std like PyTorch', () => {
    expect(() => fillNormal(new Float64Array(2), 0, -1)).toThrow(RuntimeError);
    expect(() => fillNormal(new Float64Array(2), 0, -1)).toThrow('normal expects std >= 0.0, but found std -1');
    expect(() => fillNormal(new Float64Array(2), 0, Number.NaN)).toThrow(
      'normal expects std >= 0.0, but found std nan',
    );
  });
});

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

describe('the bit stream', () => {
  it("is seedrandom's xor4096 for the seed's decimal string, word for word, across a state round trip", () => {
    for (const seed of [0, 12345, DEFAULT_RNG_SEED, 2n ** 64n - 1n]) {
      const words = xor4096(String(seed), {});
      const g = seeded(seed);
      const want = Array.from({ length: 3000 }, () => words.int32() >>> 0);
      const got = Array.from({ length: 1000 }, () => g.nextUint32());
      const resumed = new Generator().setState(g.getState());
      got.push(...Array.from({ length: 2000 }, () => resumed.nextUint32()));
      expect(got).toEqual(want);
    }
  });

  it("bernoulli_ past the kernel backend's threshold draws the Generator's next words, in order", () => {
    const g = seeded(99);
    const twin = seeded(99);
    const out = new Float32Array(5000);
    fillBernoulli(out, 0.3, g);
    for (let k = 0; k < out.length; k++) expect(out[k]).toBe(twin.nextUint32() < 0.3 * 2 ** 32 ? 1 : 0);
    expect(g.nextUint32()).toBe(twin.nextUint32());
  });
});
