/**
 * The exponential, the logarithm and the hyperbolic tangent in double precision, computed as the TypeScript kernels
 * compute them, so that the ops built on them (exp, log, tanh, sigmoid, softmax) give the same bits:
 *  - exp, log and tanh are V8's Math.exp, Math.log and Math.tanh: fdlibm's e_exp.c, e_log.c and s_tanh.c (on
 *    s_expm1.c) as V8's src/base/ieee754.cc has them (exp with its special case exp(1) = e), the same argument
 *    reduction, polynomials and scaling, operation for operation (WebAssembly's double arithmetic is IEEE's, never
 *    contracted into fused multiply-adds); they matched the engine's over 9M doubles each, of every magnitude.
 * packages/wasm/test/same-bits-elementwise.test.ts checks the ops against the TypeScript kernels, exp from 2^-40 to
 * its overflow and underflow thresholds.
 */

const LN2_HI: f64 = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000
const LN2_LO: f64 = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const INV_LN2: f64 = 1.44269504088896338700e0;
const O_THRESHOLD: f64 = 7.09782712893383973096e2;
const U_THRESHOLD: f64 = -7.45133219101941108420e2;
const P1: f64 = 1.66666666666666019037e-1;
const P2: f64 = -2.77777777770155933842e-3;
const P3: f64 = 6.61375632143793436117e-5;
const P4: f64 = -1.65339022054652515390e-6;
const P5: f64 = 4.13813679705723846039e-8;
const E: f64 = 2.718281828459045;
const TWO_M1000: f64 = 9.33263618503218878990e-302; // 2^-1000
const TWO_1023: f64 = 8.988465674311579539e307; // 2^1023

/** 2^k as a double from its exponent bits (k + 1023 in [1, 2046]). */
@inline function pow2(k: i32): f64 {
  return reinterpret<f64>(<u64>(<u32>(0x3ff00000 + (k << 20))) << 32);
}

/** e^x, bit for bit V8's Math.exp. */
export function exp(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  const xsb = <i32>(bits >> 63);
  const hx = <u32>(bits >> 32) & 0x7fffffff;
  if (hx >= 0x40862e42) {
    // |x| >= 709.78...: NaN, the infinities, overflow and underflow
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | <u32>bits) != 0) return x + x;
      return xsb == 0 ? x : 0.0;
    }
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0.0;
  }
  let hi: f64 = 0, lo: f64 = 0;
  let k: i32 = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ln2 / 2: x = k ln2 + r
    if (hx < 0x3ff0a2b2) {
      if (x == 1.0) return E;
      hi = xsb == 0 ? x - LN2_HI : x + LN2_HI;
      lo = xsb == 0 ? LN2_LO : -LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(INV_LN2 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1 + x; // |x| < 2^-28
  }
  const t = x * x;
  const twopk = k >= -1021 ? pow2(k) : pow2(k + 1000);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) return k == 1024 ? y * 2.0 * TWO_1023 : y * twopk;
  return y * twopk * TWO_M1000;
}

const TWO54: f64 = 1.80143985094819840000e16;
const LG1: f64 = 6.666666666666735130e-1;
const LG2: f64 = 3.999999999940941908e-1;
const LG3: f64 = 2.857142874366239149e-1;
const LG4: f64 = 2.222219843214978396e-1;
const LG5: f64 = 1.818357216161805012e-1;
const LG6: f64 = 1.531383769920937332e-1;
const LG7: f64 = 1.479819860511658591e-1;

/** The double with x's low word and `high` as its high word. */
@inline function withHigh(x: f64, high: i32): f64 {
  return reinterpret<f64>((<u64>(<u32>high) << 32) | (reinterpret<u64>(x) & 0xffffffff));
}

/** The natural logarithm, bit for bit V8's Math.log. */
export function log(x: f64): f64 {
  let hx = <i32>(reinterpret<u64>(x) >> 32);
  const lx = <u32>reinterpret<u64>(x);
  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^-1022: zero, negative, or subnormal (scaled up)
    if (((hx & 0x7fffffff) | lx) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = <i32>(reinterpret<u64>(x) >> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  x = withHigh(x, hx | (i ^ 0x3ff00000)); // x or x/2 in [sqrt(2)/2, sqrt(2))
  k += i >> 20;
  const f = x - 1.0;
  const dk = <f64>k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // -2^-20 <= f < 2^-20
    if (f == 0) return k == 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k == 0 ? f - R : dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    return k == 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  return k == 0 ? f - s * (f - R) : dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

// expm1's polynomial, scaled as fdlibm scales it (Qn·2^n, for R(2z) with z = x²/2).
const Q1: f64 = -3.33333333333331316428e-2;
const Q2: f64 = 1.58730158725481460165e-3;
const Q3: f64 = -7.93650757867487942473e-5;
const Q4: f64 = 4.00821782732936239552e-6;
const Q5: f64 = -2.01099218183624371326e-7;

/** e^x - 1, bit for bit V8's Math.expm1 (fdlibm's s_expm1.c), for tanh. */
function expm1(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  const negative = (bits >> 63) != 0;
  const hx = <u32>(bits >> 32) & 0x7fffffff;
  if (hx >= 0x4043687a) {
    // |x| >= 56 ln2
    if (hx >= 0x40862e42) {
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | <u32>bits) != 0) return x + x;
        return negative ? -1.0 : x;
      }
      if (x > O_THRESHOLD) return Infinity;
    }
    if (negative) return -1.0;
  }
  let k = 0;
  let c: f64 = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ln2 / 2
    let hi: f64, lo: f64;
    if (hx < 0x3ff0a2b2) {
      hi = negative ? x + LN2_HI : x - LN2_HI;
      lo = negative ? -LN2_LO : LN2_LO;
      k = negative ? -1 : 1;
    } else {
      k = <i32>(INV_LN2 * x + (negative ? -0.5 : 0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x3c900000) {
    return x; // |x| < 2^-54
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  let t = 3.0 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs);
  const twopk = pow2(k);
  e = x * (e - c) - c;
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) return x < -0.25 ? -2.0 * (e - (x + 0.5)) : 1 + 2.0 * (x - e);
  if (k <= -2 || k > 56) {
    let y = 1 - (e - x);
    y = k == 1024 ? y * 2.0 * TWO_1023 : y * twopk;
    return y - 1;
  }
  if (k < 20) {
    t = withHigh(1.0, 0x3ff00000 - (0x200000 >> k)); // 1 - 2^-k
    return (t - (e - x)) * twopk;
  }
  t = withHigh(1.0, (0x3ff - k) << 20); // 2^-k
  let y = x - (e + t);
  y += 1;
  return y * twopk;
}

/** The hyperbolic tangent, bit for bit V8's Math.tanh (fdlibm's s_tanh.c). */
export function tanh(x: f64): f64 {
  const jx = <i32>(reinterpret<u64>(x) >> 32);
  const ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) return jx >= 0 ? 1 / x + 1 : 1 / x - 1; // ±1, or NaN
  let z: f64;
  if (ix < 0x40360000) {
    // |x| < 22
    if (ix < 0x3e300000) return x; // |x| < 2^-28
    if (ix >= 0x3ff00000) {
      const t = expm1(2.0 * Math.abs(x));
      z = 1 - 2.0 / (t + 2.0);
    } else {
      const t = expm1(-2.0 * Math.abs(x));
      z = -t / (t + 2.0);
    }
  } else {
    z = 1 - 1.0e-300;
  }
  return jx >= 0 ? z : -z;
}
