/*
 * Fused optimizer updates over one parameter's n contiguous elements, in place: SGD, Adam/AdamW and Adadelta, bit for bit
 * what packages/core/src/kernels/optim.ts (and so @kindling/optim's tensor-op updates) computes.
 *
 * Values are carried in double and rounded to the parameter's type exactly where the TypeScript kernel rounds
 * (Math.fround, or a store into a Float32Array): RND() below. Where PyTorch's update adds with alpha or adds a
 * product (addcmul), the sum is a fused multiply-add rounded once in the parameter's type, FMA(), as PyTorch's
 * kernels and the TypeScript kernel's fma.ts compute it; contraction of any other expression into fused
 * multiply-adds is switched off, so that the rest round after each operation, as JavaScript's do.
 * (Adam's last steps for float32 run in float arithmetic, which gives the same bits: see adam_body.)
 *
 * Multi-threaded over chunks of elements (each element depends only on its own index): identical for any
 * thread count. The scalars are copied to locals and the arrays are restrict pointers (the binding refuses
 * overlapping arrays), so the loops vectorise.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <math.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

#include "kindling.h"

#define GRAIN 32768

#include "float-access.h"

/*
 * v rounded to float, as a double, for the per-call scalars. Through a volatile on purpose: GCC 12.2 at -O2/-O3
 * miscompiles `s.a = f32 ? (double)(float)x : x; s.b = f32 ? (double)(float)y : y;` (its SLP vectoriser pairs the
 * two stores and drops the conversions of the f32 arm), which gave float32 SGD an unrounded momentum.
 */
static double to_f32(double v) {
  volatile float f = (float)v;
  return (double)f;
}

/* A per-call scalar in the parameter's type: rounded to float for a Float32Array, as the TypeScript kernel does. */
static double scalar(int f32, double v) { return f32 ? to_f32(v) : v; }

/* Gradient element i, negated to maximize (so that every update below descends). */
KD_INLINE double grad_at(const void *const restrict grad, int64_t i, const int f32, const int maximize) {
  const double g = LD(grad, i);
  return maximize ? -g : g;
}

/* ---- SGD ---- */

typedef struct {
  void *param;
  const void *grad;
  void *buf; /* NULL without momentum */
  double wd, mom, keep, step; /* rounded to the parameter's type */
  int maximize, decay, nesterov, first;
} sgd_ctx;

KD_INLINE void sgd_body(const sgd_ctx *c, int64_t begin, int64_t end, const int f32, const int maximize, const int decay,
                     const int use_mom, const int first, const int nesterov) {
  void *const restrict param = c->param;
  const void *const restrict grad = c->grad;
  void *const restrict buf = c->buf;
  const double wd = c->wd, mom = c->mom, keep = c->keep, step = c->step;
  for (int64_t i = begin; i < end; i++) {
    double d = grad_at(grad, i, f32, maximize);
    if (decay) d = FMA(wd, LD(param, i), d);
    if (use_mom) {
      const double m = first ? d : FMA(keep, d, RND(LD(buf, i) * mom));
      ST(buf, i, m);
      d = nesterov ? FMA(mom, m, d) : m;
    }
    ST(param, i, FMA(step, d, LD(param, i)));
  }
}

/*
 * float32 SGD with momentum, the common case (no decay, Nesterov, maximize or dampening; not the first step): the
 * same bits as sgd_body with fewer conversions. The buffer's update is float arithmetic (a float product and a
 * float sum, each rounded once, as RND does after exact double ones) and the parameter's a fused multiply-add.
 */
KD_INLINE void sgd_momentum_f32(const sgd_ctx *c, int64_t begin, int64_t end) {
  float *const restrict param = c->param;
  const float *const restrict grad = c->grad;
  float *const restrict buf = c->buf;
  const float mom = (float)c->mom;
  const float step = (float)c->step;
  for (int64_t i = begin; i < end; i++) {
    const float product = buf[i] * mom;
    const float m = product + grad[i];
    buf[i] = m;
    param[i] = fmaf(step, m, param[i]);
  }
}

/* Eight consecutive cases of a switch over a flag word, 0 to 63. */
#define CASES8(CASE, k) CASE(k) CASE(k + 1) CASE(k + 2) CASE(k + 3) CASE(k + 4) CASE(k + 5) CASE(k + 6) CASE(k + 7)

/*
 * One specialised loop per combination of the flags (bit 0 maximize, 1 decay, 2 momentum, 3 first step, 4 Nesterov):
 * they are constants inside, so the loops have no branches and no value that depends on a run-time flag.
 */
#define SGD_CASE(k) \
  case k: sgd_body(c, b, e, F32, (k) & 1, ((k) >> 1) & 1, ((k) >> 2) & 1, ((k) >> 3) & 1, ((k) >> 4) & 1); break;
#define SGD_VARIANTS(F32_)                                                                                             \
  KD_FMA_CLONES static void sgd_range_##F32_(void *ctx, int64_t b, int64_t e) {                                                      \
    enum { F32 = F32_ };                                                                                               \
    const sgd_ctx *c = ctx;                                                                                            \
    const int mom = c->buf != NULL;                                                                                    \
    if (F32 && mom && !c->maximize && !c->decay && !c->first && !c->nesterov && c->keep == 1.0) {                      \
      sgd_momentum_f32(c, b, e);                                                                                       \
      return;                                                                                                          \
    }                                                                                                                  \
    switch (c->maximize | c->decay << 1 | mom << 2 | (mom && c->first) << 3 | (mom && c->nesterov) << 4) {           \
      CASES8(SGD_CASE, 0) CASES8(SGD_CASE, 8) CASES8(SGD_CASE, 16) CASES8(SGD_CASE, 24)                                \
    }                                                                                                                  \
  }
SGD_VARIANTS(1)
SGD_VARIANTS(0)

void kd_sgd_update(int f32, void *param, const void *grad, void *buf, int64_t n, double lr, double momentum,
                   double dampening, double weight_decay, int nesterov, int maximize, int first_step) {
  sgd_ctx c = {
      .param = param, .grad = grad, .buf = momentum != 0 ? buf : NULL,
      .wd = scalar(f32, weight_decay), .mom = scalar(f32, momentum), .keep = scalar(f32, 1 - dampening),
      .step = scalar(f32, -lr), .maximize = maximize, .decay = weight_decay != 0, .nesterov = nesterov,
      .first = first_step,
  };
  kd_parallel_for(n, GRAIN, f32 ? sgd_range_1 : sgd_range_0, &c);
}

/* ---- Adam / AdamW ---- */

typedef struct {
  void *param;
  const void *grad;
  void *exp_avg, *exp_avg_sq, *max_sq; /* max_sq NULL without amsgrad */
  double shrink, wd, b1, k1, b2, k2, bc2, eps, value; /* rounded to the parameter's type */
  int maximize, decoupled, coupled;
} adam_ctx;

/*
 * Square roots in place, exactly (IEEE sqrt). With the C library's sqrt/sqrtf, which may set errno, the compiler
 * keeps a branch per element and the loop does not vectorise; the SIMD instructions are the same correctly
 * rounded operation.
 */
#if defined(__SSE2__)
#define SQRT_VECTORS(lanes, sse, neon) \
  for (; t + lanes <= len; t += lanes) _mm_storeu_##sse(q + t, _mm_sqrt_##sse(_mm_loadu_##sse(q + t)));
#elif defined(__aarch64__)
#define SQRT_VECTORS(lanes, sse, neon) \
  for (; t + lanes <= len; t += lanes) vst1q_##neon(q + t, vsqrtq_##neon(vld1q_##neon(q + t)));
#else
#define SQRT_VECTORS(lanes, sse, neon)
#endif

static void sqrt_block_f64(double *q, int64_t len) {
  int64_t t = 0;
  SQRT_VECTORS(2, pd, f64)
  for (; t < len; t++) q[t] = sqrt(q[t]);
}

static void sqrt_block_f32(float *q, int64_t len) {
  int64_t t = 0;
  SQRT_VECTORS(4, ps, f32)
  for (; t < len; t++) q[t] = sqrtf(q[t]);
}

#define UPDATE_BLOCK 256

/*
 * In blocks: the moments and the second moment used (vectorised), its square roots, then the parameter
 * (vectorised). The last steps, sqrt, divisions and sums of float32 values each rounded to float32, are done in
 * float32 arithmetic for Float32Array: a correctly rounded float operation is exactly the double operation rounded
 * to float (for +, -, *, / and sqrt, double has more than twice float's precision), which is what the
 * TypeScript kernel computes. The axpy and addcmul steps are fused multiply-adds (FMA).
 */
KD_INLINE void adam_body(const adam_ctx *c, int64_t begin, int64_t end, const int f32, const int maximize,
                      const int decoupled, const int coupled, const int ams) {
  void *const restrict param = c->param;
  const void *const restrict grad = c->grad;
  void *const restrict ea = c->exp_avg;
  void *const restrict es = c->exp_avg_sq;
  void *const restrict mx = c->max_sq;
  const double shrink = c->shrink, wd = c->wd, b1 = c->b1, k1 = c->k1, b2 = c->b2, k2 = c->k2, bc2 = c->bc2,
               eps = c->eps, value = c->value;
  const float bc2f = (float)bc2, epsf = (float)eps, valuef = (float)value;
  double pb[UPDATE_BLOCK], mb[UPDATE_BLOCK], qb[UPDATE_BLOCK];
  float pf[UPDATE_BLOCK], mf[UPDATE_BLOCK], qf[UPDATE_BLOCK];
  for (int64_t i0 = begin; i0 < end; i0 += UPDATE_BLOCK) {
    const int64_t len = end - i0 < UPDATE_BLOCK ? end - i0 : UPDATE_BLOCK;
    for (int64_t t = 0; t < len; t++) {
      const int64_t i = i0 + t;
      double g = grad_at(grad, i, f32, maximize);
      double p = LD(param, i);
      if (decoupled) p = RND(p * shrink);
      else if (coupled) g = FMA(wd, p, g);
      const double m = FMA(k1, g, RND(LD(ea, i) * b1));
      const double s = FMA(RND(k2 * g), g, RND(LD(es, i) * b2));
      ST(ea, i, m);
      ST(es, i, s);
      double second = s;
      if (ams) {
        const double old = LD(mx, i);
        const double hi = old > s ? old : s;
        const int nan = (old != old) | (s != s);
        second = nan ? (double)NAN : hi;
        ST(mx, i, second);
      }
      if (f32) {
        pf[t] = (float)p;
        mf[t] = (float)m;
        qf[t] = (float)second;
      } else {
        pb[t] = p;
        mb[t] = m;
        qb[t] = second;
      }
    }
    if (f32) {
      float *const restrict out = (float *)param + i0;
      sqrt_block_f32(qf, len);
      for (int64_t t = 0; t < len; t++) out[t] = pf[t] + (valuef * mf[t]) / (qf[t] / bc2f + epsf);
    } else {
      double *const restrict out = (double *)param + i0;
      sqrt_block_f64(qb, len);
      for (int64_t t = 0; t < len; t++) out[t] = pb[t] + (value * mb[t]) / (qb[t] / bc2 + eps);
    }
  }
}

/* Flag bits: 0 maximize, 1 decoupled decay, 2 coupled decay (weight decay added to the gradient), 3 amsgrad. */
#define ADAM_CASE(k) \
  case k: adam_body(c, b, e, F32, (k) & 1, ((k) >> 1) & 1, ((k) >> 2) & 1, ((k) >> 3) & 1); break;
#define ADAM_VARIANTS(F32_)                                                                                            \
  KD_FMA_CLONES static void adam_range_##F32_(void *ctx, int64_t b, int64_t e) {                                                     \
    enum { F32 = F32_ };                                                                                               \
    const adam_ctx *c = ctx;                                                                                           \
    switch (c->maximize | c->decoupled << 1 | c->coupled << 2 | (c->max_sq != NULL) << 3) {                           \
      CASES8(ADAM_CASE, 0) CASES8(ADAM_CASE, 8)                                                                        \
    }                                                                                                                  \
  }
ADAM_VARIANTS(1)
ADAM_VARIANTS(0)

/*
 * step_size = lr / (1 - beta1^step) and bc2_sqrt = sqrt(1 - beta2^step) come from the caller, which computes the
 * powers with JavaScript's own pow (V8's pow and the C library's differ in the last bit for some arguments).
 */
void kd_adam_update(int f32, void *param, const void *grad, void *exp_avg, void *exp_avg_sq, void *max_exp_avg_sq,
                    int64_t n, double lr, double beta1, double beta2, double eps, double weight_decay, int decoupled,
                    int amsgrad, int maximize, double step_size, double bc2_sqrt) {
  adam_ctx c = {
      .param = param, .grad = grad, .exp_avg = exp_avg, .exp_avg_sq = exp_avg_sq,
      .max_sq = amsgrad ? max_exp_avg_sq : NULL, .shrink = scalar(f32, 1 - lr * weight_decay),
      .wd = scalar(f32, weight_decay), .b1 = scalar(f32, beta1), .k1 = scalar(f32, 1 - beta1),
      .b2 = scalar(f32, beta2), .k2 = scalar(f32, 1 - beta2), .bc2 = scalar(f32, bc2_sqrt), .eps = scalar(f32, eps),
      .value = scalar(f32, -step_size), .maximize = maximize, .decoupled = decoupled,
      .coupled = !decoupled && weight_decay != 0,
  };
  kd_parallel_for(n, GRAIN, f32 ? adam_range_1 : adam_range_0, &c);
}

/* ---- Adadelta ---- */

typedef struct {
  void *param;
  const void *grad;
  void *square_avg, *acc_delta;
  double rho, k, eps, wd, value; /* rounded to the parameter's type; k = 1 - rho, value = -lr */
  int maximize, decay;
} adadelta_ctx;

/*
 * In blocks, as Adam: the (decayed) gradient and the new square average, the two square roots' arguments, their
 * square roots (vectorised), then delta, the new accumulated delta and the parameter. delta = sqrt(acc + eps) /
 * sqrt(sa + eps) * g is rounded after each operation in the parameter's type, so for Float32Array it runs in float
 * arithmetic (see adam_body for why that gives the TypeScript kernel's bits).
 */
KD_INLINE void adadelta_body(const adadelta_ctx *c, int64_t begin, int64_t end, const int f32, const int maximize,
                          const int decay) {
  void *const restrict param = c->param;
  const void *const restrict grad = c->grad;
  void *const restrict sq = c->square_avg;
  void *const restrict acc = c->acc_delta;
  const double rho = c->rho, k = c->k, eps = c->eps, wd = c->wd, value = c->value;
  double gb[UPDATE_BLOCK], sb[UPDATE_BLOCK], ab[UPDATE_BLOCK];
  float gf[UPDATE_BLOCK], sf[UPDATE_BLOCK], af[UPDATE_BLOCK];
  for (int64_t i0 = begin; i0 < end; i0 += UPDATE_BLOCK) {
    const int64_t len = end - i0 < UPDATE_BLOCK ? end - i0 : UPDATE_BLOCK;
    for (int64_t t = 0; t < len; t++) {
      const int64_t i = i0 + t;
      double g = grad_at(grad, i, f32, maximize);
      if (decay) g = FMA(wd, LD(param, i), g);
      const double s = FMA(RND(k * g), g, RND(LD(sq, i) * rho));
      ST(sq, i, s);
      if (f32) {
        gf[t] = (float)g;
        sf[t] = (float)(s + eps);
        af[t] = (float)(LD(acc, i) + eps);
      } else {
        gb[t] = g;
        sb[t] = s + eps;
        ab[t] = LD(acc, i) + eps;
      }
    }
    if (f32) {
      sqrt_block_f32(sf, len);
      sqrt_block_f32(af, len);
    } else {
      sqrt_block_f64(sb, len);
      sqrt_block_f64(ab, len);
    }
    for (int64_t t = 0; t < len; t++) {
      const int64_t i = i0 + t;
      const double delta = f32 ? (double)((af[t] / sf[t]) * gf[t]) : (ab[t] / sb[t]) * gb[t];
      ST(acc, i, FMA(RND(k * delta), delta, RND(LD(acc, i) * rho)));
      ST(param, i, FMA(value, delta, LD(param, i)));
    }
  }
}

/* Flag bits: 0 maximize, 1 weight decay. */
#define ADADELTA_CASE(k) \
  case k: adadelta_body(c, b, e, F32, (k) & 1, ((k) >> 1) & 1); break;
#define ADADELTA_VARIANTS(F32_)                                                                                        \
  KD_FMA_CLONES static void adadelta_range_##F32_(void *ctx, int64_t b, int64_t e) {                               \
    enum { F32 = F32_ };                                                                                               \
    const adadelta_ctx *c = ctx;                                                                                       \
    switch (c->maximize | c->decay << 1) {                                                                             \
      ADADELTA_CASE(0) ADADELTA_CASE(1) ADADELTA_CASE(2) ADADELTA_CASE(3)                                              \
    }                                                                                                                  \
  }
ADADELTA_VARIANTS(1)
ADADELTA_VARIANTS(0)

void kd_adadelta_update(int f32, void *param, const void *grad, void *square_avg, void *acc_delta, int64_t n,
                        double lr, double rho, double eps, double weight_decay, int maximize) {
  adadelta_ctx c = {
      .param = param, .grad = grad, .square_avg = square_avg, .acc_delta = acc_delta, .rho = scalar(f32, rho),
      .k = scalar(f32, 1 - rho), .eps = scalar(f32, eps), .wd = scalar(f32, weight_decay), .value = scalar(f32, -lr),
      .maximize = maximize, .decay = weight_decay != 0,
  };
  kd_parallel_for(n, GRAIN, f32 ? adadelta_range_1 : adadelta_range_0, &c);
}
