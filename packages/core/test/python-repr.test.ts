/** torch.compat.pyRepr / pyStr: Python 3's repr and str of the values PyTorch's messages and module reprs show. */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

const { pyRepr, pyStr } = torch.compat;

class Foo {}

describe('pyRepr and pyStr', () => {
  it("write values as Python's repr does (expected strings from Python 3)", () => {
    // repr(True), repr(None), repr('a'), repr(3), repr(0.001), repr(1e-08), repr(-0.0), repr([1, 'a', None])
    expect([true, null, 'a', 3, 0.001, 1e-8, -0, [1, 'a', null]].map((x) => pyRepr(x))).toEqual([
      'True',
      'None',
      "'a'",
      '3',
      '0.001',
      '1e-08',
      '-0.0',
      "[1, 'a', None]",
    ]);
    expect(pyRepr(new Foo())).toBe('<Foo object>');
  });

  it('write arrays as tuples and numbers as floats when asked', () => {
    // repr((3, 3)), repr((1,)), repr(()), repr([1.0, 2.5])
    expect(pyRepr([3, 3], { sequence: 'tuple' })).toBe('(3, 3)');
    expect(pyRepr([1], { sequence: 'tuple' })).toBe('(1,)');
    expect(pyRepr([], { sequence: 'tuple' })).toBe('()');
    expect(pyRepr([1, 2.5], { numbers: 'float' })).toBe('[1.0, 2.5]');
  });

  it("is Python's str for strings at the top level only ('{}'.format)", () => {
    // '{}'.format('x'), '{}'.format(['x']), '{}'.format(float(1))
    expect(pyStr('x')).toBe('x');
    expect(pyStr(['x'])).toBe("['x']");
    expect(pyStr(1, { numbers: 'float' })).toBe('1.0');
  });
});
