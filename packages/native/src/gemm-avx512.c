/*
 * AVX-512F micro-kernels for GEMM. float32: 14 x 32 register tile (28 zmm accumulators, two zmm of B per step,
 * A broadcast straight from memory), float64: 14 x 16 on the same plan. Edge columns use masked loads and
 * stores; edge rows are the same code compiled for fewer rows, so every C element sees the same operations.
 */
#ifndef KD_NO_X86
#include "gemm-kernels.h"
#include "gemm-pack.h"

#include <immintrin.h>

#define MR 14
/* How many rows ahead (blocks of 16 steps ahead, when transposing) the packers prefetch their source. */
#define PACK_AHEAD 4
/* How many steps of k ahead the tiles prefetch B. */
#define TILE_AHEAD 8
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* Lanes [0, n) of a 16-lane (float) or 8-lane (double) vector, n clamped to [0, lanes]. */
static __mmask16 mask16(int64_t n) { return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? 0 : (__mmask16)((1u << n) - 1); }
static __mmask8 mask8(int64_t n) { return n >= 8 ? (__mmask8)0xFF : n <= 0 ? 0 : (__mmask8)((1u << n) - 1); }

/* ---- float32 ---- */

/* acc * alpha + beta * C, into C; beta == 0 never reads C. */
ALWAYS_INLINE void s_store(float *c, __mmask16 k, __m512 acc, __m512 alpha, __m512 beta, int read) {
  __m512 v = read ? _mm512_fmadd_ps(alpha, acc, _mm512_mul_ps(beta, _mm512_maskz_loadu_ps(k, c)))
                  : _mm512_mul_ps(alpha, acc);
  _mm512_mask_storeu_ps(c, k, v);
}

/* The tile for a compile-time row count m: the accumulators stay in registers only when m is a constant. */
ALWAYS_INLINE void s_tile_rows(const int m, int64_t n, int64_t k, const float *a, const float *b, int64_t ldb, float *c,
                               int64_t ldc, float alpha, float beta) {
  __m512 c0[MR], c1[MR];
#pragma GCC unroll 16
  for (int i = 0; i < m; i++) {
    c0[i] = c1[i] = _mm512_setzero_ps();
    /* C is touched only after the k loop: start bringing in its row now (three lines when unaligned). */
    _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + i * ldc + 16), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + i * ldc + 31), _MM_HINT_T0);
  }
#pragma GCC unroll 2
  for (int64_t p = 0; p < k; p++) {
    /* B may be the caller's own rows, far apart (the few-rows path): fetch ahead. Free when it is packed. */
    _mm_prefetch((const char *)(b + TILE_AHEAD * ldb), _MM_HINT_T0);
    _mm_prefetch((const char *)(b + TILE_AHEAD * ldb + 31), _MM_HINT_T0);
    __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 16
    for (int i = 0; i < m; i++) {
      __m512 ai = _mm512_set1_ps(a[i]);
      c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
      c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
    }
    a += m;
    b += ldb;
  }
  __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  __mmask16 k0 = mask16(n), k1 = mask16(n - 16);
  int read = beta != 0;
#pragma GCC unroll 16
  for (int i = 0; i < m; i++) {
    s_store(c + i * ldc, k0, c0[i], va, vb, read);
    s_store(c + i * ldc + 16, k1, c1[i], va, vb, read);
  }
}

static void s_tile(int64_t m, int64_t n, int64_t k, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                   float alpha, float beta) {
  switch (m) {
#define ROWS(r) \
  case r: s_tile_rows(r, n, k, a, b, ldb, c, ldc, alpha, beta); break;
    ROWS(1) ROWS(2) ROWS(3) ROWS(4) ROWS(5) ROWS(6) ROWS(7) ROWS(8) ROWS(9) ROWS(10) ROWS(11) ROWS(12) ROWS(13) ROWS(14)
#undef ROWS
    default: break;
  }
}

/*
 * Dot products for a compile-time block of mb rows of a and nb rows of b: 16 lanes of partial sums per pair,
 * the tail of k through masked (zero-filling) loads, then a fixed reduction tree.
 */
ALWAYS_INLINE void s_dot_block(const int mb, const int nb, int64_t k, const float *a, int64_t lda, const float *b,
                               int64_t ldb, float *c, int64_t rsc, int64_t csc, float alpha, float beta) {
  __m512 acc[KD_DOT_MAX_M][4];
#pragma GCC unroll 4
  for (int i = 0; i < mb; i++)
#pragma GCC unroll 4
    for (int j = 0; j < nb; j++) acc[i][j] = _mm512_setzero_ps();
  for (int64_t p = 0; p < k; p += 16) {
    __mmask16 km = mask16(k - p);
    __m512 bv[4], av[KD_DOT_MAX_M];
#pragma GCC unroll 4
    for (int j = 0; j < nb; j++) bv[j] = _mm512_maskz_loadu_ps(km, b + j * ldb + p);
#pragma GCC unroll 4
    for (int i = 0; i < mb; i++) av[i] = _mm512_maskz_loadu_ps(km, a + i * lda + p);
#pragma GCC unroll 4
    for (int i = 0; i < mb; i++)
#pragma GCC unroll 4
      for (int j = 0; j < nb; j++) acc[i][j] = _mm512_fmadd_ps(av[i], bv[j], acc[i][j]);
  }
#pragma GCC unroll 4
  for (int i = 0; i < mb; i++)
#pragma GCC unroll 4
    for (int j = 0; j < nb; j++) {
      float *out = c + i * rsc + j * csc;
      float s = _mm512_reduce_add_ps(acc[i][j]);
      *out = beta != 0 ? __builtin_fmaf(alpha, s, beta * *out) : alpha * s;
    }
}

/* One block of up to 4 rows of a against all n rows of b, four at a time. */
ALWAYS_INLINE void s_dot_rows(const int mb, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
                              int64_t ldb, float *c, int64_t rsc, int64_t csc, float alpha, float beta) {
  int64_t j = 0;
  for (; j + 4 <= n; j += 4) s_dot_block(mb, 4, k, a, lda, b + j * ldb, ldb, c + j * csc, rsc, csc, alpha, beta);
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

ALWAYS_INLINE void d_store(double *c, __mmask8 k, __m512d acc, __m512d alpha, __m512d beta, int read) {
  __m512d v = read ? _mm512_fmadd_pd(alpha, acc, _mm512_mul_pd(beta, _mm512_maskz_loadu_pd(k, c)))
                   : _mm512_mul_pd(alpha, acc);
  _mm512_mask_storeu_pd(c, k, v);
}

ALWAYS_INLINE void d_tile_rows(const int m, int64_t n, int64_t k, const double *a, const double *b, int64_t ldb,
                               double *c, int64_t ldc, double alpha, double beta) {
  __m512d c0[MR], c1[MR];
#pragma GCC unroll 16
  for (int i = 0; i < m; i++) {
    c0[i] = c1[i] = _mm512_setzero_pd();
    _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + i * ldc + 15), _MM_HINT_T0);
  }
#pragma GCC unroll 2
  for (int64_t p = 0; p < k; p++) {
    _mm_prefetch((const char *)(b + TILE_AHEAD * ldb), _MM_HINT_T0);
    _mm_prefetch((const char *)(b + TILE_AHEAD * ldb + 15), _MM_HINT_T0);
    __m512d b0 = _mm512_loadu_pd(b), b1 = _mm512_loadu_pd(b + 8);
#pragma GCC unroll 16
    for (int i = 0; i < m; i++) {
      __m512d ai = _mm512_set1_pd(a[i]);
      c0[i] = _mm512_fmadd_pd(ai, b0, c0[i]);
      c1[i] = _mm512_fmadd_pd(ai, b1, c1[i]);
    }
    a += m;
    b += ldb;
  }
  __m512d va = _mm512_set1_pd(alpha), vb = _mm512_set1_pd(beta);
  __mmask8 k0 = mask8(n), k1 = mask8(n - 8);
  int read = beta != 0;
#pragma GCC unroll 16
  for (int i = 0; i < m; i++) {
    d_store(c + i * ldc, k0, c0[i], va, vb, read);
    d_store(c + i * ldc + 8, k1, c1[i], va, vb, read);
  }
}

static void d_tile(int64_t m, int64_t n, int64_t k, const double *a, const double *b, int64_t ldb, double *c,
                   int64_t ldc, double alpha, double beta) {
  switch (m) {
#define ROWS(r) \
  case r: d_tile_rows(r, n, k, a, b, ldb, c, ldc, alpha, beta); break;
    ROWS(1) ROWS(2) ROWS(3) ROWS(4) ROWS(5) ROWS(6) ROWS(7) ROWS(8) ROWS(9) ROWS(10) ROWS(11) ROWS(12) ROWS(13) ROWS(14)
#undef ROWS
    default: break;
  }
}

ALWAYS_INLINE void d_dot_block(const int mb, const int nb, int64_t k, const double *a, int64_t lda, const double *b,
                               int64_t ldb, double *c, int64_t rsc, int64_t csc, double alpha, double beta) {
  __m512d acc[KD_DOT_MAX_M][4];
#pragma GCC unroll 4
  for (int i = 0; i < mb; i++)
#pragma GCC unroll 4
    for (int j = 0; j < nb; j++) acc[i][j] = _mm512_setzero_pd();
  for (int64_t p = 0; p < k; p += 8) {
    __mmask8 km = mask8(k - p);
    __m512d bv[4], av[KD_DOT_MAX_M];
#pragma GCC unroll 4
    for (int j = 0; j < nb; j++) bv[j] = _mm512_maskz_loadu_pd(km, b + j * ldb + p);
#pragma GCC unroll 4
    for (int i = 0; i < mb; i++) av[i] = _mm512_maskz_loadu_pd(km, a + i * lda + p);
#pragma GCC unroll 4
    for (int i = 0; i < mb; i++)
#pragma GCC unroll 4
      for (int j = 0; j < nb; j++) acc[i][j] = _mm512_fmadd_pd(av[i], bv[j], acc[i][j]);
  }
#pragma GCC unroll 4
  for (int i = 0; i < mb; i++)
#pragma GCC unroll 4
    for (int j = 0; j < nb; j++) {
      double *out = c + i * rsc + j * csc;
      double s = _mm512_reduce_add_pd(acc[i][j]);
      *out = beta != 0 ? __builtin_fma(alpha, s, beta * *out) : alpha * s;
    }
}

ALWAYS_INLINE void d_dot_rows(const int mb, int64_t n, int64_t k, const double *a, int64_t lda, const double *b,
                              int64_t ldb, double *c, int64_t rsc, int64_t csc, double alpha, double beta) {
  int64_t j = 0;
  for (; j + 4 <= n; j += 4) d_dot_block(mb, 4, k, a, lda, b + j * ldb, ldb, c + j * csc, rsc, csc, alpha, beta);
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

/* Transposes 16 rows of 16 floats in registers (r[i] lane j becomes r[j] lane i). */
static inline void s_transpose16(__m512 r[16]) {
  __m512 t[16];
#pragma GCC unroll 16
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  /* r[4g + c], 128-bit lane L: column 4L + c of rows 4g..4g+3. */
#pragma GCC unroll 4
  for (int g = 0; g < 16; g += 4) {
    r[g] = _mm512_shuffle_ps(t[g], t[g + 2], 0x44);
    r[g + 1] = _mm512_shuffle_ps(t[g], t[g + 2], 0xEE);
    r[g + 2] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0x44);
    r[g + 3] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0xEE);
  }
  /* Gather lane L of the four groups into row 4L + c. */
#pragma GCC unroll 4
  for (int c = 0; c < 4; c++) {
    __m512 x0 = _mm512_shuffle_f32x4(r[c], r[4 + c], 0x88), x1 = _mm512_shuffle_f32x4(r[c], r[4 + c], 0xDD);
    __m512 x2 = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0x88), x3 = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0xDD);
    t[c] = _mm512_shuffle_f32x4(x0, x2, 0x88);
    t[8 + c] = _mm512_shuffle_f32x4(x0, x2, 0xDD);
    t[4 + c] = _mm512_shuffle_f32x4(x1, x3, 0x88);
    t[12 + c] = _mm512_shuffle_f32x4(x1, x3, 0xDD);
  }
#pragma GCC unroll 16
  for (int i = 0; i < 16; i++) r[i] = t[i];
}

/* Transposes 8 rows of 8 doubles in registers. */
static inline void d_transpose8(__m512d r[8]) {
  __m512d t[8], u[8];
#pragma GCC unroll 8
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm512_unpacklo_pd(r[i], r[i + 1]);     /* 128-bit lane L: columns 2L of rows i, i+1 */
    t[i + 1] = _mm512_unpackhi_pd(r[i], r[i + 1]); /* columns 2L + 1 */
  }
#pragma GCC unroll 2
  for (int i = 0; i < 8; i += 4)
#pragma GCC unroll 2
    for (int h = 0; h < 2; h++) {
      u[i + h] = _mm512_shuffle_f64x2(t[i + h], t[i + 2 + h], 0x88);     /* columns h, h+4 of rows i..i+3 */
      u[i + 2 + h] = _mm512_shuffle_f64x2(t[i + h], t[i + 2 + h], 0xDD); /* columns h+2, h+6 */
    }
#pragma GCC unroll 4
  for (int c = 0; c < 4; c++) {
    r[c] = _mm512_shuffle_f64x2(u[c], u[4 + c], 0x88);
    r[c + 4] = _mm512_shuffle_f64x2(u[c], u[4 + c], 0xDD);
  }
}

/*
 * One panel from source rows contiguous along p: dst[p*W + j] = src[j*cs + p], zero for w <= j < W. Blocks of
 * 16 rows x 16 steps are transposed in registers; rows past w read as zeros; masks cut the last block of p
 * and of columns.
 */
static void s_pack_transposed(float *restrict dst, const float *restrict src, int64_t cs, int64_t k, int64_t w,
                              int64_t W) {
  for (int64_t j0 = 0; j0 < W; j0 += 16) {
    int64_t rows = w - j0 < 0 ? 0 : w - j0 < 16 ? w - j0 : 16;
    __mmask16 lanes = mask16(W - j0);
    for (int64_t p0 = 0; p0 < k; p0 += 16) {
      int64_t steps = k - p0 < 16 ? k - p0 : 16;
      __mmask16 along = mask16(steps);
      __m512 r[16];
      for (int q = 0; q < rows; q++)
        _mm_prefetch((const char *)(src + (j0 + q) * cs + p0 + 16 * PACK_AHEAD), _MM_HINT_T0);
#pragma GCC unroll 16
      for (int q = 0; q < 16; q++)
        r[q] = q < rows ? _mm512_maskz_loadu_ps(along, src + (j0 + q) * cs + p0) : _mm512_setzero_ps();
      s_transpose16(r);
      for (int q = 0; q < steps; q++) _mm512_mask_storeu_ps(dst + (p0 + q) * W + j0, lanes, r[q]);
    }
  }
}

static void d_pack_transposed(double *restrict dst, const double *restrict src, int64_t cs, int64_t k, int64_t w,
                              int64_t W) {
  for (int64_t j0 = 0; j0 < W; j0 += 8) {
    int64_t rows = w - j0 < 0 ? 0 : w - j0 < 8 ? w - j0 : 8;
    __mmask8 lanes = mask8(W - j0);
    for (int64_t p0 = 0; p0 < k; p0 += 8) {
      int64_t steps = k - p0 < 8 ? k - p0 : 8;
      __mmask8 along = mask8(steps);
      __m512d r[8];
      for (int q = 0; q < rows; q++)
        _mm_prefetch((const char *)(src + (j0 + q) * cs + p0 + 8 * PACK_AHEAD), _MM_HINT_T0);
#pragma GCC unroll 8
      for (int q = 0; q < 8; q++)
        r[q] = q < rows ? _mm512_maskz_loadu_pd(along, src + (j0 + q) * cs + p0) : _mm512_setzero_pd();
      d_transpose8(r);
      for (int q = 0; q < steps; q++) _mm512_mask_storeu_pd(dst + (p0 + q) * W + j0, lanes, r[q]);
    }
  }
}

/* Source rows contiguous along j: walk them in order, each scattered across the panels by masked copies. */
static void s_pack_rows(float *restrict dst, const float *restrict src, int64_t rs, int64_t k, int64_t n, int64_t W,
                        int pad) {
  for (int64_t p = 0; p < k; p++) {
    /* Rows far apart in memory each start a new stream the hardware prefetcher is slow to pick up: fetch ahead. */
    if (p + PACK_AHEAD < k)
      for (int64_t j = 0; j < n; j += 16) _mm_prefetch((const char *)(src + (p + PACK_AHEAD) * rs + j), _MM_HINT_T0);
    for (int64_t j0 = 0; j0 < n; j0 += W) {
      int64_t width = kd_panel_width(j0, n, W, pad);
      const float *s = src + p * rs + j0;
      float *d = dst + j0 * k + p * width;
      for (int64_t j = 0; j < width; j += 16)
        _mm512_mask_storeu_ps(d + j, mask16(width - j), _mm512_maskz_loadu_ps(mask16(n - j0 - j), s + j));
    }
  }
}

static void d_pack_rows(double *restrict dst, const double *restrict src, int64_t rs, int64_t k, int64_t n, int64_t W,
                        int pad) {
  for (int64_t p = 0; p < k; p++) {
    if (p + PACK_AHEAD < k)
      for (int64_t j = 0; j < n; j += 8) _mm_prefetch((const char *)(src + (p + PACK_AHEAD) * rs + j), _MM_HINT_T0);
    for (int64_t j0 = 0; j0 < n; j0 += W) {
      int64_t width = kd_panel_width(j0, n, W, pad);
      const double *s = src + p * rs + j0;
      double *d = dst + j0 * k + p * width;
      for (int64_t j = 0; j < width; j += 8)
        _mm512_mask_storeu_pd(d + j, mask8(width - j), _mm512_maskz_loadu_pd(mask8(n - j0 - j), s + j));
    }
  }
}

static void s_pack(float *restrict dst, const float *restrict src, int64_t rs, int64_t cs, int64_t k, int64_t n,
                   int64_t W, int pad) {
  if (cs == 1) {
    s_pack_rows(dst, src, rs, k, n, W, pad);
  } else if (rs == 1) {
    for (int64_t j0 = 0; j0 < n; j0 += W)
      s_pack_transposed(dst + j0 * k, src + j0 * cs, cs, k, n - j0 < W ? n - j0 : W, kd_panel_width(j0, n, W, pad));
  } else {
    s_pack_generic(dst, src, rs, cs, k, n, W, pad);
  }
}

static void d_pack(double *restrict dst, const double *restrict src, int64_t rs, int64_t cs, int64_t k, int64_t n,
                   int64_t W, int pad) {
  if (cs == 1) {
    d_pack_rows(dst, src, rs, k, n, W, pad);
  } else if (rs == 1) {
    for (int64_t j0 = 0; j0 < n; j0 += W)
      d_pack_transposed(dst + j0 * k, src + j0 * cs, cs, k, n - j0 < W ? n - j0 : W, kd_panel_width(j0, n, W, pad));
  } else {
    d_pack_generic(dst, src, rs, cs, k, n, W, pad);
  }
}

const kd_gemm_kernels kd_gemm_avx512 = {
    .isa = "avx512",
    .s = {.mr = MR, .nr = 32, .kc = 256, .mc = 1008, .nc = 512},
    .d = {.mr = MR, .nr = 16, .kc = 256, .mc = 504, .nc = 256},
    .stile = s_tile,
    .dtile = d_tile,
    .sdot = s_dot,
    .ddot = d_dot,
    .spack = s_pack,
    .dpack = d_pack,
};

#endif
