/*
 * Embedding lookups, as packages/core/src/kernels/embedding.ts computes them: rows of a [num, dim] table picked by
 * index, and the table's gradient summed row by row in index order. Threads split the looked-up rows (forward) or
 * the table's columns (backward, each column's sums then still in index order), so any thread count gives the
 * same bits. The entry has checked every index before these run.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "kindling.h"

#include <stdint.h>
#include <string.h>

#define GRAIN ((int64_t)16384) /* elements moved per chunk, at least */
#define COLUMNS 16             /* the narrowest column chunk of the backward */

typedef struct {
  int f32, i32;
  const void *src; /* weight (forward) or gy (backward) */
  const void *indices;
  void *dst; /* out (forward) or gw (backward) */
  int64_t n, num, dim, padding, cw;
} embedding_ctx;

KD_INLINE int64_t index_at(const embedding_ctx *c, int64_t k) {
  return c->i32 ? (int64_t)((const int32_t *)c->indices)[k] : (int64_t)((const double *)c->indices)[k];
}

static void forward_rows(void *vctx, int64_t begin, int64_t end) {
  const embedding_ctx *c = vctx;
  const size_t es = c->f32 ? sizeof(float) : sizeof(double), row = (size_t)c->dim * es;
  for (int64_t k = begin; k < end; k++)
    memcpy((char *)c->dst + (size_t)k * row, (const char *)c->src + (size_t)index_at(c, k) * row, row);
}

#define DEFINE_BACKWARD(T, SUF)                                                                                    \
  KD_INLINE void backward_columns_##SUF(const embedding_ctx *c, int64_t j0, int64_t w) {                           \
    const T *gy = c->src;                                                                                         \
    T *gw = c->dst;                                                                                               \
    for (int64_t r = 0; r < c->num; r++) memset(gw + r * c->dim + j0, 0, (size_t)w * sizeof(T));                 \
    for (int64_t k = 0; k < c->n; k++) {                                                                          \
      const int64_t r = index_at(c, k);                                                                           \
      if (r == c->padding) continue;                                                                              \
      T *to = gw + r * c->dim + j0;                                                                               \
      const T *from = gy + k * c->dim + j0;                                                                       \
      for (int64_t j = 0; j < w; j++) to[j] += from[j];                                                           \
    }                                                                                                             \
  }

DEFINE_BACKWARD(float, f32)
DEFINE_BACKWARD(double, f64)

KD_VECTOR_CLONES static void backward_chunks(void *vctx, int64_t begin, int64_t end) {
  const embedding_ctx *c = vctx;
  for (int64_t chunk = begin; chunk < end; chunk++) {
    const int64_t j0 = chunk * c->cw, w = c->dim - j0 < c->cw ? c->dim - j0 : c->cw;
    if (c->f32)
      backward_columns_f32(c, j0, w);
    else
      backward_columns_f64(c, j0, w);
  }
}

void kd_embedding_forward(int f32, const void *weight, int64_t dim, const void *indices, int i32, int64_t n, void *out) {
  if (n <= 0 || dim <= 0) return;
  embedding_ctx c = {f32, i32, weight, indices, out, n, 0, dim, -1, 0};
  kd_parallel_for(n, dim >= GRAIN ? 1 : GRAIN / dim, forward_rows, &c);
}

void kd_embedding_backward(int f32, const void *gy, const void *indices, int i32, int64_t n, int64_t num, int64_t dim,
                           int64_t padding, void *gw) {
  if (num <= 0 || dim <= 0) return;
  embedding_ctx c = {f32, i32, gy, indices, gw, n, num, dim, padding, 0};
  /* One column chunk a thread when the work is large enough to share, else one chunk. */
  const int64_t threads = (n + num) * dim >= 4 * GRAIN ? kd_get_num_threads() : 1;
  c.cw = (dim / threads + COLUMNS - 1) / COLUMNS * COLUMNS;
  if (c.cw < COLUMNS) c.cw = COLUMNS;
  kd_parallel_for((dim + c.cw - 1) / c.cw, 1, backward_chunks, &c);
}
