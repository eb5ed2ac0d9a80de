/*
 * 2-D pooling: max (with indices), average, adaptive average and adaptive max, forward and backward, with the
 * semantics of packages/core/src/kernels/pool.ts (see pool-kernels.h).
 *
 * Threads: forward kernels split the output rows (plane, oh) over kd_parallel_for; backward kernels, which
 * scatter into overlapping windows, split whole planes, and within a plane add in the TypeScript loops' order.
 * Every unit writes a disjoint part of the output, so results do not depend on the thread count or on timing.
 * No scratch memory is needed.
 */
#include "pool-kernels.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "kindling.h"


/* Adaptive bounds [floor(o*I/O), ceil((o+1)*I/O)); O > 0. */
static inline int64_t adaptive_start(int64_t o, int64_t in, int64_t out) { return o * in / out; }
static inline int64_t adaptive_end(int64_t o, int64_t in, int64_t out) { return ((o + 1) * in + out - 1) / out; }

/* The bounds along one dim, tabled once per parallel chunk when there are few (divisions are slow). */
#define ADAPTIVE_TABLE 256
typedef struct {
  int64_t in, out;
  int tabled;
  int64_t b[2 * ADAPTIVE_TABLE];
} adaptive_bounds;

static inline void adaptive_init(adaptive_bounds *t, int64_t in, int64_t out) {
  t->in = in;
  t->out = out;
  t->tabled = out <= ADAPTIVE_TABLE;
  if (t->tabled)
    for (int64_t o = 0; o < out; o++) {
      t->b[2 * o] = adaptive_start(o, in, out);
      t->b[2 * o + 1] = adaptive_end(o, in, out);
    }
}

static inline int64_t adaptive_lo(const adaptive_bounds *t, int64_t o) { return t->tabled ? t->b[2 * o] : adaptive_start(o, t->in, t->out); }
static inline int64_t adaptive_hi(const adaptive_bounds *t, int64_t o) { return t->tabled ? t->b[2 * o + 1] : adaptive_end(o, t->in, t->out); }

/* Steps (plane, oh) to the next output row, without dividing. */
static inline void next_row(int64_t *plane, int64_t *oh, int64_t OH) {
  if (++*oh == OH) {
    *oh = 0;
    ++*plane;
  }
}

#define T float
#define SFX f32
#include "pool-impl.h"
#undef T
#undef SFX

#define T double
#define SFX f64
#include "pool-impl.h"
#undef T
#undef SFX

/* ---- index check for the max-pooling gradient ---- */

typedef struct {
  const double *indices;
  int64_t HW;
  atomic_int bad;
} check_ctx;

static void check_body(void *p, int64_t begin, int64_t end) {
  check_ctx *c = p;
  const double hw = (double)c->HW;
  int bad = 0;
  for (int64_t i = begin; i < end; i++) {
    const double v = c->indices[i];
    /* NaN fails both comparisons; an integer in [0, HW) passes all three */
    bad |= !(v >= 0 && v < hw && (double)(int64_t)v == v); /* the cast only runs in range */
  }
  if (bad) atomic_store(&c->bad, 1);
}

int64_t kd_pool_find_bad_index(const double *indices, int64_t n, int64_t HW) {
  check_ctx c = {indices, HW, 0};
  kd_parallel_for(n, KD_PARALLEL_GRAIN, check_body, &c);
  if (!atomic_load(&c.bad)) return -1;
  for (int64_t i = 0; i < n; i++) {
    const double v = indices[i];
    if (!(v >= 0 && v < (double)HW && (double)(int64_t)v == v)) return i;
  }
  return -1;
}
