/*
 * The library functions of the float32 unary kernels (exp, log, tanh, sigmoid, sin, cos, gelu and its derivative)
 * four at a time, with glibc's vector math library (libmvec: exp, log, sin and cos since glibc 2.22, tanh and erfc
 * since 2.35), its AVX2 variants looked up once when the addon loads. Each value is computed in double from
 * functions within a few double ulps and rounded once to float32, so it is within an ulp of the scalar loop's (and
 * of the TypeScript kernels', which stay the reference). Elsewhere (no glibc, an older one, no AVX2) the function
 * is absent and the caller runs its scalar loop over the whole run; float64 runs always take the scalar loop.
 *
 * The formulas are those of the scalar loops in elementwise.c, operation for operation, without fused
 * multiply-adds: sigmoid = 1 / (1 + exp(-v)), gelu = 0.5 v erfc(-v/sqrt 2), gelu' = 0.5 erfc(-v/sqrt 2) +
 * v exp(-0.5 v v) / sqrt(2 pi).
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "kindling.h"

#if defined(__x86_64__) && defined(__GLIBC__) && !defined(KD_NO_X86)
#include <dlfcn.h>
#include <immintrin.h>

typedef __m256d (*vec4_fn)(__m256d);
static vec4_fn v_exp, v_log, v_tanh, v_sin, v_cos, v_erfc;

static vec4_fn lookup(void *lib, const char *name) { return lib == NULL ? NULL : (vec4_fn)dlsym(lib, name); }

__attribute__((constructor)) static void find_libmvec(void) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2")) return;
  void *lib = dlopen("libmvec.so.1", RTLD_NOW | RTLD_LOCAL);
  v_exp = lookup(lib, "_ZGVdN4v_exp");
  v_log = lookup(lib, "_ZGVdN4v_log");
  v_tanh = lookup(lib, "_ZGVdN4v_tanh");
  v_sin = lookup(lib, "_ZGVdN4v_sin");
  v_cos = lookup(lib, "_ZGVdN4v_cos");
  v_erfc = lookup(lib, "_ZGVdN4v_erfc");
}

/* The vector function an op needs (for gelu's derivative, erfc; exp is checked separately), or NULL. */
static vec4_fn function_for(int op) {
  switch (op) {
    case KD_UNARY_EXP: return v_exp;
    case KD_UNARY_LOG: return v_log;
    case KD_UNARY_TANH: return v_tanh;
    case KD_UNARY_SIGMOID: return v_exp;
    case KD_UNARY_SIN: return v_sin;
    case KD_UNARY_COS: return v_cos;
    case KD_UNARY_GELU: return v_erfc;
    case KD_UNARY_GELU_DERIVATIVE: return v_exp != NULL ? v_erfc : NULL;
    default: return NULL;
  }
}

__attribute__((target("avx2"))) static void unary_avx2(int op, vec4_fn f, const float *x, float *o, int64_t n) {
  const __m256d one = _mm256_set1_pd(1.0), half = _mm256_set1_pd(0.5), minus_half = _mm256_set1_pd(-0.5);
  const __m256d minus_one = _mm256_set1_pd(-1.0), minus_sqrt1_2 = _mm256_set1_pd(-KD_SQRT1_2);
  const __m256d inv_sqrt_2pi = _mm256_set1_pd(KD_INV_SQRT_2PI);
  for (int64_t i = 0; i < n; i += 4) {
    const __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(x + i));
    __m256d r;
    switch (op) {
      case KD_UNARY_SIGMOID: r = _mm256_div_pd(one, _mm256_add_pd(one, f(_mm256_mul_pd(v, minus_one)))); break;
      case KD_UNARY_GELU: r = _mm256_mul_pd(_mm256_mul_pd(half, v), f(_mm256_mul_pd(v, minus_sqrt1_2))); break;
      case KD_UNARY_GELU_DERIVATIVE: {
        const __m256d e = v_exp(_mm256_mul_pd(_mm256_mul_pd(minus_half, v), v));
        r = _mm256_add_pd(_mm256_mul_pd(half, f(_mm256_mul_pd(v, minus_sqrt1_2))),
                          _mm256_mul_pd(_mm256_mul_pd(v, e), inv_sqrt_2pi));
        break;
      }
      default: r = f(v);
    }
    _mm_storeu_ps(o + i, _mm256_cvtpd_ps(r));
  }
}

int64_t kd_unary_f32_vector(int op, const float *x, float *o, int64_t n) {
  const vec4_fn f = function_for(op);
  if (f == NULL) return 0;
  const int64_t whole = n & ~(int64_t)3;
  unary_avx2(op, f, x, o, whole);
  return whole;
}
#else
int64_t kd_unary_f32_vector(int op, const float *x, float *o, int64_t n) {
  (void)op, (void)x, (void)o, (void)n;
  return 0;
}
#endif
