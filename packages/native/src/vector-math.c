/*
 * GELU and its derivative over float32 runs with glibc's vector math library (libmvec, glibc 2.35 and later):
 * its AVX2 erfc and exp, four doubles at a time, looked up once when the addon loads. A float32 value computed in
 * double from functions within a few double ulps and rounded once is within an ulp of the scalar loop's, so the
 * TypeScript kernels stay the reference. Elsewhere (no glibc, an older one, no AVX2) the functions are absent
 * and the caller runs its scalar loop.
 *
 * The formulas are those of the scalar loops in elementwise.c, operation for operation (without fused
 * multiply-adds): gelu = 0.5 v erfc(-v/sqrt 2), gelu' = 0.5 erfc(-v/sqrt 2) + v exp(-v^2/2) / sqrt(2 pi).
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "kindling.h"

#if defined(__x86_64__) && defined(__GLIBC__) && !defined(KD_NO_X86)
#include <dlfcn.h>
#include <immintrin.h>

typedef __m256d (*vec4_fn)(__m256d);
static vec4_fn vec_erfc, vec_exp;

__attribute__((constructor)) static void find_libmvec(void) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2")) return;
  void *lib = dlopen("libmvec.so.1", RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) return;
  vec4_fn e = (vec4_fn)dlsym(lib, "_ZGVdN4v_erfc"), x = (vec4_fn)dlsym(lib, "_ZGVdN4v_exp");
  if (e != NULL && x != NULL) vec_erfc = e, vec_exp = x;
}

__attribute__((target("avx2"))) static void gelu_avx2(const float *x, float *o, int64_t n, int derivative) {
  const __m256d half = _mm256_set1_pd(0.5), minus_half = _mm256_set1_pd(-0.5);
  const __m256d minus_sqrt1_2 = _mm256_set1_pd(-KD_SQRT1_2), inv_sqrt_2pi = _mm256_set1_pd(KD_INV_SQRT_2PI);
  for (int64_t i = 0; i < n; i += 4) {
    const __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(x + i));
    const __m256d c = vec_erfc(_mm256_mul_pd(v, minus_sqrt1_2));
    __m256d r;
    if (!derivative) {
      r = _mm256_mul_pd(_mm256_mul_pd(half, v), c);
    } else {
      const __m256d e = vec_exp(_mm256_mul_pd(_mm256_mul_pd(minus_half, v), v));
      r = _mm256_add_pd(_mm256_mul_pd(half, c), _mm256_mul_pd(_mm256_mul_pd(v, e), inv_sqrt_2pi));
    }
    _mm_storeu_ps(o + i, _mm256_cvtpd_ps(r));
  }
}

int64_t kd_gelu_f32_vector(const float *x, float *o, int64_t n, int derivative) {
  if (vec_erfc == NULL) return 0;
  const int64_t whole = n & ~(int64_t)3;
  gelu_avx2(x, o, whole, derivative);
  return whole;
}
#else
int64_t kd_gelu_f32_vector(const float *x, float *o, int64_t n, int derivative) {
  (void)x, (void)o, (void)n, (void)derivative;
  return 0;
}
#endif
