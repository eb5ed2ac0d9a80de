/*
 * Elementwise kernels into a contiguous output: binary ops over a (broadcast) strided iteration space of up to
 * four dims, and unary math over contiguous runs. The reference is packages/core/src/kernels/contiguous.ts; the
 * results are the same bit for bit (the transcendental functions aside, which come from the C library).
 *
 * Every value is computed in double and rounded once when stored. For float32 add, sub, mul and div, rounding
 * the exact double result of two float32 operands once is exactly IEEE float32 arithmetic, so those loops run
 * in float (twice the vector width) with the same results; add-with-alpha is a fused multiply-add, x + alpha * y
 * rounded once, in the array's type (scaled_add).
 *
 * Work is split over the flat output index in chunks that depend only on n and the thread count; every element
 * is computed the same way whatever chunk it lands in, so any thread count gives the same bits.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
/* No contraction into fused multiply-adds but the explicit ones (scaled_add), as in JavaScript. */
#pragma GCC optimize("fp-contract=off")
#endif

#include <string.h>

#include "kindling.h"

#include <math.h>
#include <stdint.h>

#if (defined(__x86_64__) || defined(_M_X64)) && !defined(KD_NO_X86)
#include <emmintrin.h>
#define KD_SSE2 1
#endif

/* binary's op code for a copy of a into out (the `copy` entry): beyond the public ops 0..6. */
#define KD_EW_COPY 7

/* Cheap ops: a chunk is at least this many elements. Library calls (exp, log, ...) cost more per element. */
#define GRAIN_CHEAP ((int64_t)32768)
#define GRAIN_TRANSCENDENTAL ((int64_t)4096)

typedef struct {
  int ndim;             /* 1..4 */
  int64_t shape[4];     /* all > 0 when called */
  int64_t astride[4];   /* >= 0; 0 broadcasts */
  int64_t bstride[4];
} kd_ew_layout;

/* ---- binary: one run of the innermost dim ---- */

/*
 * The activations' backward ops, op 4 relu (threshold_backward at 0), 5 tanh, 6 sigmoid, rounded as PyTorch's CPU
 * kernels round them: tanh's 1 - y*y is a fused multiply-add (for float32, y*y is exact in double, so one double
 * subtraction is that fma), sigmoid's is (g * (1 - y)) * y in the tensor's type.
 */
static inline float activation_grad_f32(int op, float g, float y) {
  switch (op) {
    case 4: return !(y <= 0) ? g : 0.0f;
    case 5: return g * (float)(1.0 - (double)y * (double)y);
    default: return (g * (1.0f - y)) * y;
  }
}

static inline double activation_grad_f64(int op, double g, double y) {
  switch (op) {
    case 4: return !(y <= 0) ? g : 0.0;
    case 5: return g * fma(-y, y, 1.0);
    default: return (g * (1.0 - y)) * y;
  }
}

/* o[i] = a[i·sa] + alpha·b[i·sb] rounded once (packages/core/src/kernels/fma.ts emulates the same in JavaScript). */
#define DEFINE_SCALED_ADD(T, SUF, FMA)                                                                              \
  KD_FMA_CLONES static void scaled_add_##SUF(const T *restrict a, int64_t sa, const T *restrict b, int64_t sb,     \
                                             T *restrict o, int64_t n, T alpha) {                                 \
    if (sa == 1 && sb == 1)                                                                                       \
      for (int64_t i = 0; i < n; i++) o[i] = FMA(alpha, b[i], a[i]);                                             \
    else                                                                                                          \
      for (int64_t i = 0; i < n; i++) o[i] = FMA(alpha, b[i * sb], a[i * sa]);                                   \
  }

DEFINE_SCALED_ADD(float, f32, fmaf)
DEFINE_SCALED_ADD(double, f64, fma)

#define DEFINE_BINARY_RUN(T, SUF)                                                                                   \
  static void binary_run_##SUF(int op, const T *restrict a, int64_t sa, const T *restrict b, int64_t sb,           \
                               T *restrict o, int64_t n, double alpha) {                                          \
    if (op == KD_EW_COPY) { /* out = a (b unused) */                                                             \
      if (sa == 1) { if ((const void *)o != (const void *)a) memcpy(o, a, (size_t)n * sizeof(T)); }             \
      else                                                                                                        \
        for (int64_t i = 0; i < n; i++) o[i] = a[i * sa];                                                         \
      return;                                                                                                     \
    }                                                                                                             \
    if (op >= 4) {                                                                                                \
      if (sa == 1 && sb == 1) { /* one loop per op, so that each vectorises */                                   \
        switch (op) {                                                                                             \
          case 4: for (int64_t i = 0; i < n; i++) o[i] = activation_grad_##SUF(4, a[i], b[i]); return;           \
          case 5: for (int64_t i = 0; i < n; i++) o[i] = activation_grad_##SUF(5, a[i], b[i]); return;           \
          default: for (int64_t i = 0; i < n; i++) o[i] = activation_grad_##SUF(6, a[i], b[i]); return;          \
        }                                                                                                         \
      }                                                                                                           \
      for (int64_t i = 0; i < n; i++) o[i] = activation_grad_##SUF(op, a[i * sa], b[i * sb]);                    \
      return;                                                                                                     \
    }                                                                                                             \
    if (op == 0 && alpha != 1.0) return scaled_add_##SUF(a, sa, b, sb, o, n, (T)alpha);                           \
    if (sa == 1 && sb == 1) {                                                                                     \
      switch (op) {                                                                                               \
        case 0: for (int64_t i = 0; i < n; i++) o[i] = a[i] + b[i]; return;                                       \
        case 1: for (int64_t i = 0; i < n; i++) o[i] = a[i] - b[i]; return;                                       \
        case 2: for (int64_t i = 0; i < n; i++) o[i] = a[i] * b[i]; return;                                       \
        default: for (int64_t i = 0; i < n; i++) o[i] = a[i] / b[i]; return;                                      \
      }                                                                                                           \
    }                                                                                                             \
    if (sa == 1 && sb == 0) {                                                                                     \
      const T y = b[0];                                                                                           \
      switch (op) {                                                                                               \
        case 0: for (int64_t i = 0; i < n; i++) o[i] = a[i] + y; return;                                          \
        case 1: for (int64_t i = 0; i < n; i++) o[i] = a[i] - y; return;                                          \
        case 2: for (int64_t i = 0; i < n; i++) o[i] = a[i] * y; return;                                          \
        default: for (int64_t i = 0; i < n; i++) o[i] = a[i] / y; return;                                         \
      }                                                                                                           \
    }                                                                                                             \
    if (sa == 0 && sb == 1) {                                                                                     \
      const T x = a[0];                                                                                           \
      switch (op) {                                                                                               \
        case 0: for (int64_t i = 0; i < n; i++) o[i] = x + b[i]; return;                                          \
        case 1: for (int64_t i = 0; i < n; i++) o[i] = x - b[i]; return;                                          \
        case 2: for (int64_t i = 0; i < n; i++) o[i] = x * b[i]; return;                                          \
        default: for (int64_t i = 0; i < n; i++) o[i] = x / b[i]; return;                                         \
      }                                                                                                           \
    }                                                                                                             \
    switch (op) {                                                                                                 \
      case 0: for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] + b[i * sb]; return;                               \
      case 1: for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] - b[i * sb]; return;                               \
      case 2: for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] * b[i * sb]; return;                               \
      default: for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] / b[i * sb]; return;                              \
    }                                                                                                             \
  }

DEFINE_BINARY_RUN(float, f32)
DEFINE_BINARY_RUN(double, f64)

typedef struct {
  int f32, op;
  const void *a, *b;
  void *out;
  const kd_ew_layout *L;
  double alpha;
} binary_ctx;

/* Output elements [begin, end): whole or partial runs of the innermost dim. */
KD_VECTOR_CLONES static void binary_range(void *vctx, int64_t begin, int64_t end) {
  const binary_ctx *c = vctx;
  const kd_ew_layout *L = c->L;
  const int nd = L->ndim, last = nd - 1;
  int64_t idx[4] = {0, 0, 0, 0};
  int64_t rem = begin, pa = 0, pb = 0;
  for (int d = last; d >= 0; d--) {
    idx[d] = rem % L->shape[d];
    rem /= L->shape[d];
    pa += idx[d] * L->astride[d];
    pb += idx[d] * L->bstride[d];
  }
  int64_t pos = begin;
  while (pos < end) {
    int64_t len = L->shape[last] - idx[last];
    if (len > end - pos) len = end - pos;
    if (c->f32)
      binary_run_f32(c->op, (const float *)c->a + pa, L->astride[last], (const float *)c->b + pb, L->bstride[last],
                     (float *)c->out + pos, len, c->alpha);
    else
      binary_run_f64(c->op, (const double *)c->a + pa, L->astride[last], (const double *)c->b + pb, L->bstride[last],
                     (double *)c->out + pos, len, c->alpha);
    pos += len;
    if (pos >= end) break;
    /* the run reached the end of the innermost dim: back to its start, then step the outer dims */
    pa -= idx[last] * L->astride[last];
    pb -= idx[last] * L->bstride[last];
    idx[last] = 0;
    for (int d = last - 1; d >= 0; d--) {
      pa += L->astride[d];
      pb += L->bstride[d];
      if (++idx[d] < L->shape[d]) break;
      pa -= L->astride[d] * L->shape[d];
      pb -= L->bstride[d] * L->shape[d];
      idx[d] = 0;
    }
  }
}

/*
 * out[k] = op(a[Σ i_d astride_d], b[Σ i_d bstride_d]) for the row-major index k of (i_0, ...) over L's shape,
 * k < n (the product of the shape). Pointers are at the operands' offsets; out may be a or b exactly.
 */
void kd_ew_binary(int f32, int op, const void *a, const void *b, void *out, const kd_ew_layout *L, int64_t n, double alpha) {
  if (n <= 0) return;
  binary_ctx c = {f32, op, a, b, out, L, alpha};
  kd_parallel_for(n, GRAIN_CHEAP, binary_range, &c);
}

/* ---- unary ---- */

/*
 * sqrt(v), or 1 / sqrt(v) when `recip`, in double. (A plain loop over sqrt() does not vectorise: C's sqrt may
 * set errno for negative inputs, and the build does not pass -fno-math-errno.)
 */
#ifdef KD_SSE2
static inline double sqrt_scalar(double v) { return _mm_cvtsd_f64(_mm_sqrt_sd(_mm_setzero_pd(), _mm_set_sd(v))); }

static void sqrt_run_f64(const double *restrict x, double *restrict o, int64_t n, int recip) {
  const __m128d one = _mm_set1_pd(1.0);
  int64_t i = 0;
  if (recip)
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(o + i, _mm_div_pd(one, _mm_sqrt_pd(_mm_loadu_pd(x + i))));
  else
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(o + i, _mm_sqrt_pd(_mm_loadu_pd(x + i)));
  for (; i < n; i++) o[i] = recip ? 1.0 / sqrt_scalar(x[i]) : sqrt_scalar(x[i]);
}

static void sqrt_run_f32(const float *restrict x, float *restrict o, int64_t n, int recip) {
  const __m128d one = _mm_set1_pd(1.0);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m128 v = _mm_loadu_ps(x + i);
    __m128d lo = _mm_sqrt_pd(_mm_cvtps_pd(v)), hi = _mm_sqrt_pd(_mm_cvtps_pd(_mm_movehl_ps(v, v)));
    if (recip) {
      lo = _mm_div_pd(one, lo);
      hi = _mm_div_pd(one, hi);
    }
    _mm_storeu_ps(o + i, _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi)));
  }
  for (; i < n; i++) o[i] = (float)(recip ? 1.0 / sqrt_scalar((double)x[i]) : sqrt_scalar((double)x[i]));
}
#else
static void sqrt_run_f64(const double *restrict x, double *restrict o, int64_t n, int recip) {
  if (recip)
    for (int64_t i = 0; i < n; i++) o[i] = 1.0 / sqrt(x[i]);
  else
    for (int64_t i = 0; i < n; i++) o[i] = sqrt(x[i]);
}

static void sqrt_run_f32(const float *restrict x, float *restrict o, int64_t n, int recip) {
  if (recip)
    for (int64_t i = 0; i < n; i++) o[i] = (float)(1.0 / sqrt((double)x[i]));
  else
    for (int64_t i = 0; i < n; i++) o[i] = (float)sqrt((double)x[i]);
}
#endif

#define DEFINE_UNARY_RUN(T, SUF)                                                                                  \
  static void unary_run_##SUF(int op, const T *restrict x, T *restrict o, int64_t n) {                             \
    switch (op) {                                                                                                 \
      case 0:                                                                                                     \
        for (int64_t i = 0; i < n; i++) {                                                                         \
          const T v = x[i];                                                                                       \
          o[i] = v < (T)0 ? (T)0 : v; /* NaN and -0 pass, as PyTorch's */                                         \
        }                                                                                                         \
        return;                                                                                                   \
      case 1: for (int64_t i = 0; i < n; i++) o[i] = -x[i]; return;                                               \
      case 2: for (int64_t i = 0; i < n; i++) o[i] = (T)fabs((double)x[i]); return;                               \
      case 3: for (int64_t i = VECTOR(3, x, o, n); i < n; i++) o[i] = (T)exp((double)x[i]); return;               \
      case 4: for (int64_t i = VECTOR(4, x, o, n); i < n; i++) o[i] = (T)log((double)x[i]); return;               \
      case 5: sqrt_run_##SUF(x, o, n, 0); return;                                                                 \
      case 6: for (int64_t i = VECTOR(6, x, o, n); i < n; i++) o[i] = (T)tanh((double)x[i]); return;              \
      case 7: /* sigmoid, each step in T as PyTorch's (exp correctly rounded, then T's add and divide) */         \
        for (int64_t i = VECTOR(7, x, o, n); i < n; i++) o[i] = (T)1 / ((T)1 + (T)exp(-(double)x[i]));           \
        return;                                                                                                   \
      case 8: for (int64_t i = VECTOR(8, x, o, n); i < n; i++) o[i] = (T)sin((double)x[i]); return;               \
      case 9: for (int64_t i = VECTOR(9, x, o, n); i < n; i++) o[i] = (T)cos((double)x[i]); return;               \
      case 10: sqrt_run_##SUF(x, o, n, 1); return;                                                                \
      case 11: for (int64_t i = 0; i < n; i++) o[i] = x[i] * x[i]; return;                                        \
      case 12: kd_gelu_##SUF(0, x, o, n); return; /* gelu as PyTorch computes it (gelu.c) */                   \
      default: kd_gelu_##SUF(1, x, o, n); return; /* and its derivative */                                    \
    }                                                                                                             \
  }

/* How many leading elements of a run the vector math did (float32 only: float64 keeps the scalar loops). */
#define VECTOR(op, x, o, n) kd_unary_f32_vector(op, x, o, n)
DEFINE_UNARY_RUN(float, f32)
#undef VECTOR
#define VECTOR(op, x, o, n) 0
DEFINE_UNARY_RUN(double, f64)
#undef VECTOR

typedef struct {
  int f32, op;
  const void *x;
  void *out;
} unary_ctx;

KD_VECTOR_CLONES static void unary_range(void *vctx, int64_t begin, int64_t end) {
  const unary_ctx *c = vctx;
  if (c->f32)
    unary_run_f32(c->op, (const float *)c->x + begin, (float *)c->out + begin, end - begin);
  else
    unary_run_f64(c->op, (const double *)c->x + begin, (double *)c->out + begin, end - begin);
}

static int is_cheap_unary(int op) { return op <= 2 || op == 5 || op >= 10; }

/* out[i] = op(x[i]) for i < n; out may be x exactly. */
void kd_ew_unary(int f32, int op, const void *x, void *out, int64_t n) {
  if (n <= 0) return;
  unary_ctx c = {f32, op, x, out};
  kd_parallel_for(n, is_cheap_unary(op) ? GRAIN_CHEAP : GRAIN_TRANSCENDENTAL, unary_range, &c);
}
