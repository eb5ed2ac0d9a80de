/*
 * N-API entries for the elementwise kernels (elementwise.c), with the signatures and checks of
 * packages/core/src/kernels/contiguous.ts:
 *   binary(op, a, aOff, b, bOff, out, outOff, layout, alpha)   op 0 a + alpha*b, 1 a - b, 2 a*b, 3 a/b,
 *                                                              4 b <= 0 ? 0 : a (relu's backward),
 *                                                              5 a * (1 - b*b) (tanh's), 6 a * (1 - b) * b (sigmoid's)
 *   unary(op, x, xOff, out, outOff, n)                         op 0 relu ... 11 square, 12 gelu, 13 gelu'
 *   copy(x, xOff, out, outOff, layout)                         out = x gathered through the layout's a strides
 * layout is a Float64Array [ndim (1..4), shape0..3, aStride0..3, bStride0..3], unused entries 0. Every argument is
 * checked before any memory is touched; an input may be the output itself but must not overlap it otherwise.
 */
#include <math.h>
#include <stdio.h>

#include "kindling.h"
#include "napi-args.h"

typedef struct {
  int ndim;
  int64_t shape[4];
  int64_t astride[4];
  int64_t bstride[4];
} kd_ew_layout;

void kd_ew_binary(int f32, int op, const void *a, const void *b, void *out, const kd_ew_layout *L, int64_t n, double alpha);
void kd_ew_unary(int f32, int op, const void *x, void *out, int64_t n);

#define LAYOUT_LENGTH 13

/* An input may be the output exactly (same first element and `exact` layout) or lie apart from it. */
static int check_alias(napi_env env, const kd_array *x, const char *xn, int64_t xo, int64_t xCount, int exact,
                       const kd_array *out, const char *on, int64_t oo, int64_t oCount) {
  if (!kd_spans_overlap(x, xo, xCount, out, oo, oCount)) return 1;
  if (exact && (const char *)x->data + xo * kd_elem_size(x) == (const char *)out->data + oo * kd_elem_size(out)) return 1;
  char msg[160];
  snprintf(msg, sizeof msg, "argument '%s' must be either '%s' itself or apart from it", on, xn);
  return kd_throw_range(env, msg);
}

static int is_safe_int(double v) { return v == v && fabs(v) <= (double)KD_MAX_SAFE_INT && v == floor(v); }

static int layout_entry(napi_env env, double v, int index, const char *what, int dim, int64_t max, int64_t *out) {
  char msg[200];
  if (!is_safe_int(v)) {
    snprintf(msg, sizeof msg, "argument 'layout[%d] (%s%d)' must be an integer", index, what, dim);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  int64_t i = (int64_t)v;
  if (i < 0 || i > max) {
    snprintf(msg, sizeof msg, "argument 'layout[%d] (%s%d)' is %lld, outside [0, %lld]", index, what, dim, (long long)i,
             (long long)max);
    return kd_throw_range(env, msg);
  }
  *out = i;
  return 1;
}

/* Reads and checks a layout; *n gets the number of elements of its shape. */
static int read_layout(napi_env env, napi_value v, kd_ew_layout *L, int64_t *n) {
  kd_array arr;
  char msg[160];
  if (!kd_arg_array(env, v, "layout", KD_F64, &arr)) return 0;
  if (arr.length != LAYOUT_LENGTH) {
    snprintf(msg, sizeof msg, "argument 'layout' must have %d entries, not %lld", LAYOUT_LENGTH, (long long)arr.length);
    return kd_throw_range(env, msg);
  }
  const double *e = arr.data;
  double nd = e[0];
  if (!is_safe_int(nd)) {
    napi_throw_type_error(env, NULL, "argument 'layout[0] (ndim)' must be an integer");
    return 0;
  }
  if (nd < 1 || nd > 4) {
    snprintf(msg, sizeof msg, "argument 'layout[0] (ndim)' is %lld, outside [1, 4]", (long long)nd);
    return kd_throw_range(env, msg);
  }
  L->ndim = (int)nd;
  int64_t total = 1;
  for (int d = 0; d < 4; d++) {
    int64_t max = d < L->ndim ? KD_MAX_SAFE_INT : 0;
    if (!layout_entry(env, e[1 + d], 1 + d, "shape", d, max, &L->shape[d]) ||
        !layout_entry(env, e[5 + d], 5 + d, "aStride", d, max, &L->astride[d]) ||
        !layout_entry(env, e[9 + d], 9 + d, "bStride", d, max, &L->bstride[d]))
      return 0;
    if (d >= L->ndim) continue;
    int64_t s = L->shape[d];
    if (total != 0 && s != 0 && total > KD_MAX_SAFE_INT / s) return kd_throw_range(env, "argument 'layout': the shape has too many elements");
    total *= s;
  }
  *n = total;
  return 1;
}

/* 1 + the offset of an operand's last element (shape all > 0), or throws past the largest safe integer. */
static int extent_of(napi_env env, const kd_ew_layout *L, const int64_t *strides, const char *name, int64_t *out) {
  int64_t last = 0;
  for (int d = 0; d < L->ndim; d++) {
    int64_t s = L->shape[d] - 1;
    if (s > 0 && strides[d] > (KD_MAX_SAFE_INT - last) / s) {
      char msg[160];
      snprintf(msg, sizeof msg, "argument '%s': its layout reaches past the largest safe integer", name);
      return kd_throw_range(env, msg);
    }
    last += s * strides[d];
  }
  *out = last + 1;
  return 1;
}

/* Whether the strides are row-major contiguous over the shape (dims of size 1 aside). */
static int is_contiguous(const kd_ew_layout *L, const int64_t *strides) {
  int64_t expected = 1;
  for (int d = L->ndim - 1; d >= 0; d--) {
    if (L->shape[d] != 1 && strides[d] != expected) return 0;
    expected *= L->shape[d];
  }
  return 1;
}

static napi_value binary_entry(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  if (!kd_args(env, info, 9, argv, "binary")) return NULL;
  const int64_t big = KD_MAX_SAFE_INT;
  int64_t op, aOff, bOff, outOff, n = 0;
  kd_array a, b, out;
  kd_ew_layout L;
  double alpha;
  if (!kd_arg_int(env, argv[0], "op", 0, 6, &op) || !kd_arg_array(env, argv[1], "a", KD_F32 | KD_F64, &a) ||
      !kd_arg_int(env, argv[2], "aOff", 0, big, &aOff) || !kd_arg_array(env, argv[3], "b", KD_F32 | KD_F64, &b) ||
      !kd_arg_int(env, argv[4], "bOff", 0, big, &bOff) || !kd_arg_array(env, argv[5], "out", KD_F32 | KD_F64, &out) ||
      !kd_arg_int(env, argv[6], "outOff", 0, big, &outOff) || !read_layout(env, argv[7], &L, &n) ||
      !kd_arg_number(env, argv[8], "alpha", &alpha))
    return NULL;
  if (!kd_check_same_dtype(env, &a, "a", &out, "out") || !kd_check_same_dtype(env, &b, "b", &out, "out")) return NULL;
  if (n == 0) return NULL;
  int64_t aExtent, bExtent;
  if (!kd_check_span(env, &out, "out", outOff, n) || !extent_of(env, &L, L.astride, "a", &aExtent) ||
      !extent_of(env, &L, L.bstride, "b", &bExtent) || !kd_check_span(env, &a, "a", aOff, aExtent) ||
      !kd_check_span(env, &b, "b", bOff, bExtent) ||
      !check_alias(env, &a, "a", aOff, aExtent, is_contiguous(&L, L.astride), &out, "out", outOff, n) ||
      !check_alias(env, &b, "b", bOff, bExtent, is_contiguous(&L, L.bstride), &out, "out", outOff, n))
    return NULL;
  const size_t es = kd_elem_size(&out);
  kd_ew_binary(out.dtype == KD_F32, (int)op, (const char *)a.data + aOff * es, (const char *)b.data + bOff * es,
               (char *)out.data + outOff * es, &L, n, alpha);
  return NULL;
}

static napi_value unary_entry(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!kd_args(env, info, 6, argv, "unary")) return NULL;
  const int64_t big = KD_MAX_SAFE_INT;
  int64_t op, xOff, outOff, n;
  kd_array x, out;
  if (!kd_arg_int(env, argv[0], "op", 0, 13, &op) || !kd_arg_array(env, argv[1], "x", KD_F32 | KD_F64, &x) ||
      !kd_arg_int(env, argv[2], "xOff", 0, big, &xOff) || !kd_arg_array(env, argv[3], "out", KD_F32 | KD_F64, &out) ||
      !kd_arg_int(env, argv[4], "outOff", 0, big, &outOff) || !kd_arg_int(env, argv[5], "n", 0, big, &n))
    return NULL;
  if (!kd_check_same_dtype(env, &x, "x", &out, "out")) return NULL;
  if (n == 0) return NULL;
  if (!kd_check_span(env, &x, "x", xOff, n) || !kd_check_span(env, &out, "out", outOff, n) ||
      !check_alias(env, &x, "x", xOff, n, 1, &out, "out", outOff, n))
    return NULL;
  const size_t es = kd_elem_size(&out);
  kd_ew_unary(out.dtype == KD_F32, (int)op, (const char *)x.data + xOff * es, (char *)out.data + outOff * es, n);
  return NULL;
}

/* binary's op code for a copy (elementwise.c). */
#define KD_EW_COPY 7

static napi_value copy_entry(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!kd_args(env, info, 5, argv, "copy")) return NULL;
  const int64_t big = KD_MAX_SAFE_INT;
  int64_t xOff, outOff, n = 0, xExtent;
  kd_array x, out;
  kd_ew_layout L;
  if (!kd_arg_array(env, argv[0], "x", KD_F32 | KD_F64, &x) || !kd_arg_int(env, argv[1], "xOff", 0, big, &xOff) ||
      !kd_arg_array(env, argv[2], "out", KD_F32 | KD_F64, &out) || !kd_arg_int(env, argv[3], "outOff", 0, big, &outOff) ||
      !read_layout(env, argv[4], &L, &n) || !kd_check_same_dtype(env, &x, "x", &out, "out"))
    return NULL;
  if (n == 0) return NULL;
  if (!kd_check_span(env, &out, "out", outOff, n) || !extent_of(env, &L, L.astride, "x", &xExtent) ||
      !kd_check_span(env, &x, "x", xOff, xExtent) ||
      !check_alias(env, &x, "x", xOff, xExtent, is_contiguous(&L, L.astride), &out, "out", outOff, n))
    return NULL;
  const size_t es = kd_elem_size(&out);
  const void *src = (const char *)x.data + xOff * es;
  kd_ew_binary(out.dtype == KD_F32, KD_EW_COPY, src, src, (char *)out.data + outOff * es, &L, n, 1.0);
  return NULL;
}

int kd_register_elementwise(napi_env env, napi_value exports) {
  return kd_export(env, exports, "binary", binary_entry) && kd_export(env, exports, "unary", unary_entry) &&
         kd_export(env, exports, "copy", copy_entry);
}
