/**
 * Python's number semantics the optimizers and schedulers rely on, against values printed by CPython 3.11:
 * `repr(float)`, `'{:.4e}'.format`, floored `//` and `%`, `bisect_right`.
 */
import { describe, expect, it } from 'vitest';
import { bisectRight, div, floorDiv, formatE4, mod, pyFloat, ZeroDivisionError } from '../src/python.js';

describe('python number semantics', () => {
  it('repr(float)', () => {
    const values = [
      1.0,
      -1.0,
      0.5,
      1e-5,
      0.0001,
      1e16,
      1e15,
      123456789012345680.0,
      1.2345678901234567e-7,
      -0,
      Infinity,
      NaN,
      0.1 + 0.2,
      1e22,
      5e-324,
    ];
    expect(values.map(pyFloat)).toEqual([
      '1.0',
      '-1.0',
      '0.5',
      '1e-05',
      '0.0001',
      '1e+16',
      '1000000000000000.0',
      '1.2345678901234568e+17',
      '1.2345678901234566e-07',
      '-0.0',
      'inf',
      'nan',
      '0.30000000000000004',
      '1e+22',
      '5e-324',
    ]);
  });

  it("'{:.4e}'.format: exact ties round to even", () => {
    const values = [
      1.03125, 1.03135, 0.0, -2.5e-7, 123456.0, 1.00005, 0.000125, 9.99995, 2.5, 1e-300, 1.5e300, -1.03125, 1.03145,
    ];
    expect(values.map(formatE4)).toEqual([
      '1.0312e+00',
      '1.0313e+00',
      '0.0000e+00',
      '-2.5000e-07',
      '1.2346e+05',
      '1.0001e+00',
      '1.2500e-04',
      '1.0000e+01',
      '2.5000e+00',
      '1.0000e-300',
      '1.5000e+300',
      '-1.0312e+00',
      '1.0314e+00',
    ]);
  });

  it('floored // and %', () => {
    const pairs: [number, number][] = [
      [1, 0.1],
      [-7, 2],
      [7, -2],
      [-7.5, 2],
      [5, 5],
      [0, 3],
      [0.3, 0.1],
      [-1, 60],
      [2.5, -0.5],
    ];
    expect(pairs.map(([a, b]) => floorDiv(a, b))).toEqual([9, -4, -4, -4, 1, 0, 2, -1, -5]);
    const mods: [number, number][] = [
      [-7, 3],
      [7, -3],
      [-1, 60],
      [5.5, 2],
      [-0.5, 1],
      [6, 3],
      [-6, 3],
    ];
    expect(mods.map(([a, b]) => mod(a, b))).toEqual([2, -2, 59, 1.5, 0.5, 0, 0]);
  });

  it('division by zero raises, as in Python', () => {
    expect(() => div(1, 0)).toThrow(ZeroDivisionError);
    expect(() => mod(1, 0)).toThrow(ZeroDivisionError);
    expect(() => floorDiv(1, 0)).toThrow(ZeroDivisionError);
  });

  it('bisect_right', () => {
    const sorted = [10, 30, 30, 60];
    expect([0, 10, 29, 30, 31, 60, 99].map((x) => bisectRight(sorted, x))).toEqual([0, 1, 1, 3, 3, 4, 4]);
  });
});
