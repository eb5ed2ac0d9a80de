/**
 * GELU (the exact, erf form) and its derivative as PyTorch 1.13 computes them on a CPU, value for value:
 *
 * - **float32, contiguous, more than one element**: PyTorch hands the tensor to oneDNN (2.6's `eltwise_gelu_erf`,
 *   forward and backward), whose erf is Abramowitz and Stegun's 7.1.26 over an exp polynomial of its own, in
 *   float32 with fused multiply-adds. `dnnlGelu32` and `dnnlGeluSlope32` follow its instructions one by one (the
 *   AVX2 and AVX-512 kernels give the same bits). Its erf is good to about 1e-7 absolutely, so where 1 + erf
 *   cancels (x below -3) the result keeps few digits: gelu(-5) is -1.4901161e-6 there, against -1.4332578e-6.
 * - **anything else** (float64, one element, a non-contiguous float32 tensor): ATen's formula
 *   x · 0.5 · (1 + erf(x / √2)) and its derivative, each operation rounded to the tensor's precision as the C++
 *   evaluates it (`atenGelu`, `atenGeluSlope`). ATen takes erf and exp from SLEEF or the C library; ours are within
 *   an ulp of those, so a few values in a hundred may differ in the last place there.
 *
 * A slope is the derivative before the incoming gradient multiplies it (PyTorch rounds it first too).
 */
import { erfScalar } from './erf.js';
import { arithmeticOf, fma32, fma64 } from './fma.js';

const f = Math.fround;

const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);
/** The float32 value with these bits. */
function float32Bits(u: number): number {
  bits[0] = u;
  return asFloat[0];
}

// oneDNN's constants, by their bits.
const LOG2E = float32Bits(0x3fb8aa3b);
const LN_FLT_MAX = float32Bits(0x42b17218);
const LN_FLT_MIN = float32Bits(0xc2aeac50);
const LN2 = float32Bits(0x3f317218);
/** exp(r) ≈ 1 + r (p0 + r (p1 + r (p2 + r (p3 + r p4)))) on the reduced argument. */
const [E0, E1, E2, E3, E4] = [0x3f7ffffb, 0x3efffee3, 0x3e2aad40, 0x3d2b9d0d, 0x3c07cfce].map(float32Bits);
const ONE_OVER_SQRT2 = float32Bits(0x3f3504f3);
const ONE_OVER_SQRT_PI = float32Bits(0x3f106eba);
/** Abramowitz and Stegun 7.1.26: erf(x) ≈ 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) e^(-x²), t = 1 / (1 + p|x|). */
const AS_P = float32Bits(0x3ea7ba05);
const [A1, A2, A3, A4, A5] = [0x3e827906, 0xbe91a98e, 0x3fb5f0e3, 0xbfba00e3, 0x3f87dc22].map(float32Bits);
/** 2^k for the k = n - 1 that dnnlExp meets, [-127, 127], by its float32 bits: exponent field 0 (k = -127) is 0. */
const POW2 = Float64Array.from({ length: 255 }, (_, i) => (i === 0 ? 0 : 2 ** (i - 127)));

/**
 * oneDNN's float32 exp: x clamped to [ln FLT_MIN, ln FLT_MAX], n = floor(x log2 e + 0.5), a degree-5 polynomial in
 * r = x - n ln 2, times 2^(n-1) and 2 (so that n = 128 stays representable); x below ln FLT_MIN gives 0.
 */
function dnnlExp(x: number): number {
  // vminps/vmaxps return their second operand when the first is NaN.
  let v = x < LN_FLT_MAX ? x : LN_FLT_MAX;
  v = v > LN_FLT_MIN ? v : LN_FLT_MIN;
  const n = Math.floor(f(f(v * LOG2E) + 0.5));
  const r = fma32(-n, LN2, v);
  const p = fma32(fma32(fma32(fma32(fma32(E4, r, E3), r, E2), r, E1), r, E0), r, 1);
  const scale = x < LN_FLT_MIN ? 0 : POW2[n + 126];
  return f(f(p * scale) * 2);
}

/** oneDNN's erf(x) for float32 x, given e = exp(-x²) from dnnlExp and t = 1 / (1 + p|x|). */
function dnnlErf(x: number, e: number, t: number): number {
  const poly = fma32(fma32(fma32(fma32(A5, t, A4), t, A3), t, A2), t, A1);
  const erf = fma32(f(-e * t), poly, 1);
  return x < 0 || (x === 0 && 1 / x < 0) ? -erf : erf;
}

/** 1 / (1 + p|x|), rounded as oneDNN's vfmadd and vdivps round it. */
function asT(x: number): number {
  return f(1 / fma32(AS_P, Math.abs(x), 1));
}

/** gelu(s) for a float32 s, as oneDNN computes it: S + S erf(s / √2) with S = s / 2. */
export function dnnlGelu32(s: number): number {
  const x = f(s * ONE_OVER_SQRT2);
  const erf = dnnlErf(x, dnnlExp(-f(x * x)), asT(x));
  const half = f(s * 0.5);
  return fma32(erf, half, half);
}

/** gelu'(s) for a float32 s, as oneDNN's backward computes it: 1/2 + s/√(2π) e^(-s²/2) + erf(s / √2) / 2. */
export function dnnlGeluSlope32(s: number): number {
  const x = f(s * ONE_OVER_SQRT2);
  const e = dnnlExp(-f(x * x));
  const density = f(f(x * ONE_OVER_SQRT_PI) * e);
  const erf = dnnlErf(x, e, asT(x));
  return fma32(erf, 0.5, f(density + 0.5));
}

// ATen's constants: C's M_SQRT1_2 and M_2_SQRTPI · M_SQRT1_2 · 0.5 in double, converted to the tensor's type.
const M_SQRT1_2 = 0.7071067811865476;
const ATEN_BETA = 1.1283791670955126 * M_SQRT1_2 * 0.5;
const ALPHA32 = f(M_SQRT1_2);
const BETA32 = f(ATEN_BETA);

/** gelu(x) by ATen's formula x · 0.5 · (1 + erf(x / √2)), rounded to float32 at each step or computed in double. */
export function atenGelu(x: number, float32: boolean): number {
  if (float32) return f(f(x * 0.5) * f(1 + f(erfScalar(f(x * ALPHA32)))));
  return x * 0.5 * (1 + erfScalar(x * M_SQRT1_2));
}

/**
 * gelu'(x) by ATen's formula cdf + x · pdf, cdf = 0.5 (1 + erf(x / √2)), pdf = β e^(-x²/2). `fused`: the sum as one
 * fused multiply-add, as ATen's vectorised loop compiles it; its scalar loop (a one-element tensor) rounds twice.
 */
export function atenGeluSlope(x: number, float32: boolean, fused: boolean): number {
  if (float32) {
    const cdf = f(0.5 * f(1 + f(erfScalar(f(x * ALPHA32)))));
    const pdf = f(BETA32 * f(Math.exp(f(f(x * x) * -0.5))));
    return fused ? fma32(x, pdf, cdf) : f(cdf + f(x * pdf));
  }
  const cdf = 0.5 * (1 + erfScalar(x * M_SQRT1_2));
  const pdf = ATEN_BETA * Math.exp(x * x * -0.5);
  return fused ? fma64(x, pdf, cdf) : cdf + x * pdf;
}

// The tanh approximation's constants: √2 · (2/√π) · 0.5 = √(2/π) and κ, in double, converted to the tensor's type.
const TANH_BETA = 1.4142135623730951 * 1.1283791670955126 * 0.5;
const KAPPA = 0.044715;
const TANH_BETA32 = f(TANH_BETA);
const KAPPA32 = f(KAPPA);
const THREE_KAPPA32 = f(3 * KAPPA32);

/** ATen's u = β (x + κ x³) and tanh u, the tanh approximation's inner terms. */
function tanhInner(x: number, float32: boolean): { t: number; square: number } {
  const { round, madd } = arithmeticOf(float32);
  const square = round(x * x);
  const inner = round((float32 ? TANH_BETA32 : TANH_BETA) * madd(float32 ? KAPPA32 : KAPPA, round(square * x), x));
  return { t: round(Math.tanh(inner)), square };
}

/**
 * gelu's tanh approximation 0.5 x (1 + tanh(β (x + κ x³))), as ATen evaluates it: its loops, vectorised and scalar
 * alike, fuse x + κ x³ (and in the derivative 1 - t² and 1 + 3κ x²) into multiply-adds.
 */
export function atenGeluTanh(x: number, float32: boolean): number {
  const { round } = arithmeticOf(float32);
  const { t } = tanhInner(x, float32);
  return round(round(0.5 * x) * round(1 + t));
}

/** Its derivative 0.5 (1 + t) + 0.5 x (1 - t²) β (1 + 3κ x²), as ATen evaluates it. */
export function atenGeluTanhSlope(x: number, float32: boolean): number {
  const { round, madd } = arithmeticOf(float32);
  const { t, square } = tanhInner(x, float32);
  const left = round(0.5 * x);
  const leftDerivative = round(0.5 * round(1 + t));
  const tanhDerivative = madd(-t, t, 1);
  const innerDerivative = round(
    (float32 ? TANH_BETA32 : TANH_BETA) * madd(float32 ? THREE_KAPPA32 : 3 * KAPPA, square, 1),
  );
  // The last sum stays two roundings.
  return round(leftDerivative + round(round(left * tanhDerivative) * innerDerivative));
}
