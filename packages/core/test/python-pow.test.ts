/**
 * `compat.pyPow`, Python's float `**`: its values where V8's `**` differs, as CPython printed them, and a check
 * that integer powers are correctly rounded, against exact rational arithmetic in BigInt.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { exactOf, nearestFloat } from './helpers/exact-rounding.js';
import { rng } from './helpers/rng.js';

const { pyPow } = torch.compat;

/** The double nearest x ** n (n an integer, no overflow or underflow), ties to even. */
function exactPower(x: number, n: number): number {
  const { num, den } = exactOf(x);
  const k = BigInt(Math.abs(n));
  const power = n >= 0 ? { num: num ** k, den: den ** k } : { num: den ** k, den: num ** k };
  return nearestFloat(power.den < 0n ? { num: -power.num, den: -power.den } : power, false);
}

describe('compat.pyPow', () => {
  it("gives CPython's values where V8's ** is a unit off", () => {
    // printed by CPython 3.11 (glibc's pow): repr(b ** float(s))
    const cases: [number, number, number][] = [
      [0.9, 4, 0.6561],
      [0.9, 23, 0.08862938119652507],
      [0.9, 29, 0.047101286972462485],
      [0.9, 40, 0.014780882941434608],
      [0.9, 41, 0.013302794647291146],
      [0.9, 42, 0.011972515182562033],
    ];
    for (const [b, s, python] of cases) {
      expect(b ** s).not.toBe(python);
      expect(pyPow(b, s)).toBe(python);
    }
  });

  it('rounds integer powers correctly, positive and negative exponents', () => {
    const rand = rng(3);
    const bad: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const x =
        i % 3 === 0 ? [0.9, 0.999, 0.99, 0.95, 0.5, 1.1][i % 6] : (rand() * 4 - 2) * 2 ** Math.floor(rand() * 8 - 4);
      const n = Math.floor(rand() * 120) - (i % 4 === 0 ? 60 : 0);
      if (x === 0) continue;
      const got = pyPow(x, n);
      const want = exactPower(x, n);
      if (!Object.is(got, want) && bad.length < 5) bad.push(`${x} ** ${n} = ${got}, want ${want}`);
    }
    expect(bad).toEqual([]);
  });

  it("is torch.pow's float64 power, as PyTorch's kernel calls C's pow", () => {
    // torch.pow(torch.tensor([0.9, 0.9, 1.1, 0.95], dtype=torch.float64), tensor([4., 23., 7., 29.])) in PyTorch 1.13
    const x = torch.tensor([0.9, 0.9, 1.1, 0.95], { dtype: 'float64' });
    const n = torch.tensor([4, 23, 7, 29], { dtype: 'float64' });
    expect(torch.pow(x, n).tolist()).toEqual([0.6561, 0.08862938119652507, 1.9487171000000012, 0.22593554099256555]);
    expect(torch.pow(x, 4).tolist()).toEqual([0.6561, 0.6561, 1.4641000000000004, 0.8145062499999999]);
    expect(0.9 ** 4).not.toBe(0.6561);
  });

  it("follows C's pow at the edges", () => {
    expect(pyPow(1, NaN)).toBe(1);
    expect(pyPow(-1, Infinity)).toBe(1);
    expect(pyPow(NaN, 0)).toBe(1);
    expect(pyPow(2, 0.5)).toBe(Math.SQRT2);
    expect(pyPow(0.5, 2000)).toBe(0.5 ** 2000); // underflows to 0 as both give it
    expect(pyPow(10, 400)).toBe(Infinity);
    expect(pyPow(-2, 3)).toBe(-8);
    expect(pyPow(0.9, -3)).toBe(exactPower(0.9, -3));
  });
});
