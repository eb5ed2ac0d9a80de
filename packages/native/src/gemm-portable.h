/*
 * Portable GEMM micro-kernels: GNU C vector extensions (128-bit vectors: SSE2 on any x86-64, NEON on ARM), which
 * GCC and Clang compile for whatever the target has. A 6 x 8 float32 tile (6 x 4 float64) is 12 vector
 * accumulators plus two vectors of B and a broadcast of A: 15 registers, within the 16 of SSE2 and the 32 of
 * NEON. The compiler fuses each multiply-add where the target has FMA (NEON does; baseline x86-64 does not).
 *
 * Included once, by gemm.c (compiled for the baseline target, as these kernels must be), so that a build of the
 * GEMM family needs no file beyond gemm.c and the per-ISA ones.
 */
#ifndef KINDLING_GEMM_PORTABLE_H
#define KINDLING_GEMM_PORTABLE_H

#include "gemm-kernels.h"
#include "gemm-pack.h"

#include <string.h>

#define PMR 6
#define ALWAYS_INLINE static inline __attribute__((always_inline))

typedef float v4sf __attribute__((vector_size(16)));
typedef double v2df __attribute__((vector_size(16)));

/* Unaligned vector loads (a memcpy of a fixed 16 bytes compiles to one instruction). */
ALWAYS_INLINE v4sf load4(const float *p) {
  v4sf v;
  memcpy(&v, p, sizeof v);
  return v;
}
ALWAYS_INLINE v2df load2(const double *p) {
  v2df v;
  memcpy(&v, p, sizeof v);
  return v;
}

ALWAYS_INLINE v4sf splat4(float x) { return (v4sf){x, x, x, x}; }
ALWAYS_INLINE v2df splat2(double x) { return (v2df){x, x}; }

/*
 * The type-generic tile, instantiated below for float and double. ROWS is a compile-time constant in every
 * instance, so the accumulators can live in registers. A row of the tile is two vectors: nr = 2 * LANES.
 */
#define DEFINE_TILE(NAME, T, V, LANES, LOAD, SPLAT)                                                                   \
  ALWAYS_INLINE void NAME##_rows(const int rows, int64_t n, int64_t k, const T *a, int64_t ars, int64_t acs,          \
                                 const T *b, int64_t ldb, const int64_t *taps, T *c, int64_t ldc, T alpha,            \
                                 T beta) {                                                                            \
    V acc[PMR][2];                                                                                                    \
    for (int i = 0; i < rows; i++) acc[i][0] = acc[i][1] = (V){0};                                                    \
    for (int64_t p = 0; p < k; p++) {                                                                                 \
      const T *bp = taps != NULL ? b + taps[p] : b;                                                                   \
      V b0 = LOAD(bp), b1 = LOAD(bp + LANES);                                                                         \
      for (int i = 0; i < rows; i++) {                                                                                \
        V ai = SPLAT(a[i * ars]);                                                                                     \
        acc[i][0] += ai * b0;                                                                                         \
        acc[i][1] += ai * b1;                                                                                         \
      }                                                                                                               \
      a += acs;                                                                                                       \
      b += ldb;                                                                                                       \
    }                                                                                                                 \
    for (int i = 0; i < rows; i++) {                                                                                  \
      T out[2 * LANES];                                                                                               \
      memcpy(out, acc[i], sizeof out);                                                                                \
      T *ci = c + i * ldc;                                                                                            \
      for (int64_t j = 0; j < n; j++) ci[j] = beta != 0 ? alpha * out[j] + beta * ci[j] : alpha * out[j];             \
    }                                                                                                                 \
  }                                                                                                                   \
  static void NAME(int64_t m, int64_t n, int64_t k, const T *a, const T *b, int64_t ldb, T *c, int64_t ldc, T alpha,  \
                   T beta) {                                                                                          \
    switch (m) {                                                                                                      \
      case 1: NAME##_rows(1, n, k, a, 1, 1, b, ldb, NULL, c, ldc, alpha, beta); break;                                \
      case 2: NAME##_rows(2, n, k, a, 1, 2, b, ldb, NULL, c, ldc, alpha, beta); break;                                \
      case 3: NAME##_rows(3, n, k, a, 1, 3, b, ldb, NULL, c, ldc, alpha, beta); break;                                \
      case 4: NAME##_rows(4, n, k, a, 1, 4, b, ldb, NULL, c, ldc, alpha, beta); break;                                \
      case 5: NAME##_rows(5, n, k, a, 1, 5, b, ldb, NULL, c, ldc, alpha, beta); break;                                \
      case 6: NAME##_rows(6, n, k, a, 1, 6, b, ldb, NULL, c, ldc, alpha, beta); break;                                \
      default: break;                                                                                                 \
    }                                                                                                                 \
  }                                                                                                                   \
  static void NAME##_direct(int64_t m, int64_t n, int64_t k, const T *a, int64_t ars, int64_t acs, const T *b,        \
                            int64_t ldb, T *c, int64_t ldc, T alpha, T beta) {                                        \
    switch (m) {                                                                                                      \
      case 1: NAME##_rows(1, n, k, a, ars, acs, b, ldb, NULL, c, ldc, alpha, beta); break;                                \
      case 2: NAME##_rows(2, n, k, a, ars, acs, b, ldb, NULL, c, ldc, alpha, beta); break;                                \
      case 3: NAME##_rows(3, n, k, a, ars, acs, b, ldb, NULL, c, ldc, alpha, beta); break;                                \
      case 4: NAME##_rows(4, n, k, a, ars, acs, b, ldb, NULL, c, ldc, alpha, beta); break;                                \
      case 5: NAME##_rows(5, n, k, a, ars, acs, b, ldb, NULL, c, ldc, alpha, beta); break;                                \
      case 6: NAME##_rows(6, n, k, a, ars, acs, b, ldb, NULL, c, ldc, alpha, beta); break;                                \
      default: break;                                                                                                 \
    }                                                                                                                 \
  }                                                                                                                   \
  static void NAME##_taps(int64_t m, int64_t n, int64_t k, const T *a, const T *b, const int64_t *taps, T *c,         \
                          int64_t ldc) {                                                                              \
    switch (m) {                                                                                                      \
      case 1: NAME##_rows(1, n, k, a, 1, 1, b, 0, taps, c, ldc, 1, 0); break;                                         \
      case 2: NAME##_rows(2, n, k, a, 1, 2, b, 0, taps, c, ldc, 1, 0); break;                                         \
      case 3: NAME##_rows(3, n, k, a, 1, 3, b, 0, taps, c, ldc, 1, 0); break;                                         \
      case 4: NAME##_rows(4, n, k, a, 1, 4, b, 0, taps, c, ldc, 1, 0); break;                                         \
      case 5: NAME##_rows(5, n, k, a, 1, 5, b, 0, taps, c, ldc, 1, 0); break;                                         \
      case 6: NAME##_rows(6, n, k, a, 1, 6, b, 0, taps, c, ldc, 1, 0); break;                                         \
      default: break;                                                                                                 \
    }                                                                                                                 \
  }

/*
 * One dot product in LANES independent partial sums (a vector's worth), the tail in the first lanes, then a
 * fixed pairwise reduction: the same operations for every element, whatever the caller's blocking.
 */
#define DEFINE_DOT(NAME, T, LANES)                                                                                    \
  static T NAME##_one(int64_t k, const T *a, const T *b) {                                                            \
    T acc[LANES] = {0};                                                                                               \
    int64_t p = 0;                                                                                                    \
    for (; p + LANES <= k; p += LANES)                                                                                \
      for (int l = 0; l < LANES; l++) acc[l] += a[p + l] * b[p + l];                                                  \
    for (int l = 0; p + l < k; l++) acc[l] += a[p + l] * b[p + l];                                                    \
    for (int w = LANES / 2; w > 0; w /= 2)                                                                            \
      for (int l = 0; l < w; l++) acc[l] += acc[l + w];                                                               \
    return acc[0];                                                                                                    \
  }                                                                                                                   \
  static void NAME(int64_t m, int64_t n, int64_t k, const T *a, int64_t lda, const T *b, int64_t ldb, T *c,           \
                   int64_t rsc, int64_t csc, T alpha, T beta) {                                                       \
    for (int64_t j = 0; j < n; j++)                                                                                   \
      for (int64_t i = 0; i < m; i++) {                                                                               \
        T s = NAME##_one(k, a + i * lda, b + j * ldb), *out = c + i * rsc + j * csc;                                  \
        *out = beta != 0 ? alpha * s + beta * *out : alpha * s;                                                       \
      }                                                                                                               \
  }

DEFINE_TILE(s_tile, float, v4sf, 4, load4, splat4)
DEFINE_TILE(d_tile, double, v2df, 2, load2, splat2)
DEFINE_DOT(s_dot, float, 8)
DEFINE_DOT(d_dot, double, 4)
KD_DEFINE_GENERIC_PACK(s_pack, float)
KD_DEFINE_GENERIC_PACK(d_pack, double)

static const kd_gemm_kernels kd_gemm_portable = {
    .isa = "portable",
    .s = {.mr = PMR, .nr = 8, .kc = 256, .mc = 510, .nc = 256, .direct_a = 2, .direct_at = 2},
    .d = {.mr = PMR, .nr = 4, .kc = 256, .mc = 258, .nc = 128, .direct_a = 2, .direct_at = 2},
    KD_GEMM_FUNCTIONS,
};

#endif
