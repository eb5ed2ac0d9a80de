// The native `extremeDim` entry (max, min, argmax, argmin along a dim) against its TypeScript reference, core's
// kernels/dim-extremes.ts: the same values and indices bit for bit, NaN, ties and signed zeros included, at any
// thread count; and every bad argument throwing before memory is touched, as the reference does.
import { describe, expect, it } from 'vitest';
import { extremeDim as reference } from '../../core/src/kernels/dim-extremes.js';
import { expectSame, fillSalted } from '../../core/test/helpers/same-values.js';
import { FLOAT_TYPES, THREAD_COUNTS, builtAddon, threadsRestoredAfterAll } from './built-addon.js';

const { addon, reason } = builtAddon<{ extremeDim: typeof reference }>();
const extremeDim = addon?.extremeDim;
const initialThreads = threadsRestoredAfterAll(addon);

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-40, 3e38, -3e38];
/** [outer, size, inner]: 0 and 1, prime sizes, a column block (256) straddled, rows long enough to split. */
const SHAPES = [
  [1, 1, 1],
  [0, 3, 4],
  [5, 1, 7],
  [3, 17, 1],
  [7, 5, 3],
  [2, 13, 257],
  [3, 9, 600],
  [1, 100003, 1],
  [70000, 3, 1],
  [4, 1000, 40],
];

describe.skipIf(extremeDim === undefined)(
  `native extremeDim${extremeDim === undefined ? ` (skipped: ${addon ? 'no extremeDim entry' : reason})` : ''}`,
  () => {
    const native = extremeDim as typeof reference;

    it('gives the reference values and indices bit for bit at any thread count, NaN, ties and -0 included', () => {
      let seed = 1;
      for (const [name, T] of FLOAT_TYPES) {
        for (const [outer, size, inner] of SHAPES) {
          for (const rate of [0, 0.002, 0.2]) {
            const n = outer * size * inner;
            // Values on a coarse grid so that equal extremes (ties) are common.
            const a = fillSalted(new T(n + 2), seed++, SPECIAL, rate, 4).map((v) =>
              Number.isFinite(v) && Math.abs(v) > 1e-30 ? Math.round(v * 2) / 2 : v,
            );
            for (const isMax of [true, false]) {
              const m = outer * inner;
              const what = `${name} ${isMax ? 'max' : 'min'} [${outer}, ${size}, ${inner}] specials ${rate}`;
              const values = new T(m).fill(7);
              const indices = new Float64Array(m).fill(-1);
              reference(a, 2, outer, size, inner, isMax, values, indices);
              for (const t of THREAD_COUNTS) {
                addon?.setNumThreads(t);
                const gotValues = new T(m).fill(9);
                const gotIndices = new Float64Array(m).fill(-2);
                native(a, 2, outer, size, inner, isMax, gotValues, gotIndices);
                expectSame(gotValues, values, `${what} values, ${t} threads`);
                expectSame(gotIndices, indices, `${what} indices, ${t} threads`);
                const onlyIndices = new Float64Array(m);
                native(a, 2, outer, size, inner, isMax, null, onlyIndices);
                expectSame(onlyIndices, indices, `${what} indices alone, ${t} threads`);
              }
              addon?.setNumThreads(initialThreads);
            }
          }
        }
      }
    });

    it('keeps the first NaN and the first of equal extremes, as PyTorch does', () => {
      const a = Float32Array.of(1, 3, 3, NaN, 5, 2, 5, 5, -1, 5, -0, 0, 0, -0);
      const values = new Float32Array(2);
      const indices = new Float64Array(2);
      native(a, 0, 2, 5, 1, true, values, indices);
      expectSame(values, [NaN, 5], 'max values');
      expectSame(indices, [3, 1], 'max indices');
      for (const isMax of [true, false]) {
        native(a, 10, 1, 4, 1, isMax, values, indices);
        expect(Object.is(values[0], -0), `${isMax ? 'max' : 'min'} of signed zeros`).toBe(true);
        expect(indices[0]).toBe(0);
      }
    });

    const a8 = new Float32Array(8);
    const shared = new Float32Array(16);
    const cases: [string, (k: typeof reference) => void][] = [
      ['a past its end', (k) => k(a8, 1, 2, 4, 1, true, new Float32Array(2), null)],
      ['values too short', (k) => k(a8, 0, 2, 4, 1, true, new Float32Array(1), null)],
      ['indices too short', (k) => k(a8, 0, 2, 4, 1, true, null, new Float64Array(1))],
      ['values of another type', (k) => k(a8, 0, 2, 4, 1, true, new Float64Array(2), null)],
      ['indices not float64', (k) => k(a8, 0, 2, 4, 1, true, null, new Float32Array(2) as unknown as Float64Array)],
      ['values overlapping a', (k) => k(shared, 0, 2, 4, 1, true, shared.subarray(7, 9), null)],
      ['an empty dim with outputs', (k) => k(a8, 0, 2, 0, 1, true, new Float32Array(2), null)],
      ['isMax not a boolean', (k) => k(a8, 0, 2, 4, 1, 1 as unknown as boolean, null, null)],
      ['a fractional inner size', (k) => k(a8, 0, 2, 4, 0.5, true, null, null)],
      ['a negative offset', (k) => k(a8, -1, 2, 4, 1, true, null, null)],
      ['sizes past the largest safe integer', (k) => k(a8, 0, 2 ** 30, 2 ** 30, 2 ** 30, true, null, null)],
    ];

    it.each(cases)('%s throws, as the TypeScript kernel does, without writing', (_name, call) => {
      const before = shared.slice();
      expect(() => call(native)).toThrow();
      expect(() => call(reference)).toThrow();
      expectSame(shared, before, 'shared untouched');
    });

    it('values and indices sharing memory throw', () => {
      const buffer = new Float64Array(4);
      const call = (k: typeof reference) => k(new Float64Array(8), 0, 2, 4, 1, true, buffer, buffer.subarray(1, 3));
      expect(() => call(native)).toThrow(/must not overlap/);
      expect(() => call(reference)).toThrow(/must not overlap/);
    });
  },
);
