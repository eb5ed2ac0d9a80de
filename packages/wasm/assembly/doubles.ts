/**
 * Reading and writing float32 or float64 arrays in double, as the TypeScript kernels compute: an element or two
 * lanes of f64x2 at a time (float32 promoted on load), rounded to the array's type at the store, or by `rnd` where
 * the TypeScript loop rounds mid-expression (Math.fround).
 */

/** The address of element i of a T array at p. */
@inline export function addr<T>(p: usize, i: i32): usize {
  return p + (<usize>i << alignof<T>());
}

/** Element i of a T array at p, in double. */
@inline export function get<T>(p: usize, i: i32): f64 {
  return <f64>load<T>(addr<T>(p, i));
}

/** Element i of a T array at p set to v, rounded to T. */
@inline export function put<T>(p: usize, i: i32, v: f64): void {
  store<T>(addr<T>(p, i), <T>v);
}

/** Two elements of a T array at p, in double. */
@inline export function ld<T>(p: usize): v128 {
  return sizeof<T>() == 4 ? f64x2.promote_low_f32x4(v128.load64_zero(p)) : v128.load(p);
}

/** Two doubles stored as two elements of a T array at p, each rounded to T. */
@inline export function st<T>(p: usize, v: v128): void {
  if (sizeof<T>() == 4) v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
  else v128.store(p, v);
}

/** Two doubles rounded to T and back. */
@inline export function rnd<T>(v: v128): v128 {
  return sizeof<T>() == 4 ? f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v)) : v;
}

/**
 * x + a·b for float32 values carried in double lanes, rounded once to float32: a fused multiply-add, as PyTorch's
 * kernels and packages/core/src/kernels/fma.ts `fma32` compute it. The product is exact in double, and so is the sum
 * rounded to double except where that lands exactly halfway between two float32 values (or among float32's
 * subnormals, whose halfway points lie elsewhere): only there can rounding twice differ from rounding once, and
 * only there does the sum take `roundedToOdd`. Infinities and NaN pass as a plain sum gives them.
 */
@inline export function fused32(x: v128, a: v128, b: v128): v128 {
  const p = f64x2.mul(a, b);
  const s = f64x2.add(p, x);
  const halfway = i64x2.eq(v128.and(s, i64x2.splat(0x1fffffff)), i64x2.splat(0x10000000));
  const tiny = f64x2.lt(f64x2.abs(s), f64x2.splat(2.350988701644575e-38)); // 2^-125
  return v128.any_true(v128.or(halfway, tiny)) ? roundedToOdd(x, p, s) : rnd<f32>(s);
}

/**
 * s = p + x rounded to odd (moved one unit toward its error when inexact and even), which then rounds to float32
 * correctly.
 */
function roundedToOdd(x: v128, p: v128, s: v128): v128 {
  const bb = f64x2.sub(s, p);
  const err = f64x2.add(f64x2.sub(p, f64x2.sub(s, bb)), f64x2.sub(x, bb));
  const even = i64x2.eq(v128.and(s, i64x2.splat(1)), i64x2.splat(0));
  const inexact = f64x2.ne(err, f64x2.splat(0));
  const finite = f64x2.lt(f64x2.abs(s), f64x2.splat(Infinity));
  // One unit away from zero when the error has the sum's sign, toward zero when not.
  const step = v128.or(i64x2.shr_s(v128.xor(s, err), 63), i64x2.splat(1));
  return rnd<f32>(i64x2.add(s, v128.and(step, v128.and(v128.and(even, inexact), finite))));
}
