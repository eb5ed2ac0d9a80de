/*
 * Batch norm over contiguous [N, C, HW], forward and backward: the arithmetic of packages/core/src/kernels/norm.ts
 * (see its header for the formulas), in the same order, so that the results are the same bit for bit on IEEE
 * double hardware. (Layer norm is layer-norm.c's.)
 *
 *  - Every per-channel sum (the forward's statistics, the backward's sums) runs in the eight interleaved double
 *    accumulators of lane-sums.h, the order the TypeScript kernel uses too. For HW == 1 ([N, C] inputs) every
 *    element of a channel is accumulator 0's, one running sum per channel in N order, and the loops run over
 *    blocks of channels instead, vectorised across channels.
 *
 * Threads split channels; no sum is ever split, so results do not depend on the thread count. Contraction into
 * fused multiply-adds is off: every operation rounds, as in JavaScript.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <math.h>
#include <stdint.h>

#include "kindling.h"

#define TARGET_WORK 32768 /* elements per parallel chunk, about */
#define BLOCK 256         /* channels or columns whose sums run side by side */

#include "float-access.h"
#include "lane-sums.h"

static int64_t grain_for(int64_t work_per_item, int64_t min_items) {
  int64_t g = work_per_item > 0 ? TARGET_WORK / work_per_item : TARGET_WORK;
  if (g < min_items) g = min_items;
  return g < 1 ? 1 : g;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Batch norm forward                                                                                            */
/* ------------------------------------------------------------------------------------------------------------ */

typedef struct {
  const void *x, *weight, *bias;
  void *rmean, *rvar, *out, *smean, *sinv;
  int64_t N, C, HW;
  int training;
  double momentum, eps;
} bn_fwd_ctx;

/* The per-channel normalisation constants from the statistics, updating the running ones (training). */
KD_INLINE void bn_channel_consts(const bn_fwd_ctx *k, int64_t c, double meanD, double varD, const int f32, double *alpha_out,
                              double *beta_out) {
  double mean, invstd;
  if (k->training) {
    const double cnt = (double)(k->N * k->HW);
    mean = RND(meanD);
    invstd = RND(1 / sqrt(varD + k->eps));
    if (k->rmean) ST(k->rmean, c, meanD * k->momentum + LD(k->rmean, c) * (1 - k->momentum));
    if (k->rvar) ST(k->rvar, c, varD * (cnt / (cnt - 1)) * k->momentum + LD(k->rvar, c) * (1 - k->momentum));
  } else {
    mean = LD(k->rmean, c);
    invstd = RND(1 / RND(sqrt(RND(LD(k->rvar, c) + RND(k->eps)))));
  }
  ST(k->smean, c, mean);
  ST(k->sinv, c, invstd);
  const double alpha = k->weight ? RND(invstd * LD(k->weight, c)) : invstd;
  const double shift = -RND(mean * alpha);
  *alpha_out = alpha;
  *beta_out = k->bias ? RND(LD(k->bias, c) + shift) : shift;
}

KD_INLINE void bn_fwd_channels(const bn_fwd_ctx *k, int64_t c0, int64_t c1, const int f32) {
  const int64_t N = k->N, HW = k->HW, CHW = k->C * HW;
  const double cnt = (double)(N * HW);
  const void *const restrict x = k->x;
  void *const restrict out = k->out;
  for (int64_t c = c0; c < c1; c++) {
    double meanD = 0, varD = 0;
    if (k->training) {
      kd_acc8 s = acc8_zero();
      for (int64_t n = 0; n < N; n++) acc8_add_run(&s, x, n * CHW + c * HW, HW, f32);
      meanD = acc8_total(s) / cnt;
      kd_acc8 q = acc8_zero();
      for (int64_t n = 0; n < N; n++) acc8_add_squared_deviations(&q, x, n * CHW + c * HW, HW, meanD, f32);
      varD = acc8_total(q) / cnt;
    }
    double alpha, beta;
    bn_channel_consts(k, c, meanD, varD, f32, &alpha, &beta);
    for (int64_t n = 0; n < N; n++) {
      const int64_t base = n * CHW + c * HW;
      if (f32) {
        /*
         * The same bits in float: alpha and beta are floats, so the double product below is exact and rounds as a
         * float product does, and a float sum rounded through double is the float sum (53 >= 2 * 24 + 2 bits).
         * Eight lanes a vector instead of four, without the conversions.
         */
        const float a = (float)alpha, b = (float)beta;
        const float *restrict xs = (const float *)x + base;
        float *restrict os = (float *)out + base;
        for (int64_t j = 0; j < HW; j++) {
          const float scaled = xs[j] * a;
          os[j] = scaled + b;
        }
      } else {
        for (int64_t j = 0; j < HW; j++) ST(out, base + j, RND(LD(x, base + j) * alpha) + beta);
      }
    }
  }
}

/* HW == 1: x is [N, C]; channels of a block are summed side by side (each sum still in N order). */
KD_INLINE void bn_fwd_columns(const bn_fwd_ctx *k, int64_t c0, int64_t c1, const int f32) {
  const int64_t N = k->N, C = k->C;
  const double cnt = (double)N;
  const void *const restrict x = k->x;
  void *const restrict out = k->out;
  double s[BLOCK], q[BLOCK], al[BLOCK], be[BLOCK];
  for (int64_t b0 = c0; b0 < c1; b0 += BLOCK) {
    const int64_t w = c1 - b0 < BLOCK ? c1 - b0 : BLOCK;
    for (int64_t t = 0; t < w; t++) s[t] = q[t] = 0;
    if (k->training) {
      for (int64_t n = 0; n < N; n++)
        for (int64_t t = 0; t < w; t++) s[t] += LD(x, n * C + b0 + t);
      for (int64_t t = 0; t < w; t++) s[t] = s[t] / cnt;
      for (int64_t n = 0; n < N; n++)
        for (int64_t t = 0; t < w; t++) {
          const double d = LD(x, n * C + b0 + t) - s[t];
          q[t] += d * d;
        }
      for (int64_t t = 0; t < w; t++) q[t] = q[t] / cnt;
    }
    for (int64_t t = 0; t < w; t++) bn_channel_consts(k, b0 + t, s[t], q[t], f32, &al[t], &be[t]);
    for (int64_t n = 0; n < N; n++)
      for (int64_t t = 0; t < w; t++) ST(out, n * C + b0 + t, RND(LD(x, n * C + b0 + t) * al[t]) + be[t]);
  }
}

/*
 * A parallel body over channels [b, e): the column walk when each channel has one value per sample (HW == 1),
 * else the plane walk; one body per element type, so that f32 is a constant in each.
 */
#define BN_RANGE(name, ctx_type, columns, channels, f32)               \
  KD_VECTOR_CLONES static void name(void *ctx, int64_t b, int64_t e) { \
    const ctx_type *k = ctx;                                           \
    if (k->HW == 1)                                                    \
      columns(k, b, e, f32);                                           \
    else                                                               \
      channels(k, b, e, f32);                                          \
  }

BN_RANGE(bn_fwd_range_f32, bn_fwd_ctx, bn_fwd_columns, bn_fwd_channels, 1)
BN_RANGE(bn_fwd_range_f64, bn_fwd_ctx, bn_fwd_columns, bn_fwd_channels, 0)

void kd_batch_norm_forward(int f32, const void *x, int64_t N, int64_t C, int64_t HW, const void *weight, const void *bias,
                           void *running_mean, void *running_var, int training, double momentum, double eps, void *out,
                           void *save_mean, void *save_invstd) {
  bn_fwd_ctx k = {x, weight, bias, running_mean, running_var, out, save_mean, save_invstd, N, C, HW, training, momentum, eps};
  kd_parallel_for(C, grain_for(N * HW, HW == 1 ? 64 : 1), f32 ? bn_fwd_range_f32 : bn_fwd_range_f64, &k);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Batch norm backward                                                                                           */
/* ------------------------------------------------------------------------------------------------------------ */

typedef struct {
  const void *gy, *x, *weight, *smean, *sinv;
  void *gx, *gweight, *gbias;
  int64_t N, C, HW;
  int training;
} bn_bwd_ctx;

KD_INLINE void bn_bwd_channels(const bn_bwd_ctx *k, int64_t c0, int64_t c1, const int f32) {
  const int64_t N = k->N, HW = k->HW, CHW = k->C * HW;
  const double cnt = (double)(N * HW);
  const void *const restrict gy = k->gy;
  const void *const restrict x = k->x;
  void *const restrict gx = k->gx;
  const int sums = k->training || k->gweight || k->gbias;
  for (int64_t c = c0; c < c1; c++) {
    const double mean = LD(k->smean, c), invstd = LD(k->sinv, c);
    const double w = k->weight ? LD(k->weight, c) : 1;
    double sg = 0, sgx = 0;
    if (sums) {
      kd_acc8 g = acc8_zero(), h = acc8_zero();
      for (int64_t n = 0; n < N; n++) acc8_add_gradient_run(&g, &h, gy, x, n * CHW + c * HW, HW, mean, invstd, f32);
      sg = acc8_total(g);
      sgx = acc8_total(h);
    }
    if (k->gweight) ST(k->gweight, c, sgx);
    if (k->gbias) ST(k->gbias, c, sg);
    if (k->training) {
      const double scale = invstd * w, k1 = sg / cnt, k2 = sgx / cnt;
      const v4d vscale = splat4(scale), vk1 = splat4(k1), vk2 = splat4(k2), vmean = splat4(mean), vinv = splat4(invstd);
      for (int64_t n = 0; n < N; n++) {
        const int64_t base = n * CHW + c * HW;
        int64_t j = 0;
        for (; j + 4 <= HW; j += 4) {
          const int64_t p = base + j;
          store4(gx, p, (load4(gy, p, f32) - vk1 - (load4(x, p, f32) - vmean) * vinv * vk2) * vscale, f32);
        }
        for (; j < HW; j++) {
          const int64_t p = base + j;
          ST(gx, p, (LD(gy, p) - k1 - (LD(x, p) - mean) * invstd * k2) * scale);
        }
      }
    } else {
      const double scale = RND(invstd * w);
      for (int64_t n = 0; n < N; n++) {
        const int64_t base = n * CHW + c * HW;
        for (int64_t j = 0; j < HW; j++) ST(gx, base + j, LD(gy, base + j) * scale);
      }
    }
  }
}

/* HW == 1: every element of a channel is accumulator 0's, so each channel's sums are one running sum in N order
 * (its total is the eight accumulators' total with that sum in accumulator 0 and zeros in the others). */
KD_INLINE void bn_bwd_columns(const bn_bwd_ctx *k, int64_t c0, int64_t c1, const int f32) {
  const int64_t N = k->N, C = k->C;
  const double cnt = (double)N;
  const void *const restrict gy = k->gy;
  const void *const restrict x = k->x;
  void *const restrict gx = k->gx;
  const int sums = k->training || k->gweight || k->gbias;
  double mu[BLOCK], is[BLOCK], sg[BLOCK], sh[BLOCK], k1[BLOCK], k2[BLOCK], sc[BLOCK];
  for (int64_t b0 = c0; b0 < c1; b0 += BLOCK) {
    const int64_t w = c1 - b0 < BLOCK ? c1 - b0 : BLOCK;
    for (int64_t t = 0; t < w; t++) {
      mu[t] = LD(k->smean, b0 + t);
      is[t] = LD(k->sinv, b0 + t);
      sg[t] = sh[t] = 0;
    }
    if (sums) {
      for (int64_t n = 0; n < N; n++)
        for (int64_t t = 0; t < w; t++) {
          const double a = LD(gy, n * C + b0 + t);
          sg[t] += a;
          sh[t] += a * ((LD(x, n * C + b0 + t) - mu[t]) * is[t]);
        }
      for (int64_t t = 0; t < w; t++) {
        sg[t] = acc8_total((kd_acc8){(v4d){sg[t]}, splat4(0)});
        sh[t] = acc8_total((kd_acc8){(v4d){sh[t]}, splat4(0)});
      }
    }
    for (int64_t t = 0; t < w; t++) {
      const double wt = k->weight ? LD(k->weight, b0 + t) : 1;
      if (k->gweight) ST(k->gweight, b0 + t, sh[t]);
      if (k->gbias) ST(k->gbias, b0 + t, sg[t]);
      sc[t] = k->training ? is[t] * wt : RND(is[t] * wt);
      k1[t] = sg[t] / cnt;
      k2[t] = sh[t] / cnt;
    }
    if (k->training) {
      for (int64_t n = 0; n < N; n++)
        for (int64_t t = 0; t < w; t++) {
          const int64_t p = n * C + b0 + t;
          ST(gx, p, (LD(gy, p) - k1[t] - (LD(x, p) - mu[t]) * is[t] * k2[t]) * sc[t]);
        }
    } else {
      for (int64_t n = 0; n < N; n++)
        for (int64_t t = 0; t < w; t++) ST(gx, n * C + b0 + t, LD(gy, n * C + b0 + t) * sc[t]);
    }
  }
}

BN_RANGE(bn_bwd_range_f32, bn_bwd_ctx, bn_bwd_columns, bn_bwd_channels, 1)
BN_RANGE(bn_bwd_range_f64, bn_bwd_ctx, bn_bwd_columns, bn_bwd_channels, 0)
#undef BN_RANGE

void kd_batch_norm_backward(int f32, const void *gy, const void *x, int64_t N, int64_t C, int64_t HW, const void *weight,
                            const void *save_mean, const void *save_invstd, int training, void *gx, void *gweight,
                            void *gbias) {
  bn_bwd_ctx k = {gy, x, weight, save_mean, save_invstd, gx, gweight, gbias, N, C, HW, training};
  kd_parallel_for(C, grain_for(N * HW, HW == 1 ? 64 : 1), f32 ? bn_bwd_range_f32 : bn_bwd_range_f64, &k);
}
