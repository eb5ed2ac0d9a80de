/*
 * The library functions of the float32 unary kernels (exp, log, tanh, sigmoid, sin, cos) four at a time, each value
 * computed in double and rounded once to float32, within an ulp of the scalar loop's (and of the TypeScript
 * kernels', which stay the reference):
 *   - exp (and so sigmoid and float32 softmax) is our own, exp4 below: a polynomial good to about 2^-47, far inside
 *     a float32 ulp, in a few multiply-adds (libmvec's double exp took 3-4x as long);
 *   - log, tanh, sin and cos are glibc's vector math library (libmvec: log, sin and cos since glibc 2.22, tanh since
 *     2.35), its AVX2 variants looked up once when the addon loads.
 * Elsewhere (no AVX2, no glibc or an older one for the libmvec functions) the caller runs its scalar loop; float64
 * runs always do.
 *
 * The formulas are those of the scalar loops in elementwise.c, without fused multiply-adds outside the
 * polynomials. sigmoid rounds exp(-v) to float32 and adds and divides in float32, as PyTorch's kernel does. (gelu
 * has a file of its own, gelu.c: PyTorch's float32 gelu is oneDNN's float32 arithmetic.)
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "kindling.h"

#include <math.h>

#if defined(__x86_64__) && !defined(KD_NO_X86)
#include <immintrin.h>
#include <string.h>
#if defined(__GLIBC__)
#include <dlfcn.h>
#endif

typedef __m256d (*vec4_fn)(__m256d);
static vec4_fn v_log, v_tanh, v_sin, v_cos;
static int has_avx2_fma;

#define KD_AVX2 __attribute__((target("avx2,fma")))

/*
 * exp(x), four at a time, for values that are then rounded to float32 (or summed in double on their way to a
 * float32 softmax). Below -708 it gives 0 and above 709.7 infinity, where 2^n would leave the normal doubles (a
 * float32 result is 0 or infinity there anyway, and so is sigmoid's 1 / (1 + e^-v)); NaN passes through. Cody and
 * Waite's
 * reduction x = n ln2 + r (ln2 in two parts, the first exact times any n here), |r| <= ln2 / 2, then e^r by its
 * Taylor series to r^11 (truncation under 3e-15 relative) and 2^n put in the exponent: within about 2^-47 of e^x.
 */
KD_AVX2 static inline __m256d exp4(__m256d x) {
  const __m256d lo = _mm256_set1_pd(-708.0), hi = _mm256_set1_pd(709.7);
  const __m256d c = _mm256_min_pd(_mm256_max_pd(x, lo), hi);
  const __m256d n = _mm256_round_pd(_mm256_mul_pd(c, _mm256_set1_pd(1.44269504088896340736)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(6.93147180369123816490e-01), c);
  r = _mm256_fnmadd_pd(n, _mm256_set1_pd(1.90821492927058770002e-10), r);
  static const double inverse_factorials[12] = {
      1.0,       1.0,        1.0 / 2,     1.0 / 6,      1.0 / 24,      1.0 / 120,
      1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800,
  };
  /* Estrin's scheme: four multiply-adds deep where Horner's is eleven (a loop of exp4 is bound by that depth) */
#define TERMS(k) _mm256_fmadd_pd(_mm256_set1_pd(inverse_factorials[k + 1]), r, _mm256_set1_pd(inverse_factorials[k]))
  const __m256d r2 = _mm256_mul_pd(r, r), r4 = _mm256_mul_pd(r2, r2), r8 = _mm256_mul_pd(r4, r4);
  const __m256d s0 = _mm256_fmadd_pd(TERMS(2), r2, TERMS(0)), s1 = _mm256_fmadd_pd(TERMS(6), r2, TERMS(4));
  const __m256d s2 = _mm256_fmadd_pd(TERMS(10), r2, TERMS(8));
#undef TERMS
  const __m256d p = _mm256_fmadd_pd(s2, r8, _mm256_fmadd_pd(s1, r4, s0));
  const __m256i biased = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(n)), _mm256_set1_epi64x(1023));
  __m256d y = _mm256_mul_pd(p, _mm256_castsi256_pd(_mm256_slli_epi64(biased, 52)));
  y = _mm256_blendv_pd(y, _mm256_setzero_pd(), _mm256_cmp_pd(x, lo, _CMP_LT_OQ));
  y = _mm256_blendv_pd(y, _mm256_set1_pd(INFINITY), _mm256_cmp_pd(x, hi, _CMP_GT_OQ));
  return _mm256_blendv_pd(y, x, _mm256_cmp_pd(x, x, _CMP_UNORD_Q));
}

__attribute__((constructor)) static void find_vector_math(void) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return;
  has_avx2_fma = 1;
#if defined(__GLIBC__)
  void *lib = dlopen("libmvec.so.1", RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) return;
  v_log = (vec4_fn)dlsym(lib, "_ZGVdN4v_log");
  v_tanh = (vec4_fn)dlsym(lib, "_ZGVdN4v_tanh");
  v_sin = (vec4_fn)dlsym(lib, "_ZGVdN4v_sin");
  v_cos = (vec4_fn)dlsym(lib, "_ZGVdN4v_cos");
#endif
}

/* Whether op has a vector form here: its library function. */
static int vectorised(int op) {
  if (!has_avx2_fma) return 0;
  switch (op) {
    case KD_UNARY_EXP:
    case KD_UNARY_SIGMOID: return 1;
    case KD_UNARY_LOG: return v_log != NULL;
    case KD_UNARY_TANH: return v_tanh != NULL;
    case KD_UNARY_SIN: return v_sin != NULL;
    case KD_UNARY_COS: return v_cos != NULL;
    default: return 0;
  }
}

KD_AVX2 static inline __m256d unary4(int op, __m256d v) {
  switch (op) {
    case KD_UNARY_EXP: return exp4(v);
    case KD_UNARY_SIGMOID: return exp4(_mm256_mul_pd(v, _mm256_set1_pd(-1.0))); /* unary4_f32 finishes it */
    case KD_UNARY_LOG: return v_log(v);
    case KD_UNARY_TANH: return v_tanh(v);
    case KD_UNARY_SIN: return v_sin(v);
    default: return v_cos(v);
  }
}

/*
 * Every element goes through the same vector code, the last few padded to four: an element's value then does not
 * depend on where a thread's range happens to cut the run.
 */
KD_AVX2 static inline __m128 unary4_f32(int op, const float *x) {
  const __m128 y = _mm256_cvtpd_ps(unary4(op, _mm256_cvtps_pd(_mm_loadu_ps(x))));
  if (op != KD_UNARY_SIGMOID) return y;
  /* sigmoid's add and divide in float32, as PyTorch's kernel computes them, on exp(-x) rounded to float32 */
  const __m128 one = _mm_set1_ps(1.0f);
  return _mm_div_ps(one, _mm_add_ps(one, y));
}

/*
 * Two vectors a step, so that their chains of dependent operations (exp4's) overlap: exp and sigmoid took
 * 0.72-0.73x the time (over 512K elements on a Zen 3 core, the same bits).
 */
#define UNARY_RUN(OP)                            \
  for (; i + 8 <= n; i += 8) {                   \
    const __m128 lo = unary4_f32(OP, x + i);     \
    const __m128 hi = unary4_f32(OP, x + i + 4); \
    _mm_storeu_ps(o + i, lo);                    \
    _mm_storeu_ps(o + i + 4, hi);                \
  }                                              \
  for (; i + 4 <= n; i += 4) _mm_storeu_ps(o + i, unary4_f32(OP, x + i))

KD_AVX2 static void unary_avx2(int op, const float *x, float *o, int64_t n) {
  int64_t i = 0;
  /* A loop per op of our own, its op a constant, so that unary4's switch is decided outside the loop. */
  switch (op) {
    case KD_UNARY_EXP: UNARY_RUN(KD_UNARY_EXP); break;
    case KD_UNARY_SIGMOID: UNARY_RUN(KD_UNARY_SIGMOID); break;
    default: UNARY_RUN(op); break;
  }
#undef UNARY_RUN
  if (i < n) {
    float in[4] = {0, 0, 0, 0}, out[4];
    memcpy(in, x + i, (size_t)(n - i) * sizeof(float));
    _mm_storeu_ps(out, unary4_f32(op, in));
    memcpy(o + i, out, (size_t)(n - i) * sizeof(float));
  }
}

int64_t kd_unary_f32_vector(int op, const float *x, float *o, int64_t n) {
  if (!vectorised(op)) return 0;
  unary_avx2(op, x, o, n);
  return n;
}

KD_AVX2 static void exp_shifted_avx2(const float *x, const double *m, int64_t mstep, double *e, int64_t n) {
  int64_t i = 0;
  if (mstep == 0) {
    const __m256d shift = _mm256_set1_pd(*m);
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(e + i, exp4(_mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + i)), shift)));
  } else {
    for (; i + 4 <= n; i += 4)
      _mm256_storeu_pd(e + i, exp4(_mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + i)), _mm256_loadu_pd(m + i))));
  }
  if (i < n) {
    float in[4] = {0, 0, 0, 0};
    double shift[4] = {0, 0, 0, 0}, out[4];
    memcpy(in, x + i, (size_t)(n - i) * sizeof(float));
    for (int64_t k = i; k < n; k++) shift[k - i] = m[k * mstep];
    _mm256_storeu_pd(out, exp4(_mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(in)), _mm256_loadu_pd(shift))));
    memcpy(e + i, out, (size_t)(n - i) * sizeof(double));
  }
}

void kd_exp_shifted_f32(const float *x, const double *m, int64_t mstep, double *e, int64_t n) {
  if (has_avx2_fma) {
    exp_shifted_avx2(x, m, mstep, e, n);
    return;
  }
  for (int64_t i = 0; i < n; i++) e[i] = exp((double)x[i] - m[i * mstep]);
}
#else
int64_t kd_unary_f32_vector(int op, const float *x, float *o, int64_t n) {
  (void)op, (void)x, (void)o, (void)n;
  return 0;
}

void kd_exp_shifted_f32(const float *x, const double *m, int64_t mstep, double *e, int64_t n) {
  for (int64_t i = 0; i < n; i++) e[i] = exp((double)x[i] - m[i * mstep]);
}
#endif
