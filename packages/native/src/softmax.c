/*
 * Softmax and log-softmax along the middle dim of a contiguous [outer, size, inner] array, and their backwards.
 * The reference is packages/core/src/kernels/softmax.ts: per column (o, i), m = the max over the dim (a NaN makes
 * it NaN), e_s = exp(x_s - m), S = Σ e_s in double in ascending s, out_s = e_s / S, or (x_s - m) - log(S) for
 * log-softmax; every value in double, rounded once when stored. The backward sums (Σ gy * y, or Σ gy) are in
 * double in ascending s too. Threads split the columns, never one sum: any thread count gives the same bits.
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

#if defined(__GNUC__) && !defined(__clang__)
/* The vectors below are locals of always-inlined helpers: the baseline build's vector-argument ABI never applies. */
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
/* Eight float32 lanes and their comparison masks: AVX2 registers in that build, SSE pairs in the baseline one. */
typedef float sm_v8f __attribute__((vector_size(32)));
typedef int32_t sm_v8i __attribute__((vector_size(32)));

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

/* Elements of a row whose exp values are computed at a time, where no scratch holds them all. */
#define ROW_CHUNK 256

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
  /* Σ_s exp(x_s - m) in ascending s, the exp values ROW_CHUNK at a time in t. */                                  \
  static double row_exp_sum_##SUF(const T *x, double m, int64_t size, double *t) {                                 \
    double sum = 0;                                                                                                \
    for (int64_t s0 = 0; s0 < size; s0 += ROW_CHUNK) {                                                             \
      const int64_t len = size - s0 < ROW_CHUNK ? size - s0 : ROW_CHUNK;                                           \
      exps_##SUF(x + s0, &m, 0, t, len);                                                                           \
      for (int64_t k = 0; k < len; k++) sum += t[k];                                                               \
    }                                                                                                              \
    return sum;                                                                                                    \
  }                                                                                                                \
  /* One row (inner == 1): the same computation with scalars. */                                                  \
  static void softmax_row_##SUF(const T *x, T *out, int64_t size, int log_, double *e) {                           \
    double m = -INFINITY, sum = 0;                                                                                 \
    for (int64_t s = 0; s < size; s++) {                                                                           \
      const double v = (double)x[s];                                                                               \
      m = max_step(v, m);                                                                                          \
    }                                                                                                              \
    double t[ROW_CHUNK];                                                                                           \
    if (log_) {                                                                                                    \
      const double l = log(row_exp_sum_##SUF(x, m, size, t));                                                      \
      for (int64_t s = 0; s < size; s++) out[s] = (T)(((double)x[s] - m) - l);                                    \
    } else if (e != NULL) {                                                                                        \
      exps_##SUF(x, &m, 0, e, size);                                                                               \
      for (int64_t s = 0; s < size; s++) sum += e[s];                                                              \
      for (int64_t s = 0; s < size; s++) out[s] = (T)(e[s] / sum);                                                 \
    } else if (sizeof(T) == sizeof(double)) {                                                                      \
      for (int64_t s = 0; s < size; s++) {                                                                         \
        const double d = exp((double)x[s] - m);                                                                    \
        out[s] = (T)d;                                                                                             \
        sum += d;                                                                                                  \
      }                                                                                                            \
      for (int64_t s = 0; s < size; s++) out[s] = (T)((double)out[s] / sum);                                       \
    } else {                                                                                                       \
      sum = row_exp_sum_##SUF(x, m, size, t);                                                                      \
      for (int64_t s0 = 0; s0 < size; s0 += ROW_CHUNK) {                                                           \
        const int64_t len = size - s0 < ROW_CHUNK ? size - s0 : ROW_CHUNK;                                         \
        exps_##SUF(x + s0, &m, 0, t, len);                                                                         \
        for (int64_t k = 0; k < len; k++) out[s0 + k] = (T)(t[k] / sum);                                           \
      }                                                                                                            \
    }                                                                                                              \
  }                                                                                                                \
  /* The columns of one item (see item_columns): a row alone, or a block. */                                       \
  static void softmax_item_##SUF(const sm_ctx *c, const T *x, T *out, int64_t w, double *e) {                      \
    if (c->inner == 1)                                                                                             \
      softmax_row_##SUF(x, out, c->size, c->log, e);                                                               \
    else                                                                                                           \
      softmax_block_##SUF(x, out, c->size, c->inner, w, c->log, e);                                                \
  }

DEFINE_SOFTMAX_BLOCK(float, f32)
DEFINE_SOFTMAX_BLOCK(double, f64)

/*
 * The maximum of a row of float32, as a double, the same as the scalar loops' (max_step from -inf): eight
 * running maxima side by side, so that the loop vectorises without branches. A maximum is exact in any order; of
 * two zeros it may keep the other sign, which no result shows (x - m and exp(x - m) are the same for either). The
 * probes sum v - v, which is 0 unless v is NaN or infinite: such a row takes the scalar loop, for the same NaN.
 */
KD_INLINE double row_max_f32(const float *x, int64_t n) {
  sm_v8f part = {-INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY};
  sm_v8f probe = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t s = 0;
  for (; s + 8 <= n; s += 8) {
    sm_v8f v;
    memcpy(&v, x + s, sizeof v);
    const sm_v8i above = v > part;
    part = (sm_v8f)((above & (sm_v8i)v) | (~above & (sm_v8i)part));
    probe += v - v;
  }
  float best = -INFINITY, finite = 0;
  for (int j = 0; j < 8; j++) {
    best = part[j] > best ? part[j] : best;
    finite += probe[j];
  }
  for (; s < n; s++) {
    best = x[s] > best ? x[s] : best;
    finite += x[s] - x[s];
  }
  if (finite == 0) return best;
  double m = -INFINITY;
  for (s = 0; s < n; s++) m = max_step((double)x[s], m);
  return m;
}

/*
 * ROWS rows of float32 (inner == 1) side by side: softmax_row_f32's computation for each, to the bit, with the
 * rows' sums interleaved. A row's ascending double sum is a chain of dependent additions; four rows make four
 * chains that run at once. e: room for ROWS * size doubles. Inlined into softmax_range, so that its AVX2 build
 * divides four doubles at a time.
 */
#define ROWS 4
KD_INLINE void softmax_rows_f32(const float *x, float *out, int64_t size, int log_, double *e) {
  double m[ROWS], sum[ROWS];
  for (int r = 0; r < ROWS; r++) m[r] = row_max_f32(x + r * size, size), sum[r] = 0;
  for (int r = 0; r < ROWS; r++) exps_f32(x + r * size, &m[r], 0, e + r * size, size);
  for (int64_t s = 0; s < size; s++)
    for (int r = 0; r < ROWS; r++) sum[r] += e[r * size + s];
  for (int r = 0; r < ROWS; r++) {
    const float *xr = x + r * size;
    const double *er = e + r * size;
    float *o = out + r * size;
    if (log_) {
      const double l = log(sum[r]);
      for (int64_t s = 0; s < size; s++) o[s] = (float)(((double)xr[s] - m[r]) - l);
    } else {
      for (int64_t s = 0; s < size; s++) o[s] = (float)(er[s] / sum[r]);
    }
  }
}

KD_VECTOR_CLONES static void softmax_range(void *vctx, int64_t begin, int64_t end) {
  const sm_ctx *c = vctx;
  /*
   * float32 keeps its exp values in double here (rows of ROWS at a time where inner == 1); without memory it
   * recomputes them, or takes rows one at a time (same bits, slower)
   */
  const int rows = c->f32 && c->inner == 1;
  const size_t keep = (size_t)((rows ? ROWS : 1) * c->size * c->bw);
  double *e = c->f32 && (rows || !c->log) ? malloc(keep * sizeof(double)) : NULL;
  for (int64_t item = begin; item < end; item++) {
    int64_t w;
    const int64_t base = item_columns(c, item, &w);
    if (rows && e != NULL && end - item >= ROWS) {
      softmax_rows_f32((const float *)c->x + base, (float *)c->out + base, c->size, c->log, e);
      item += ROWS - 1;
    } else if (c->f32) {
      softmax_item_f32(c, (const float *)c->x + base, (float *)c->out + base, w, c->log ? NULL : e);
    } else {
      softmax_item_f64(c, (const double *)c->x + base, (double *)c->out + base, w, NULL);
    }
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
  /* One row's gradient from its sum (Σ gy * y, or Σ gy for log-softmax). */                                       \
  KD_INLINE void softmax_backward_apply_##SUF(const T *y, const T *gy, T *gx, int64_t size, int log_,              \
                                               double sum) {                                                       \
    if (log_) {                                                                                                    \
      const double zero = 0;                                                                                       \
      double t[ROW_CHUNK];                                                                                         \
      for (int64_t s0 = 0; s0 < size; s0 += ROW_CHUNK) {                                                           \
        const int64_t len = size - s0 < ROW_CHUNK ? size - s0 : ROW_CHUNK;                                         \
        exps_##SUF(y + s0, &zero, 0, t, len);                                                                      \
        for (int64_t k = 0; k < len; k++) gx[s0 + k] = (T)((double)gy[s0 + k] - t[k] * sum);                       \
      }                                                                                                            \
    } else {                                                                                                       \
      for (int64_t s = 0; s < size; s++) gx[s] = (T)((double)y[s] * ((double)gy[s] - sum));                        \
    }                                                                                                              \
  }                                                                                                                \
  static void softmax_backward_row_##SUF(const T *y, const T *gy, T *gx, int64_t size, int log_) {                 \
    double sum = 0;                                                                                                \
    if (log_)                                                                                                      \
      for (int64_t s = 0; s < size; s++) sum += (double)gy[s];                                                     \
    else                                                                                                           \
      for (int64_t s = 0; s < size; s++) sum += (double)gy[s] * (double)y[s];                                      \
    softmax_backward_apply_##SUF(y, gy, gx, size, log_, sum);                                                      \
  }                                                                                                                \
  static void softmax_backward_item_##SUF(const sm_ctx *c, const T *y, const T *gy, T *gx, int64_t w) {            \
    if (c->inner == 1)                                                                                             \
      softmax_backward_row_##SUF(y, gy, gx, c->size, c->log);                                                      \
    else                                                                                                           \
      softmax_backward_block_##SUF(y, gy, gx, c->size, c->inner, w, c->log);                                       \
  }

DEFINE_SOFTMAX_BACKWARD(float, f32)
DEFINE_SOFTMAX_BACKWARD(double, f64)

/*
 * ROWS rows of float32 (inner == 1) side by side: softmax_backward_row_f32's computation for each, to the bit, with
 * the rows' ascending double sums interleaved (four chains of dependent additions that run at once), then each
 * row's gradient from its sum.
 */
KD_INLINE void softmax_backward_rows_f32(const float *y, const float *gy, float *gx, int64_t size, int log_) {
  double sum[ROWS] = {0};
  if (log_) {
    for (int64_t s = 0; s < size; s++)
      for (int r = 0; r < ROWS; r++) sum[r] += (double)gy[r * size + s];
  } else {
    for (int64_t s = 0; s < size; s++)
      for (int r = 0; r < ROWS; r++) sum[r] += (double)gy[r * size + s] * (double)y[r * size + s];
  }
  for (int r = 0; r < ROWS; r++)
    softmax_backward_apply_f32(y + r * size, gy + r * size, gx + r * size, size, log_, sum[r]);
}

KD_VECTOR_CLONES static void softmax_backward_range(void *vctx, int64_t begin, int64_t end) {
  const sm_ctx *c = vctx;
  for (int64_t item = begin; item < end; item++) {
    int64_t w;
    const int64_t base = item_columns(c, item, &w);
    if (c->f32 && c->inner == 1 && end - item >= ROWS) {
      softmax_backward_rows_f32((const float *)c->x + base, (const float *)c->gy + base, (float *)c->out + base,
                                c->size, c->log);
      item += ROWS - 1;
    } else if (c->f32)
      softmax_backward_item_f32(c, (const float *)c->x + base, (const float *)c->gy + base, (float *)c->out + base, w);
    else
      softmax_backward_item_f64(c, (const double *)c->x + base, (const double *)c->gy + base, (double *)c->out + base, w);
  }
}

/* y, gy, gx contiguous [outer, size, inner]; gx may be y or gy exactly. */
void kd_softmax_backward(int f32, int log_, const void *y, const void *gy, void *gx, int64_t outer, int64_t size,
                         int64_t inner) {
  if (outer <= 0 || size <= 0 || inner <= 0) return;
  sm_ctx c = {f32, log_, y, gy, gx, outer, size, inner, 1, 1};
  int64_t bw = inner < BLOCK ? inner : BLOCK;
  c.bw = bw;
  c.nblocks = (inner + bw - 1) / bw;
  kd_parallel_for(outer * c.nblocks, grain_of(&c), softmax_backward_range, &c);
}
#undef ROWS
