/*
 * Packing in plain C, for any element type: the portable family's packer, and the fallback of the SIMD ones
 * for strides they do not special-case. Included by the kernel files; defines static functions only. The
 * layout is described in gemm-kernels.h (kd_spack_fn).
 */
#ifndef KINDLING_GEMM_PACK_H
#define KINDLING_GEMM_PACK_H

#include <stdint.h>

/* The width of the panel that starts at column j0 of n: W, or what is left when that is less and not padded. */
static inline int64_t kd_panel_width(int64_t j0, int64_t n, int64_t W, int pad) {
  return n - j0 >= W || pad ? W : n - j0;
}

/*
 * Rows of a packer's source that lie far apart each start a stream the hardware prefetcher is slow to pick up: the
 * packers walking rows in order fetch the row KD_PACK_ROWS_AHEAD ahead, `bytes` long, one line at a time.
 */
#define KD_PACK_ROWS_AHEAD 4
static inline void kd_prefetch_row(const void *row, int64_t bytes) {
  for (int64_t b = 0; b < bytes; b += 64) __builtin_prefetch((const char *)row + b);
}

/* Rows of a panel are short (a few dozen elements): a call to memcpy or memset for each costs more than it moves. */
#if defined(__GNUC__) && !defined(__clang__)
#define KD_INLINE_COPIES __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define KD_INLINE_COPIES
#endif

#define KD_DEFINE_GENERIC_PACK(NAME, T)                                                                               \
  /* One panel: dst[p*W + j] = src[p*rs + j*cs] for j < w, zero for w <= j < W. Steps of p are walked 8 at a          \
     time, so that the reads of each source column and the writes of each panel row stay in a few lines. */           \
  KD_INLINE_COPIES static void NAME##_panel(T *restrict dst, const T *restrict src, int64_t rs, int64_t cs,           \
                                            int64_t k, int64_t w, int64_t W) {                                        \
    int64_t p = 0;                                                                                                    \
    for (; p + 8 <= k; p += 8) {                                                                                      \
      T *d = dst + p * W;                                                                                             \
      for (int64_t j = 0; j < w; j++) {                                                                               \
        const T *s = src + j * cs + p * rs;                                                                           \
        for (int q = 0; q < 8; q++) d[q * W + j] = s[q * rs];                                                         \
      }                                                                                                               \
      for (int q = 0; q < 8; q++)                                                                                     \
        for (int64_t j = w; j < W; j++) d[q * W + j] = 0;                                                             \
    }                                                                                                                 \
    for (; p < k; p++) {                                                                                              \
      T *d = dst + p * W;                                                                                             \
      for (int64_t j = 0; j < w; j++) d[j] = src[j * cs + p * rs];                                                    \
      for (int64_t j = w; j < W; j++) d[j] = 0;                                                                       \
    }                                                                                                                 \
  }                                                                                                                   \
  KD_INLINE_COPIES static void NAME(T *restrict dst, const T *restrict src, int64_t rs, int64_t cs, int64_t k,        \
                                    int64_t n, int64_t W, int pad) {                                                  \
    if (cs != 1) {                                                                                                    \
      for (int64_t j0 = 0; j0 < n; j0 += W) {                                                                         \
        int64_t w = n - j0 < W ? n - j0 : W;                                                                          \
        NAME##_panel(dst + j0 * k, src + j0 * cs, rs, cs, k, w, kd_panel_width(j0, n, W, pad));                       \
      }                                                                                                               \
      return;                                                                                                         \
    }                                                                                                                 \
    /* Rows are contiguous: walk them in order (one stream through memory), scattering each across the panels. */     \
    for (int64_t p = 0; p < k; p++) {                                                                                 \
      const T *s = src + p * rs;                                                                                      \
      if (p + KD_PACK_ROWS_AHEAD < k) kd_prefetch_row(s + KD_PACK_ROWS_AHEAD * rs, n * (int64_t)sizeof(T));          \
      for (int64_t j0 = 0; j0 < n; j0 += W) {                                                                         \
        int64_t w = n - j0 < W ? n - j0 : W, width = kd_panel_width(j0, n, W, pad);                                   \
        T *d = dst + j0 * k + p * width;                                                                              \
        for (int64_t j = 0; j < w; j++) d[j] = s[j0 + j];                                                             \
        for (int64_t j = w; j < width; j++) d[j] = 0;                                                                 \
      }                                                                                                               \
    }                                                                                                                 \
  }

#endif
