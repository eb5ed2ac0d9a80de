/*
 * Sums in the order of PyTorch's vectorised reductions (vec::reduce_all, map2_reduce_all, map3_reduce_all; AVX2
 * build), as packages/core/src/kernels/vector-lanes.ts `laneSum` adds them: W lanes (8 float32, 4 float64), lane j
 * taking terms j, j + W, ... (the last partial vector into the first lanes), then folded, float32 pairwise across
 * halves, float64 in order; fewer than W terms are added in order. A product's later terms are fused into their
 * lane's sum (FMA: fmaf or fma, so include this in a file compiled with contraction off and call the sums from
 * functions compiled for FMA too).
 */
#ifndef KD_ATEN_LANES_H
#define KD_ATEN_LANES_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kindling.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi" /* the vector helpers are always inlined: no vector crosses a call */
#endif

/* PyTorch's AVX2 vectors: 8 floats, 4 doubles. */
typedef float kd_v8f __attribute__((vector_size(32)));
typedef double kd_v4d __attribute__((vector_size(32)));

KD_INLINE float fold_f32(const float *l) { return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7])); }
KD_INLINE double fold_f64(const double *l) { return ((l[0] + l[1]) + l[2]) + l[3]; }

/*
 * Per type: vload (W values from p), vfma (a * b + c lane by lane, rounded once: one vector instruction where the
 * caller is compiled for FMA, the C library's fma per lane otherwise), lane_sum: Σ v (u and w NULL), Σ v * w, or
 * Σ (v * u) * w (v * u rounded), over n terms, v, u and w each pointing at the run's first element, and
 * lane_sum_centred: Σ (x - mean) * w.
 */
#define DEFINE_LANE_SUM(T, VT, SUF, W, FMA)                                                                        \
  KD_INLINE VT vload_##SUF(const T *p) {                                                                           \
    VT v;                                                                                                          \
    memcpy(&v, p, sizeof v);                                                                                       \
    return v;                                                                                                      \
  }                                                                                                                \
  KD_INLINE VT vfma_##SUF(VT a, VT b, VT c) {                                                                      \
    VT r;                                                                                                          \
    for (int j = 0; j < W; j++) r[j] = FMA(a[j], b[j], c[j]);                                                      \
    return r;                                                                                                      \
  }                                                                                                                \
  KD_INLINE T lane_sum_##SUF(const T *v, const T *u, const T *w, int64_t n) {                                      \
    if (n < W) {                                                                                                   \
      T s = 0;                                                                                                     \
      for (int64_t i = 0; i < n; i++) {                                                                            \
        const T t = w ? (u ? v[i] * u[i] : v[i]) * w[i] : v[i];                                                    \
        s = i == 0 ? t : s + t;                                                                                    \
      }                                                                                                            \
      return s;                                                                                                    \
    }                                                                                                              \
    VT l;                                                                                                          \
    int64_t d = W;                                                                                                 \
    const int64_t full = n - n % W;                                                                                \
    if (w && u) {                                                                                                  \
      l = (vload_##SUF(v) * vload_##SUF(u)) * vload_##SUF(w);                                                      \
      for (; d < full; d += W) l = vfma_##SUF(vload_##SUF(v + d) * vload_##SUF(u + d), vload_##SUF(w + d), l);     \
    } else if (w) {                                                                                                \
      l = vload_##SUF(v) * vload_##SUF(w);                                                                         \
      for (; d < full; d += W) l = vfma_##SUF(vload_##SUF(v + d), vload_##SUF(w + d), l);                          \
    } else {                                                                                                       \
      l = vload_##SUF(v);                                                                                          \
      for (; d < full; d += W) l = l + vload_##SUF(v + d);                                                         \
    }                                                                                                              \
    T t[W];                                                                                                        \
    memcpy(t, &l, sizeof t);                                                                                       \
    for (int j = 0; d + j < n; j++) {                                                                              \
      const int64_t i = d + j;                                                                                     \
      t[j] = w ? FMA(u ? v[i] * u[i] : v[i], w[i], t[j]) : t[j] + v[i];                                            \
    }                                                                                                              \
    return fold_##SUF(t);                                                                                          \
  }                                                                                                                \
  /* Σ (x - mean) * w in map2_reduce_all's order: x - mean rounded, each lane's later products fused. */           \
  KD_INLINE T lane_sum_centred_##SUF(const T *x, T mean, const T *w, int64_t n) {                                  \
    if (n < W) {                                                                                                   \
      T s = 0;                                                                                                     \
      for (int64_t i = 0; i < n; i++) s = i == 0 ? (x[i] - mean) * w[i] : s + (x[i] - mean) * w[i];                \
      return s;                                                                                                    \
    }                                                                                                              \
    VT l = (vload_##SUF(x) - mean) * vload_##SUF(w);                                                               \
    int64_t d = W;                                                                                                 \
    for (const int64_t full = n - n % W; d < full; d += W)                                                         \
      l = vfma_##SUF(vload_##SUF(x + d) - mean, vload_##SUF(w + d), l);                                            \
    T t[W];                                                                                                        \
    memcpy(t, &l, sizeof t);                                                                                       \
    for (int j = 0; d + j < n; j++) t[j] = FMA(x[d + j] - mean, w[d + j], t[j]);                                   \
    return fold_##SUF(t);                                                                                          \
  }
DEFINE_LANE_SUM(float, kd_v8f, f32, 8, fmaf)
DEFINE_LANE_SUM(double, kd_v4d, f64, 4, fma)

#endif
