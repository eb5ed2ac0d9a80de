/*
 * Softmax and log-softmax over rows (a contiguous last dim, inner == 1), and their backwards, as PyTorch's kernel
 * for that case computes them, in the type's arithmetic (packages/core/src/kernels/softmax.ts softmaxRows and
 * softmaxBackwardRows are the reference): e_s = exp(x_s - m) with the difference and the exp rounded to T, S their
 * sum over PyTorch's vector lanes (lane_sum), out_s = e_s * (1 / S) or (x_s - m) - log(S); backward, log-softmax
 * gx = gy - exp(y) * S (one fused multiply-add) with S = Σ gy, softmax gx = (gy - S) * y with S = Σ gy * y. Threads
 * split the rows, never one row: any thread count gives the same bits.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "aten-lanes.h"
#include "kindling.h"

#include <math.h>
#include <stdint.h>

#define CHUNK 256             /* exp values computed at a time */

/*
 * exp(x_s - m) rounded to float32, the difference rounded first: vector-math.c's exp (within about 2^-47 of exp, so
 * the correctly rounded float32 value but within 2^-47 of a tie).
 */
static void exps_row_f32(const float *x, float m, float *e, int64_t n) {
  const double zero = 0;
  float d[CHUNK];
  double t[CHUNK];
  for (int64_t s0 = 0; s0 < n; s0 += CHUNK) {
    const int64_t len = n - s0 < CHUNK ? n - s0 : CHUNK;
    for (int64_t k = 0; k < len; k++) d[k] = x[s0 + k] - m;
    kd_exp_shifted_f32(d, &zero, 0, t, len);
    for (int64_t k = 0; k < len; k++) e[s0 + k] = (float)t[k];
  }
}

static void exps_row_f64(const double *x, double m, double *e, int64_t n) {
  for (int64_t s = 0; s < n; s++) e[s] = exp(x[s] - m);
}

void kd_exps_of_f32(const float *x, double *e, int64_t n) {
  const double zero = 0;
  kd_exp_shifted_f32(x, &zero, 0, e, n);
}
void kd_exps_of_f64(const double *x, double *e, int64_t n) {
  for (int64_t i = 0; i < n; i++) e[i] = exp(x[i]);
}

/*
 * A row's maximum, NaN when it holds one (a NaN, once met, stays: the reference's rule): W running maxima side by
 * side and a NaN flag, so that the loop vectorises without branches. Of two zeros it may keep the other sign, which
 * no result but log-softmax's (x - m) - log(S) at x = 0 and S = 1 could show.
 */
#define DEFINE_ROW_MAX(T, SUF, W)                                                                                  \
  KD_INLINE T row_max_##SUF(const T *x, int64_t n) {                                                               \
    T part[W];                                                                                                     \
    int nan = 0;                                                                                                   \
    for (int j = 0; j < W; j++) part[j] = -INFINITY;                                                               \
    int64_t s = 0;                                                                                                 \
    for (; s + W <= n; s += W)                                                                                     \
      for (int j = 0; j < W; j++) {                                                                                \
        const T v = x[s + j];                                                                                      \
        part[j] = v > part[j] ? v : part[j];                                                                       \
        nan |= v != v;                                                                                             \
      }                                                                                                            \
    T best = -INFINITY;                                                                                            \
    for (int j = 0; j < W; j++) best = part[j] > best ? part[j] : best;                                            \
    for (; s < n; s++) {                                                                                           \
      best = x[s] > best ? x[s] : best;                                                                            \
      nan |= x[s] != x[s];                                                                                         \
    }                                                                                                              \
    return nan ? (T)NAN : best;                                                                                    \
  }
DEFINE_ROW_MAX(float, f32, 8)
DEFINE_ROW_MAX(double, f64, 4)

#define DEFINE_SOFTMAX_ROW(T, SUF, W, FMA)                                                                         \
  /* Σ exp(x_s - m) over the lanes, the exp values CHUNK (a multiple of W) at a time: lane_sum's order. */         \
  KD_INLINE T exp_lane_sum_##SUF(const T *x, T m, int64_t size) {                                                  \
    T t[CHUNK], l[W];                                                                                              \
    if (size < W) {                                                                                                \
      exps_row_##SUF(x, m, t, size);                                                                               \
      return lane_sum_##SUF(t, NULL, NULL, size);                                                                  \
    }                                                                                                              \
    for (int64_t s0 = 0; s0 < size; s0 += CHUNK) {                                                                 \
      const int64_t len = size - s0 < CHUNK ? size - s0 : CHUNK;                                                   \
      exps_row_##SUF(x + s0, m, t, len);                                                                           \
      int64_t k = 0;                                                                                               \
      if (s0 == 0)                                                                                                 \
        for (; k < W; k++) l[k] = t[k];                                                                            \
      for (; k + W <= len; k += W)                                                                                 \
        for (int j = 0; j < W; j++) l[j] = l[j] + t[k + j];                                                        \
      for (int j = 0; k + j < len; j++) l[j] = l[j] + t[k + j];                                                    \
    }                                                                                                              \
    return fold_##SUF(l);                                                                                          \
  }                                                                                                                \
  /* One row; out may be x. softmax keeps its exp values in out, as PyTorch's kernel does. */                      \
  KD_INLINE void softmax_row_##SUF(const T *x, T *out, int64_t size, int log_) {                                   \
    const T m = row_max_##SUF(x, size);                                                                            \
    if (log_) {                                                                                                    \
      const T l = (T)log((double)exp_lane_sum_##SUF(x, m, size));                                                  \
      for (int64_t s = 0; s < size; s++) out[s] = (x[s] - m) - l;                                                  \
    } else {                                                                                                       \
      exps_row_##SUF(x, m, out, size);                                                                             \
      const T inverse = (T)1 / lane_sum_##SUF(out, NULL, NULL, size);                                              \
      for (int64_t s = 0; s < size; s++) out[s] = out[s] * inverse;                                                \
    }                                                                                                              \
  }                                                                                                                \
  KD_INLINE void softmax_backward_row_##SUF(const T *y, const T *gy, T *gx, int64_t size, int log_) {              \
    if (log_) {                                                                                                    \
      const T sum = lane_sum_##SUF(gy, NULL, NULL, size);                                                          \
      double t[CHUNK];                                                                                             \
      for (int64_t s0 = 0; s0 < size; s0 += CHUNK) {                                                               \
        const int64_t len = size - s0 < CHUNK ? size - s0 : CHUNK;                                                 \
        kd_exps_of_##SUF(y + s0, t, len);                                                                          \
        for (int64_t k = 0; k < len; k++) gx[s0 + k] = FMA(-(T)t[k], sum, gy[s0 + k]);                             \
      }                                                                                                            \
    } else {                                                                                                       \
      const T sum = lane_sum_##SUF(gy, NULL, y, size);                                                             \
      for (int64_t s = 0; s < size; s++) gx[s] = (gy[s] - sum) * y[s];                                             \
    }                                                                                                              \
  }
DEFINE_SOFTMAX_ROW(float, f32, 8, fmaf)
DEFINE_SOFTMAX_ROW(double, f64, 4, fma)

typedef struct {
  int f32, log;
  const void *x, *gy;
  void *out;
  int64_t size;
} rows_ctx;

KD_VECTOR_CLONES static void softmax_rows_range(void *vctx, int64_t begin, int64_t end) {
  const rows_ctx *c = vctx;
  for (int64_t r = begin; r < end; r++) {
    if (c->f32)
      softmax_row_f32((const float *)c->x + r * c->size, (float *)c->out + r * c->size, c->size, c->log);
    else
      softmax_row_f64((const double *)c->x + r * c->size, (double *)c->out + r * c->size, c->size, c->log);
  }
}

/* Compiled for FMA too, so that the fused multiply-adds are the instruction rather than a call to the library's. */
KD_FMA_CLONES static void softmax_rows_backward_range(void *vctx, int64_t begin, int64_t end) {
  const rows_ctx *c = vctx;
  for (int64_t r = begin; r < end; r++) {
    const int64_t at = r * c->size;
    if (c->f32)
      softmax_backward_row_f32((const float *)c->x + at, (const float *)c->gy + at, (float *)c->out + at, c->size,
                               c->log);
    else
      softmax_backward_row_f64((const double *)c->x + at, (const double *)c->gy + at, (double *)c->out + at,
                               c->size, c->log);
  }
}

void kd_softmax_rows(int f32, int log_, const void *x, void *out, int64_t rows, int64_t size) {
  rows_ctx c = {f32, log_, x, NULL, out, size};
  kd_parallel_for(rows, kd_softmax_grain(size), softmax_rows_range, &c);
}

void kd_softmax_rows_backward(int f32, int log_, const void *y, const void *gy, void *gx, int64_t rows,
                              int64_t size) {
  rows_ctx c = {f32, log_, y, gy, gx, size};
  kd_parallel_for(rows, kd_softmax_grain(size), softmax_rows_backward_range, &c);
}
