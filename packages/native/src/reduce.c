/*
 * Sums over the middle dim of a contiguous [outer, size, inner] array, and the sum of a whole run. Each sum is
 * accumulated in double from 0 in ascending index order, as packages/core/src/kernels/reduce.ts (sumKernel) and
 * contiguous-sums.ts do, so the results are the same bit for bit. Threads split the (outer, inner) outputs, never one
 * sum, so any thread count gives the same bits too.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "kindling.h"

#include <stdint.h>

#define GRAIN ((int64_t)32768) /* elements read per chunk, at least */
#define BLOCK 256              /* columns summed side by side (inner > 1) */

typedef struct {
  int f32;
  const void *a;
  void *out;
  int64_t outer, size, inner, bw, nblocks;
} sum_ctx;

/* inner == 1: rows [begin, end), four independent sums at a time (each still in its own order). */
#define DEFINE_ROW_SUMS(T, SUF)                                                                                    \
  static void row_sums_##SUF(const sum_ctx *c, int64_t begin, int64_t end) {                                       \
    const T *a = c->a;                                                                                            \
    T *out = c->out;                                                                                              \
    const int64_t size = c->size;                                                                                 \
    int64_t o = begin;                                                                                            \
    for (; o + 4 <= end; o += 4) {                                                                                \
      const T *r0 = a + o * size, *r1 = r0 + size, *r2 = r1 + size, *r3 = r2 + size;                             \
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;                                                                      \
      for (int64_t s = 0; s < size; s++) {                                                                        \
        s0 += (double)r0[s];                                                                                      \
        s1 += (double)r1[s];                                                                                      \
        s2 += (double)r2[s];                                                                                      \
        s3 += (double)r3[s];                                                                                      \
      }                                                                                                           \
      out[o] = (T)s0;                                                                                             \
      out[o + 1] = (T)s1;                                                                                         \
      out[o + 2] = (T)s2;                                                                                         \
      out[o + 3] = (T)s3;                                                                                         \
    }                                                                                                             \
    for (; o < end; o++) {                                                                                        \
      const T *r = a + o * size;                                                                                  \
      double acc = 0;                                                                                             \
      for (int64_t s = 0; s < size; s++) acc += (double)r[s];                                                     \
      out[o] = (T)acc;                                                                                            \
    }                                                                                                             \
  }                                                                                                               \
  /* inner > 1: items [begin, end), each (o, block of up to BLOCK columns). */                                    \
  static void col_sums_##SUF(const sum_ctx *c, int64_t begin, int64_t end) {                                       \
    const T *a = c->a;                                                                                            \
    T *out = c->out;                                                                                              \
    double acc[BLOCK];                                                                                            \
    for (int64_t item = begin; item < end; item++) {                                                              \
      const int64_t o = item / c->nblocks, i0 = (item % c->nblocks) * c->bw;                                     \
      const int64_t w = c->inner - i0 < c->bw ? c->inner - i0 : c->bw;                                           \
      for (int64_t i = 0; i < w; i++) acc[i] = 0;                                                                 \
      const T *p = a + o * c->size * c->inner + i0;                                                               \
      for (int64_t s = 0; s < c->size; s++, p += c->inner)                                                        \
        for (int64_t i = 0; i < w; i++) acc[i] += (double)p[i];                                                   \
      T *q = out + o * c->inner + i0;                                                                             \
      for (int64_t i = 0; i < w; i++) q[i] = (T)acc[i];                                                           \
    }                                                                                                             \
  }

DEFINE_ROW_SUMS(float, f32)
DEFINE_ROW_SUMS(double, f64)

/*
 * The kernel for a context's layout and float type: whole rows (inner == 1) or column blocks, float or double; each
 * takes (c, begin, end).
 */
#define BY_LAYOUT(c, rows, cols) \
  ((c)->inner == 1 ? ((c)->f32 ? rows##_f32 : rows##_f64) : ((c)->f32 ? cols##_f32 : cols##_f64))

KD_VECTOR_CLONES static void sum_range(void *vctx, int64_t begin, int64_t end) {
  const sum_ctx *c = vctx;
  BY_LAYOUT(c, row_sums, col_sums)(c, begin, end);
}

/* out[o * inner + i] = Σ_s a[(o * size + s) * inner + i]; pointers at the arrays' offsets; out apart from a. */
void kd_sum_dim(int f32, const void *a, int64_t outer, int64_t size, int64_t inner, void *out) {
  if (outer <= 0 || inner <= 0) return;
  sum_ctx c = {f32, a, out, outer, size, inner, 1, 1};
  c.bw = inner < BLOCK ? inner : BLOCK;
  c.nblocks = (inner + c.bw - 1) / c.bw;
  const int64_t items = outer * c.nblocks;
  const int64_t per_item = (size > 0 ? size : 1) * c.bw;
  const int64_t grain = per_item >= GRAIN ? 1 : GRAIN / per_item;
  kd_parallel_for(items, grain, sum_range, &c);
}

/* Σ a[i] for i < n, in double from 0 in index order. */
double kd_sum_all(int f32, const void *a, int64_t n) {
  double acc = 0;
  if (f32) {
    const float *p = a;
    for (int64_t i = 0; i < n; i++) acc += (double)p[i];
  } else {
    const double *p = a;
    for (int64_t i = 0; i < n; i++) acc += p[i];
  }
  return acc;
}

/*
 * The max or min along the middle dim of a contiguous [outer, size, inner] array, and its index, as
 * packages/core/src/kernels/dim-extremes.ts picks it: the first NaN when there is one, else the first of equal
 * extremes. Comparisons only, so any vector width and thread count give the same bits.
 */
typedef struct {
  int f32, is_max;
  const void *a;
  void *values;    /* or NULL */
  double *indices; /* or NULL */
  int64_t size, inner, bw, nblocks;
} extreme_ctx;

/* v replaces best when best is not NaN and v is NaN or beyond it. */
#define KD_BEYOND(v, best, is_max) ((best) == (best) && ((v) != (v) || ((is_max) ? (v) > (best) : (v) < (best))))

/* The same test without branches, for loops the compiler vectorises (values only). */
#define KD_BEYOND_BITS(v, best, is_max) (((best) == (best)) & (((v) != (v)) | ((is_max) ? (v) > (best) : (v) < (best))))
#define LANES 16
#define WIDE_BLOCK 4096 /* columns scanned side by side when the values hold the running extremes */

#define DEFINE_EXTREMES(T, SUF)                                                                                    \
  /* The extreme of one row and its index, scanned in order until the first NaN. */                              \
  KD_INLINE T row_scan_##SUF(const T *r, int64_t size, int is_max, int64_t *at) {                                  \
    T best = r[0];                                                                                                \
    *at = 0;                                                                                                      \
    for (int64_t s = 1; s < size && best == best; s++)                                                            \
      if (KD_BEYOND(r[s], best, is_max)) {                                                                        \
        best = r[s];                                                                                              \
        *at = s;                                                                                                  \
      }                                                                                                           \
    return best;                                                                                                  \
  }                                                                                                               \
  /*                                                                                                              \
   * The extreme of one row without its index, in LANES interleaved lanes. A NaN or a zero extreme is found again \
   * by the ordered scan: which NaN, or which signed zero, comes first depends on the order; any other value has  \
   * one bit pattern.                                                                                             \
   */                                                                                                             \
  KD_INLINE T row_value_##SUF(const T *r, int64_t size, int is_max) {                                              \
    int64_t at;                                                                                                   \
    if (size < 2 * LANES) return row_scan_##SUF(r, size, is_max, &at);                                            \
    T lane[LANES];                                                                                                \
    for (int l = 0; l < LANES; l++) lane[l] = r[l];                                                               \
    int64_t s = LANES;                                                                                            \
    for (; s + LANES <= size; s += LANES)                                                                         \
      for (int l = 0; l < LANES; l++) {                                                                           \
        const T v = r[s + l], b = lane[l];                                                                        \
        lane[l] = KD_BEYOND_BITS(v, b, is_max) ? v : b;                                                           \
      }                                                                                                           \
    for (; s < size; s++)                                                                                         \
      if (KD_BEYOND(r[s], lane[0], is_max)) lane[0] = r[s];                                                       \
    T best = lane[0];                                                                                             \
    for (int l = 1; l < LANES; l++)                                                                               \
      if (KD_BEYOND(lane[l], best, is_max)) best = lane[l];                                                       \
    return best == best && best != 0 ? best : row_scan_##SUF(r, size, is_max, &at);                              \
  }                                                                                                               \
  /* inner == 1: rows [begin, end). */                                                                            \
  static void row_extremes_##SUF(const extreme_ctx *c, int64_t begin, int64_t end) {                               \
    const T *a = c->a;                                                                                            \
    T *values = c->values;                                                                                        \
    for (int64_t o = begin; o < end; o++) {                                                                       \
      const T *r = a + o * c->size;                                                                               \
      int64_t at;                                                                                                 \
      if (c->indices == NULL) {                                                                                   \
        values[o] = row_value_##SUF(r, c->size, c->is_max);                                                       \
        continue;                                                                                                 \
      }                                                                                                           \
      const T best = row_scan_##SUF(r, c->size, c->is_max, &at);                                                  \
      if (values) values[o] = best;                                                                               \
      c->indices[o] = (double)at;                                                                                 \
    }                                                                                                             \
  }                                                                                                               \
  /*                                                                                                              \
   * inner > 1: items [begin, end), each (o, a chunk of up to bw columns) scanned side by side, row after row, in \
   * order. The values (or, for indices alone, a block of BLOCK on the stack) hold the running extremes.          \
   */                                                                                                             \
  static void col_extremes_##SUF(const extreme_ctx *c, int64_t begin, int64_t end) {                               \
    T scratch[BLOCK];                                                                                             \
    for (int64_t item = begin; item < end; item++) {                                                              \
      const int64_t o = item / c->nblocks, i0 = (item % c->nblocks) * c->bw;                                     \
      const int64_t w = c->inner - i0 < c->bw ? c->inner - i0 : c->bw;                                           \
      const int64_t q = o * c->inner + i0;                                                                        \
      const T *p = (const T *)c->a + o * c->size * c->inner + i0;                                                 \
      T *best = c->values ? (T *)c->values + q : scratch;                                                         \
      double *at = c->indices ? c->indices + q : NULL;                                                            \
      for (int64_t i = 0; i < w; i++) best[i] = p[i];                                                             \
      if (at)                                                                                                     \
        for (int64_t i = 0; i < w; i++) at[i] = 0;                                                                \
      for (int64_t s = 1; s < c->size; s++) {                                                                     \
        p += c->inner;                                                                                            \
        if (at == NULL) {                                                                                         \
          for (int64_t i = 0; i < w; i++) {                                                                       \
            const T v = p[i], b = best[i];                                                                        \
            best[i] = KD_BEYOND_BITS(v, b, c->is_max) ? v : b;                                                    \
          }                                                                                                       \
          continue;                                                                                               \
        }                                                                                                         \
        for (int64_t i = 0; i < w; i++)                                                                           \
          if (KD_BEYOND(p[i], best[i], c->is_max)) {                                                              \
            best[i] = p[i];                                                                                       \
            at[i] = (double)s;                                                                                    \
          }                                                                                                       \
      }                                                                                                           \
    }                                                                                                             \
  }

DEFINE_EXTREMES(float, f32)
DEFINE_EXTREMES(double, f64)

KD_VECTOR_CLONES static void extreme_range(void *vctx, int64_t begin, int64_t end) {
  const extreme_ctx *c = vctx;
  BY_LAYOUT(c, row_extremes, col_extremes)(c, begin, end);
}

/* Pointers at the arrays' offsets; size >= 1; values and indices (either may be NULL) apart from a. */
void kd_extreme_dim(int f32, int is_max, const void *a, int64_t outer, int64_t size, int64_t inner, void *values,
                    double *indices) {
  if (outer <= 0 || inner <= 0) return;
  extreme_ctx c = {f32, is_max, a, values, indices, size, inner, 1, 1};
  /* running extremes in the output, or on the stack; a chunk a thread at least, when one row is all there is */
  int64_t width = values ? WIDE_BLOCK : BLOCK;
  const int64_t share = (inner / kd_get_num_threads() + 15) / 16 * 16;
  if (outer < kd_get_num_threads() && share >= 64 && share < width) width = share;
  c.bw = inner < width ? inner : width;
  c.nblocks = (inner + c.bw - 1) / c.bw;
  const int64_t items = outer * c.nblocks;
  const int64_t per_item = size * c.bw;
  const int64_t grain = per_item >= GRAIN ? 1 : GRAIN / per_item;
  kd_parallel_for(items, grain, extreme_range, &c);
}
