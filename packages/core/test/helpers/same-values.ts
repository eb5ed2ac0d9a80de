/** Bit-for-bit comparison of kernel outputs, and random inputs salted with special values, for the kernel tests. */
import { expect } from 'vitest';
import { rng } from './rng.js';

/** Where two arrays first differ (NaN equals NaN, -0 differs from 0), described; null when they hold the same values. */
export function firstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a !== a && e !== e) continue;
    if (!Object.is(a, e)) return `index ${i}: ${a} vs ${e}`;
  }
  return null;
}

/** Asserts the same values, bit for bit, naming the case and the first difference. */
export function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  const d = firstDifference(actual, expected);
  expect(d, `${what}: first difference at ${d}`).toBeNull();
}

/**
 * Fills `a` with uniform values in (-scale, scale) from seed; with `specials`, a fraction `rate` of the elements
 * are drawn from that list instead (NaN, infinities, signed zeros, subnormals, ...).
 */
export function fillSalted<T extends Float32Array | Float64Array>(
  a: T,
  seed: number,
  specials: readonly number[] | null,
  rate: number,
  scale: number,
): T {
  const r = rng(seed);
  for (let i = 0; i < a.length; i++) {
    a[i] = specials !== null && r() < rate ? specials[Math.floor(r() * specials.length)] : (r() * 2 - 1) * scale;
  }
  return a;
}
