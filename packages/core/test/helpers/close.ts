/**
 * Closeness for the kernel tests. `torch.testing.assertClose` compares typed arrays with one (rtol, atol) for the
 * whole array, `tolerance` making its options; the tests whose tolerance follows each element's own error analysis
 * (a GEMM element's sum of |a||b|, softmax's |log p|) use `expectWithinBound`, and the tests whose absolute
 * tolerance is relative to the largest value take it from `largestMagnitude`.
 */
import { expect } from 'vitest';
import type * as torch from '@kindling/core';

/** assertClose's options for a kernel's result: rtol and atol, NaN equal to NaN, the case named in the message. */
export function tolerance(rtol: number, atol: number, what: string): torch.testing.AssertCloseOptions {
  return { rtol, atol, equalNan: true, msg: (generated) => `${what}: ${generated}` };
}

/**
 * |actual[i] - expected[i]| <= bound(i, expected[i]) everywhere; equal values always pass (so do infinities of the
 * same sign), and NaN passes only against NaN. The first mismatch is named with `what`.
 */
export function expectWithinBound(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  bound: (i: number, expected: number) => number,
  what: string,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let bad = -1;
  for (let i = 0; i < expected.length && bad < 0; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a !== a || e !== e) {
      if (!(a !== a && e !== e)) bad = i;
    } else if (a !== e && !(Math.abs(a - e) <= bound(i, e))) bad = i;
  }
  if (bad >= 0)
    expect.fail(
      `${what}: element ${bad} is ${actual[bad]}, expected ${expected[bad]} (|diff| ${Math.abs(actual[bad] - expected[bad])} > ${bound(bad, expected[bad])})`,
    );
}

/** max |x| over the values (0 for none; NaN if one is NaN). */
export function largestMagnitude(values: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]));
  return largest;
}
