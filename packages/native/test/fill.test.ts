// The native `cast` and `fill` entries against their TypeScript references, core's kernels/copy.ts: float64 to
// float32 rounding (ties, subnormals, overflow to infinity, NaN, -0), float32 to float64, fills of any value, bit for
// bit at any thread count; and every bad argument throwing before anything is written.
import { describe, expect, it } from 'vitest';
import * as reference from '../../core/src/kernels/copy.js';
import { expectSame, fillSalted } from '../../core/test/helpers/same-values.js';
import { FLOAT_TYPES, THREAD_COUNTS, builtAddon, threadsRestoredAfterAll } from './built-addon.js';

type Entries = Pick<typeof reference, 'cast' | 'fill'>;
const { addon, reason } = builtAddon<Entries>();
const present = addon?.cast !== undefined && addon.fill !== undefined;
const initialThreads = threadsRestoredAfterAll(addon);

/** Doubles that round in every way to float32: halfway cases, subnormals, past the largest float32. */
const ROUNDING = [
  1 + 2 ** -24,
  1 + 3 * 2 ** -24,
  2 ** -149,
  2 ** -150,
  3 * 2 ** -151,
  3.4028235677973366e38,
  1e39,
  -1e39,
  NaN,
  -0,
  1e-46,
];

describe.skipIf(!present)(
  `native cast and fill${present ? '' : ` (skipped: ${addon ? 'not built with them' : reason})`}`,
  () => {
    const native = addon as Entries & { setNumThreads(n: number): void };

    it('converts as the reference does, both ways, at any thread count', () => {
      let seed = 1;
      for (const n of [0, 1, 7, 4099, 300_001]) {
        for (const [from, to] of [
          [Float64Array, Float32Array],
          [Float32Array, Float64Array],
          [Float32Array, Float32Array],
        ] as const) {
          const x = fillSalted(new from(n + 3), seed++, ROUNDING, 0.3, 1e3);
          const want = new to(n + 2).fill(7);
          reference.cast(x, 3, want, 2, n);
          for (const t of THREAD_COUNTS) {
            native.setNumThreads(t);
            const got = new to(n + 2).fill(7);
            native.cast(x, 3, got, 2, n);
            expectSame(got, want, `${from.name} to ${to.name}, n ${n}, ${t} threads`);
          }
        }
      }
      native.setNumThreads(initialThreads);
    });

    it('fills as the reference does, rounding the value to the array type', () => {
      for (const [name, T] of FLOAT_TYPES) {
        for (const value of [0, -0, 1.1, NaN, -Infinity, 1e39, 2 ** -150]) {
          for (const t of THREAD_COUNTS) {
            native.setNumThreads(t);
            const want = new T(200_003).fill(5);
            reference.fill(want, 1, 200_001, value);
            const got = new T(200_003).fill(5);
            native.fill(got, 1, 200_001, value);
            expectSame(got, want, `${name} fill ${value}, ${t} threads`);
          }
        }
      }
      native.setNumThreads(initialThreads);
    });

    const a = new Float64Array(8);
    const b = new Float32Array(8);
    const cases: [string, (k: Entries) => void][] = [
      ['cast: x past its end', (k) => k.cast(a, 1, b, 0, 8)],
      ['cast: out past its end', (k) => k.cast(a, 0, b, 1, 8)],
      ['cast: out overlapping x', (k) => k.cast(a, 0, a.subarray(2), 0, 4)],
      ['cast: x an Int32Array', (k) => k.cast(new Int32Array(8) as unknown as Float32Array, 0, b, 0, 8)],
      ['cast: a fractional count', (k) => k.cast(a, 0, b, 0, 2.5)],
      ['fill: past the end', (k) => k.fill(b, 2, 7, 1)],
      ['fill: a negative offset', (k) => k.fill(b, -1, 2, 1)],
      ['fill: a value that is not a number', (k) => k.fill(b, 0, 2, '1' as unknown as number)],
    ];

    it.each(cases)('%s throws, as the TypeScript kernel does, without writing', (_name, call) => {
      a.fill(5);
      b.fill(5);
      expect(() => call(native)).toThrow();
      expect(() => call(reference)).toThrow();
      expectSame(a, new Float64Array(8).fill(5), 'a untouched');
      expectSame(b, new Float32Array(8).fill(5), 'b untouched');
    });
  },
);
