/*
 * GELU (the exact, erf form) and its derivative on a contiguous run, as PyTorch 1.13 computes them on a CPU (and as
 * packages/core/src/kernels/gelu.ts does, which explains the two formulas):
 *   - float32: oneDNN's eltwise_gelu_erf, instruction for instruction: Abramowitz and Stegun's erf over oneDNN's own
 *     exp polynomial, float32 throughout with fused multiply-adds. Eight at a time with AVX2 and FMA, else the same
 *     steps one at a time with fmaf (the C library's, rounded once like the instruction): the same bits either way.
 *   - float64: ATen's formula x * 0.5 * (1 + erf(x / sqrt 2)), and cdf + x * pdf for the derivative as one fused
 *     multiply-add, with the C library's erf and exp.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "kindling.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && !defined(KD_NO_X86)
#include <immintrin.h>
#endif

/* oneDNN's constants, by their bits (gelu.ts lists what each is). */
static const uint32_t LOG2E = 0x3fb8aa3b, LN_FLT_MAX = 0x42b17218, LN_FLT_MIN = 0xc2aeac50, LN2 = 0x3f317218;
static const uint32_t EXP_POLY[5] = {0x3f7ffffb, 0x3efffee3, 0x3e2aad40, 0x3d2b9d0d, 0x3c07cfce};
static const uint32_t ONE_OVER_SQRT2 = 0x3f3504f3, ONE_OVER_SQRT_PI = 0x3f106eba, AS_P = 0x3ea7ba05;
static const uint32_t AS_POLY[5] = {0x3e827906, 0xbe91a98e, 0x3fb5f0e3, 0xbfba00e3, 0x3f87dc22};

static inline float bits_f32(uint32_t u) {
  float v;
  memcpy(&v, &u, sizeof v);
  return v;
}

/* oneDNN's exp: clamped, n = floor(x log2 e + 1/2), p(x - n ln 2) * 2^(n-1) * 2, 0 below ln FLT_MIN. */
static inline float dnnl_exp(float x) {
  const int flush = x < bits_f32(LN_FLT_MIN);
  float v = x < bits_f32(LN_FLT_MAX) ? x : bits_f32(LN_FLT_MAX); /* NaN takes the bound, as vminps */
  v = v > bits_f32(LN_FLT_MIN) ? v : bits_f32(LN_FLT_MIN);
  const float n = floorf(v * bits_f32(LOG2E) + 0.5f);
  const float r = fmaf(-n, bits_f32(LN2), v);
  float p = bits_f32(EXP_POLY[4]);
  for (int k = 3; k >= 0; k--) p = fmaf(p, r, bits_f32(EXP_POLY[k]));
  p = fmaf(p, r, 1.0f);
  const float scale = flush ? 0.0f : bits_f32((uint32_t)((int)n - 1 + 127) << 23);
  return p * scale * 2.0f;
}

/* oneDNN's erf(x) from e = exp(-x^2) and t = 1 / (1 + p |x|). */
static inline float dnnl_erf(float x, float e, float t) {
  float r = bits_f32(AS_POLY[4]);
  for (int k = 3; k >= 0; k--) r = fmaf(r, t, bits_f32(AS_POLY[k]));
  const float erf = fmaf(-e * t, r, 1.0f);
  return signbit(x) ? -erf : erf;
}

static inline float dnnl_gelu(float s) {
  const float x = s * bits_f32(ONE_OVER_SQRT2);
  const float t = 1.0f / fmaf(bits_f32(AS_P), fabsf(x), 1.0f);
  const float erf = dnnl_erf(x, dnnl_exp(-(x * x)), t);
  const float half = s * 0.5f;
  return fmaf(erf, half, half);
}

static inline float dnnl_gelu_slope(float s) {
  const float x = s * bits_f32(ONE_OVER_SQRT2);
  const float e = dnnl_exp(-(x * x));
  const float density = x * bits_f32(ONE_OVER_SQRT_PI) * e;
  const float t = 1.0f / fmaf(bits_f32(AS_P), fabsf(x), 1.0f);
  return fmaf(dnnl_erf(x, e, t), 0.5f, density + 0.5f);
}

#if defined(__x86_64__) && !defined(KD_NO_X86)
#define KD_AVX2 __attribute__((target("avx2,fma")))
#define SET(u) _mm256_castsi256_ps(_mm256_set1_epi32((int)(u)))

KD_AVX2 static inline __m256 dnnl_exp8(__m256 x) {
  const __m256 flush = _mm256_cmp_ps(x, SET(LN_FLT_MIN), _CMP_LT_OS);
  __m256 v = _mm256_max_ps(_mm256_min_ps(x, SET(LN_FLT_MAX)), SET(LN_FLT_MIN));
  const __m256 n = _mm256_floor_ps(_mm256_add_ps(_mm256_mul_ps(v, SET(LOG2E)), _mm256_set1_ps(0.5f)));
  const __m256 r = _mm256_fnmadd_ps(n, SET(LN2), v);
  const __m256i biased = _mm256_add_epi32(_mm256_cvtps_epi32(_mm256_sub_ps(n, _mm256_set1_ps(1.0f))),
                                          _mm256_set1_epi32(127));
  const __m256 scale = _mm256_blendv_ps(_mm256_castsi256_ps(_mm256_slli_epi32(biased, 23)), _mm256_setzero_ps(), flush);
  __m256 p = SET(EXP_POLY[4]);
  for (int k = 3; k >= 0; k--) p = _mm256_fmadd_ps(p, r, SET(EXP_POLY[k]));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  return _mm256_mul_ps(_mm256_mul_ps(p, scale), _mm256_set1_ps(2.0f));
}

KD_AVX2 static inline __m256 dnnl_erf8(__m256 x, __m256 e, __m256 t) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 r = SET(AS_POLY[4]);
  for (int k = 3; k >= 0; k--) r = _mm256_fmadd_ps(r, t, SET(AS_POLY[k]));
  const __m256 erf = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_xor_ps(e, sign), t), r, _mm256_set1_ps(1.0f));
  return _mm256_xor_ps(erf, _mm256_and_ps(x, sign));
}

KD_AVX2 static inline __m256 dnnl_t8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  return _mm256_div_ps(one, _mm256_fmadd_ps(SET(AS_P), _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x), one));
}

KD_AVX2 static inline __m256 dnnl_gelu8(__m256 s, int slope) {
  const __m256 x = _mm256_mul_ps(s, SET(ONE_OVER_SQRT2));
  const __m256 e = dnnl_exp8(_mm256_xor_ps(_mm256_mul_ps(x, x), _mm256_set1_ps(-0.0f)));
  const __m256 erf = dnnl_erf8(x, e, dnnl_t8(x));
  const __m256 half = _mm256_set1_ps(0.5f);
  if (!slope) {
    const __m256 h = _mm256_mul_ps(s, half);
    return _mm256_fmadd_ps(erf, h, h);
  }
  const __m256 density = _mm256_mul_ps(_mm256_mul_ps(x, SET(ONE_OVER_SQRT_PI)), e);
  return _mm256_fmadd_ps(erf, half, _mm256_add_ps(density, half));
}

/* Eight at a time, the last few padded to eight (each lane depends on its own input alone). */
KD_AVX2 static void dnnl_gelu_avx2(int slope, const float *x, float *o, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(o + i, dnnl_gelu8(_mm256_loadu_ps(x + i), slope));
  if (i < n) {
    float in[8] = {0}, out[8];
    memcpy(in, x + i, (size_t)(n - i) * sizeof(float));
    _mm256_storeu_ps(out, dnnl_gelu8(_mm256_loadu_ps(in), slope));
    memcpy(o + i, out, (size_t)(n - i) * sizeof(float));
  }
}

static int avx2_fma(void) {
  static int known = -1;
  if (known < 0) {
    __builtin_cpu_init();
    known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return known;
}
#endif

void kd_gelu_f32(int slope, const float *x, float *o, int64_t n) {
#if defined(__x86_64__) && !defined(KD_NO_X86)
  if (avx2_fma()) {
    dnnl_gelu_avx2(slope, x, o, n);
    return;
  }
#endif
  if (slope)
    for (int64_t i = 0; i < n; i++) o[i] = dnnl_gelu_slope(x[i]);
  else
    for (int64_t i = 0; i < n; i++) o[i] = dnnl_gelu(x[i]);
}

void kd_gelu_f64(int slope, const double *x, double *o, int64_t n) {
  if (slope) {
    for (int64_t i = 0; i < n; i++) {
      const double v = x[i];
      const double cdf = 0.5 * (1.0 + erf(v * KD_SQRT1_2));
      const double pdf = KD_GELU_BETA * exp(v * v * -0.5);
      o[i] = fma(v, pdf, cdf);
    }
  } else {
    for (int64_t i = 0; i < n; i++) o[i] = x[i] * 0.5 * (1.0 + erf(x[i] * KD_SQRT1_2));
  }
}
