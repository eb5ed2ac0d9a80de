/**
 * Python's number formatting, exactly: `'{:.Nf}'.format(x)`, `'{:.Ne}'.format(x)` and `'{}'.format(n)`.
 *
 * Python rounds the exact binary value of a double half-to-even at the requested digit (1.03125 -> '1.0312',
 * 0.125 -> '0.12', 2.675 -> '2.67' because 2.675 is really 2.67499999...). `Number.prototype.toFixed` and
 * `toExponential` do not always agree and write exponents as `e+5`, so both notations are computed here from
 * the double's mantissa and exponent with BigInt arithmetic.
 */

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** |x| = mant * 2^exp exactly, for a finite double x. */
function decompose(x: number): { mant: bigint; exp: number } {
  f64[0] = x;
  const bits = u64[0];
  const expBits = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  if (expBits === 0) return { mant: frac, exp: -1074 };
  return { mant: frac | 0x10000000000000n, exp: expBits - 1075 };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** mant * 2^exp * 10^p10 as an exact fraction num / den. */
function scaled(mant: bigint, exp: number, p10: number): [bigint, bigint] {
  let num = mant;
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  if (p10 >= 0) num *= pow10(p10);
  else den *= pow10(-p10);
  return [num, den];
}

/** num / den rounded to the nearest integer, ties to even. */
function roundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

function isNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

function nonFinite(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  return x > 0 ? 'inf' : '-inf';
}

/** Python's `'{:.<digits>f}'.format(x)`: fixed notation, sign kept on negative zero and on values that round to 0. */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const sign = isNegative(x) ? '-' : '';
  const { mant, exp } = decompose(x);
  const [num, den] = scaled(mant, exp, digits);
  const text = roundHalfEven(num, den)
    .toString()
    .padStart(digits + 1, '0');
  if (digits === 0) return sign + text;
  const cut = text.length - digits;
  return `${sign}${text.slice(0, cut)}.${text.slice(cut)}`;
}

/** Python's exponent suffix: a sign and at least two digits (`e+05`, `e-12`, `e+300`). */
function exponentText(e: number): string {
  return `e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Python's `'{:.<digits>e}'.format(x)`: one digit before the point, `digits` after, exponent like `e+05`. */
export function formatExp(x: number, digits: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const sign = isNegative(x) ? '-' : '';
  let mantissaDigits: string;
  let e = 0;
  if (x === 0) {
    mantissaDigits = '0'.repeat(digits + 1);
  } else {
    const { mant, exp } = decompose(x);
    const low = pow10(digits);
    const high = low * 10n;
    // First guess from log10, then correct so that floor(|x| / 10^(e - digits)) has digits + 1 digits.
    e = Math.floor(Math.log10(Math.abs(x)));
    let [num, den] = scaled(mant, exp, digits - e);
    for (;;) {
      const floor = num / den;
      if (floor < low) e -= 1;
      else if (floor >= high) e += 1;
      else break;
      [num, den] = scaled(mant, exp, digits - e);
    }
    let q = roundHalfEven(num, den);
    if (q === high) {
      q = low;
      e += 1;
    }
    mantissaDigits = q.toString();
  }
  const head = mantissaDigits.slice(0, 1);
  const tail = mantissaDigits.slice(1);
  return `${sign}${head}${digits > 0 ? `.${tail}` : ''}${exponentText(e)}`;
}

/** Python's `str()` of an integer held in a double (exact integers up to int64's range). */
export function formatInteger(x: number): string {
  if (Number.isSafeInteger(x)) return String(x === 0 ? 0 : x);
  if (Number.isInteger(x)) return BigInt(x).toString();
  return String(x);
}

/** Python's `str()` of a bool stored as 0/1. */
export function formatBool(x: number): string {
  return x !== 0 ? 'True' : 'False';
}
