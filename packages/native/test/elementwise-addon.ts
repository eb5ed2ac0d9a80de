/**
 * The native elementwise, copy, softmax and sum entries as their tests load them, beside their TypeScript
 * references (core's kernels/contiguous.ts, contiguous-sums.ts, copy.ts and softmax.ts, same signatures); the
 * inputs the tests draw, and the comparisons they make: the reference's bits, or within a few ulps of them where
 * the C library's exp/log/sin/... stand in for V8's, and the same bits for any thread count.
 */
import { expect } from 'vitest';
import { binary, unary } from '../../core/src/kernels/contiguous.js';
import { sumAll, sumDim } from '../../core/src/kernels/contiguous-sums.js';
import { copy } from '../../core/src/kernels/copy.js';
import { softmax, softmaxBackward } from '../../core/src/kernels/softmax.js';
import { expectSame, fillSalted } from '../../core/test/helpers/same-values.js';
import { THREAD_COUNTS, type ThreadControl, addonWith, atThreadCounts } from './built-addon.js';

export type FloatArray = Float32Array | Float64Array;
export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

/** The TypeScript reference of every entry tested here, which the addon's entries match argument for argument. */
export const reference = { binary, unary, copy, sumDim, sumAll, softmax, softmaxBackward };
export type Kernels = typeof reference;
export type NativeKernels = Kernels & ThreadControl;

export const { addon: native, reason } = addonWith<Kernels>(
  ['binary', 'unary', 'copy', 'sumDim', 'sumAll', 'softmax', 'softmaxBackward'],
  'elementwise, softmax and reduce families',
);
if (!native) console.warn(`native elementwise tests skipped: ${reason}`);

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-310, 3e38, -1, 1, 0.5, 710, -746];

/** Values in (-scale, scale), a tenth of them (with `special`) NaN, infinities, zeros, subnormals, exp's edges... */
export function fill<T extends FloatArray>(a: T, seed: number, special = true, scale = 4): T {
  return fillSalted(a, seed, special ? SPECIAL : null, 0.1, scale);
}

/** Element counts around vector widths, the threading grain and the chunk sizes. */
export const SIZES = [
  0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 127, 1009, 4095, 4097, 32767, 32768, 32769, 65537, 100003,
];

/** The raw layout `binary` and `copy` take: ndim, then the shape, a's strides and b's, each padded to four dims. */
export function layoutOf(shape: number[], as: number[], bs: number[]): Float64Array {
  const fourDims = (v: number[]): number[] => [0, 1, 2, 3].map((d) => v[d] ?? 0);
  return Float64Array.of(shape.length, ...fourDims(shape), ...fourDims(as), ...fourDims(bs));
}

/** Distance in units in the last place of the array's type (0 for equal values, -0 and 0 included). */
export function ulps(a: number, b: number, f32: boolean): number {
  if (a !== a || b !== b) return a !== a && b !== b ? 0 : Infinity;
  if (a === b) return 0;
  if (f32) {
    const v = new Int32Array(Float32Array.of(a, b).buffer);
    const key = (x: number): number => (x < 0 ? -(x & 0x7fffffff) : x);
    return Math.abs(key(v[0]) - key(v[1]));
  }
  const v = new BigInt64Array(Float64Array.of(a, b).buffer);
  const key = (x: bigint): bigint => (x < 0n ? -(x & 0x7fffffffffffffffn) : x);
  const d = key(v[0]) - key(v[1]);
  return Number(d < 0n ? -d : d);
}

export function expectUlps(actual: FloatArray, expected: FloatArray, max: number, what: string): void {
  const f32 = actual instanceof Float32Array;
  let bad = -1;
  for (let i = 0; i < actual.length && bad < 0; i++) if (ulps(actual[i], expected[i], f32) > max) bad = i;
  expect(bad, `${what}: ${actual[bad]} vs ${expected[bad]} at ${bad}`).toBe(-1);
}

/**
 * `call` run by the reference and by the addon on every thread count, each into a fresh `make()`: the addon's
 * results must be the same bits on all of them. Returns the reference's result and the addon's.
 */
export function againstReference<T extends FloatArray>(
  addon: NativeKernels,
  make: () => T,
  call: (kernels: Kernels, out: T) => void,
  what: string,
): { got: T; expected: T } {
  const expected = make();
  call(reference, expected);
  const results: T[] = [];
  atThreadCounts(addon, THREAD_COUNTS, (t) => {
    const out = make();
    call(addon, out);
    if (results.length > 0) expectSame(out, results[0], `${what}, ${t} threads vs 1`);
    results.push(out);
  });
  return { got: results[0], expected };
}

/** `againstReference`, the addon's result the reference's bits. */
export function expectReferenceBits<T extends FloatArray>(
  addon: NativeKernels,
  make: () => T,
  call: (kernels: Kernels, out: T) => void,
  what: string,
): void {
  const { got, expected } = againstReference(addon, make, call, what);
  expectSame(got, expected, what);
}
