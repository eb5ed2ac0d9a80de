// The continuous samples: the raw doubles and floats a Generator draws, fillUniform and fillNormal, checked by their
// moments and by Kolmogorov–Smirnov against the exact CDF (with the power to see small distortions), and their
// edges: `to` never returned, even where rounding would reach it, and PyTorch's argument checks.
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../src/errors.js';
import { fillNormal, fillUniform } from '../src/sampling.js';
import { N, maxOf, mean, minOf, seeded } from './helpers/random-samples.js';

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

const uniformCdf = (x: number): number => Math.min(1, Math.max(0, x));

/** The sample passes KS against `cdf` at p = 0.001. */
function expectKsFit(xs: ArrayLike<number>, cdf: (x: number) => number): void {
  expect(ksStatistic(xs, cdf)).toBeLessThan(ksCritical(xs.length));
}

/** The sample fails KS against `cdf` at p = 0.001: the check sees the distortion. */
function expectKsMisfit(xs: ArrayLike<number>, cdf: (x: number) => number): void {
  expect(ksStatistic(xs, cdf)).toBeGreaterThan(ksCritical(xs.length));
}

/** `out` filled from U(from, to) on a fresh generator seeded with `s`. */
function uniformInto<T extends Float32Array | Float64Array>(out: T, from: number, to: number, s: number): T {
  fillUniform(out, from, to, seeded(s));
  return out;
}

/** `out` filled from N(mu, std) on a fresh generator seeded with `s`. */
function normalInto<T extends Float32Array | Float64Array>(out: T, mu: number, std: number, s: number): T {
  fillNormal(out, mu, std, seeded(s));
  return out;
}

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

/**
 * N draws, each in [0, 1), `onGrid` and a whole multiple of 2^-bits; the lowest of those bits must be a fair coin
 * too (5 standard deviations), or the draw does not use all of them.
 */
function expectUsesBits(draw: () => number, bits: number, onGrid: (u: number) => boolean): void {
  let oddLowBit = 0;
  let bad = 0;
  for (let k = 0; k < N; k++) {
    const u = draw();
    const scaled = u * 2 ** bits;
    if (!(onGrid(u) && u >= 0 && u < 1 && Number.isInteger(scaled))) bad++;
    oddLowBit += scaled % 2;
  }
  expect(bad).toBe(0);
  expect(Math.abs(oddLowBit / N - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / N));
}

describe('raw samples', () => {
  it('nextDouble uses 53 bits and stays in [0, 1)', () => {
    const gen = seeded(11);
    expectUsesBits(
      () => gen.nextDouble(),
      53,
      () => true,
    );
  });

  it('nextFloat32 is on the float32 grid, in [0, 1), and uses 24 bits', () => {
    const gen = seeded(12);
    expectUsesBits(
      () => gen.nextFloat32(),
      24,
      (u) => Math.fround(u) === u,
    );
  });

  it('streams from adjacent seeds are uncorrelated', () => {
    const a = uniformInto(new Float64Array(N), 0, 1, 1000);
    const b = uniformInto(new Float64Array(N), 0, 1, 1001);
    const ma = mean(a);
    const mb = mean(b);
    let cov = 0;
    for (let k = 0; k < N; k++) cov += (a[k] - ma) * (b[k] - mb);
    const r = cov / N / (1 / 12);
    expect(Math.abs(r)).toBeLessThan(5 / Math.sqrt(N));
  });

  it('successive samples are uncorrelated (lag-1)', () => {
    const a = uniformInto(new Float64Array(N), 0, 1, 1002);
    let cov = 0;
    for (let k = 1; k < N; k++) cov += (a[k] - 0.5) * (a[k - 1] - 0.5);
    expect(Math.abs(cov / (N - 1) / (1 / 12))).toBeLessThan(5 / Math.sqrt(N));
  });
});

describe('fillUniform', () => {
  it('float64: mean, variance and KS match U(0, 1)', () => {
    const xs = uniformInto(new Float64Array(N), 0, 1, 100);
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    // Var of the sample variance of U(0,1) is (1/80 - 1/144) / N.
    expect(Math.abs(centralMoments(xs).m2 - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / N));
    expectKsFit(xs, uniformCdf);
  });

  it('float32: KS matches U(0, 1)', () => {
    expectKsFit(uniformInto(new Float32Array(N), 0, 1, 101), uniformCdf);
  });

  it('the KS check has the power to see a 2% distortion', () => {
    expectKsMisfit(uniformInto(new Float64Array(N), 0, 0.98, 102), uniformCdf);
  });

  it('scales to [from, to)', () => {
    const xs = uniformInto(new Float64Array(N), -3, 5, 103);
    expect(minOf(xs)).toBeGreaterThanOrEqual(-3);
    expect(maxOf(xs)).toBeLessThan(5);
    expectKsFit(xs, (x) => uniformCdf((x + 3) / 8));
  });

  it('float32 never returns `to`, even where rounding would land on it', () => {
    // Around 1e8 float32 values are 8 apart, so a quarter of the samples in [1e8, 1e8 + 16) round onto 1e8 + 16.
    const wide = uniformInto(new Float32Array(10_000), 1e8, 1e8 + 16, 104);
    expect(wide.every((v) => v >= 1e8 && v < 1e8 + 16)).toBe(true);
    expect(new Set(wide)).toEqual(new Set([1e8, 1e8 + 8]));
    // 0.1 is not a float32; its nearest float32 is above 0.1, and must not be stored.
    const tenth = uniformInto(new Float32Array(N), 0, 0.1, 105);
    expect(maxOf(tenth)).toBeLessThan(0.1);
    expect(maxOf(tenth)).toBeGreaterThan(0.0999);
    // A span of one float32 step: only `from` is possible.
    const step = 2 ** -23;
    const tight = uniformInto(new Float32Array(1000), 1, 1 + step, 106);
    expect(tight.every((v) => v === 1)).toBe(true);
  });

  it('float64 never returns `to` either', () => {
    // Around 2^53 doubles are 2 apart: samples in [2^53 + 3, 2^53 + 4) would round onto 2^53 + 4.
    const base = 2 ** 53;
    const xs = uniformInto(new Float64Array(10_000), base, base + 4, 107);
    expect(xs.every((v) => v >= base && v < base + 4)).toBe(true);
    expect(maxOf(xs)).toBe(base + 2);
  });

  it('fills with `from` when from == to', () => {
    const xs = uniformInto(new Float32Array(5), 2.5, 2.5, 108);
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
    const xs = normalInto(new Float64Array(N), 0, 1, 200);
    const { m2, m3, m4 } = centralMoments(xs);
    expect(Math.abs(mean(xs))).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(Math.sqrt(m2) - 1)).toBeLessThan(5 / Math.sqrt(2 * N));
    expect(Math.abs(m3 / m2 ** 1.5)).toBeLessThan(5 * Math.sqrt(6 / N));
    expect(Math.abs(m4 / m2 ** 2 - 3)).toBeLessThan(5 * Math.sqrt(24 / N));
    expectKsFit(xs, normalCdf);
  });

  it('has normal tails', () => {
    const xs = normalInto(new Float64Array(N), 0, 1, 201);
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
    expectKsFit(first, normalCdf);
    expectKsFit(second, normalCdf);
  });

  it('the KS check has the power to see a 5% error in scale', () => {
    expectKsMisfit(normalInto(new Float64Array(N), 0, 1.05, 203), normalCdf);
  });

  it('applies mean and std, also into float32', () => {
    const xs = normalInto(new Float32Array(N), 3, 2, 204);
    expect(Math.abs(mean(xs) - 3)).toBeLessThan(5 * (2 / Math.sqrt(N)));
    expect(Math.abs(Math.sqrt(centralMoments(xs).m2) - 2)).toBeLessThan(5 * (2 / Math.sqrt(2 * N)));
    expectKsFit(xs, (x) => normalCdf((x - 3) / 2));
    const zero = normalInto(new Float64Array(4), 1.5, 0, 205);
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
