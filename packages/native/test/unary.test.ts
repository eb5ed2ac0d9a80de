// The native unary ops against their TypeScript references, core's kernels/contiguous.ts: the IEEE-exact ops and
// float32 gelu bit for bit, the C library's exp/log/sin/... within an ulp or a few of V8's, float64 gelu and its
// derivative within their bounds; every size and offset, special values, in place; and the same bits for any thread
// count.
import { it } from 'vitest';
import { expectWithinBound } from '../../core/test/helpers/close.js';
import { expectSame } from '../../core/test/helpers/same-values.js';
import { FLOAT_TYPES, describeAddon } from './built-addon.js';
import { SIZES, againstReference, expectUlps, fill, native, reference } from './elementwise-addon.js';

describeAddon(native, 'native unary', (addon) => {
  const EXACT = new Set([0, 1, 2, 5, 10, 11]); // IEEE-exact ops: relu, neg, abs, sqrt, rsqrt, square
  // The C library against V8 (in double; after rounding to float32 they mostly agree): exp, log, sin and cos
  // within an ulp; tanh within three (V8's tanh is up to ~3 ulps from the correctly rounded value for |x| < 1,
  // e.g. tanh(-0.45049027244348361)); sigmoid within four (exp's ulp, which 1 + e can double when a tie rounds
  // the other way, then the division's).
  const LIBRARY_ULPS: Record<number, number> = { 3: 1, 4: 1, 6: 3, 7: 4, 8: 1, 9: 1 };

  it('every op, size and offset: exact ops and float32 gelu bit for bit, library functions within an ulp, same bits at any thread count', () => {
    for (const [name, T] of FLOAT_TYPES) {
      for (const n of SIZES) {
        const xOff = n % 4;
        const outOff = (n + 2) % 3;
        const x = fill(new T(xOff + n), n + 5, true, n % 2 ? 4 : 40);
        const againstUnary = (op: number) => {
          const what = `${name} op ${op} n ${n}`;
          const make = () => new T(outOff + n + 1).fill(8);
          return { what, ...againstReference(addon, make, (k, out) => k.unary(op, x, xOff, out, outOff, n), what) };
        };
        for (let op = 0; op < 12; op++) {
          const { what, got, expected } = againstUnary(op);
          if (EXACT.has(op)) expectSame(got, expected, what);
          else expectUlps(got, expected, LIBRARY_ULPS[op], what);
        }
        // gelu and its derivative: float32 is oneDNN's arithmetic (PyTorch's), bit for bit. float64 is ATen's
        // x · 0.5 · (1 + erf(x/√2)) with C's erf and exp against Cody's erf and V8's exp in TypeScript: 1 + erf
        // cancels as erf nears -1, and the derivative where it crosses zero (x ≈ -0.75), so an ulp of erf becomes
        // an absolute error scaled by |x| there.
        const gelu = againstUnary(12);
        const derivative = againstUnary(13);
        if (name === 'float32') {
          expectSame(gelu.got, gelu.expected, gelu.what);
          expectSame(derivative.got, derivative.expected, derivative.what);
        } else {
          const bound = (i: number) =>
            1e-14 * Math.max(1, Math.abs(i >= outOff && i < outOff + n ? x[xOff + i - outOff] : 1));
          expectWithinBound(gelu.got, gelu.expected, bound, gelu.what);
          expectWithinBound(derivative.got, derivative.expected, bound, derivative.what);
        }
      }
    }
  });

  it('special values: NaN and -0 through relu (as PyTorch), -0 kept by neg and dropped by abs', () => {
    const x = Float32Array.of(NaN, -0, 0, -Infinity, Infinity, -1e-45, 1e-45, -2);
    const expect0 = [NaN, -0, 0, 0, Infinity, 0, 1e-45, 0];
    for (const [op, values] of [
      [0, expect0],
      [1, [NaN, 0, -0, Infinity, -Infinity, 1e-45, -1e-45, 2]],
      [2, [NaN, 0, 0, Infinity, Infinity, 1e-45, 1e-45, 2]],
      [11, [NaN, 0, 0, Infinity, Infinity, 0, 0, 4]],
    ] as [number, number[]][]) {
      const out = new Float32Array(8);
      addon.unary(op, x, 0, out, 0, 8);
      expectSame(out, Float32Array.from(values), `op ${op}`);
    }
  });

  it('works in place', () => {
    const x = fill(new Float64Array(40000), 3);
    const expected = new Float64Array(40000);
    reference.unary(7, x, 0, expected, 0, 40000);
    addon.unary(7, x, 0, x, 0, 40000);
    expectUlps(x, expected, 4, 'sigmoid in place');
  });
});
