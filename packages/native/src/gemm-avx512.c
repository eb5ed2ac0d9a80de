/*
 * AVX-512F micro-kernels for GEMM. float32: 14 x 32 register tile (28 zmm accumulators, two zmm of B per step,
 * A broadcast straight from memory), float64: 14 x 16 on the same plan. The kernels are gemm-simd.h's; this file
 * gives them AVX-512's vector operations: masked loads and stores cost what plain ones do, so every edge (columns,
 * the tail of k, packing) goes through masks.
 */
#ifndef KD_NO_X86
#include "gemm-kernels.h"

#include <immintrin.h>

#define MR 14
/* How many steps of k ahead the tiles prefetch B; the tiles prefetch C's rows too. */
#define TILE_AHEAD 8
#define PREFETCH_C 1
/* How many rows ahead (blocks of 16 steps ahead, when transposing) the packers prefetch their source. */
#define PACK_AHEAD 4
#define CHEAP_MASKS 1
/* Rows of b per block of dot products: 4 x 4 accumulators. */
#define DOT_NB 4

/* Lanes [0, n) of a 16-lane (float) or 8-lane (double) vector, n clamped to [0, lanes]. */
static __mmask16 s_mask(int64_t n) { return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? 0 : (__mmask16)((1u << n) - 1); }
static __mmask8 d_mask(int64_t n) { return n >= 8 ? (__mmask8)0xFF : n <= 0 ? 0 : (__mmask8)((1u << n) - 1); }

#define VOP(op, type) _mm512_##op##_##type
#define VLOADM(p, k) V(maskz_loadu)(k, p)
#define VSTOREM(p, k, v) V(mask_storeu)(p, k, v)
#define VHSUM(v) V(reduce_add)(v)

/*
 * The last step of gemm-simd.h's transpose, across the four 128-bit lanes: u[4g + c], lane L, holds column 4L + c
 * of rows 4g..4g+3. Gathers lane L of the four groups into row 4L + c.
 */
static inline void s_across_lanes(__m512 r[16], const __m512 u[16]) {
#pragma GCC unroll 4
  for (int c = 0; c < 4; c++) {
    __m512 x0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x88), x1 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xDD);
    __m512 x2 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x88), x3 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xDD);
    r[c] = _mm512_shuffle_f32x4(x0, x2, 0x88);
    r[8 + c] = _mm512_shuffle_f32x4(x0, x2, 0xDD);
    r[4 + c] = _mm512_shuffle_f32x4(x1, x3, 0x88);
    r[12 + c] = _mm512_shuffle_f32x4(x1, x3, 0xDD);
  }
}

/* t[2i + h], lane L: column 2L + h of rows 2i, 2i + 1. */
static inline void d_across_lanes(__m512d r[8], const __m512d t[8]) {
  __m512d u[8];
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

#include "gemm-simd.h"

const kd_gemm_kernels kd_gemm_avx512 = {
    .isa = "avx512",
    .s = {.mr = MR, .nr = 32, .kc = 256, .mc = 1008, .nc = 512, .direct_a = 2, .direct_at = 2},
    .d = {.mr = MR, .nr = 16, .kc = 256, .mc = 504, .nc = 256, .direct_a = 2, .direct_at = 2},
    KD_GEMM_FUNCTIONS,
};

#endif
