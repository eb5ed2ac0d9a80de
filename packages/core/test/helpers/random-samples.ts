/**
 * What the random-number tests share: generators on a fixed seed, the sample size of the statistical checks, and
 * the plain statistics of a sample.
 */
import { Generator } from '../../src/random.js';

/**
 * Samples in each statistical check. The checks run on fixed seeds, so they are deterministic; their thresholds
 * are the p = 0.001 critical values, so a generator with a real defect fails them while a good one passes with
 * room to spare.
 */
export const N = 100_000;

/** A fresh generator on seed `s`. */
export function seeded(s: number | bigint): Generator {
  return new Generator().manualSeed(s);
}

export function mean(xs: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < xs.length; k++) sum += xs[k];
  return sum / xs.length;
}

export function minOf(xs: ArrayLike<number>): number {
  let m = Infinity;
  for (let k = 0; k < xs.length; k++) m = Math.min(m, xs[k]);
  return m;
}

export function maxOf(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let k = 0; k < xs.length; k++) m = Math.max(m, xs[k]);
  return m;
}
