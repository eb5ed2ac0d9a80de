/**
 * The emulated fused multiply-adds (kernels/fma.ts) against an exact oracle written independently
 * (helpers/exact-rounding.ts): a·b + c as an exact BigInt fraction, and the float nearest it, ties to even.
 */
import { describe, expect, it } from 'vitest';
import { fma32, fma64, fmaExact } from '../src/kernels/fma.js';
import { exactOf, nearestFloat, plus, times } from './helpers/exact-rounding.js';
import { rng } from './helpers/rng.js';

/** The float nearest a·b + c (ties to even) in double or float32 precision, for finite a, b, c (no overflow). */
function oracle(a: number, b: number, c: number, f32: boolean): number {
  const value = plus(times(exactOf(a), exactOf(b)), exactOf(c));
  return value.num === 0n ? a * b + c : nearestFloat(value, f32);
}

const same = (x: number, y: number): boolean => Object.is(x, y);

describe('fma64', () => {
  it('is correctly rounded on random operands, on cancelling ones and on ties', () => {
    const rand = rng(7);
    const scale = (): number => 2 ** Math.floor(rand() * 120 - 60);
    const bad: string[] = [];
    for (let i = 0; i < 60000; i++) {
      const a = (rand() - 0.5) * scale();
      const b = (rand() - 0.5) * scale();
      let c: number;
      const kind = i % 4;
      if (kind === 0) c = (rand() - 0.5) * scale();
      else if (kind === 1)
        c = -(a * b) * (1 + (rand() - 0.5) * 2 ** -40); // cancels most of the product
      else if (kind === 2)
        c = -(a * b); // the product's rounding error is the result
      else c = Math.fround(a * b) - a * b + 2 ** Math.floor(Math.log2(Math.abs(a * b)) - 53); // near a tie
      const got = fma64(a, b, c);
      const want = oracle(a, b, c, false);
      if (!same(got, want) && bad.length < 5) bad.push(`fma64(${a}, ${b}, ${c}) = ${got}, want ${want}`);
    }
    expect(bad).toEqual([]);
  });

  it('takes the exact path outside the safe range: huge, tiny and subnormal operands', () => {
    const rand = rng(11);
    const bad: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const ea = Math.floor(rand() * 2000 - 1000);
      const a = (1 + rand()) * 2 ** Math.max(Math.min(ea, 1000), -1070);
      const b = (rand() - 0.5) * 2 ** Math.max(Math.min(-ea + Math.floor(rand() * 80 - 40), 1000), -1070);
      const c =
        i % 2 === 0 ? -(a * b) * (1 + (rand() - 0.5) * 1e-9) : (rand() - 0.5) * 2 ** Math.floor(rand() * 200 - 100);
      if (!Number.isFinite(a * b) || !Number.isFinite(c)) continue;
      const got = fma64(a, b, c);
      const want = oracle(a, b, c, false);
      if (!same(got, want) && bad.length < 5) bad.push(`fma64(${a}, ${b}, ${c}) = ${got}, want ${want}`);
    }
    expect(bad).toEqual([]);
    // A product that overflows, brought back by c; and one that underflows to zero but not with c.
    // 2^1024 overflows, but 2^1024 - MAX_VALUE = 2^971 does not.
    expect(2 ** 600 * 2 ** 424 - Number.MAX_VALUE).toBe(Infinity);
    expect(fma64(2 ** 600, 2 ** 424, -Number.MAX_VALUE)).toBe(2 ** 971);
    expect(fmaExact(2 ** 600, 2 ** 424, -Number.MAX_VALUE)).toBe(2 ** 971);
    expect(fma64(2 ** 1000, 1.5, -(2 ** 1000))).toBe(2 ** 999);
    expect(fma64(2 ** -600, 2 ** -600, 2 ** -1074)).toBe(2 ** -1074);
    expect(Object.is(fma64(2 ** -540, 2 ** -540, 0), 0)).toBe(true);
    expect(fma64(3 * 2 ** -538, 2 ** -538, 0)).toBe(2 ** -1074); // 0.75 of the smallest subnormal rounds up
  });

  it('gives what a·b + c gives for infinities, NaN and zeros', () => {
    const specials = [Infinity, -Infinity, NaN, 0, -0, 1, -2.5];
    for (const a of specials)
      for (const b of specials)
        for (const c of specials) expect(same(fma64(a, b, c), a * b + c), `fma64(${a}, ${b}, ${c})`).toBe(true);
  });

  it("matches PyTorch 1.13's float64 add with alpha where two roundings do not", () => {
    // torch.add(a, b, alpha=0.37) for float64 a, b (torch.manual_seed(3); randn): a + 0.37 * b is one ulp off.
    const cases = [
      [0.6690811213485476, 0.9396067903411125, 1.0167356337747593],
      [-0.5141241139283437, 1.0793294129347062, -0.11477223114250239],
      [-2.2236365609620106, -1.6069797738616094, -2.8182190772908062],
    ];
    for (const [a, b, torchResult] of cases) {
      expect(a + 0.37 * b).not.toBe(torchResult);
      expect(fma64(0.37, b, a)).toBe(torchResult);
    }
  });
});

describe('fma32', () => {
  it('is correctly rounded to float32, ties included', () => {
    const rand = rng(5);
    const f = Math.fround;
    const bad: string[] = [];
    for (let i = 0; i < 200000; i++) {
      const a = f((rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 20));
      const b = f((rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 20));
      let c: number;
      if (i % 3 === 0) c = f((rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 20));
      else if (i % 3 === 1) c = f(-a * b);
      else {
        // c puts a·b + c exactly half a float32 unit past a float32 value, give or take the product's low bits
        const p = a * b;
        const ulp = 2 ** (Math.floor(Math.log2(Math.abs(p) || 1)) - 23);
        c = f(f(p) - p + ulp / 2);
      }
      const got = fma32(a, b, c);
      const want = oracle(a, b, c, true);
      if (!same(got, want) && bad.length < 5) bad.push(`fma32(${a}, ${b}, ${c}) = ${got}, want ${want}`);
    }
    expect(bad).toEqual([]);
  });

  it('rounds once where rounding to double first lands on a tie', () => {
    // a·b = 2^-24 + 2^-60 (2^36 + 1 = 4097 · 16773121): a·b + 1 rounds to double as 1 + 2^-24, a float32 tie that
    // then rounds to even, 1; rounded once it is above the tie, 1 + 2^-23.
    const a = 4097 * 2 ** -30;
    const b = 16773121 * 2 ** -30;
    expect(Math.fround(a * b + 1)).toBe(1);
    expect(fma32(a, b, 1)).toBe(1 + 2 ** -23);
    expect(fma32(1 + 2 ** -12, 1 + 2 ** -12, -1)).toBe(Math.fround(2 ** -11 + 2 ** -24));
    expect(fma32(2 ** -12 + 2 ** -23, 2 ** -12, 1)).toBe(oracle(2 ** -12 + 2 ** -23, 2 ** -12, 1, true));
  });

  it('gives what a·b + c gives for infinities, NaN and overflow', () => {
    expect(fma32(3e38, 10, 0)).toBe(Infinity);
    // a·b exactly halfway between the largest float32 and 2^128 (18631 · 1801 = 2^25 - 1): it rounds to infinity,
    // but not once a tiny c takes the exact sum below the halfway point (the double sum does not show it).
    const max = (2 ** 24 - 1) * 2 ** 104;
    expect(fma32(18631, 1801 * 2 ** 103, 0)).toBe(Infinity);
    expect(fma32(18631, 1801 * 2 ** 103, -1e-30)).toBe(max);
    expect(fma32(-18631, 1801 * 2 ** 103, 1e-30)).toBe(-max);
    expect(fma32(18631, 1801 * 2 ** 103, 1e-30)).toBe(Infinity);
    expect(fma32(Infinity, 0, 1)).toBeNaN();
    expect(fma32(-Infinity, 2, 1)).toBe(-Infinity);
    expect(Object.is(fma32(-0, 1, -0), -0)).toBe(true);
  });
});
