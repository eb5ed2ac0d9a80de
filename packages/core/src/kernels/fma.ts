/**
 * Fused multiply-adds, a·b + c rounded once, as PyTorch's CPU kernels compute `add`/`sub` with alpha, `addcmul`
 * and `lerp` (vector FMA instructions, and GCC contracting the scalar tails the same way), and as the native
 * backend computes them with the hardware instruction. JavaScript has no fused multiply-add, so these emulate it,
 * correctly rounded for every input:
 *
 * - float32 (`fma32`): the product of two float32 values is exact in a double, so the double sum rounded to
 *   float32 is the fused result except where that sum is inexact and lands exactly halfway between two float32
 *   values; there the exact sum's side of the halfway point decides.
 * - float64 (`fma64`): the product split exactly into two doubles (Dekker), the sum with c exactly into two
 *   (TwoSum), the two low parts added rounding to odd, and that added to the high part: Boldo and Melquiond's
 *   proof ("Emulation of FMA and correctly rounded sums", IEEE Trans. Computers 57(4), 2008) makes this correctly
 *   rounded when nothing overflows or underflows. Operands whose product or sum could (magnitudes outside
 *   2^±480, a c below 2^-900 or above 2^1000) take `fmaExact`, an exact sum in BigInt rounded once.
 *
 * Infinities and NaN give what a·b + c gives: a fused multiply-add differs from it only in rounding.
 */

import type { TypedArray } from '../dtype.js';

const SPLIT = 134217729; // 2^27 + 1: Veltkamp's splitter for 53-bit doubles
const HIGH_SAFE = 2 ** 480;
const LOW_SAFE = 2 ** -480;
const C_HIGH_SAFE = 2 ** 1000;
const C_LOW_SAFE = 2 ** -900;

const scratch = new Float64Array(1);
const words = new Int32Array(scratch.buffer);
/** The index of a double's low 32 bits in `words` (the host's byte order). */
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/**
 * s rounded to odd, given s = RN(x + y) and err = (x + y) - s exactly: s when exact or already odd, else its
 * neighbour on err's side (s is one of the two doubles around x + y, and rounding to odd picks the odd one).
 */
function toOdd(s: number, err: number): number {
  if (err === 0) return s;
  scratch[0] = s;
  if ((words[LOW] & 1) !== 0) return s;
  // One unit in the last place away from zero when err has s's sign, toward zero otherwise. The low word of an
  // even mantissa ends in 0, so a step toward zero borrows only when the low word is 0.
  const away = s > 0 === err > 0;
  if (away) {
    words[LOW] = words[LOW] + 1; // even: no carry out of the low word
  } else if (words[LOW] === 0) {
    words[LOW] = -1;
    words[1 - LOW] = words[1 - LOW] - 1;
  } else {
    words[LOW] = words[LOW] - 1;
  }
  return scratch[0];
}

/**
 * a·b + c for float32 values a, b, c, rounded once to float32. Rounding the double sum s to float32 goes wrong
 * only where s lies exactly halfway between two float32 values and the sum was inexact: then the exact sum is on
 * its error's side of the halfway point (what rounding s to odd first would settle, without reading its bits).
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b; // exact: two 24-bit mantissas
  const s = p + c;
  const f = Math.fround(s);
  // A product that is itself a float32 value (a power-of-two factor, or 1) makes s a sum of two float32 values: exact
  // in double, or with c so far below f's last place that no halfway point is near. Rounding it once is the result.
  if (Math.fround(p) === p) return f;
  if (!Number.isFinite(f)) {
    // Past float32's range, or exactly at the halfway point to it (which rounds away), with the exact sum below.
    if (Math.abs(s) !== FLOAT32_OVERFLOW || sumError(p, c, s) * s >= 0) return f;
    return s > 0 ? FLOAT32_MAX : -FLOAT32_MAX;
  }
  // Otherwise the product has up to 48 bits and s is almost never halfway: test that first, the sum's error after.
  const r = s - f; // exact: f is within a float32 unit of s
  const other = f + 2 * r; // the float32 neighbour beyond s exactly when s is halfway
  if (r === 0 || Math.fround(other) !== other) return f;
  const err = sumError(p, c, s);
  if (err === 0) return f;
  return err > 0 === other > f ? other : f;
}

const FLOAT32_MAX = (2 ** 24 - 1) * 2 ** 104;
/** Halfway between FLOAT32_MAX and 2^128: sums from here up round to infinity. */
const FLOAT32_OVERFLOW = (2 ** 25 - 1) * 2 ** 103;

/** (x + y) - s exactly, for s = x + y rounded (TwoSum). */
function sumError(x: number, y: number, s: number): number {
  const bb = s - x;
  return x - (s - bb) + (y - bb);
}

/** a·b + c for doubles, rounded once. */
export function fma64(a: number, b: number, c: number): number {
  const p = a * b;
  if (a === 0 || b === 0) return p + c; // the product is an exact (signed) zero
  const aa = Math.abs(a);
  const ab = Math.abs(b);
  const ac = Math.abs(c);
  if (
    !(aa <= HIGH_SAFE && aa >= LOW_SAFE && ab <= HIGH_SAFE && ab >= LOW_SAFE && ac <= C_HIGH_SAFE) ||
    (ac < C_LOW_SAFE && c !== 0)
  ) {
    return fmaExact(a, b, c);
  }
  if (c === 0) return p; // one rounding already (and p is not zero, so c's sign does not matter)
  // p + pl = a·b exactly (Dekker's product through Veltkamp's split)
  let t = SPLIT * a;
  const ahi = t - (t - a);
  const alo = a - ahi;
  t = SPLIT * b;
  const bhi = t - (t - b);
  const blo = b - bhi;
  const pl = ahi * bhi - p + ahi * blo + alo * bhi + alo * blo;
  // sh + sl = c + p exactly (TwoSum)
  const sh = c + p;
  const bb = sh - c;
  const sl = c - (sh - bb) + (p - bb);
  // v = sl + pl rounded to odd
  const v = sl + pl;
  const vb = v - sl;
  const verr = sl - (v - vb) + (pl - vb);
  return sh + toOdd(v, verr);
}

// ---- the exact path: BigInt arithmetic, rounded once ----

const bits = new DataView(new ArrayBuffer(8));

/** A finite double as m·2^e with an integer m. */
function decompose(x: number): [bigint, number] {
  bits.setFloat64(0, x);
  const hi = bits.getUint32(0);
  const lo = bits.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) m |= 1n << 52n;
  if (hi >>> 31 !== 0) m = -m;
  return [m, biased === 0 ? -1074 : biased - 1075];
}

/** m·2^e rounded to the nearest double, ties to even (m not 0). */
function roundToDouble(m: bigint, e: number): number {
  const negative = m < 0n;
  let q = negative ? -m : m;
  const top = q.toString(2).length - 1 + e; // floor(log2 |m·2^e|)
  const quantum = Math.max(top - 52, -1074);
  const shift = quantum - e;
  if (shift <= 0) {
    q <<= BigInt(-shift);
  } else {
    const k = BigInt(shift);
    const rem = q & ((1n << k) - 1n);
    const half = 1n << (k - 1n);
    q >>= k;
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  // q < 2^54, so Number(q) is exact; the scaling is exact or overflows to infinity as rounding to nearest does.
  const r = quantum > 1023 ? Infinity : Number(q) * 2 ** quantum;
  return negative ? -r : r;
}

/** a·b + c for doubles through exact BigInt arithmetic, rounded once (any finite inputs; slow). */
export function fmaExact(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return a * b + c;
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  const sum = ((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e));
  // An exact zero: its sign is the sum's of the (exact) product and c, as a·b + c gives it.
  if (sum === 0n) return a * b + c;
  return roundToDouble(sum, e);
}

/**
 * out[po + i] = a[pa + i·sa] + alpha·b[pb + i·sb] for i < n, rounded once as PyTorch's add and sub with alpha
 * (in float32 for a Float32Array out, in double for a Float64Array one; integer arrays hold exact products).
 */
export function scaledAddRun(
  a: TypedArray,
  pa: number,
  sa: number,
  b: TypedArray,
  pb: number,
  sb: number,
  out: TypedArray,
  po: number,
  n: number,
  alpha: number,
): void {
  if (out instanceof Float32Array) {
    const s = Math.fround(alpha);
    for (let i = 0; i < n; i++, pa += sa, pb += sb) out[po + i] = fma32(s, b[pb], a[pa]);
  } else if (out instanceof Float64Array) {
    for (let i = 0; i < n; i++, pa += sa, pb += sb) out[po + i] = fma64(alpha, b[pb], a[pa]);
  } else {
    for (let i = 0; i < n; i++, pa += sa, pb += sb) out[po + i] = a[pa] + alpha * b[pb];
  }
}

/** A float type's arithmetic as PyTorch's kernels run it: `round` to the type, and `madd`, a·b + c rounded once. */
export interface Arithmetic {
  round: (v: number) => number;
  madd: (a: number, b: number, c: number) => number;
}
const FLOAT32_ARITHMETIC: Arithmetic = { round: Math.fround, madd: fma32 };
const FLOAT64_ARITHMETIC: Arithmetic = { round: (v) => v, madd: fma64 };
/** float32's arithmetic, or float64's (no rounding: JavaScript computes in double). */
export const arithmeticOf = (float32: boolean): Arithmetic => (float32 ? FLOAT32_ARITHMETIC : FLOAT64_ARITHMETIC);
