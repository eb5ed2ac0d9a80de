/*
 * Batch norm's sums: eight interleaved double accumulators, element j of a run going to accumulator
 * j mod 8, the total taken as ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)). The TypeScript kernels
 * (packages/core/src/kernels/lane-sums.ts) and the WebAssembly ones add in the same order, so every backend gives
 * the same bits; here the eight are two vectors of four doubles, so the sums vectorise. (Four-double vectors are
 * ymm registers in the AVX2 build and xmm pairs in the baseline one; the helpers are always inlined, so the
 * baseline's vector-argument ABI, which GCC warns about, never applies.)
 *
 * Include after float-access.h, in a file compiled with floating-point contraction off.
 */
#ifndef KD_LANE_SUMS_H
#define KD_LANE_SUMS_H

#include <stdint.h>
#include <string.h>

#include "float-access.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

#define LS_INLINE static inline __attribute__((always_inline))

typedef double v4d __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));

/* Accumulators 0-3 in lo, 4-7 in hi. */
typedef struct {
  v4d lo, hi;
} kd_acc8;

LS_INLINE v4d splat4(double v) { return (v4d){v, v, v, v}; }

LS_INLINE kd_acc8 acc8_zero(void) { return (kd_acc8){splat4(0), splat4(0)}; }

/* Elements i .. i + 3 of a float32 or float64 array, in double (unaligned loads through memcpy). */
LS_INLINE v4d load4(const void *p, int64_t i, const int f32) {
  if (f32) {
    v4f v;
    memcpy(&v, (const float *)p + i, sizeof v);
    return __builtin_convertvector(v, v4d);
  }
  v4d v;
  memcpy(&v, (const double *)p + i, sizeof v);
  return v;
}

/* Stores four doubles at i .. i + 3, each rounded once to the array's precision. */
LS_INLINE void store4(void *p, int64_t i, v4d v, const int f32) {
  if (f32) {
    const v4f r = __builtin_convertvector(v, v4f);
    memcpy((float *)p + i, &r, sizeof r);
  } else {
    memcpy((double *)p + i, &v, sizeof v);
  }
}

/*
 * Adds a run's last `len` (< 8) values to accumulators 0 .. len - 1 and -0 to the others (x + -0 is x, signed
 * zeros included), so every accumulator ends as if the tail had been added element by element.
 */
LS_INLINE void acc8_add_tail(kd_acc8 *a, const double *values, int64_t len) {
  double t[8] = {-0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0};
  for (int64_t i = 0; i < len; i++) t[i] = values[i];
  a->lo += (v4d){t[0], t[1], t[2], t[3]};
  a->hi += (v4d){t[4], t[5], t[6], t[7]};
}

LS_INLINE double acc8_total(kd_acc8 a) {
  return ((a.lo[0] + a.lo[1]) + (a.lo[2] + a.lo[3])) + ((a.hi[0] + a.hi[1]) + (a.hi[2] + a.hi[3]));
}

/* Adds x[p .. p + len) to the accumulators. */
LS_INLINE void acc8_add_run(kd_acc8 *acc, const void *restrict x, int64_t p, int64_t len, const int f32) {
  kd_acc8 a = *acc;
  int64_t j = 0;
  for (; j + 8 <= len; j += 8) {
    a.lo += load4(x, p + j, f32);
    a.hi += load4(x, p + j + 4, f32);
  }
  double rest[8];
  for (int64_t i = 0; i < len - j; i++) rest[i] = LD(x, p + j + i);
  acc8_add_tail(&a, rest, len - j);
  *acc = a;
}

/* Adds (x - mean)² over x[p .. p + len) to the accumulators. */
LS_INLINE void acc8_add_squared_deviations(kd_acc8 *acc, const void *restrict x, int64_t p, int64_t len, double mean,
                                           const int f32) {
  const v4d m = splat4(mean);
  kd_acc8 a = *acc;
  int64_t j = 0;
  for (; j + 8 <= len; j += 8) {
    const v4d d0 = load4(x, p + j, f32) - m, d1 = load4(x, p + j + 4, f32) - m;
    a.lo += d0 * d0;
    a.hi += d1 * d1;
  }
  double rest[8];
  for (int64_t i = 0; i < len - j; i++) {
    const double d = LD(x, p + j + i) - mean;
    rest[i] = d * d;
  }
  acc8_add_tail(&a, rest, len - j);
  *acc = a;
}

/* The backward sums over a run: g += gy and h += gy·((x - mean)·invstd). */
LS_INLINE void acc8_add_gradient_run(kd_acc8 *g, kd_acc8 *h, const void *restrict gy, const void *restrict x, int64_t p,
                                     int64_t len, double mean, double invstd, const int f32) {
  const v4d m = splat4(mean), is = splat4(invstd);
  kd_acc8 sg = *g, sh = *h;
  int64_t j = 0;
  for (; j + 8 <= len; j += 8) {
    const v4d a0 = load4(gy, p + j, f32), a1 = load4(gy, p + j + 4, f32);
    sg.lo += a0;
    sg.hi += a1;
    sh.lo += a0 * ((load4(x, p + j, f32) - m) * is);
    sh.hi += a1 * ((load4(x, p + j + 4, f32) - m) * is);
  }
  double ra[8], rh[8];
  for (int64_t i = 0; i < len - j; i++) {
    ra[i] = LD(gy, p + j + i);
    rh[i] = ra[i] * ((LD(x, p + j + i) - mean) * invstd);
  }
  acc8_add_tail(&sg, ra, len - j);
  acc8_add_tail(&sh, rh, len - j);
  *g = sg;
  *h = sh;
}

#endif
