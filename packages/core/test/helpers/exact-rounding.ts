/**
 * Oracles for correctly rounded arithmetic, written independently of the kernels they check: a value as an exact
 * rational in BigInt, and the float nearest it (ties to even), found by comparing the floats around a first
 * approximation exactly.
 */

/** num / den exactly, den > 0. */
export interface Exact {
  num: bigint;
  den: bigint;
}

/** A finite double as an exact fraction (den a power of two). */
export function exactOf(x: number): Exact {
  let den = 1n;
  let y = x;
  while (!Number.isInteger(y)) {
    y *= 2;
    den *= 2n;
  }
  return { num: BigInt(y), den };
}

export const times = (a: Exact, b: Exact): Exact => ({ num: a.num * b.num, den: a.den * b.den });
export const plus = (a: Exact, b: Exact): Exact => ({ num: a.num * b.den + b.num * a.den, den: a.den * b.den });

function bitLength(n: bigint): number {
  return (n < 0n ? -n : n).toString(2).length;
}

/** A double within an ulp or so of the value (no overflow at either end of the division). */
function approximate({ num, den }: Exact): number {
  const k = bitLength(num) - bitLength(den) - 60;
  const q = k > 0 ? num / (den << BigInt(k)) : (num << BigInt(-k)) / den;
  const half = Math.trunc(k / 2);
  return Number(q) * 2 ** half * 2 ** (k - half);
}

const view = new DataView(new ArrayBuffer(8));

/** The next float (double, or float32) from x, up or down. */
export function nextFloat(x: number, up: boolean, f32: boolean): number {
  if (f32) {
    const bits = new Uint32Array(new Float32Array([x]).buffer);
    if (x === 0) bits[0] = up ? 1 : 0x80000001;
    else bits[0] = x > 0 === up ? bits[0] + 1 : bits[0] - 1;
    return new Float32Array(bits.buffer)[0];
  }
  if (x === 0) return up ? 5e-324 : -5e-324;
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 === up ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

function lastBitOdd(x: number, f32: boolean): boolean {
  if (f32) return (new Uint32Array(new Float32Array([x]).buffer)[0] & 1) === 1;
  view.setFloat64(0, x);
  return (view.getUint32(4) & 1) === 1;
}

/** |value - x| as a fraction. */
function distance(value: Exact, x: number): Exact {
  const d = plus(value, exactOf(-x));
  return { num: d.num < 0n ? -d.num : d.num, den: d.den };
}

const compare = (a: Exact, b: Exact): number => {
  const x = a.num * b.den;
  const y = b.num * a.den;
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The double (or float32) nearest a nonzero value, ties to even; no overflow. */
export function nearestFloat(value: Exact, f32: boolean): number {
  const approx = approximate(value);
  const first = f32 ? Math.fround(approx) : approx;
  const candidates = [nextFloat(nextFloat(first, false, f32), false, f32), nextFloat(first, false, f32), first];
  candidates.push(nextFloat(first, true, f32), nextFloat(nextFloat(first, true, f32), true, f32));
  let best = candidates[0];
  for (const x of candidates.slice(1)) {
    const order = compare(distance(value, x), distance(value, best));
    if (order < 0 || (order === 0 && !lastBitOdd(x, f32))) best = x;
  }
  return best;
}
