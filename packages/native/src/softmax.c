/*
 * Softmax and log-softmax along the middle dim of a contiguous [outer, size, inner] array, and their backwards,
 * as PyTorch's kernel for a middle dim computes them in the type's arithmetic. The reference is
 * packages/core/src/kernels/softmax.ts: per column (o, i), m = the max over the dim (a NaN makes it NaN),
 * e_s = exp(x_s - m), S = Σ e_s in ascending s, out_s = e_s / S, or (x_s - m) - log(S) for log-softmax, float32's
 * steps each rounded to float32; the backward's sums in ascending s, in fused multiply-adds where PyTorch's are.
 * Threads split the columns, never one sum: any thread count gives the same bits. Rows (inner == 1) take PyTorch's
 * row kernel's steps: softmax-rows.c.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "kindling.h"

#include <math.h>
#include <stdint.h>

#define BLOCK 256 /* columns processed side by side when inner > 1 */

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

/* e[i] = exp(x[i] - m[i * mstep]) for i < n (mstep 0: one shift for all), float64, with libm's exp. */
static void exps_f64(const double *x, const double *m, int64_t mstep, double *e, int64_t n) {
  for (int64_t i = 0; i < n; i++) e[i] = exp(x[i] - m[i * mstep]);
}

/* The running maximum's step: v when it is larger or NaN (a NaN, once met, stays unless a later NaN replaces it). */
KD_INLINE double max_step(double v, double m) { return (v > m || v != v) ? v : m; }

/* ---- forward ---- */

/* One float64 block: w columns from x (column stride `inner`) into out, the exp values kept in out itself. */
static void softmax_block_f64(const double *x, double *out, int64_t size, int64_t inner, int64_t w, int log_) {
  double m[BLOCK], sum[BLOCK];
  for (int64_t i = 0; i < w; i++) m[i] = -INFINITY, sum[i] = 0;
  for (int64_t s = 0; s < size; s++) {
    const double *xp = x + s * inner;
    for (int64_t i = 0; i < w; i++) m[i] = max_step(xp[i], m[i]);
  }
  if (log_) {
    double t[BLOCK];
    for (int64_t s = 0; s < size; s++) {
      exps_f64(x + s * inner, m, 1, t, w);
      for (int64_t i = 0; i < w; i++) sum[i] += t[i];
    }
    for (int64_t i = 0; i < w; i++) sum[i] = log(sum[i]);
    for (int64_t s = 0; s < size; s++) {
      const double *xp = x + s * inner;
      double *op = out + s * inner;
      for (int64_t i = 0; i < w; i++) op[i] = (xp[i] - m[i]) - sum[i];
    }
    return;
  }
  for (int64_t s = 0; s < size; s++) {
    const double *xp = x + s * inner;
    double *op = out + s * inner;
    for (int64_t i = 0; i < w; i++) {
      op[i] = exp(xp[i] - m[i]);
      sum[i] += op[i];
    }
  }
  for (int64_t s = 0; s < size; s++) {
    double *op = out + s * inner;
    for (int64_t i = 0; i < w; i++) op[i] = op[i] / sum[i];
  }
}

/*
 * float32 columns as PyTorch's kernel for a middle dim computes them (softmax.ts columnsF32): x - m and its exp
 * rounded to float32, S their float32 sum in ascending s, out = e / S, or (x - m) - log(S) with log(S) rounded.
 * softmax computes the exp values twice (the same bits) rather than keep them.
 */
static void softmax_block_f32(const float *x, float *out, int64_t size, int64_t inner, int64_t w, int log_) {
  float m[BLOCK], sum[BLOCK], d[BLOCK];
  double t[BLOCK];
  const double zero = 0;
  for (int64_t i = 0; i < w; i++) m[i] = -INFINITY, sum[i] = 0;
  for (int64_t s = 0; s < size; s++) {
    const float *xp = x + s * inner;
    for (int64_t i = 0; i < w; i++) m[i] = (xp[i] > m[i] || xp[i] != xp[i]) ? xp[i] : m[i];
  }
  for (int64_t s = 0; s < size; s++) {
    const float *xp = x + s * inner;
    for (int64_t i = 0; i < w; i++) d[i] = xp[i] - m[i];
    kd_exp_shifted_f32(d, &zero, 0, t, w);
    for (int64_t i = 0; i < w; i++) sum[i] = sum[i] + (float)t[i];
  }
  if (log_) {
    for (int64_t i = 0; i < w; i++) sum[i] = (float)log((double)sum[i]);
    for (int64_t s = 0; s < size; s++) {
      const float *xp = x + s * inner;
      float *op = out + s * inner;
      for (int64_t i = 0; i < w; i++) op[i] = (xp[i] - m[i]) - sum[i];
    }
    return;
  }
  for (int64_t s = 0; s < size; s++) {
    const float *xp = x + s * inner;
    float *op = out + s * inner;
    for (int64_t i = 0; i < w; i++) d[i] = xp[i] - m[i];
    kd_exp_shifted_f32(d, &zero, 0, t, w);
    for (int64_t i = 0; i < w; i++) op[i] = (float)t[i] / sum[i];
  }
}

KD_VECTOR_CLONES static void softmax_range(void *vctx, int64_t begin, int64_t end) {
  const sm_ctx *c = vctx;
  for (int64_t item = begin; item < end; item++) {
    int64_t w;
    const int64_t base = item_columns(c, item, &w);
    if (c->f32)
      softmax_block_f32((const float *)c->x + base, (float *)c->out + base, c->size, c->inner, w, c->log);
    else
      softmax_block_f64((const double *)c->x + base, (double *)c->out + base, c->size, c->inner, w, c->log);
  }
}

static void plan(sm_ctx *c) {
  c->bw = c->inner < BLOCK ? c->inner : BLOCK;
  c->nblocks = (c->inner + c->bw - 1) / c->bw;
}

static int64_t grain_of(const sm_ctx *c) { return kd_softmax_grain(c->size * c->bw); }

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

/*
 * One block's gradient as PyTorch's kernel for a middle dim computes it, in T's arithmetic: the sums in ascending s
 * (Σ gy * y accumulated in fused multiply-adds), log-softmax's gx = gy - exp(y) * S one fused multiply-add.
 */
#define DEFINE_SOFTMAX_BACKWARD(T, SUF, FMA)                                                                       \
  KD_INLINE void softmax_backward_block_##SUF(const T *y, const T *gy, T *gx, int64_t size, int64_t inner,          \
                                              int64_t w, int log_) {                                               \
    T sum[BLOCK];                                                                                                  \
    for (int64_t i = 0; i < w; i++) sum[i] = 0;                                                                    \
    if (log_) {                                                                                                    \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        const T *g = gy + s * inner;                                                                               \
        for (int64_t i = 0; i < w; i++) sum[i] = sum[i] + g[i];                                                    \
      }                                                                                                            \
      double t[BLOCK];                                                                                             \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        const T *yp = y + s * inner, *g = gy + s * inner;                                                          \
        T *q = gx + s * inner;                                                                                     \
        kd_exps_of_##SUF(yp, t, w);                                                                                \
        for (int64_t i = 0; i < w; i++) q[i] = FMA(-(T)t[i], sum[i], g[i]);                                        \
      }                                                                                                            \
    } else {                                                                                                       \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        const T *yp = y + s * inner, *g = gy + s * inner;                                                          \
        for (int64_t i = 0; i < w; i++) sum[i] = FMA(g[i], yp[i], sum[i]);                                         \
      }                                                                                                            \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        const T *yp = y + s * inner, *g = gy + s * inner;                                                          \
        T *q = gx + s * inner;                                                                                     \
        for (int64_t i = 0; i < w; i++) q[i] = (g[i] - sum[i]) * yp[i];                                            \
      }                                                                                                            \
    }                                                                                                              \
  }                                                                                                                \
  KD_INLINE void softmax_backward_item_##SUF(const sm_ctx *c, const T *y, const T *gy, T *gx, int64_t w) {         \
    softmax_backward_block_##SUF(y, gy, gx, c->size, c->inner, w, c->log);                                         \
  }

DEFINE_SOFTMAX_BACKWARD(float, f32, fmaf)
DEFINE_SOFTMAX_BACKWARD(double, f64, fma)

/* Compiled for FMA too, so that the fused multiply-adds are the instruction rather than a call to the library's. */
KD_FMA_CLONES static void softmax_backward_range(void *vctx, int64_t begin, int64_t end) {
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
  plan(&c);
  kd_parallel_for(outer * c.nblocks, grain_of(&c), softmax_backward_range, &c);
}
