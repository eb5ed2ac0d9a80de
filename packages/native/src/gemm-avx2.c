/*
 * AVX2 + FMA micro-kernels for GEMM. float32: 6 x 16 register tile (12 ymm accumulators, two ymm of B per step,
 * one broadcast of A), float64: 6 x 8 on the same plan: 15 of the 16 ymm registers. Edge columns go through
 * masked loads and stores; edge rows are the same code compiled for fewer rows.
 */
#ifndef KD_NO_X86
#include "gemm-kernels.h"
#include "gemm-pack.h"

#include <immintrin.h>

#define MR 6
/* How many steps of k ahead the tiles prefetch B. */
#define TILE_AHEAD 8
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* A vmaskmov mask of lanes [0, n) of `lanes` (8 floats or 4 doubles: the same 32-bit lanes, paired). */
static __m256i lane_mask(int64_t n, int lanes) {
  static const int32_t ramp[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  int64_t clamped = n < 0 ? 0 : n > lanes ? lanes : n;
  int32_t limit = (int32_t)(clamped * (8 / lanes));
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(limit), _mm256_loadu_si256((const __m256i *)ramp));
}

/* ---- float32 ---- */

ALWAYS_INLINE void s_store(float *c, __m256i k, int full, __m256 acc, __m256 alpha, __m256 beta, int read) {
  __m256 old = read ? (full ? _mm256_loadu_ps(c) : _mm256_maskload_ps(c, k)) : _mm256_setzero_ps();
  __m256 v = read ? _mm256_fmadd_ps(alpha, acc, _mm256_mul_ps(beta, old)) : _mm256_mul_ps(alpha, acc);
  if (full)
    _mm256_storeu_ps(c, v);
  else
    _mm256_maskstore_ps(c, k, v);
}

ALWAYS_INLINE void s_tile_rows(const int m, int64_t n, int64_t k, const float *a, const float *b, int64_t ldb, float *c,
                               int64_t ldc, float alpha, float beta) {
  __m256 c0[MR], c1[MR];
#pragma GCC unroll 8
  for (int i = 0; i < m; i++) c0[i] = c1[i] = _mm256_setzero_ps();
#pragma GCC unroll 2
  for (int64_t p = 0; p < k; p++) {
    /* B may be the caller's own rows, far apart (the few-rows path): fetch ahead. Free when it is packed. */
    _mm_prefetch((const char *)(b + TILE_AHEAD * ldb), _MM_HINT_T0);
    _mm_prefetch((const char *)(b + TILE_AHEAD * ldb + 15), _MM_HINT_T0);
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 8
    for (int i = 0; i < m; i++) {
      __m256 ai = _mm256_broadcast_ss(a + i);
      c0[i] = _mm256_fmadd_ps(ai, b0, c0[i]);
      c1[i] = _mm256_fmadd_ps(ai, b1, c1[i]);
    }
    a += m;
    b += ldb;
  }
  __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  __m256i k0 = lane_mask(n, 8), k1 = lane_mask(n - 8, 8);
  int full0 = n >= 8, full1 = n >= 16, read = beta != 0;
#pragma GCC unroll 8
  for (int i = 0; i < m; i++) {
    s_store(c + i * ldc, k0, full0, c0[i], va, vb, read);
    if (n > 8) s_store(c + i * ldc + 8, k1, full1, c1[i], va, vb, read);
  }
}

static void s_tile(int64_t m, int64_t n, int64_t k, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                   float alpha, float beta) {
  switch (m) {
#define ROWS(r) \
  case r: s_tile_rows(r, n, k, a, b, ldb, c, ldc, alpha, beta); break;
    ROWS(1) ROWS(2) ROWS(3) ROWS(4) ROWS(5) ROWS(6)
#undef ROWS
    default: break;
  }
}

/* Horizontal sum of 8 lanes in a fixed order. */
static inline float s_hsum(__m256 v) {
  __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  x = _mm_add_ss(x, _mm_movehdup_ps(x));
  return _mm_cvtss_f32(x);
}

ALWAYS_INLINE void s_dot_block(const int mb, const int nb, int64_t k, const float *a, int64_t lda, const float *b,
                               int64_t ldb, float *c, int64_t rsc, int64_t csc, float alpha, float beta) {
  __m256 acc[KD_DOT_MAX_M][3];
#pragma GCC unroll 4
  for (int i = 0; i < mb; i++)
#pragma GCC unroll 3
    for (int j = 0; j < nb; j++) acc[i][j] = _mm256_setzero_ps();
  int64_t p = 0;
  for (; p < k; p += 8) {
    __m256 bv[3], av[KD_DOT_MAX_M];
    if (p + 8 <= k) {
#pragma GCC unroll 3
      for (int j = 0; j < nb; j++) bv[j] = _mm256_loadu_ps(b + j * ldb + p);
#pragma GCC unroll 4
      for (int i = 0; i < mb; i++) av[i] = _mm256_loadu_ps(a + i * lda + p);
    } else {
      __m256i km = lane_mask(k - p, 8);
#pragma GCC unroll 3
      for (int j = 0; j < nb; j++) bv[j] = _mm256_maskload_ps(b + j * ldb + p, km);
#pragma GCC unroll 4
      for (int i = 0; i < mb; i++) av[i] = _mm256_maskload_ps(a + i * lda + p, km);
    }
#pragma GCC unroll 4
    for (int i = 0; i < mb; i++)
#pragma GCC unroll 3
      for (int j = 0; j < nb; j++) acc[i][j] = _mm256_fmadd_ps(av[i], bv[j], acc[i][j]);
  }
#pragma GCC unroll 4
  for (int i = 0; i < mb; i++)
#pragma GCC unroll 3
    for (int j = 0; j < nb; j++) {
      float *out = c + i * rsc + j * csc, s = s_hsum(acc[i][j]);
      *out = beta != 0 ? __builtin_fmaf(alpha, s, beta * *out) : alpha * s;
    }
}

/* Up to 4 rows of a against all n rows of b, three at a time (4 x 3 accumulators + 7 loads fit 16 registers). */
ALWAYS_INLINE void s_dot_rows(const int mb, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
                              int64_t ldb, float *c, int64_t rsc, int64_t csc, float alpha, float beta) {
  int64_t j = 0;
  for (; j + 3 <= n; j += 3) s_dot_block(mb, 3, k, a, lda, b + j * ldb, ldb, c + j * csc, rsc, csc, alpha, beta);
  for (; j < n; j++) s_dot_block(mb, 1, k, a, lda, b + j * ldb, ldb, c + j * csc, rsc, csc, alpha, beta);
}

static void s_dot(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb, float *c,
                  int64_t rsc, int64_t csc, float alpha, float beta) {
  switch (m) {
    case 1: s_dot_rows(1, n, k, a, lda, b, ldb, c, rsc, csc, alpha, beta); break;
    case 2: s_dot_rows(2, n, k, a, lda, b, ldb, c, rsc, csc, alpha, beta); break;
    case 3: s_dot_rows(3, n, k, a, lda, b, ldb, c, rsc, csc, alpha, beta); break;
    case 4: s_dot_rows(4, n, k, a, lda, b, ldb, c, rsc, csc, alpha, beta); break;
    default: break;
  }
}

/* ---- float64 ---- */

ALWAYS_INLINE void d_store(double *c, __m256i k, int full, __m256d acc, __m256d alpha, __m256d beta, int read) {
  __m256d old = read ? (full ? _mm256_loadu_pd(c) : _mm256_maskload_pd(c, k)) : _mm256_setzero_pd();
  __m256d v = read ? _mm256_fmadd_pd(alpha, acc, _mm256_mul_pd(beta, old)) : _mm256_mul_pd(alpha, acc);
  if (full)
    _mm256_storeu_pd(c, v);
  else
    _mm256_maskstore_pd(c, k, v);
}

ALWAYS_INLINE void d_tile_rows(const int m, int64_t n, int64_t k, const double *a, const double *b, int64_t ldb,
                               double *c, int64_t ldc, double alpha, double beta) {
  __m256d c0[MR], c1[MR];
#pragma GCC unroll 8
  for (int i = 0; i < m; i++) c0[i] = c1[i] = _mm256_setzero_pd();
#pragma GCC unroll 2
  for (int64_t p = 0; p < k; p++) {
    _mm_prefetch((const char *)(b + TILE_AHEAD * ldb), _MM_HINT_T0);
    _mm_prefetch((const char *)(b + TILE_AHEAD * ldb + 7), _MM_HINT_T0);
    __m256d b0 = _mm256_loadu_pd(b), b1 = _mm256_loadu_pd(b + 4);
#pragma GCC unroll 8
    for (int i = 0; i < m; i++) {
      __m256d ai = _mm256_broadcast_sd(a + i);
      c0[i] = _mm256_fmadd_pd(ai, b0, c0[i]);
      c1[i] = _mm256_fmadd_pd(ai, b1, c1[i]);
    }
    a += m;
    b += ldb;
  }
  __m256d va = _mm256_set1_pd(alpha), vb = _mm256_set1_pd(beta);
  __m256i k0 = lane_mask(n, 4), k1 = lane_mask(n - 4, 4);
  int full0 = n >= 4, full1 = n >= 8, read = beta != 0;
#pragma GCC unroll 8
  for (int i = 0; i < m; i++) {
    d_store(c + i * ldc, k0, full0, c0[i], va, vb, read);
    if (n > 4) d_store(c + i * ldc + 4, k1, full1, c1[i], va, vb, read);
  }
}

static void d_tile(int64_t m, int64_t n, int64_t k, const double *a, const double *b, int64_t ldb, double *c,
                   int64_t ldc, double alpha, double beta) {
  switch (m) {
#define ROWS(r) \
  case r: d_tile_rows(r, n, k, a, b, ldb, c, ldc, alpha, beta); break;
    ROWS(1) ROWS(2) ROWS(3) ROWS(4) ROWS(5) ROWS(6)
#undef ROWS
    default: break;
  }
}

static inline double d_hsum(__m256d v) {
  __m128d x = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  x = _mm_add_sd(x, _mm_unpackhi_pd(x, x));
  return _mm_cvtsd_f64(x);
}

ALWAYS_INLINE void d_dot_block(const int mb, const int nb, int64_t k, const double *a, int64_t lda, const double *b,
                               int64_t ldb, double *c, int64_t rsc, int64_t csc, double alpha, double beta) {
  __m256d acc[KD_DOT_MAX_M][3];
#pragma GCC unroll 4
  for (int i = 0; i < mb; i++)
#pragma GCC unroll 3
    for (int j = 0; j < nb; j++) acc[i][j] = _mm256_setzero_pd();
  for (int64_t p = 0; p < k; p += 4) {
    __m256d bv[3], av[KD_DOT_MAX_M];
    if (p + 4 <= k) {
#pragma GCC unroll 3
      for (int j = 0; j < nb; j++) bv[j] = _mm256_loadu_pd(b + j * ldb + p);
#pragma GCC unroll 4
      for (int i = 0; i < mb; i++) av[i] = _mm256_loadu_pd(a + i * lda + p);
    } else {
      __m256i km = lane_mask(k - p, 4);
#pragma GCC unroll 3
      for (int j = 0; j < nb; j++) bv[j] = _mm256_maskload_pd(b + j * ldb + p, km);
#pragma GCC unroll 4
      for (int i = 0; i < mb; i++) av[i] = _mm256_maskload_pd(a + i * lda + p, km);
    }
#pragma GCC unroll 4
    for (int i = 0; i < mb; i++)
#pragma GCC unroll 3
      for (int j = 0; j < nb; j++) acc[i][j] = _mm256_fmadd_pd(av[i], bv[j], acc[i][j]);
  }
#pragma GCC unroll 4
  for (int i = 0; i < mb; i++)
#pragma GCC unroll 3
    for (int j = 0; j < nb; j++) {
      double *out = c + i * rsc + j * csc, s = d_hsum(acc[i][j]);
      *out = beta != 0 ? __builtin_fma(alpha, s, beta * *out) : alpha * s;
    }
}

ALWAYS_INLINE void d_dot_rows(const int mb, int64_t n, int64_t k, const double *a, int64_t lda, const double *b,
                              int64_t ldb, double *c, int64_t rsc, int64_t csc, double alpha, double beta) {
  int64_t j = 0;
  for (; j + 3 <= n; j += 3) d_dot_block(mb, 3, k, a, lda, b + j * ldb, ldb, c + j * csc, rsc, csc, alpha, beta);
  for (; j < n; j++) d_dot_block(mb, 1, k, a, lda, b + j * ldb, ldb, c + j * csc, rsc, csc, alpha, beta);
}

static void d_dot(int64_t m, int64_t n, int64_t k, const double *a, int64_t lda, const double *b, int64_t ldb,
                  double *c,
                  int64_t rsc, int64_t csc, double alpha, double beta) {
  switch (m) {
    case 1: d_dot_rows(1, n, k, a, lda, b, ldb, c, rsc, csc, alpha, beta); break;
    case 2: d_dot_rows(2, n, k, a, lda, b, ldb, c, rsc, csc, alpha, beta); break;
    case 3: d_dot_rows(3, n, k, a, lda, b, ldb, c, rsc, csc, alpha, beta); break;
    case 4: d_dot_rows(4, n, k, a, lda, b, ldb, c, rsc, csc, alpha, beta); break;
    default: break;
  }
}

/* ---- packing ---- */

KD_DEFINE_GENERIC_PACK(s_pack_generic, float)
KD_DEFINE_GENERIC_PACK(d_pack_generic, double)

/* Transposes 8 rows of 8 floats in registers. */
static inline void s_transpose8(__m256 r[8]) {
  __m256 t[8], u[8];
#pragma GCC unroll 8
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  /* u[4g + c], 128-bit half H: column 4H + c of rows 4g..4g+3. */
#pragma GCC unroll 2
  for (int g = 0; g < 8; g += 4) {
    u[g] = _mm256_shuffle_ps(t[g], t[g + 2], 0x44);
    u[g + 1] = _mm256_shuffle_ps(t[g], t[g + 2], 0xEE);
    u[g + 2] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0x44);
    u[g + 3] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0xEE);
  }
#pragma GCC unroll 4
  for (int c = 0; c < 4; c++) {
    r[c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x20);
    r[4 + c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x31);
  }
}

/* Transposes 4 rows of 4 doubles in registers. */
static inline void d_transpose4(__m256d r[4]) {
  __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
  __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
  r[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
  r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
  r[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
  r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

/* One panel from source rows contiguous along p: dst[p*W + j] = src[j*cs + p], zero for w <= j < W, in 8 x 8
   (4 x 4) blocks transposed in registers; rows past w read as zeros. */
static void s_pack_transposed(float *restrict dst, const float *restrict src, int64_t cs, int64_t k, int64_t w,
                              int64_t W) {
  for (int64_t j0 = 0; j0 < W; j0 += 8) {
    int64_t rows = w - j0 < 0 ? 0 : w - j0 < 8 ? w - j0 : 8;
    int full = W - j0 >= 8;
    __m256i lanes = lane_mask(W - j0, 8);
    for (int64_t p0 = 0; p0 < k; p0 += 8) {
      int64_t steps = k - p0 < 8 ? k - p0 : 8;
      __m256i along = lane_mask(steps, 8);
      __m256 r[8];
#pragma GCC unroll 8
      for (int q = 0; q < 8; q++)
        r[q] = q >= rows ? _mm256_setzero_ps()
               : steps == 8 ? _mm256_loadu_ps(src + (j0 + q) * cs + p0)
                            : _mm256_maskload_ps(src + (j0 + q) * cs + p0, along);
      s_transpose8(r);
      for (int q = 0; q < steps; q++) {
        if (full)
          _mm256_storeu_ps(dst + (p0 + q) * W + j0, r[q]);
        else
          _mm256_maskstore_ps(dst + (p0 + q) * W + j0, lanes, r[q]);
      }
    }
  }
}

static void d_pack_transposed(double *restrict dst, const double *restrict src, int64_t cs, int64_t k, int64_t w,
                              int64_t W) {
  for (int64_t j0 = 0; j0 < W; j0 += 4) {
    int64_t rows = w - j0 < 0 ? 0 : w - j0 < 4 ? w - j0 : 4;
    int full = W - j0 >= 4;
    __m256i lanes = lane_mask(W - j0, 4);
    for (int64_t p0 = 0; p0 < k; p0 += 4) {
      int64_t steps = k - p0 < 4 ? k - p0 : 4;
      __m256i along = lane_mask(steps, 4);
      __m256d r[4];
#pragma GCC unroll 4
      for (int q = 0; q < 4; q++)
        r[q] = q >= rows ? _mm256_setzero_pd()
               : steps == 4 ? _mm256_loadu_pd(src + (j0 + q) * cs + p0)
                            : _mm256_maskload_pd(src + (j0 + q) * cs + p0, along);
      d_transpose4(r);
      for (int q = 0; q < steps; q++) {
        if (full)
          _mm256_storeu_pd(dst + (p0 + q) * W + j0, r[q]);
        else
          _mm256_maskstore_pd(dst + (p0 + q) * W + j0, lanes, r[q]);
      }
    }
  }
}

/* Transposes go through registers; copies (and other strides) are the generic C, which vectorises well here. */
static void s_pack(float *restrict dst, const float *restrict src, int64_t rs, int64_t cs, int64_t k, int64_t n,
                   int64_t W, int pad) {
  if (rs == 1 && cs != 1) {
    for (int64_t j0 = 0; j0 < n; j0 += W)
      s_pack_transposed(dst + j0 * k, src + j0 * cs, cs, k, n - j0 < W ? n - j0 : W, kd_panel_width(j0, n, W, pad));
  } else {
    s_pack_generic(dst, src, rs, cs, k, n, W, pad);
  }
}

static void d_pack(double *restrict dst, const double *restrict src, int64_t rs, int64_t cs, int64_t k, int64_t n,
                   int64_t W, int pad) {
  if (rs == 1 && cs != 1) {
    for (int64_t j0 = 0; j0 < n; j0 += W)
      d_pack_transposed(dst + j0 * k, src + j0 * cs, cs, k, n - j0 < W ? n - j0 : W, kd_panel_width(j0, n, W, pad));
  } else {
    d_pack_generic(dst, src, rs, cs, k, n, W, pad);
  }
}

const kd_gemm_kernels kd_gemm_avx2 = {
    .isa = "avx2",
    .s = {.mr = MR, .nr = 16, .kc = 256, .mc = 516, .nc = 256},
    .d = {.mr = MR, .nr = 8, .kc = 256, .mc = 258, .nc = 128},
    .stile = s_tile,
    .dtile = d_tile,
    .sdot = s_dot,
    .ddot = d_dot,
    .spack = s_pack,
    .dpack = d_pack,
};

#endif
