/*
 * Layer norm over contiguous [rows, cols], forward and backward, as PyTorch 1.13's CPU kernel computes it, in the
 * type's arithmetic (packages/core/src/kernels/layer-norm.ts is the reference and gives the formulas): a row's mean
 * and variance from the Welford cascade of ATen's RowwiseMoments (no fused operations), the output and the
 * gradients with its fused multiply-adds, the backward's row sums over its vector lanes (aten-lanes.h).
 *
 * Threads split rows, and for the weight's and bias's gradients columns, each summed over the rows in order: any
 * thread count gives the same bits.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "aten-lanes.h"
#include "kindling.h"

#define CHUNK 16  /* vectors a Welford chunk updates before it joins the cascade (ATen's kChunkSize) */
#define LEVELS 64 /* cascade levels: enough for 2^64 chunks */
#define BLOCK 256 /* columns whose weight and bias gradients run side by side */

/*
 * ATen's RowwiseMoments, in vectors of W lanes (VT: 32 bytes, as AVX2's): each lane a Welford sum over the row's
 * first n - n % W values (lane l takes values l, l + W, ...) in chunks of CHUNK vectors whose moments join a binary
 * cascade (level k holds 2^k chunks), the levels merged into level 0 at the end; the last n % W values a scalar
 * Welford sum into which the lanes are merged in order. Moments (count, mean m1, m2) merge as AddMoments does:
 * c = count / total, delta = m1' - m1, m1 += c * delta, m2 += m2' + delta * delta * c * count_before.
 */
#define DEFINE_MOMENTS(T, VT, SUF, W)                                                                              \
  KD_INLINE void add_moments_##SUF(int64_t count, VT m1, VT m2, int64_t *to_count, VT *to_m1, VT *to_m2) {         \
    const int64_t total = *to_count + count;                                                                       \
    const T c = total == 0 ? (T)0 : (T)count / (T)total;                                                           \
    const T before = (T)*to_count;                                                                                 \
    const VT delta = m1 - *to_m1;                                                                                  \
    *to_m1 = *to_m1 + c * delta;                                                                                   \
    *to_m2 = *to_m2 + (m2 + ((delta * delta) * c) * before);                                                       \
    *to_count = total;                                                                                             \
  }                                                                                                                \
  KD_INLINE void row_moments_##SUF(const T *x, int64_t n, T *mean, T *var) {                                       \
    const int64_t vectors = n / W, chunks = (vectors + CHUNK - 1) / CHUNK;                                         \
    const int depth = chunks <= 2 ? 1 : 64 - __builtin_clzll((unsigned long long)(chunks - 1));                    \
    int64_t count[LEVELS];                                                                                         \
    VT m1[LEVELS], m2[LEVELS];                                                                                     \
    const VT zero = {0};                                                                                           \
    for (int k = 0; k < depth; k++) count[k] = 0, m1[k] = m2[k] = zero;                                            \
    for (int64_t i = 0; i < chunks; i++) {                                                                         \
      const T *p = x + i * CHUNK * W;                                                                              \
      const int64_t len = vectors - i * CHUNK < CHUNK ? vectors - i * CHUNK : CHUNK;                               \
      VT a = zero, b = zero;                                                                                       \
      for (int64_t j = 0; j < len; j++) {                                                                          \
        const T c = (T)1 / (T)(j + 1);                                                                             \
        VT v;                                                                                                      \
        memcpy(&v, p + j * W, sizeof v);                                                                           \
        const VT delta = v - a;                                                                                    \
        a = a + delta * c;                                                                                         \
        b = b + delta * (v - a);                                                                                   \
      }                                                                                                            \
      add_moments_##SUF(len, a, b, &count[0], &m1[0], &m2[0]);                                                     \
      int64_t mask = i + 1;                                                                                        \
      for (int k = 1; k < depth && (mask & 1) == 0; k++, mask >>= 1) {                                             \
        add_moments_##SUF(count[k - 1], m1[k - 1], m2[k - 1], &count[k], &m1[k], &m2[k]);                          \
        count[k - 1] = 0;                                                                                          \
        m1[k - 1] = m2[k - 1] = zero;                                                                              \
      }                                                                                                            \
    }                                                                                                              \
    for (int k = 1; k < depth; k++) add_moments_##SUF(count[k], m1[k], m2[k], &count[0], &m1[0], &m2[0]);          \
    int64_t tail_count = 0;                                                                                        \
    T tail_m1 = 0, tail_m2 = 0;                                                                                    \
    for (int64_t i = vectors * W; i < n; i++) {                                                                    \
      const T delta = x[i] - tail_m1;                                                                              \
      tail_count++;                                                                                                \
      tail_m1 = tail_m1 + delta / (T)tail_count;                                                                   \
      tail_m2 = tail_m2 + delta * (x[i] - tail_m1);                                                                \
    }                                                                                                              \
    for (int l = 0; l < W; l++) {                                                                                  \
      const int64_t total = tail_count + vectors;                                                                  \
      const T c = total == 0 ? (T)0 : (T)vectors / (T)total;                                                       \
      const T delta = m1[0][l] - tail_m1;                                                                          \
      tail_m1 = tail_m1 + c * delta;                                                                               \
      tail_m2 = tail_m2 + (m2[0][l] + ((delta * delta) * c) * (T)tail_count);                                      \
      tail_count = total;                                                                                          \
    }                                                                                                              \
    *mean = tail_m1;                                                                                               \
    *var = tail_m2 / (T)n;                                                                                         \
  }
DEFINE_MOMENTS(float, kd_v8f, f32, 8)
DEFINE_MOMENTS(double, kd_v4d, f64, 4)

/* ------------------------------------------------------------------------------------------------------------ */

typedef struct {
  int f32;
  const void *x, *weight, *bias;
  void *out, *smean, *srstd;
  int64_t rows, cols;
  double eps;
} ln_fwd_ctx;

/*
 * Rows [r0, r1): y = (x * rstd + (-rstd * mean)) * w + b, two fused multiply-adds (w = 1 and b = 0 where absent,
 * so that a -0 product becomes +0 as PyTorch's does).
 */
#define DEFINE_FORWARD(T, SUF, FMA)                                                                                \
  KD_INLINE void ln_fwd_rows_##SUF(const ln_fwd_ctx *k, int64_t r0, int64_t r1) {                                  \
    const int64_t cols = k->cols;                                                                                  \
    const T *const w = k->weight, *const bs = k->bias;                                                             \
    const T eps = (T)k->eps;                                                                                       \
    for (int64_t i = r0; i < r1; i++) {                                                                            \
      const T *const restrict x = (const T *)k->x + i * cols;                                                      \
      T *const restrict out = (T *)k->out + i * cols;                                                              \
      T mean, var;                                                                                                 \
      row_moments_##SUF(x, cols, &mean, &var);                                                                     \
      const T rstd = (T)1 / (T)sqrt((double)(var + eps));                                                          \
      const T shift = -rstd * mean;                                                                                \
      ((T *)k->smean)[i] = mean;                                                                                   \
      ((T *)k->srstd)[i] = rstd;                                                                                   \
      if (w && bs)                                                                                                 \
        for (int64_t j = 0; j < cols; j++) out[j] = FMA(FMA(x[j], rstd, shift), w[j], bs[j]);                      \
      else if (w)                                                                                                  \
        for (int64_t j = 0; j < cols; j++) out[j] = FMA(FMA(x[j], rstd, shift), w[j], (T)0);                       \
      else if (bs)                                                                                                 \
        for (int64_t j = 0; j < cols; j++) out[j] = FMA(x[j], rstd, shift) + bs[j];                                \
      else                                                                                                         \
        for (int64_t j = 0; j < cols; j++) out[j] = FMA(x[j], rstd, shift) + (T)0;                                 \
    }                                                                                                              \
  }
DEFINE_FORWARD(float, f32, fmaf)
DEFINE_FORWARD(double, f64, fma)

KD_TYPED_RANGE(ln_fwd_range, ln_fwd_ctx, ln_fwd_rows)


void kd_layer_norm_forward(int f32, const void *x, int64_t rows, int64_t cols, const void *weight, const void *bias,
                           double eps, void *out, void *save_mean, void *save_rstd) {
  ln_fwd_ctx k = {f32, x, weight, bias, out, save_mean, save_rstd, rows, cols, eps};
  kd_parallel_for(rows, kd_grain_for(cols), ln_fwd_range, &k);
}

/* ------------------------------------------------------------------------------------------------------------ */

typedef struct {
  int f32;
  const void *gy, *x, *weight, *smean, *srstd;
  void *gx, *gweight, *gbias;
  int64_t rows, cols;
} ln_bwd_ctx;

/*
 * Rows [r0, r1) of the input's gradient: ds = Σ gy * x * w and db = Σ gy * w over the lanes; with a = rstd,
 * b = (db * mean - ds) * a * a * a / cols and c = -b * mean - db * a / cols, gx = (b * x + a * gy * w) + c, where
 * db * mean - ds, -b * mean - (db * a / cols) and b * x + (a * gy * w) are fused multiply-adds.
 */
#define DEFINE_BACKWARD(T, SUF, FMA)                                                                               \
  KD_INLINE void ln_bwd_rows_##SUF(const ln_bwd_ctx *k, int64_t r0, int64_t r1) {                                  \
    const int64_t cols = k->cols;                                                                                  \
    const T *const w = k->weight;                                                                                  \
    const T scale = (T)1 / (T)cols;                                                                                \
    for (int64_t i = r0; i < r1; i++) {                                                                            \
      const T *const restrict gy = (const T *)k->gy + i * cols;                                                    \
      const T *const restrict x = (const T *)k->x + i * cols;                                                      \
      T *const restrict gx = (T *)k->gx + i * cols;                                                                \
      const T mean = ((const T *)k->smean)[i], a = ((const T *)k->srstd)[i];                                       \
      const T ds = w ? lane_sum_##SUF(gy, x, w, cols) : lane_sum_##SUF(gy, NULL, x, cols);                         \
      const T db = w ? lane_sum_##SUF(gy, NULL, w, cols) : lane_sum_##SUF(gy, NULL, NULL, cols);                   \
      const T b = (((FMA(db, mean, -ds) * a) * a) * a) * scale;                                                    \
      const T c = FMA(-b, mean, -((db * a) * scale));                                                              \
      if (w)                                                                                                       \
        for (int64_t j = 0; j < cols; j++) gx[j] = FMA(b, x[j], (a * gy[j]) * w[j]) + c;                           \
      else                                                                                                         \
        for (int64_t j = 0; j < cols; j++) gx[j] = FMA(b, x[j], a * gy[j]) + c;                                    \
    }                                                                                                              \
  }                                                                                                                \
  /* Columns [c0, c1) of the weight's gradient, Σ_rows gy * (a * x + (-a * mean)), and the bias's, Σ_rows gy. */   \
  KD_INLINE void ln_bwd_params_##SUF(const ln_bwd_ctx *k, int64_t c0, int64_t c1) {                                \
    const int64_t rows = k->rows, cols = k->cols;                                                                  \
    const T *const restrict gy = k->gy;                                                                            \
    const T *const restrict x = k->x;                                                                              \
    T gw[BLOCK], gb[BLOCK];                                                                                        \
    for (int64_t b0 = c0; b0 < c1; b0 += BLOCK) {                                                                  \
      const int64_t n = c1 - b0 < BLOCK ? c1 - b0 : BLOCK;                                                         \
      for (int64_t t = 0; t < n; t++) gw[t] = gb[t] = 0;                                                           \
      for (int64_t i = 0; i < rows; i++) {                                                                         \
        const T a = ((const T *)k->srstd)[i];                                                                      \
        const T shift = -a * ((const T *)k->smean)[i];                                                             \
        const int64_t p = i * cols + b0;                                                                           \
        if (k->gweight)                                                                                            \
          for (int64_t t = 0; t < n; t++) gw[t] = FMA(gy[p + t], FMA(a, x[p + t], shift), gw[t]);                  \
        if (k->gbias)                                                                                              \
          for (int64_t t = 0; t < n; t++) gb[t] = gb[t] + gy[p + t];                                               \
      }                                                                                                            \
      if (k->gweight) memcpy((T *)k->gweight + b0, gw, sizeof gw[0] * n);                                          \
      if (k->gbias) memcpy((T *)k->gbias + b0, gb, sizeof gb[0] * n);                                              \
    }                                                                                                              \
  }
DEFINE_BACKWARD(float, f32, fmaf)
DEFINE_BACKWARD(double, f64, fma)
KD_TYPED_RANGE(ln_bwd_range, ln_bwd_ctx, ln_bwd_rows)
KD_TYPED_RANGE(ln_params_range, ln_bwd_ctx, ln_bwd_params)


void kd_layer_norm_backward(int f32, const void *gy, const void *x, int64_t rows, int64_t cols, const void *weight,
                            const void *save_mean, const void *save_rstd, void *gx, void *gweight, void *gbias) {
  ln_bwd_ctx k = {f32, gy, x, weight, save_mean, save_rstd, gx, gweight, gbias, rows, cols};
  kd_parallel_for(rows, kd_grain_for(cols), ln_bwd_range, &k);
  if (gweight || gbias) {
    const int64_t grain = kd_grain_for(rows);
    kd_parallel_for(cols, grain < 16 ? 16 : grain, ln_params_range, &k);
  }
}
