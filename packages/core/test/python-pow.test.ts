/**
 * `compat.pyPow`, Python's float `**`: its values where V8's `**` differs, as CPython printed them, and a check
 * that integer powers are correctly rounded, against exact rational arithmetic in BigInt.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { rng } from './helpers/rng.js';

const { pyPow } = torch.compat;

/** x as the exact fraction num / den (den a power of two). */
function fraction(x: number): [bigint, bigint] {
  let den = 1n;
  let y = x;
  while (!Number.isInteger(y)) {
    y *= 2;
    den *= 2n;
  }
  return [BigInt(y), den];
}

function neighbour(x: number, up: boolean): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 === up ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** The double nearest x ** n (n an integer, no overflow or underflow), ties to even, by exact comparison. */
function exactPower(x: number, n: number): number {
  const [xn, xd] = fraction(x);
  const k = BigInt(Math.abs(n));
  const [num, den] = n >= 0 ? [xn ** k, xd ** k] : [xd ** k, xn ** k];
  const approx = x ** n;
  const candidates = [neighbour(approx, false), approx, neighbour(approx, true)];
  let best = candidates[0];
  let bestError: [bigint, bigint] | null = null;
  for (const c of candidates) {
    // |c - num/den| = |cn·den - num·cd| / (cd·den): compare numerators over the common denominator.
    const [cn, cd] = fraction(c);
    const diff = cn * den - num * cd;
    const error: [bigint, bigint] = [diff < 0n ? -diff : diff, cd * (den < 0n ? -den : den)];
    if (bestError === null || error[0] * bestError[1] < bestError[0] * error[1]) {
      best = c;
      bestError = error;
    }
  }
  return best;
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
