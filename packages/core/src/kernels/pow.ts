/**
 * Powers as C's `pow` computes them, which is Python's float `x ** y`: glibc rounds it correctly in all but a few
 * hundredths of a percent of cases, while V8's `**` is a unit in the last place off for about one integer power in
 * twelve (0.9 ** 4 among them). PyTorch's optimizers and schedulers compute their bias corrections and decays so
 * (`1 - beta1 ** step`, `gamma ** count`), and Kindling's must give the same doubles (`torch.compat.pyPow`).
 */
import { fma64 } from './fma.js';

/** The most repeated squarings an integer power takes here; larger exponents under- or overflow anyway. */
const MAX_INTEGER_EXPONENT = 2 ** 31;
/** Below this a double-double product's low part loses bits (it falls among the subnormals). */
const TINY = 2 ** -900;

/** hi + lo, |lo| at most half an ulp of hi: a value with twice a double's precision. */
type DoubleDouble = [number, number];

function ddMul([ah, al]: DoubleDouble, [bh, bl]: DoubleDouble): DoubleDouble {
  const p = ah * bh;
  const e = fma64(ah, bh, -p) + (ah * bl + al * bh); // ah·bh - p exactly, plus the cross terms
  const hi = p + e;
  return [hi, e - (hi - p)];
}

/**
 * x ** n for a finite x and an integer n, correctly rounded (by squaring in double-double: the error stays near
 * 2^-100 of the result, far inside the half unit that rounding needs), or null when an intermediate value leaves
 * the range where that holds.
 */
function integerPower(x: number, n: number): number | null {
  let result: DoubleDouble = [1, 0];
  let square: DoubleDouble = [x, 0];
  for (let k = Math.abs(n); ; ) {
    if (k % 2 === 1) result = ddMul(result, square);
    k = Math.floor(k / 2);
    if (k === 0) break;
    square = ddMul(square, square);
    const s = Math.abs(square[0]);
    if (!(s < Infinity && s > TINY)) return null;
  }
  const [hi, lo] = result;
  if (!(Math.abs(hi) < Infinity && Math.abs(hi) > TINY)) return null;
  if (n > 0) return hi + lo;
  // 1 / (hi + lo): a quotient, then its correction from the exact remainder 1 - q·hi - q·lo.
  const q = 1 / hi;
  const r = fma64(-q, hi, 1) - q * lo;
  return q + r / hi;
}

/** Python's `x ** y` for floats (C's `pow`): correctly rounded for integer exponents, V8's `**` otherwise. */
export function pyPow(x: number, y: number): number {
  // C's pow, unlike JavaScript's, gives 1 for 1 ** anything and (-1) ** ±inf.
  if (x === 1 || (x === -1 && !Number.isFinite(y))) return 1;
  if (y === 0 || !Number.isFinite(x) || x === 0 || !Number.isInteger(y) || Math.abs(y) > MAX_INTEGER_EXPONENT) {
    return x ** y;
  }
  return integerPower(x, y) ?? x ** y;
}
