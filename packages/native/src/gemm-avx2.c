/*
 * AVX2 + FMA micro-kernels for GEMM. float32: 6 x 16 register tile (12 ymm accumulators, two ymm of B per step,
 * one broadcast of A), float64: 6 x 8 on the same plan: 15 of the 16 ymm registers. The kernels are gemm-simd.h's;
 * this file gives them AVX2's vector operations: masked moves (vmaskmov) cost more than plain ones, so they are
 * kept to the edges (last columns, the tail of k), and contiguous rows are packed by the generic C.
 */
#ifndef KD_NO_X86
#include "gemm-kernels.h"

#include <immintrin.h>

#define MR 6
/* How many steps of k ahead the tiles prefetch B; C and the packers' sources are not prefetched. */
#define TILE_AHEAD 8
#define PREFETCH_C 0
#define PACK_AHEAD 0
#define CHEAP_MASKS 0
/* Rows of b per block of dot products: 4 x 3 accumulators + 7 loads fit 16 registers. */
#define DOT_NB 3

/* A vmaskmov mask of lanes [0, n) of `lanes` (8 floats or 4 doubles: the same 32-bit lanes, paired). */
static __m256i lane_mask(int64_t n, int lanes) {
  static const int32_t ramp[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  int64_t clamped = n < 0 ? 0 : n > lanes ? lanes : n;
  int32_t limit = (int32_t)(clamped * (8 / lanes));
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(limit), _mm256_loadu_si256((const __m256i *)ramp));
}

static __m256i s_mask(int64_t n) { return lane_mask(n, 8); }
static __m256i d_mask(int64_t n) { return lane_mask(n, 4); }

#define VOP(op, type) _mm256_##op##_##type
#define VLOADM(p, k) V(maskload)(p, k)
#define VSTOREM(p, k, v) V(maskstore)(p, k, v)
#define VHSUM(v) P(hsum)(v)

/* Horizontal sum of 8 lanes in a fixed order. */
static inline float s_hsum(__m256 v) {
  __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  x = _mm_add_ss(x, _mm_movehdup_ps(x));
  return _mm_cvtss_f32(x);
}

static inline double d_hsum(__m256d v) {
  __m128d x = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  x = _mm_add_sd(x, _mm_unpackhi_pd(x, x));
  return _mm_cvtsd_f64(x);
}

/*
 * The last step of gemm-simd.h's transpose, across the two 128-bit halves: u[4g + c], half H, holds column 4H + c
 * of rows 4g..4g+3.
 */
static inline void s_across_lanes(__m256 r[8], const __m256 u[8]) {
#pragma GCC unroll 4
  for (int c = 0; c < 4; c++) {
    r[c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x20);
    r[4 + c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x31);
  }
}

/* t[2i + h], half H: column 2H + h of rows 2i, 2i + 1. */
static inline void d_across_lanes(__m256d r[4], const __m256d t[4]) {
#pragma GCC unroll 2
  for (int h = 0; h < 2; h++) {
    r[h] = _mm256_permute2f128_pd(t[h], t[2 + h], 0x20);
    r[2 + h] = _mm256_permute2f128_pd(t[h], t[2 + h], 0x31);
  }
}

#include "gemm-simd.h"

const kd_gemm_kernels kd_gemm_avx2 = {
    .isa = "avx2",
    .s = {.mr = MR, .nr = 16, .kc = 256, .mc = 516, .nc = 256, .direct_a = 16, .direct_at = 4},
    .d = {.mr = MR, .nr = 8, .kc = 256, .mc = 258, .nc = 128, .direct_a = 16, .direct_at = 4},
    KD_GEMM_FUNCTIONS,
};

#endif
