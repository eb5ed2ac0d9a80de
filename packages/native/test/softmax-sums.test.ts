// The native softmax (and log-softmax), its backward and the sums against their TypeScript references, core's
// kernels/softmax.ts and kernels/contiguous-sums.ts: softmax within an ulp or so of the reference (the C library's
// exp and log stand in for V8's), its backward and the sums bit for bit, over shapes from empty to past the
// threading grain, rows of NaN, infinities and huge logits, in place; and the same bits for any thread count.
import { expect, it } from 'vitest';
import { expectWithinBound } from '../../core/test/helpers/close.js';
import { rng } from '../../core/test/helpers/rng.js';
import { expectSame } from '../../core/test/helpers/same-values.js';
import { FLOAT_TYPES, describeAddon } from './built-addon.js';
import {
  type FloatArray,
  type FloatCtor,
  SIZES,
  againstReference,
  expectReferenceBits,
  fill,
  native,
  reference,
} from './elementwise-addon.js';

describeAddon(native, 'native softmax', (addon) => {
  const SHAPES: [number, number, number][] = [
    [1, 1, 1],
    [3, 1, 5],
    [1, 2, 1],
    [128, 10, 1],
    [64, 1000, 1],
    [7, 33, 1],
    [2, 7, 3],
    [4, 33, 17],
    [3, 300, 300],
    [2, 5, 600],
    [1, 70001, 1],
    [1, 3, 70001],
    [0, 5, 3],
    [2, 0, 3],
    [2, 3, 0],
  ];

  /** Values with some rows that hold NaN, +-Inf, or huge logits. */
  function logits(T: FloatCtor, n: number, seed: number): FloatArray {
    const x = fill(new T(n), seed, false, 12);
    const r = rng(seed + 1);
    for (let k = 0; k < Math.min(12, n); k++) {
      const i = Math.floor(r() * n);
      x[i] = [NaN, Infinity, -Infinity, 1e30, -1e30, 80, -80][k % 7];
    }
    return x;
  }

  it('matches the TypeScript kernel within an ulp or so, with the same bits at any thread count', () => {
    for (const [name, T] of FLOAT_TYPES) {
      const eps = T === Float32Array ? 2 ** -23 : 2 ** -52;
      for (const [outer, size, inner] of SHAPES) {
        const n = outer * size * inner;
        const x = logits(T, n + 2, n + size);
        for (const log of [false, true]) {
          const what = `${name} ${log ? 'log' : ''}softmax [${outer}, ${size}, ${inner}]`;
          const { got, expected } = againstReference(
            addon,
            () => new T(n),
            (k, out) => k.softmax(x, 2, out, outer, size, inner, log),
            what,
          );
          // exp and log may differ from V8's by an ulp (in double): that is an ulp in each e_s and in Σ, so a few
          // relative ulps on softmax; on log-softmax an ulp of log(Σ) (<= log(size) + 1) besides
          expectWithinBound(
            got,
            expected,
            (i) => 4 * eps * Math.abs(expected[i]) + (log ? 2 * eps * (Math.log(size) + 1) : 0),
            what,
          );
        }
      }
    }
  });

  it('works in place', () => {
    for (const log of [false, true]) {
      const x = logits(Float32Array, 6000, 9);
      const expected = new Float32Array(6000);
      addon.softmax(x, 0, expected, 20, 30, 10, log);
      addon.softmax(x, 0, x, 20, 30, 10, log);
      expectSame(x, expected, `in place log ${log}`);
    }
  });

  it('backward: softmax bit for bit with TypeScript, logSoftmax within an ulp of its terms, same bits at any thread count', () => {
    for (const [name, T] of FLOAT_TYPES) {
      const eps = T === Float32Array ? 2 ** -23 : 2 ** -52;
      for (const [outer, size, inner] of SHAPES) {
        const n = outer * size * inner;
        for (const log of [false, true]) {
          const x = fill(new T(n), n + 3, false, 5);
          const y = new T(n);
          reference.softmax(x, 0, y, outer, size, inner, log);
          const gy = fill(new T(n), n + 4, n % 3 === 0);
          const what = `${name} backward log ${log} [${outer}, ${size}, ${inner}]`;
          const { got, expected } = againstReference(
            addon,
            () => new T(n),
            (k, gx) => k.softmaxBackward(y, gy, gx, outer, size, inner, log),
            what,
          );
          if (!log) expectSame(got, expected, what);
          else {
            const sums = new Float64Array(outer * inner);
            reference.sumDim(Float64Array.from(gy), 0, outer, size, inner, sums, 0);
            const col = (k: number): number => Math.floor(k / (size * inner)) * inner + (k % inner);
            expectWithinBound(
              got,
              expected,
              (k) => 2 * eps * (Math.abs(expected[k]) + Math.exp(y[k]) * Math.abs(sums[col(k)])),
              what,
            );
          }
        }
      }
    }
  });

  it('backward in place on gy', () => {
    const y = new Float64Array(500);
    reference.softmax(fill(new Float64Array(500), 1, false), 0, y, 10, 50, 1, false);
    const gy = fill(new Float64Array(500), 2, false);
    const expected = new Float64Array(500);
    addon.softmaxBackward(y, gy, expected, 10, 50, 1, false);
    addon.softmaxBackward(y, gy, gy, 10, 50, 1, false);
    expectSame(gy, expected, 'in place');
  });
});

describeAddon(native, 'native sums', (addon) => {
  const SHAPES: [number, number, number][] = [
    [1, 1, 1],
    [1, 0, 5],
    [5, 0, 1],
    [7, 13, 1],
    [4, 13, 1],
    [9, 1000, 1],
    [1, 100003, 1],
    [3, 5, 300],
    [2, 7, 3],
    [1000, 3, 40],
    [1, 40000, 2],
    [70000, 1, 1],
    [3, 70000, 1],
  ];

  it('sumDim: bit for bit with TypeScript (and so sumKernel) at any thread count', () => {
    for (const [name, T] of FLOAT_TYPES) {
      for (const [outer, size, inner] of SHAPES) {
        const n = outer * size * inner;
        const a = fill(new T(n + 3), n + inner, true, 1e3);
        const m = outer * inner;
        const what = `${name} sumDim [${outer}, ${size}, ${inner}]`;
        expectReferenceBits(
          addon,
          () => new T(m + 1).fill(2),
          (k, out) => k.sumDim(a, 3, outer, size, inner, out, 1),
          what,
        );
      }
    }
  });

  it('sumAll: the same double as TypeScript', () => {
    for (const [name, T] of FLOAT_TYPES) {
      for (const n of SIZES) {
        const a = fill(new T(n + 1), n, n % 2 === 0, 1e5);
        expectSame([addon.sumAll(a, 1, n)], [reference.sumAll(a, 1, n)], `${name} sumAll n ${n}`);
      }
      expect(Object.is(addon.sumAll(T.of(-0, -0), 0, 2), 0)).toBe(true);
      expect(addon.sumAll(new T(0), 0, 0)).toBe(0);
    }
  });
});
