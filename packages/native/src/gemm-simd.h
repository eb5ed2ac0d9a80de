/*
 * The x86 SIMD micro-kernels (tiles, dot products, packing), written once over a small set of vector operations.
 * Included by each per-ISA file (gemm-avx512.c, gemm-avx2.c: compiled with their own target flags); it defines the
 * s_ functions (float32), then includes itself again for the d_ ones (float64). The including file defines:
 *
 *   VOP(op, type)     the ISA's intrinsic for op on ps or pd: VOP(loadu, ps) is _mm512_loadu_ps or _mm256_loadu_ps
 *   VLOADM(p, k)      the lanes of p that mask k selects, the others zero; VSTOREM(p, k, v) stores those lanes only
 *   VHSUM(v)          the sum of v's lanes, in a fixed order
 *   s_mask, d_mask    the mask of lanes [0, n), n clamped to [0, lanes]
 *   s_across_lanes, d_across_lanes   the last step of a transpose in registers, across 128-bit lanes (below)
 *   MR, TILE_AHEAD    the tile's rows; how many steps of k ahead the tiles prefetch B
 *   DOT_NB            rows of b per block of dot products (register budget)
 *   CHEAP_MASKS       1 where a masked move costs what a plain one does (AVX-512), 0 where it costs more (AVX2):
 *                     then full vectors take plain moves, and contiguous rows are packed by the generic C
 *   PREFETCH_C        1 to prefetch a tile's rows of C while the k loop runs
 *   PACK_AHEAD        how many rows, or blocks of steps, ahead the packers prefetch their source (0: none)
 *
 * Edge columns go through masked moves and edge rows are the same code compiled for fewer rows, so every C element
 * sees the same operations whichever tile computes it.
 */
#include <immintrin.h>

#include "gemm-kernels.h"
#include "gemm-pack.h"

#ifndef SIMD_DOUBLE
#define SIMD_DOUBLE 0
#endif
#if SIMD_DOUBLE
#define T double
#define P(name) d_##name
#define V(op) VOP(op, pd)
#define FMA_SCALAR __builtin_fma
#else
#define T float
#define P(name) s_##name
#define V(op) VOP(op, ps)
#define FMA_SCALAR __builtin_fmaf
#endif
#define VEC __typeof__(V(setzero)())
#define MASK __typeof__(P(mask)(0))
#define LANES ((int)(sizeof(VEC) / sizeof(T)))
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* A vector from p: the lanes k selects, the others zero; `full` says k selects them all. */
ALWAYS_INLINE VEC P(load_part)(const T *p, MASK k, int full) {
  return !CHEAP_MASKS && full ? V(loadu)(p) : VLOADM(p, k);
}

ALWAYS_INLINE void P(store_part)(T *p, MASK k, int full, VEC v) {
  if (!CHEAP_MASKS && full)
    V(storeu)(p, v);
  else
    VSTOREM(p, k, v);
}

/* ---- tiles ---- */

/* acc * alpha + beta * C, into C; beta == 0 never reads C. */
ALWAYS_INLINE void P(store)(T *c, MASK k, int full, VEC acc, VEC alpha, VEC beta, int read) {
  VEC v = read ? V(fmadd)(alpha, acc, V(mul)(beta, P(load_part)(c, k, full))) : V(mul)(alpha, acc);
  P(store_part)(c, k, full, v);
}

/*
 * The tile for a compile-time row count m and width in vectors (1 or 2): the accumulators stay in registers only
 * when m is a constant, and a tile one vector wide does half the multiply-adds. op(A)'s element (i, p) is
 * a[i * ars + p * acs]: a packed panel (1, m), or the caller's A in place (lda, 1 or 1, lda). B's row p is at
 * b + p * ldb, or, given a table of taps, at b + taps[p] (a direct convolution's input rows).
 */
ALWAYS_INLINE void P(tile_rows)(const int m, const int vectors, int64_t n, int64_t k, const T *a, const int64_t ars,
                                const int64_t acs, const T *b, int64_t ldb, const int64_t *taps, T *c, int64_t ldc,
                                T alpha, T beta) {
  VEC c0[MR], c1[MR];
  /*
   * alpha and beta wait out the k loop in memory: they arrive in vector registers, and AVX2's 16 are exactly the
   * 6 x 16 tile's 12 accumulators, two vectors of B and a broadcast of A. Left in registers they made GCC keep an
   * accumulator on the stack, a store and reload in every step's dependency chain: the tile ran at 35-40% of the
   * FMA peak instead of 80% (1024^3 on a Zen 3 core). The empty asm hides their values from the optimiser.
   */
  T scale[2] = {alpha, beta};
  __asm__("" : "+m"(scale));
#pragma GCC unroll 16
  for (int i = 0; i < m; i++) {
    c0[i] = c1[i] = V(setzero)();
#if PREFETCH_C
    /* C is touched only after the k loop: start bringing in its row now (three lines when unaligned). */
    _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + i * ldc + LANES), _MM_HINT_T0);
    if (vectors == 2) _mm_prefetch((const char *)(c + i * ldc + 2 * LANES - 1), _MM_HINT_T0);
#endif
  }
#pragma GCC unroll 2
  for (int64_t p = 0; p < k; p++) {
    const T *bp = taps != NULL ? b + taps[p] : b;
    if (taps == NULL) {
      /* B may be the caller's own rows, far apart (the few-rows path): fetch ahead. Free when it is packed. */
      _mm_prefetch((const char *)(b + TILE_AHEAD * ldb), _MM_HINT_T0);
      _mm_prefetch((const char *)(b + TILE_AHEAD * ldb + vectors * LANES - 1), _MM_HINT_T0);
    }
    VEC b0 = V(loadu)(bp), b1 = vectors == 2 ? V(loadu)(bp + LANES) : b0;
#pragma GCC unroll 16
    for (int i = 0; i < m; i++) {
      VEC ai = V(set1)(a[i * ars]);
      c0[i] = V(fmadd)(ai, b0, c0[i]);
      if (vectors == 2) c1[i] = V(fmadd)(ai, b1, c1[i]);
    }
    a += acs;
    b += ldb;
  }
  __asm__("" : "+m"(scale));
  VEC va = V(set1)(scale[0]), vb = V(set1)(scale[1]);
  MASK k0 = P(mask)(n), k1 = P(mask)(n - LANES);
  int full0 = n >= LANES, full1 = n >= 2 * LANES, read = scale[1] != 0;
#pragma GCC unroll 16
  for (int i = 0; i < m; i++) {
    P(store)(c + i * ldc, k0, full0, c0[i], va, vb, read);
    if (vectors == 2) P(store)(c + i * ldc + LANES, k1, full1, c1[i], va, vb, read);
  }
}

/* The tile one vector wide when n fits in one (each element sees the same operations either way). */
ALWAYS_INLINE void P(tile_fit)(const int m, int64_t n, int64_t k, const T *a, const int64_t ars, const int64_t acs,
                               const T *b, int64_t ldb, const int64_t *taps, T *c, int64_t ldc, T alpha, T beta) {
  if (n <= LANES)
    P(tile_rows)(m, 1, n, k, a, ars, acs, b, ldb, taps, c, ldc, alpha, beta);
  else
    P(tile_rows)(m, 2, n, k, a, ars, acs, b, ldb, taps, c, ldc, alpha, beta);
}

/* One case per row count up to MR, each calling `call` with that count as a constant. */
_Static_assert(MR == 6 || MR == 14, "EACH_ROW_COUNT covers 6 or 14 rows");
#if MR > 6
#define EACH_ROW_COUNT(call) \
  call(1) call(2) call(3) call(4) call(5) call(6) call(7) call(8) call(9) call(10) call(11) call(12) call(13) call(14)
#else
#define EACH_ROW_COUNT(call) call(1) call(2) call(3) call(4) call(5) call(6)
#endif

static void P(tile)(int64_t m, int64_t n, int64_t k, const T *a, const T *b, int64_t ldb, T *c, int64_t ldc, T alpha,
                    T beta) {
  switch (m) {
#define ROWS(r) \
  case r: P(tile_fit)(r, n, k, a, 1, r, b, ldb, NULL, c, ldc, alpha, beta); break;
    EACH_ROW_COUNT(ROWS)
#undef ROWS
    default: break;
  }
}

static void P(tile_direct)(int64_t m, int64_t n, int64_t k, const T *a, int64_t ars, int64_t acs, const T *b,
                           int64_t ldb, T *c, int64_t ldc, T alpha, T beta) {
  if (acs == 1) {
    switch (m) {
#define ROWS(r) \
  case r: P(tile_fit)(r, n, k, a, ars, 1, b, ldb, NULL, c, ldc, alpha, beta); break;
      EACH_ROW_COUNT(ROWS)
#undef ROWS
      default: break;
    }
  } else {
    switch (m) {
#define ROWS(r) \
  case r: P(tile_fit)(r, n, k, a, 1, acs, b, ldb, NULL, c, ldc, alpha, beta); break;
      EACH_ROW_COUNT(ROWS)
#undef ROWS
      default: break;
    }
  }
}

static void P(tile_taps)(int64_t m, int64_t n, int64_t k, const T *a, const T *b, const int64_t *taps, T *c,
                         int64_t ldc) {
  switch (m) {
#define ROWS(r) \
  case r: P(tile_fit)(r, n, k, a, 1, r, b, 0, taps, c, ldc, 1, 0); break;
    EACH_ROW_COUNT(ROWS)
#undef ROWS
    default: break;
  }
}
#undef EACH_ROW_COUNT

/* ---- dot products ---- */

/*
 * Dot products for a compile-time block of mb rows of a and nb rows of b: a vector of partial sums per pair, the
 * tail of k through masked (zero-filling) loads, then a fixed reduction.
 */
ALWAYS_INLINE void P(dot_block)(const int mb, const int nb, int64_t k, const T *a, int64_t lda, const T *b,
                                int64_t ldb, T *c, int64_t rsc, int64_t csc, T alpha, T beta) {
  VEC acc[KD_DOT_MAX_M][DOT_NB];
#pragma GCC unroll 4
  for (int i = 0; i < mb; i++)
#pragma GCC unroll 4
    for (int j = 0; j < nb; j++) acc[i][j] = V(setzero)();
  for (int64_t p = 0; p < k; p += LANES) {
    VEC bv[DOT_NB], av[KD_DOT_MAX_M];
    if (!CHEAP_MASKS && p + LANES <= k) {
#pragma GCC unroll 4
      for (int j = 0; j < nb; j++) bv[j] = V(loadu)(b + j * ldb + p);
#pragma GCC unroll 4
      for (int i = 0; i < mb; i++) av[i] = V(loadu)(a + i * lda + p);
    } else {
      MASK km = P(mask)(k - p);
#pragma GCC unroll 4
      for (int j = 0; j < nb; j++) bv[j] = VLOADM(b + j * ldb + p, km);
#pragma GCC unroll 4
      for (int i = 0; i < mb; i++) av[i] = VLOADM(a + i * lda + p, km);
    }
#pragma GCC unroll 4
    for (int i = 0; i < mb; i++)
#pragma GCC unroll 4
      for (int j = 0; j < nb; j++) acc[i][j] = V(fmadd)(av[i], bv[j], acc[i][j]);
  }
#pragma GCC unroll 4
  for (int i = 0; i < mb; i++)
#pragma GCC unroll 4
    for (int j = 0; j < nb; j++) {
      T *out = c + i * rsc + j * csc;
      T s = VHSUM(acc[i][j]);
      *out = beta != 0 ? FMA_SCALAR(alpha, s, beta * *out) : alpha * s;
    }
}

/* One block of up to KD_DOT_MAX_M rows of a against all n rows of b, DOT_NB at a time. */
ALWAYS_INLINE void P(dot_rows)(const int mb, int64_t n, int64_t k, const T *a, int64_t lda, const T *b, int64_t ldb,
                               T *c, int64_t rsc, int64_t csc, T alpha, T beta) {
  int64_t j = 0;
  for (; j + DOT_NB <= n; j += DOT_NB)
    P(dot_block)(mb, DOT_NB, k, a, lda, b + j * ldb, ldb, c + j * csc, rsc, csc, alpha, beta);
  for (; j < n; j++) P(dot_block)(mb, 1, k, a, lda, b + j * ldb, ldb, c + j * csc, rsc, csc, alpha, beta);
}

static void P(dot)(int64_t m, int64_t n, int64_t k, const T *a, int64_t lda, const T *b, int64_t ldb, T *c,
                   int64_t rsc, int64_t csc, T alpha, T beta) {
  _Static_assert(KD_DOT_MAX_M == 4, "the cases below cover 4 rows");
  switch (m) {
    case 1: P(dot_rows)(1, n, k, a, lda, b, ldb, c, rsc, csc, alpha, beta); break;
    case 2: P(dot_rows)(2, n, k, a, lda, b, ldb, c, rsc, csc, alpha, beta); break;
    case 3: P(dot_rows)(3, n, k, a, lda, b, ldb, c, rsc, csc, alpha, beta); break;
    case 4: P(dot_rows)(4, n, k, a, lda, b, ldb, c, rsc, csc, alpha, beta); break;
    default: break;
  }
}

/* ---- packing ---- */

/*
 * Transposes LANES rows of LANES lanes in registers (r[i] lane j becomes r[j] lane i): first within each 128-bit
 * lane, the same steps at any width, then across lanes, the ISA's own shuffles.
 */
static inline void P(transpose)(VEC r[LANES]) {
  VEC t[LANES];
#pragma GCC unroll 16
  for (int i = 0; i < LANES; i += 2) {
    t[i] = V(unpacklo)(r[i], r[i + 1]);
    t[i + 1] = V(unpackhi)(r[i], r[i + 1]);
  }
#if SIMD_DOUBLE
  P(across_lanes)(r, t);
#else
  /* u[4g + c], 128-bit lane L: column 4L + c of rows 4g..4g+3. */
  VEC u[LANES];
#pragma GCC unroll 4
  for (int g = 0; g < LANES; g += 4) {
    u[g] = V(shuffle)(t[g], t[g + 2], 0x44);
    u[g + 1] = V(shuffle)(t[g], t[g + 2], 0xEE);
    u[g + 2] = V(shuffle)(t[g + 1], t[g + 3], 0x44);
    u[g + 3] = V(shuffle)(t[g + 1], t[g + 3], 0xEE);
  }
  P(across_lanes)(r, u);
#endif
}

#define DEFINE_GENERIC_PACK(name) KD_DEFINE_GENERIC_PACK(name, T)
DEFINE_GENERIC_PACK(P(pack_generic))
#undef DEFINE_GENERIC_PACK

/*
 * One panel from source rows contiguous along p: dst[p*W + j] = src[j*cs + p], zero for w <= j < W. Blocks of
 * lanes x lanes are transposed in registers; rows past w read as zeros; masks cut the last block of p and of columns.
 */
static void P(pack_transposed)(T *restrict dst, const T *restrict src, int64_t cs, int64_t k, int64_t w, int64_t W) {
  for (int64_t j0 = 0; j0 < W; j0 += LANES) {
    int64_t rows = w - j0 < 0 ? 0 : w - j0 < LANES ? w - j0 : LANES;
    int full = W - j0 >= LANES;
    MASK lanes = P(mask)(W - j0);
    for (int64_t p0 = 0; p0 < k; p0 += LANES) {
      int64_t steps = k - p0 < LANES ? k - p0 : LANES;
      MASK along = P(mask)(steps);
      VEC r[LANES];
#if PACK_AHEAD
      for (int q = 0; q < rows; q++)
        _mm_prefetch((const char *)(src + (j0 + q) * cs + p0 + LANES * PACK_AHEAD), _MM_HINT_T0);
#endif
#pragma GCC unroll 16
      for (int q = 0; q < LANES; q++)
        r[q] = q < rows ? P(load_part)(src + (j0 + q) * cs + p0, along, steps == LANES) : V(setzero)();
      P(transpose)(r);
      /*
       * A panel narrower than a vector (AVX2's 6 rows of 8 lanes) takes plain stores where masked ones are dear: each
       * step's store spills into the next step's first lanes, which that step's own store overwrites after it. Only
       * the panel's last step, whose spill would land past the panel, is masked.
       */
      for (int q = 0; q < steps; q++)
        P(store_part)(dst + (p0 + q) * W + j0, lanes, full || (!CHEAP_MASKS && W < LANES && p0 + q + 1 < k), r[q]);
    }
  }
}

/* Source rows contiguous along j: walk them in order, each scattered across the panels by masked copies. */
static void P(pack_rows)(T *restrict dst, const T *restrict src, int64_t rs, int64_t k, int64_t n, int64_t W,
                         int pad) {
  for (int64_t p = 0; p < k; p++) {
    /* Rows far apart in memory each start a new stream the hardware prefetcher is slow to pick up: fetch ahead. */
    if (p + PACK_AHEAD < k)
      for (int64_t j = 0; j < n; j += LANES)
        _mm_prefetch((const char *)(src + (p + PACK_AHEAD) * rs + j), _MM_HINT_T0);
    for (int64_t j0 = 0; j0 < n; j0 += W) {
      int64_t width = kd_panel_width(j0, n, W, pad);
      const T *s = src + p * rs + j0;
      T *d = dst + j0 * k + p * width;
      for (int64_t j = 0; j < width; j += LANES) VSTOREM(d + j, P(mask)(width - j), VLOADM(s + j, P(mask)(n - j0 - j)));
    }
  }
}

/*
 * Source rows contiguous along j into panels a whole number of vectors wide (AVX2's 16 columns), where masks are
 * dear: the full panels by plain vector copies, row by row in the source's order, the last partial one by the
 * generic C.
 */
KD_INLINE_COPIES static void P(pack_rows_plain)(T *restrict dst, const T *restrict src, int64_t rs, int64_t k,
                                                int64_t n, int64_t W, int pad) {
  const int64_t nfull = n / W * W;
  for (int64_t p = 0; p < k; p++) {
    const T *s = src + p * rs;
    if (p + KD_PACK_ROWS_AHEAD < k) kd_prefetch_row(s + KD_PACK_ROWS_AHEAD * rs, nfull * (int64_t)sizeof(T));
    T *d = dst + p * W;
    for (int64_t j0 = 0; j0 < nfull; j0 += W, d += W * k)
#pragma GCC unroll 2
      for (int64_t j = 0; j < W; j += LANES) V(storeu)(d + j, V(loadu)(s + j0 + j));
  }
  if (nfull < n) P(pack_generic)(dst + nfull * k, src + nfull, rs, 1, k, n - nfull, W, pad);
}

/*
 * Source rows contiguous along j into panels narrower than a vector (AVX2's 6-row panels of a transposed A), where
 * masks are dear: each panel row takes one plain vector copy that spills into the panel's next row, which that
 * row's own copy overwrites after it. The panel's last row, and loads that would pass the row's end, are masked.
 */
KD_INLINE_COPIES static void P(pack_rows_narrow)(T *restrict dst, const T *restrict src, int64_t rs, int64_t k,
                                                 int64_t n, int64_t W, int pad) {
  for (int64_t p = 0; p < k; p++) {
    const T *s = src + p * rs;
    if (p + KD_PACK_ROWS_AHEAD < k) kd_prefetch_row(s + KD_PACK_ROWS_AHEAD * rs, n * (int64_t)sizeof(T));
    for (int64_t j0 = 0; j0 < n; j0 += W) {
      int64_t w = n - j0 < W ? n - j0 : W, width = kd_panel_width(j0, n, W, pad);
      T *d = dst + j0 * k + p * width;
      if (w == W && j0 + LANES <= n && p + 1 < k)
        V(storeu)(d, V(loadu)(s + j0));
      else
        VSTOREM(d, P(mask)(width), VLOADM(s + j0, P(mask)(w)));
    }
  }
}

/* Transposes go through registers; copies too where masks are cheap, else plain vector copies or the generic C. */
static void P(pack)(T *restrict dst, const T *restrict src, int64_t rs, int64_t cs, int64_t k, int64_t n, int64_t W,
                    int pad) {
  if (CHEAP_MASKS && cs == 1) {
    P(pack_rows)(dst, src, rs, k, n, W, pad);
  } else if (rs == 1 && cs != 1) {
    for (int64_t j0 = 0; j0 < n; j0 += W)
      P(pack_transposed)(dst + j0 * k, src + j0 * cs, cs, k, n - j0 < W ? n - j0 : W, kd_panel_width(j0, n, W, pad));
  } else if (cs == 1 && W % LANES == 0) {
    P(pack_rows_plain)(dst, src, rs, k, n, W, pad);
  } else if (cs == 1 && W < LANES) {
    P(pack_rows_narrow)(dst, src, rs, k, n, W, pad);
  } else {
    P(pack_generic)(dst, src, rs, cs, k, n, W, pad);
  }
}

#undef T
#undef P
#undef V
#undef FMA_SCALAR
#undef VEC
#undef MASK
#undef LANES
#if SIMD_DOUBLE
#undef SIMD_DOUBLE
#else
/* Again, for float64. */
#undef SIMD_DOUBLE
#define SIMD_DOUBLE 1
#include "gemm-simd.h"
#endif
