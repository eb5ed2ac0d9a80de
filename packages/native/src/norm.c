/*
 * Batch norm over contiguous [N, C, HW], forward and backward, as PyTorch 1.13's CPU kernels compute it on one
 * thread (packages/core/src/kernels/norm.ts is the reference and gives the formulas): planes (HW > 1) sum each
 * channel in double in order, or per plane over PyTorch's vector lanes (the backward, aten-lanes.h); [N, C] inputs
 * (HW == 1, PyTorch's channels-last kernels) sum in the type, in order, here over blocks of channels side by side.
 * The fused multiply-adds are PyTorch's, including where its build left two operations apart.
 *
 * Threads split channels; no sum is ever split, so results do not depend on the thread count.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <math.h>
#include <stdint.h>

#include "aten-lanes.h"
#include "kindling.h"

#define BLOCK 256 /* [N, C] channels whose sums run side by side */
#define GROUP 8   /* plane channels whose statistics run side by side */

typedef struct {
  int f32, training;
  const void *x, *weight, *bias;
  void *rmean, *rvar, *out, *smean, *sinv;
  int64_t N, C, HW;
  double momentum, eps;
} bn_fwd_ctx;

typedef struct {
  int f32, training;
  const void *gy, *x, *weight, *smean, *sinv;
  void *gx, *gweight, *gbias;
  int64_t N, C, HW;
} bn_bwd_ctx;

/*
 * Per type T: the statistics' last steps (invstd, the running statistics: PyTorch computes those without fused
 * operations), alpha and beta, then the forward over planes and over [N, C] blocks, and the backward likewise.
 */
#define DEFINE_BATCH_NORM(T, SUF, FMA)                                                                             \
  /* From a channel's mean and Σ(x - mean)² (training), or the running statistics: mean, invstd, alpha, beta. */   \
  KD_INLINE void bn_consts_##SUF(const bn_fwd_ctx *k, int64_t c, T mean, T var_sum, T *alpha, T *beta) {           \
    const double cnt = (double)(k->N * k->HW);                                                                     \
    T invstd;                                                                                                      \
    if (k->training) {                                                                                             \
      const T variance = var_sum / (T)cnt, m = (T)k->momentum, keep = (T)1 - m;                                    \
      invstd = variance == 0 && k->eps == 0 ? 0 : (T)(1 / sqrt((double)variance + k->eps));                        \
      if (k->rmean) ((T *)k->rmean)[c] = m * mean + keep * ((T *)k->rmean)[c];                                     \
      if (k->rvar) {                                                                                               \
        const T unbiased = var_sum / (T)(cnt - 1);                                                                 \
        ((T *)k->rvar)[c] = (T)((double)m * (double)unbiased + (double)(T)(keep * ((T *)k->rvar)[c]));             \
      }                                                                                                            \
    } else {                                                                                                       \
      mean = ((const T *)k->rmean)[c];                                                                             \
      invstd = (T)1 / (T)sqrt((double)(((const T *)k->rvar)[c] + (T)k->eps));                                      \
    }                                                                                                              \
    ((T *)k->smean)[c] = mean;                                                                                     \
    ((T *)k->sinv)[c] = invstd;                                                                                    \
    *alpha = k->weight ? invstd * ((const T *)k->weight)[c] : invstd;                                              \
    *beta = FMA(-mean, *alpha, k->bias ? ((const T *)k->bias)[c] : (T)0);                                          \
  }                                                                                                                \
  /* Σx and Σ(x - mean)² of the g planes' channels from c, each in its own order in double (float64's squares */   \
  /* added in pairs, the odd one out at a plane's end fused, as PyTorch's build computes them); the g channels' */ \
  /* chains interleave, so that their additions overlap. */                                                        \
  KD_INLINE void bn_plane_stats_##SUF(const bn_fwd_ctx *k, int64_t c, const int g, T *mean, T *var_sum) {          \
    const int64_t N = k->N, HW = k->HW, CHW = k->C * HW, paired = HW - HW % 2;                                     \
    const T *const restrict x = (const T *)k->x + c * HW;                                                          \
    double s[GROUP] = {0}, q[GROUP] = {0};                                                                         \
    for (int64_t n = 0; n < N; n++)                                                                                \
      for (int64_t j = 0; j < HW; j++)                                                                             \
        for (int t = 0; t < g; t++) s[t] += x[n * CHW + t * HW + j];                                               \
    for (int t = 0; t < g; t++) mean[t] = (T)(s[t] / (double)(N * HW));                                            \
    for (int64_t n = 0; n < N; n++)                                                                                \
      for (int64_t j = 0; j < HW; j++)                                                                             \
        for (int t = 0; t < g; t++) {                                                                              \
          const T d = x[n * CHW + t * HW + j] - mean[t];                                                           \
          if (sizeof(T) == 4) q[t] += (double)(T)(d * d);                                                          \
          else q[t] = j < paired ? q[t] + (double)d * (double)d : fma((double)d, (double)d, q[t]);                 \
        }                                                                                                          \
    for (int t = 0; t < g; t++) var_sum[t] = (T)q[t];                                                              \
  }                                                                                                                \
  /* Channels [c0, c1) of planes: the statistics (GROUP channels at a time), then out = x * alpha + beta. */       \
  KD_INLINE void bn_fwd_planes_##SUF(const bn_fwd_ctx *k, int64_t c0, int64_t c1) {                                \
    const int64_t N = k->N, HW = k->HW, CHW = k->C * HW;                                                           \
    const T *const restrict x = k->x;                                                                              \
    T *const restrict out = k->out;                                                                                \
    for (int64_t g0 = c0; g0 < c1; g0 += GROUP) {                                                                  \
      T mean[GROUP] = {0}, var_sum[GROUP] = {0};                                                                   \
      const int64_t g = c1 - g0 < GROUP ? c1 - g0 : GROUP;                                                         \
      if (k->training && g == GROUP) bn_plane_stats_##SUF(k, g0, GROUP, mean, var_sum);                            \
      else if (k->training)                                                                                        \
        for (int t = 0; t < g; t++) bn_plane_stats_##SUF(k, g0 + t, 1, mean + t, var_sum + t);                     \
      for (int t = 0; t < g; t++) {                                                                                \
        const int64_t c = g0 + t;                                                                                  \
        T alpha, beta;                                                                                             \
        bn_consts_##SUF(k, c, mean[t], var_sum[t], &alpha, &beta);                                                 \
        for (int64_t n = 0; n < N; n++) {                                                                          \
          const T *const restrict xs = x + n * CHW + c * HW;                                                       \
          T *const restrict os = out + n * CHW + c * HW;                                                           \
          for (int64_t j = 0; j < HW; j++) os[j] = FMA(xs[j], alpha, beta);                                        \
        }                                                                                                          \
      }                                                                                                            \
    }                                                                                                              \
  }                                                                                                                \
  /* Channels [c0, c1) of [N, C]: the sums in the type, in order, BLOCK channels side by side. */                  \
  KD_INLINE void bn_fwd_columns_##SUF(const bn_fwd_ctx *k, int64_t c0, int64_t c1) {                               \
    const int64_t N = k->N, C = k->C;                                                                              \
    const T *const restrict x = k->x;                                                                              \
    T *const restrict out = k->out;                                                                                \
    T mean[BLOCK], q[BLOCK], alpha[BLOCK], beta[BLOCK];                                                            \
    for (int64_t b0 = c0; b0 < c1; b0 += BLOCK) {                                                                  \
      const int64_t w = c1 - b0 < BLOCK ? c1 - b0 : BLOCK;                                                         \
      for (int64_t t = 0; t < w; t++) mean[t] = q[t] = 0;                                                          \
      if (k->training) {                                                                                           \
        for (int64_t n = 0; n < N; n++)                                                                            \
          for (int64_t t = 0; t < w; t++) mean[t] = mean[t] + x[n * C + b0 + t];                                   \
        for (int64_t t = 0; t < w; t++) mean[t] = (T)((double)mean[t] / (double)N);                                \
        for (int64_t n = 0; n < N; n++)                                                                            \
          for (int64_t t = 0; t < w; t++) {                                                                        \
            const T d = x[n * C + b0 + t] - mean[t];                                                               \
            q[t] = FMA(d, d, q[t]);                                                                                \
          }                                                                                                        \
      }                                                                                                            \
      for (int64_t t = 0; t < w; t++) bn_consts_##SUF(k, b0 + t, mean[t], q[t], &alpha[t], &beta[t]);              \
      for (int64_t n = 0; n < N; n++)                                                                              \
        for (int64_t t = 0; t < w; t++) out[n * C + b0 + t] = FMA(x[n * C + b0 + t], alpha[t], beta[t]);           \
    }                                                                                                              \
  }                                                                                                                \
  /* Channels [c0, c1) of planes: Σgy and Σ(x - mean)·gy per plane over the lanes, added in double. */             \
  KD_INLINE void bn_bwd_planes_##SUF(const bn_bwd_ctx *k, int64_t c0, int64_t c1) {                                \
    const int64_t N = k->N, HW = k->HW, CHW = k->C * HW;                                                           \
    const T cnt = (T)(N * HW);                                                                                     \
    const T *const restrict x = k->x;                                                                              \
    const T *const restrict gy = k->gy;                                                                            \
    T *const restrict gx = k->gx;                                                                                  \
    for (int64_t c = c0; c < c1; c++) {                                                                            \
      const T mean = ((const T *)k->smean)[c], invstd = ((const T *)k->sinv)[c];                                   \
      const T w = k->weight ? ((const T *)k->weight)[c] : (T)1;                                                    \
      double sum = 0, dotp = 0;                                                                                    \
      for (int64_t n = 0; n < N; n++) {                                                                            \
        const int64_t p = n * CHW + c * HW;                                                                        \
        sum += (double)lane_sum_##SUF(gy + p, NULL, NULL, HW);                                                     \
        dotp += (double)lane_sum_centred_##SUF(x + p, mean, gy + p, HW);                                           \
      }                                                                                                            \
      if (k->training) {                                                                                           \
        const T kk = (((T)dotp * invstd) * invstd) / cnt, grad_mean = (T)(sum / (double)(N * HW));                 \
        for (int64_t n = 0; n < N; n++) {                                                                          \
          const int64_t p = n * CHW + c * HW;                                                                      \
          for (int64_t j = 0; j < HW; j++)                                                                         \
            gx[p + j] = (FMA(-(x[p + j] - mean), kk, gy[p + j] - grad_mean) * invstd) * w;                         \
        }                                                                                                          \
      } else {                                                                                                     \
        for (int64_t n = 0; n < N; n++) {                                                                          \
          const int64_t p = n * CHW + c * HW;                                                                      \
          for (int64_t j = 0; j < HW; j++) gx[p + j] = (gy[p + j] * invstd) * w;                                   \
        }                                                                                                          \
      }                                                                                                            \
      if (k->gweight) ((T *)k->gweight)[c] = (T)(dotp * (double)invstd);                                           \
      if (k->gbias) ((T *)k->gbias)[c] = (T)sum;                                                                   \
    }                                                                                                              \
  }                                                                                                                \
  /* Channels [c0, c1) of [N, C]: the sums in the type, in order (Σ(x - mean)·gy fused), BLOCK side by side. */    \
  KD_INLINE void bn_bwd_columns_##SUF(const bn_bwd_ctx *k, int64_t c0, int64_t c1) {                               \
    const int64_t N = k->N, C = k->C, plain_from = C - C % (32 / (int64_t)sizeof(T));                              \
    const T cnt = (T)N;                                                                                            \
    const T *const restrict x = k->x;                                                                              \
    const T *const restrict gy = k->gy;                                                                            \
    T *const restrict gx = k->gx;                                                                                  \
    T mean[BLOCK], inv[BLOCK], w[BLOCK], sum[BLOCK], dotp[BLOCK], kk[BLOCK], gm[BLOCK];                            \
    for (int64_t b0 = c0; b0 < c1; b0 += BLOCK) {                                                                  \
      const int64_t nb = c1 - b0 < BLOCK ? c1 - b0 : BLOCK;                                                        \
      for (int64_t t = 0; t < nb; t++) {                                                                           \
        mean[t] = ((const T *)k->smean)[b0 + t];                                                                   \
        inv[t] = ((const T *)k->sinv)[b0 + t];                                                                     \
        w[t] = k->weight ? ((const T *)k->weight)[b0 + t] : (T)1;                                                  \
        sum[t] = dotp[t] = 0;                                                                                      \
      }                                                                                                            \
      for (int64_t n = 0; n < N; n++)                                                                              \
        for (int64_t t = 0; t < nb; t++) {                                                                         \
          const int64_t p = n * C + b0 + t;                                                                        \
          sum[t] = sum[t] + gy[p];                                                                                 \
          dotp[t] = FMA(x[p] - mean[t], gy[p], dotp[t]);                                                           \
        }                                                                                                          \
      for (int64_t t = 0; t < nb; t++) {                                                                           \
        kk[t] = ((dotp[t] * inv[t]) * inv[t]) / cnt;                                                               \
        gm[t] = sum[t] / cnt;                                                                                      \
        if (k->gweight) ((T *)k->gweight)[b0 + t] = dotp[t] * inv[t];                                              \
        if (k->gbias) ((T *)k->gbias)[b0 + t] = sum[t];                                                            \
      }                                                                                                            \
      for (int64_t n = 0; n < N; n++)                                                                              \
        for (int64_t t = 0; t < nb; t++) {                                                                         \
          const int64_t p = n * C + b0 + t;                                                                        \
          if (!k->training) {                                                                                      \
            gx[p] = (gy[p] * inv[t]) * w[t];                                                                       \
          } else {                                                                                                 \
            /* PyTorch's float64 build leaves the last C mod 4 channels (its partial vector) unfused. */           \
            const T d = x[p] - mean[t], g = gy[p] - gm[t];                                                         \
            const T centred = sizeof(T) == 4 || b0 + t < plain_from ? FMA(-d, kk[t], g) : g - d * kk[t];           \
            gx[p] = (centred * inv[t]) * w[t];                                                                     \
          }                                                                                                        \
        }                                                                                                          \
    }                                                                                                              \
  }                                                                                                                \
  /* Channels [c0, c1), by the layout's kernel. */                                                                 \
  KD_INLINE void bn_fwd_##SUF(const bn_fwd_ctx *k, int64_t c0, int64_t c1) {                                       \
    if (k->HW == 1)                                                                                                \
      bn_fwd_columns_##SUF(k, c0, c1);                                                                             \
    else                                                                                                           \
      bn_fwd_planes_##SUF(k, c0, c1);                                                                              \
  }                                                                                                                \
  KD_INLINE void bn_bwd_##SUF(const bn_bwd_ctx *k, int64_t c0, int64_t c1) {                                       \
    if (k->HW == 1)                                                                                                \
      bn_bwd_columns_##SUF(k, c0, c1);                                                                             \
    else                                                                                                           \
      bn_bwd_planes_##SUF(k, c0, c1);                                                                              \
  }
DEFINE_BATCH_NORM(float, f32, fmaf)
DEFINE_BATCH_NORM(double, f64, fma)

KD_TYPED_RANGE(bn_fwd_range, bn_fwd_ctx, bn_fwd)
KD_TYPED_RANGE(bn_bwd_range, bn_bwd_ctx, bn_bwd)

/* Channels per chunk: a chunk's sums touch N·HW values a channel. */
static int64_t channel_grain(int64_t N, int64_t HW) {
  const int64_t g = kd_grain_for(N * HW);
  return HW == 1 && g < 64 ? 64 : g;
}

void kd_batch_norm_forward(int f32, const void *x, int64_t N, int64_t C, int64_t HW, const void *weight,
                           const void *bias, void *running_mean, void *running_var, int training, double momentum,
                           double eps, void *out, void *save_mean, void *save_invstd) {
  bn_fwd_ctx k = {f32, training, x, weight, bias, running_mean, running_var, out, save_mean, save_invstd,
                  N,   C,        HW, momentum, eps};
  kd_parallel_for(C, channel_grain(N, HW), bn_fwd_range, &k);
}

void kd_batch_norm_backward(int f32, const void *gy, const void *x, int64_t N, int64_t C, int64_t HW,
                            const void *weight, const void *save_mean, const void *save_invstd, int training, void *gx,
                            void *gweight, void *gbias) {
  bn_bwd_ctx k = {f32, training, gy, x, weight, save_mean, save_invstd, gx, gweight, gbias, N, C, HW};
  kd_parallel_for(C, channel_grain(N, HW), bn_bwd_range, &k);
}
