// The native elementwise, softmax and sum entries given bad arguments (wrong types and dtypes, offsets and layouts
// past the arrays' ends, bad ops, sizes and flags, outputs overlapping inputs): each throws, as the TypeScript
// reference does, before memory is touched; and zero-size calls with any offsets run.
import { expect, it } from 'vitest';
import { expectSame } from '../../core/test/helpers/same-values.js';
import { describeAddon } from './built-addon.js';
import { type Kernels, layoutOf, native, reference } from './elementwise-addon.js';

describeAddon(native, 'native argument checks', (addon) => {
  const f32 = (n: number): Float32Array => new Float32Array(n).fill(5);
  const f64 = (n: number): Float64Array => new Float64Array(n).fill(5);
  const L = (shape: number[], as: number[], bs: number[]): Float64Array => layoutOf(shape, as, bs);
  type Call = [string, (k: Kernels) => unknown];
  const out8 = f32(8);
  const a8 = f32(8);
  const shared = f32(9);
  const cases: Call[] = [
    // binary
    [
      'binary: too few arguments',
      (k) => (k.binary as unknown as (...a: unknown[]) => void)(0, a8, 0, a8, 0, out8, 0, L([8], [1], [1])),
    ],
    ['unary: op 14', (k) => k.unary(14, a8, 0, out8, 0, 8)],
    ['binary: op 7', (k) => k.binary(7, a8, 0, a8, 0, out8, 0, L([8], [1], [1]), 1)],
    ['binary: op -1', (k) => k.binary(-1, a8, 0, a8, 0, out8, 0, L([8], [1], [1]), 1)],
    ['binary: op 1.5', (k) => k.binary(1.5, a8, 0, a8, 0, out8, 0, L([8], [1], [1]), 1)],
    [
      'binary: a not a typed array',
      (k) => k.binary(0, [1, 2] as unknown as Float32Array, 0, a8, 0, out8, 0, L([8], [1], [1]), 1),
    ],
    [
      'binary: a an Int32Array',
      (k) => k.binary(0, new Int32Array(8) as unknown as Float32Array, 0, a8, 0, out8, 0, L([8], [1], [1]), 1),
    ],
    ['binary: mixed dtypes', (k) => k.binary(0, a8, 0, f64(8), 0, out8, 0, L([8], [1], [1]), 1)],
    ['binary: out of another dtype', (k) => k.binary(0, a8, 0, a8, 0, f64(8), 0, L([8], [1], [1]), 1)],
    ['binary: negative offset', (k) => k.binary(0, a8, -1, a8, 0, out8, 0, L([8], [1], [1]), 1)],
    ['binary: fractional offset', (k) => k.binary(0, a8, 0.5, a8, 0, out8, 0, L([8], [1], [1]), 1)],
    ['binary: a past its end', (k) => k.binary(0, a8, 1, a8, 0, out8, 0, L([8], [1], [1]), 1)],
    ['binary: b past its end (strided)', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, L([2, 4], [4, 1], [4, 2]), 1)],
    ['binary: out past its end', (k) => k.binary(0, a8, 0, a8, 0, out8, 1, L([8], [1], [1]), 1)],
    ['binary: out too short', (k) => k.binary(0, f32(9), 0, f32(9), 0, out8, 0, L([9], [1], [1]), 1)],
    [
      'binary: layout a Float32Array',
      (k) => k.binary(0, a8, 0, a8, 0, out8, 0, new Float32Array(13) as unknown as Float64Array, 1),
    ],
    ['binary: layout too short', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, new Float64Array(12), 1)],
    ['binary: layout too long', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, new Float64Array(14), 1)],
    ['binary: ndim 0', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, new Float64Array(13), 1)],
    [
      'binary: ndim 5',
      (k) => k.binary(0, a8, 0, a8, 0, out8, 0, Float64Array.of(5, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0), 1),
    ],
    [
      'binary: ndim NaN',
      (k) => k.binary(0, a8, 0, a8, 0, out8, 0, Float64Array.of(NaN, 8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0), 1),
    ],
    [
      'binary: unused shape entry set',
      (k) => k.binary(0, a8, 0, a8, 0, out8, 0, Float64Array.of(1, 8, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0), 1),
    ],
    [
      'binary: unused stride entry set',
      (k) => k.binary(0, a8, 0, a8, 0, out8, 0, Float64Array.of(1, 8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 7), 1),
    ],
    ['binary: negative stride', (k) => k.binary(0, a8, 7, a8, 0, out8, 0, L([8], [-1], [1]), 1)],
    ['binary: fractional shape', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, L([7.5], [1], [1]), 1)],
    ['binary: infinite shape', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, L([Infinity], [1], [1]), 1)],
    ['binary: huge stride', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, L([2, 4], [2 ** 52, 1], [4, 1]), 1)],
    ['binary: too many elements', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, L([2 ** 27, 2 ** 27], [0, 0], [0, 0]), 1)],
    ['binary: alpha a string', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, L([8], [1], [1]), '1' as unknown as number)],
    ['binary: out overlaps a shifted', (k) => k.binary(0, shared, 1, a8, 0, shared, 0, L([8], [1], [1]), 1)],
    ['binary: out overlaps a broadcast b', (k) => k.binary(0, a8, 0, shared, 0, shared, 0, L([8], [1], [0]), 1)],
    // unary
    ['unary: op NaN', (k) => k.unary(NaN, a8, 0, out8, 0, 8)],
    ['unary: x past its end', (k) => k.unary(0, a8, 1, out8, 0, 8)],
    ['unary: out past its end', (k) => k.unary(0, a8, 0, out8, 3, 6)],
    ['unary: negative n', (k) => k.unary(0, a8, 0, out8, 0, -1)],
    ['unary: mixed dtypes', (k) => k.unary(0, a8, 0, f64(8), 0, 8)],
    ['unary: overlap', (k) => k.unary(0, shared, 0, shared, 1, 8)],
    ['unary: x null', (k) => k.unary(0, null as unknown as Float32Array, 0, out8, 0, 8)],
    // softmax
    ['softmax: x past its end', (k) => k.softmax(a8, 1, out8, 2, 4, 1, false)],
    ['softmax: out too short', (k) => k.softmax(f32(12), 0, out8, 3, 4, 1, false)],
    ['softmax: mixed dtypes', (k) => k.softmax(a8, 0, f64(8), 2, 4, 1, false)],
    ['softmax: log not a boolean', (k) => k.softmax(a8, 0, out8, 2, 4, 1, 0 as unknown as boolean)],
    ['softmax: negative size', (k) => k.softmax(a8, 0, out8, 2, -4, -1, false)],
    ['softmax: product too large', (k) => k.softmax(a8, 0, out8, 2 ** 30, 2 ** 30, 2 ** 30, false)],
    ['softmax: out overlaps x shifted', (k) => k.softmax(shared, 1, shared, 2, 4, 1, false)],
    ['softmaxBackward: gy too short', (k) => k.softmaxBackward(a8, f32(7), out8, 2, 4, 1, false)],
    ['softmaxBackward: mixed dtypes', (k) => k.softmaxBackward(a8, f64(8), out8, 2, 4, 1, true)],
    [
      'softmaxBackward: gx overlaps y shifted',
      (k) => k.softmaxBackward(shared.subarray(1), a8, shared, 2, 4, 1, false),
    ],
    [
      'softmaxBackward: too few arguments',
      (k) => (k.softmaxBackward as unknown as (...a: unknown[]) => void)(a8, a8, out8, 2, 4, 1),
    ],
    // sums
    ['sumDim: a past its end', (k) => k.sumDim(a8, 1, 2, 4, 1, out8, 0)],
    ['sumDim: out past its end', (k) => k.sumDim(a8, 0, 2, 4, 1, out8, 7)],
    ['sumDim: mixed dtypes', (k) => k.sumDim(a8, 0, 2, 4, 1, f64(2), 0)],
    ['sumDim: out overlaps a', (k) => k.sumDim(shared, 0, 2, 4, 1, shared, 7)],
    ['sumDim: fractional inner', (k) => k.sumDim(a8, 0, 2, 4, 0.5, out8, 0)],
    ['sumAll: past the end', (k) => k.sumAll(a8, 4, 5)],
    ['sumAll: not an array', (k) => k.sumAll({} as Float32Array, 0, 0)],
    ['sumAll: n a string', (k) => k.sumAll(a8, 0, '3' as unknown as number)],
  ];

  it.each(cases)('%s throws, as the TypeScript kernel does, without writing', (_name, call) => {
    const before = [out8.slice(), shared.slice()];
    expect(() => call(addon)).toThrow();
    expect(() => call(reference)).toThrow();
    expectSame(out8, before[0], 'out untouched');
    expectSame(shared, before[1], 'shared untouched');
  });

  it('zero-size calls are fine with any offsets inside the safe range', () => {
    expect(() => addon.binary(0, f32(0), 10, f32(0), 10, f32(0), 10, L([0, 3], [3, 1], [0, 1]), 1)).not.toThrow();
    expect(() => addon.unary(3, f64(0), 4, f64(0), 4, 0)).not.toThrow();
    expect(() => addon.softmax(f64(0), 4, f64(0), 0, 3, 3, true)).not.toThrow();
    expect(() => addon.sumDim(f64(0), 4, 3, 3, 0, f64(0), 4)).not.toThrow();
    expect(addon.sumAll(f64(0), 9, 0)).toBe(0);
  });
});
