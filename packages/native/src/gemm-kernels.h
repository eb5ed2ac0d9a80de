/*
 * The contract between the GEMM driver (gemm.c) and its per-ISA micro-kernels (gemm-avx512.c, gemm-avx2.c,
 * gemm-portable.h). The driver packs, blocks and threads; a kernel family only multiplies small, well-shaped
 * pieces. Every kernel of a family computes each C element with the same sequence of operations, whichever
 * variant (full tile, edge tile, row count) handles it: that is what keeps results independent of how the driver
 * cuts C among threads.
 */
#ifndef KINDLING_GEMM_KERNELS_H
#define KINDLING_GEMM_KERNELS_H

#include <stdint.h>

/*
 * Register tile: C[0..m) x [0..n) (m <= mr, n <= nr) = alpha * sum_p a[p*m + i] * b[p*ldb + j] + beta * C, the sum
 * over p in increasing order, one multiply-add per p (fused where the target has FMA). `a` is a packed panel of m rows
 * (interleaved, m values per p); `b` holds nr readable values per p (a packed, zero-padded panel, or rows of
 * the caller's B when ldb is B's own stride). beta == 0 stores without reading C.
 */
typedef void (*kd_stile_fn)(int64_t m, int64_t n, int64_t k, const float *a, const float *b, int64_t ldb, float *c,
                            int64_t ldc, float alpha, float beta);
typedef void (*kd_dtile_fn)(int64_t m, int64_t n, int64_t k, const double *a, const double *b, int64_t ldb, double *c,
                            int64_t ldc, double alpha, double beta);

/*
 * The same tile over the caller's A in place: op(A)'s element (i, p) at a[i*ars + p*acs], one of the strides 1.
 * Each C element sees the operations the packed tile gives it, so the driver may use either (same bits).
 */
typedef void (*kd_stile_direct_fn)(int64_t m, int64_t n, int64_t k, const float *a, int64_t ars, int64_t acs,
                                   const float *b, int64_t ldb, float *c, int64_t ldc, float alpha, float beta);
typedef void (*kd_dtile_direct_fn)(int64_t m, int64_t n, int64_t k, const double *a, int64_t ars, int64_t acs,
                                   const double *b, int64_t ldb, double *c, int64_t ldc, double alpha, double beta);

/*
 * The packed tile (alpha 1, beta 0) with B's row p at b + taps[p] rather than at a fixed stride: a direct
 * convolution, whose rows of B are the input's rows under each kernel tap. Each row holds nr readable values.
 * Every C element sees the operations the tile gives it over the same rows (the same bits).
 */
typedef void (*kd_stile_taps_fn)(int64_t m, int64_t n, int64_t k, const float *a, const float *b, const int64_t *taps,
                                 float *c, int64_t ldc);
typedef void (*kd_dtile_taps_fn)(int64_t m, int64_t n, int64_t k, const double *a, const double *b,
                                 const int64_t *taps, double *c, int64_t ldc);

/*
 * Dot products of contiguous rows: for i < m (m <= KD_DOT_MAX_M) and j < n,
 * c[i*rsc + j*csc] = alpha * dot(a + i*lda, b + j*ldb, k) + beta * c[...], beta == 0 not reading c. For the
 * skinny products (matrix-vector and friends) whose long operand is best read once, in place.
 */
#define KD_DOT_MAX_M 4
typedef void (*kd_sdot_fn)(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                           float *c, int64_t rsc, int64_t csc, float alpha, float beta);
typedef void (*kd_ddot_fn)(int64_t m, int64_t n, int64_t k, const double *a, int64_t lda, const double *b, int64_t ldb,
                           double *c, int64_t rsc, int64_t csc, double alpha, double beta);

/*
 * Packing: lays the k x n piece of a matrix whose element (p, j) is at src[p*rs + j*cs] out as panels of W
 * columns, panel q (columns qW..qW+W-1) at dst + q*W*k as [p][j]. A last panel of w < W columns is zero-filled
 * to W columns when `pad`, else laid out w wide. Either stride may be 1 (copies, or transposes) or neither.
 */
typedef void (*kd_spack_fn)(float *restrict dst, const float *restrict src, int64_t rs, int64_t cs, int64_t k,
                            int64_t n, int64_t W, int pad);
typedef void (*kd_dpack_fn)(double *restrict dst, const double *restrict src, int64_t rs, int64_t cs, int64_t k,
                            int64_t n, int64_t W, int pad);

/*
 * Register tile mr x nr and cache blocks (kc: depth of a packed panel; mc x kc of A and kc x nc of B per block).
 * direct_a: a block at most this many column panels wide reads op(A) where it is instead of packing it (each strip
 * of A then meets so few panels that packing it costs more than it saves); direct_at, the same when A is transposed
 * (a tile then reads a new row of A at each step). Measured per family, in gemm.c.
 */
typedef struct {
  int mr, nr, kc, mc, nc, direct_a, direct_at;
} kd_gemm_blocking;

typedef struct {
  const char *isa;
  kd_gemm_blocking s, d;
  kd_stile_fn stile;
  kd_dtile_fn dtile;
  kd_stile_direct_fn stile_direct;
  kd_dtile_direct_fn dtile_direct;
  kd_stile_taps_fn stile_taps;
  kd_dtile_taps_fn dtile_taps;
  kd_sdot_fn sdot;
  kd_ddot_fn ddot;
  kd_spack_fn spack;
  kd_dpack_fn dpack;
} kd_gemm_kernels;

/*
 * The functions of a family's table: every family names them s_tile, d_tile, s_tile_direct, d_tile_direct,
 * s_tile_taps, d_tile_taps, s_dot, d_dot, s_pack and d_pack.
 */
#define KD_GEMM_FUNCTIONS                                                                                           \
  .stile = s_tile, .dtile = d_tile, .stile_direct = s_tile_direct, .dtile_direct = d_tile_direct,                 \
  .stile_taps = s_tile_taps, .dtile_taps = d_tile_taps, .sdot = s_dot, .ddot = d_dot, .spack = s_pack, .dpack = d_pack

/* The portable family is gemm-portable.h, part of gemm.c. */
#ifndef KD_NO_X86
extern const kd_gemm_kernels kd_gemm_avx2;
extern const kd_gemm_kernels kd_gemm_avx512;
#endif

#endif
