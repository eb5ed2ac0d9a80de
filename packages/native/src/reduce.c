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
  static void row_sums_##SUF(const T *a, T *out, int64_t size, int64_t begin, int64_t end) {                       \
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

KD_VECTOR_CLONES static void sum_range(void *vctx, int64_t begin, int64_t end) {
  const sum_ctx *c = vctx;
  if (c->inner == 1) {
    if (c->f32)
      row_sums_f32(c->a, c->out, c->size, begin, end);
    else
      row_sums_f64(c->a, c->out, c->size, begin, end);
  } else if (c->f32) {
    col_sums_f32(c, begin, end);
  } else {
    col_sums_f64(c, begin, end);
  }
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
