/*
 * Softmax and log-softmax along the middle dim of a contiguous [outer, size, inner] array, and their backwards.
 * The reference is packages/core/src/kernels/softmax.ts: per column (o, i), m = the max over the dim (a NaN makes
 * it NaN), e_s = exp(x_s - m), S = Σ e_s in double in ascending s, out_s = e_s / S, or (x_s - m) - log(S) for
 * log-softmax; every value in double, rounded once when stored. The backward sums (Σ gy * y, or Σ gy) are in
 * double in ascending s too. Threads split the columns, never one sum: any thread count gives the same bits.
 * Rows (inner == 1) take PyTorch's steps in the type's arithmetic instead: softmax-rows.c.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "kindling.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define GRAIN ((int64_t)8192)      /* elements per chunk, at least (exp costs tens of cycles) */
#define BLOCK 256                  /* columns processed side by side when inner > 1 */
#define SCRATCH ((int64_t)1 << 16) /* exp values kept per block (size * columns), unless one column is longer */

typedef struct {
  int f32, log;
  const void *x, *gy;
  void *out;
  int64_t outer, size, inner, bw, nblocks;
} sm_ctx;

/*
 * Work item `item` (forward and backward split the columns alike): block item % nblocks of outer index
 * item / nblocks. Returns the offset of its first element; *w is how many columns it has.
 */
static int64_t item_columns(const sm_ctx *c, int64_t item, int64_t *w) {
  const int64_t o = item / c->nblocks, i0 = (item % c->nblocks) * c->bw;
  *w = c->inner - i0 < c->bw ? c->inner - i0 : c->bw;
  return o * c->size * c->inner + i0;
}

/*
 * e[i] = exp((double)x[i] - m[i * mstep]) for i < n (mstep 0: one shift for all). float32 takes the vector exp of
 * vector-math.c (within about 2^-47: its sums and quotients still round as the reference's, within the few ulps
 * the tests allow); float64 keeps libm's, whose values hold to a double ulp.
 */
static void exps_f32(const float *x, const double *m, int64_t mstep, double *e, int64_t n) {
  kd_exp_shifted_f32(x, m, mstep, e, n);
}
static void exps_f64(const double *x, const double *m, int64_t mstep, double *e, int64_t n) {
  for (int64_t i = 0; i < n; i++) e[i] = exp(x[i] - m[i * mstep]);
}

/* The running maximum's step: v when it is larger or NaN (a NaN, once met, stays unless a later NaN replaces it). */
KD_INLINE double max_step(double v, double m) { return (v > m || v != v) ? v : m; }

/* ---- forward ---- */

/*
 * One block: w columns from x (column stride `inner`) into out. e: room for size * w doubles, or NULL (float64
 * keeps the exp values in out itself; float32 without room computes them twice, which gives the same bits).
 */
#define DEFINE_SOFTMAX_BLOCK(T, SUF)                                                                               \
  static void softmax_block_##SUF(const T *x, T *out, int64_t size, int64_t inner, int64_t w, int log_,             \
                                  double *e) {                                                                     \
    double m[BLOCK], sum[BLOCK];                                                                                   \
    for (int64_t i = 0; i < w; i++) {                                                                              \
      m[i] = -INFINITY;                                                                                            \
      sum[i] = 0;                                                                                                  \
    }                                                                                                              \
    for (int64_t s = 0; s < size; s++) {                                                                           \
      const T *xp = x + s * inner;                                                                                 \
      for (int64_t i = 0; i < w; i++) {                                                                            \
        const double v = (double)xp[i];                                                                            \
        m[i] = max_step(v, m[i]);                                                                                  \
      }                                                                                                            \
    }                                                                                                              \
    double t[BLOCK];                                                                                               \
    if (log_) {                                                                                                    \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        exps_##SUF(x + s * inner, m, 1, t, w);                                                                     \
        for (int64_t i = 0; i < w; i++) sum[i] += t[i];                                                            \
      }                                                                                                            \
      for (int64_t i = 0; i < w; i++) sum[i] = log(sum[i]);                                                        \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        const T *xp = x + s * inner;                                                                               \
        T *op = out + s * inner;                                                                                   \
        for (int64_t i = 0; i < w; i++) op[i] = (T)(((double)xp[i] - m[i]) - sum[i]);                             \
      }                                                                                                            \
      return;                                                                                                      \
    }                                                                                                              \
    if (e != NULL) {                                                                                               \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        double *ep = e + s * w;                                                                                    \
        exps_##SUF(x + s * inner, m, 1, ep, w);                                                                    \
        for (int64_t i = 0; i < w; i++) sum[i] += ep[i];                                                           \
      }                                                                                                            \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        const double *ep = e + s * w;                                                                              \
        T *op = out + s * inner;                                                                                   \
        for (int64_t i = 0; i < w; i++) op[i] = (T)(ep[i] / sum[i]);                                               \
      }                                                                                                            \
    } else if (sizeof(T) == sizeof(double)) {                                                                      \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        const T *xp = x + s * inner;                                                                               \
        T *op = out + s * inner;                                                                                   \
        for (int64_t i = 0; i < w; i++) {                                                                          \
          const double d = exp((double)xp[i] - m[i]);                                                              \
          op[i] = (T)d; /* exact: T is double */                                                                   \
          sum[i] += d;                                                                                             \
        }                                                                                                          \
      }                                                                                                            \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        T *op = out + s * inner;                                                                                   \
        for (int64_t i = 0; i < w; i++) op[i] = (T)((double)op[i] / sum[i]);                                       \
      }                                                                                                            \
    } else {                                                                                                       \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        exps_##SUF(x + s * inner, m, 1, t, w);                                                                     \
        for (int64_t i = 0; i < w; i++) sum[i] += t[i];                                                            \
      }                                                                                                            \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        T *op = out + s * inner;                                                                                   \
        exps_##SUF(x + s * inner, m, 1, t, w);                                                                     \
        for (int64_t i = 0; i < w; i++) op[i] = (T)(t[i] / sum[i]);                                                \
      }                                                                                                            \
    }                                                                                                              \
  }                                                                                                                \
  /* The columns of one item (see item_columns): a block. */                                                       \
  static void softmax_item_##SUF(const sm_ctx *c, const T *x, T *out, int64_t w, double *e) {                      \
    softmax_block_##SUF(x, out, c->size, c->inner, w, c->log, e);                                                  \
  }

DEFINE_SOFTMAX_BLOCK(float, f32)
DEFINE_SOFTMAX_BLOCK(double, f64)

KD_VECTOR_CLONES static void softmax_range(void *vctx, int64_t begin, int64_t end) {
  const sm_ctx *c = vctx;
  /* float32 keeps its exp values in double here; without memory it recomputes them (same bits, slower) */
  double *e = c->f32 && !c->log ? malloc((size_t)(c->size * c->bw) * sizeof(double)) : NULL;
  for (int64_t item = begin; item < end; item++) {
    int64_t w;
    const int64_t base = item_columns(c, item, &w);
    if (c->f32)
      softmax_item_f32(c, (const float *)c->x + base, (float *)c->out + base, w, e);
    else
      softmax_item_f64(c, (const double *)c->x + base, (double *)c->out + base, w, NULL);
  }
  free(e);
}

static void plan(sm_ctx *c) {
  int64_t bw = c->inner < BLOCK ? c->inner : BLOCK;
  int64_t fit = SCRATCH / (c->size > 0 ? c->size : 1);
  if (bw > fit) bw = fit;
  if (bw < 1) bw = 1;
  c->bw = bw;
  c->nblocks = (c->inner + bw - 1) / bw;
}

static int64_t grain_of(const sm_ctx *c) {
  const int64_t per_item = c->size * c->bw;
  return per_item >= GRAIN ? 1 : GRAIN / per_item;
}

/* x and out contiguous [outer, size, inner], at the arrays' offsets; out may be x exactly. */
void kd_softmax(int f32, int log_, const void *x, void *out, int64_t outer, int64_t size, int64_t inner) {
  if (outer <= 0 || size <= 0 || inner <= 0) return;
  if (inner == 1) {
    kd_softmax_rows(f32, log_, x, out, outer, size);
    return;
  }
  sm_ctx c = {f32, log_, x, NULL, out, outer, size, inner, 1, 1};
  plan(&c);
  kd_parallel_for(outer * c.nblocks, grain_of(&c), softmax_range, &c);
}

/* ---- backward ---- */

#define DEFINE_SOFTMAX_BACKWARD(T, SUF)                                                                            \
  static void softmax_backward_block_##SUF(const T *y, const T *gy, T *gx, int64_t size, int64_t inner, int64_t w,  \
                                           int log_) {                                                             \
    double sum[BLOCK];                                                                                             \
    for (int64_t i = 0; i < w; i++) sum[i] = 0;                                                                    \
    if (log_) {                                                                                                    \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        const T *g = gy + s * inner;                                                                               \
        for (int64_t i = 0; i < w; i++) sum[i] += (double)g[i];                                                    \
      }                                                                                                            \
      const double zero = 0;                                                                                       \
      double t[BLOCK];                                                                                             \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        const T *g = gy + s * inner;                                                                               \
        T *q = gx + s * inner;                                                                                     \
        exps_##SUF(y + s * inner, &zero, 0, t, w);                                                                 \
        for (int64_t i = 0; i < w; i++) q[i] = (T)((double)g[i] - t[i] * sum[i]);                                  \
      }                                                                                                            \
    } else {                                                                                                       \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        const T *yp = y + s * inner, *g = gy + s * inner;                                                          \
        for (int64_t i = 0; i < w; i++) sum[i] += (double)g[i] * (double)yp[i];                                    \
      }                                                                                                            \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        const T *yp = y + s * inner, *g = gy + s * inner;                                                          \
        T *q = gx + s * inner;                                                                                     \
        for (int64_t i = 0; i < w; i++) q[i] = (T)((double)yp[i] * ((double)g[i] - sum[i]));                       \
      }                                                                                                            \
    }                                                                                                              \
  }                                                                                                                \
  static void softmax_backward_item_##SUF(const sm_ctx *c, const T *y, const T *gy, T *gx, int64_t w) {            \
    softmax_backward_block_##SUF(y, gy, gx, c->size, c->inner, w, c->log);                                         \
  }

DEFINE_SOFTMAX_BACKWARD(float, f32)
DEFINE_SOFTMAX_BACKWARD(double, f64)

KD_VECTOR_CLONES static void softmax_backward_range(void *vctx, int64_t begin, int64_t end) {
  const sm_ctx *c = vctx;
  for (int64_t item = begin; item < end; item++) {
    int64_t w;
    const int64_t base = item_columns(c, item, &w);
    if (c->f32)
      softmax_backward_item_f32(c, (const float *)c->x + base, (const float *)c->gy + base, (float *)c->out + base, w);
    else
      softmax_backward_item_f64(c, (const double *)c->x + base, (const double *)c->gy + base, (double *)c->out + base, w);
  }
}

/* y, gy, gx contiguous [outer, size, inner]; gx may be y or gy exactly. */
void kd_softmax_backward(int f32, int log_, const void *y, const void *gy, void *gx, int64_t outer, int64_t size,
                         int64_t inner) {
  if (outer <= 0 || size <= 0 || inner <= 0) return;
  if (inner == 1) {
    kd_softmax_rows_backward(f32, log_, y, gy, gx, outer, size);
    return;
  }
  sm_ctx c = {f32, log_, y, gy, gx, outer, size, inner, 1, 1};
  int64_t bw = inner < BLOCK ? inner : BLOCK;
  c.bw = bw;
  c.nblocks = (inner + bw - 1) / bw;
  kd_parallel_for(outer * c.nblocks, grain_of(&c), softmax_backward_range, &c);
}
