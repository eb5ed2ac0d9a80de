/**
 * Comparing values that Kindling computes with ATen's formulas against PyTorch's own: `expectSameBits` where every
 * step is ATen's (the norms), `expectAtenValues` where ATen takes exp, log1p, tanh
 * and erf from SLEEF or the C library, Kindling's are within an ulp of them, and a formula that cancels (1 + erf,
 * exp(x) - 1, a gradient crossing zero) turns such an ulp into an absolute error scaled by |x|: each value must be
 * within that bound of PyTorch's, and most must equal it.
 */
import { expect } from 'vitest';
import { decode, type Value } from '../../../core/test/helpers/golden.js';
import { firstDifference } from '../../../core/test/helpers/same-values.js';

/** Every value PyTorch's (a golden fixture's encoded values), signed zeros included; fails at the first that is not. */
export function expectSameBits(got: ArrayLike<number>, expected: readonly Value[] | undefined, what: string): void {
  expect(firstDifference(got, (expected ?? []).map(decode)), what).toBeNull();
}

export function expectAtenValues(
  got: ArrayLike<number>,
  expected: readonly number[],
  x: readonly number[],
  dtype: 'float32' | 'float64',
  what: string,
  share = 0.85,
): void {
  const eps = dtype === 'float32' ? 2 ** -21 : 2 ** -49;
  const close = (i: number) =>
    Object.is(got[i], expected[i]) ||
    (Number.isNaN(got[i]) && Number.isNaN(expected[i])) ||
    Math.abs(got[i] - expected[i]) <= eps * Math.max(1, Math.abs(x[i]));
  const bad = expected.findIndex((_, i) => !close(i));
  expect(bad, `${what}: ${got[bad]} against PyTorch's ${expected[bad]} at x = ${x[bad]}`).toBe(-1);
  const exact = expected.filter((v, i) => Object.is(got[i], v) || (Number.isNaN(got[i]) && Number.isNaN(v))).length;
  expect(exact / expected.length, `${what}: the share of values equal to PyTorch's`).toBeGreaterThan(share);
}
