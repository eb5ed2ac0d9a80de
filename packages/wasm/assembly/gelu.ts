/**
 * PyTorch's float32 gelu and its derivative on a contiguous run: oneDNN's kernel, step for step as
 * packages/core/src/kernels/gelu.ts computes it (which explains the formulas), so the bits are the same. Two
 * elements at a time in f64x2 lanes: each float32 operation is done in double and rounded to float32 (the same
 * value), each fused multiply-add by fused32.
 */
import { fused32, rnd } from './doubles';

/** A float32 constant, by its bits, in both lanes. */
@inline function k(u: u32): v128 {
  return f64x2.splat(<f64>reinterpret<f32>(u));
}

@inline function mul32(a: v128, b: v128): v128 {
  return rnd<f32>(f64x2.mul(a, b));
}

/** oneDNN's float32 exp: the argument clamped, a degree-5 polynomial, 2^(n-1) · 2; 0 below ln FLT_MIN. */
@inline function dnnlExp(x: v128): v128 {
  const flush = f64x2.lt(x, k(0xc2aeac50));
  // pmin/pmax return the bound for a NaN argument, as vminps and vmaxps do.
  const v = f64x2.pmax(k(0xc2aeac50), f64x2.pmin(k(0x42b17218), x));
  const n = f64x2.floor(rnd<f32>(f64x2.add(mul32(v, k(0x3fb8aa3b)), f64x2.splat(0.5))));
  const r = fused32(v, f64x2.neg(n), k(0x3f317218));
  let p = fused32(k(0x3d2b9d0d), k(0x3c07cfce), r);
  p = fused32(k(0x3e2aad40), p, r);
  p = fused32(k(0x3efffee3), p, r);
  p = fused32(k(0x3f7ffffb), p, r);
  p = fused32(f64x2.splat(1), p, r);
  // 2^(n-1) from its exponent bits; a float32 exponent field of 0 (n - 1 = -127) reads as 0.
  const e = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(n));
  const scale = i64x2.shl(i64x2.add(e, i64x2.splat(1022)), 52);
  const zero = v128.or(flush, f64x2.eq(n, f64x2.splat(-126)));
  return mul32(mul32(p, v128.andnot(scale, zero)), f64x2.splat(2));
}

/** gelu (slope false) or its derivative (slope true) of two float32 values. */
@inline function gelu2(s: v128, slope: bool): v128 {
  const one = f64x2.splat(1);
  const half = f64x2.splat(0.5);
  const x = mul32(s, k(0x3f3504f3));
  const e = dnnlExp(f64x2.neg(mul32(x, x)));
  const t = rnd<f32>(f64x2.div(one, fused32(one, k(0x3ea7ba05), f64x2.abs(x))));
  let r = fused32(k(0xbfba00e3), k(0x3f87dc22), t);
  r = fused32(k(0x3fb5f0e3), r, t);
  r = fused32(k(0xbe91a98e), r, t);
  r = fused32(k(0x3e827906), r, t);
  const erf = v128.xor(fused32(one, mul32(f64x2.neg(e), t), r), v128.and(x, f64x2.splat(-0.0)));
  if (!slope) {
    const h = mul32(s, half);
    return fused32(h, erf, h);
  }
  const density = mul32(mul32(x, k(0x3f106eba)), e);
  return fused32(rnd<f32>(f64x2.add(density, half)), erf, half);
}

function run(slope: bool, x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const at = <usize>i << 2;
    const v = gelu2(f64x2.promote_low_f32x4(v128.load64_zero(x + at)), slope);
    v128.store64_lane(out + at, f32x4.demote_f64x2_zero(v), 0);
  }
  if (i < n) {
    const at = <usize>i << 2;
    store<f32>(out + at, <f32>f64x2.extract_lane(gelu2(f64x2.splat(<f64>load<f32>(x + at)), slope), 0));
  }
}

/** out[i] = gelu(x[i]) for i < n, float32. */
export function gelu32(x: usize, out: usize, n: i32): void {
  run(false, x, out, n);
}

/** out[i] = gelu'(x[i]) for i < n, float32. */
export function geluSlope32(x: usize, out: usize, n: i32): void {
  run(true, x, out, n);
}
