/*
 * Float32/float64 conversion and filling with one value, as packages/core/src/kernels/copy.ts (cast, fill) compute
 * them: each element on its own, so threads split the run anywhere and any thread count gives the same bits.
 */
#include <stdint.h>

#include "kindling.h"

#define GRAIN ((int64_t)65536) /* elements per chunk, at least */

typedef struct {
  int to_f32; /* cast: the destination's type; fill: the array's */
  const void *src;
  void *dst;
  double value;
} fill_ctx;

KD_VECTOR_CLONES static void cast_range(void *vctx, int64_t begin, int64_t end) {
  const fill_ctx *c = vctx;
  if (c->to_f32) {
    const double *x = c->src;
    float *y = c->dst;
    for (int64_t k = begin; k < end; k++) y[k] = (float)x[k];
  } else {
    const float *x = c->src;
    double *y = c->dst;
    for (int64_t k = begin; k < end; k++) y[k] = (double)x[k];
  }
}

KD_VECTOR_CLONES static void fill_range(void *vctx, int64_t begin, int64_t end) {
  const fill_ctx *c = vctx;
  if (c->to_f32) {
    float *y = c->dst;
    const float v = (float)c->value;
    for (int64_t k = begin; k < end; k++) y[k] = v;
  } else {
    double *y = c->dst;
    for (int64_t k = begin; k < end; k++) y[k] = c->value;
  }
}

/* n elements from x (float64 when to_f32, else float32) into y of the other type; pointers at the offsets. */
void kd_cast(int to_f32, const void *x, void *y, int64_t n) {
  fill_ctx c = {to_f32, x, y, 0};
  kd_parallel_for(n, GRAIN, cast_range, &c);
}

void kd_fill(int f32, void *y, int64_t n, double value) {
  fill_ctx c = {f32, NULL, y, value};
  kd_parallel_for(n, GRAIN, fill_range, &c);
}
