/*
 * N-API entries for 2-D convolution (conv.c):
 *   conv2dForward(x, w, bias | null, g, out)
 *   conv2dBackwardInput(gy, w, g, gx)
 *   conv2dBackwardWeight(x, gy, g, gw)
 * g is a ConvGeometry record {N, C, H, W, O, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw, groups}; the float arrays of
 * one call are all Float32Array or all Float64Array, contiguous from index 0, at least as long as the geometry
 * needs. Outputs are fully written and must not overlap the inputs. Everything is checked before any memory
 * is touched.
 */
#include <stdio.h>

#include "conv-kernels.h"
#include "kindling.h"
#include "napi-args.h"

/* Dimensions are capped so that products of two of them never overflow before they are checked. */
#define DIM_MAX ((int64_t)INT32_MAX)

/* a * b into *out, failing when it would pass 2^53 - 1. */
static int mul_ok(int64_t a, int64_t b, int64_t *out) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r) || r > KD_MAX_SAFE_INT) return 0;
  *out = r;
  return 1;
}

static int product(napi_env env, const char *what, int64_t *out, int count, const int64_t *factors) {
  int64_t p = 1;
  for (int i = 0; i < count; i++) {
    if (!mul_ok(p, factors[i], &p)) {
      char msg[160];
      snprintf(msg, sizeof msg, "the geometry's %s size is too large", what);
      return kd_throw_range(env, msg);
    }
  }
  *out = p;
  return 1;
}

enum { SIZE_X, SIZE_W, SIZE_Y }; /* input, weight, output */

typedef struct {
  kd_conv_geometry g;
  int64_t size[3]; /* elements of input, weight, output: size[SIZE_X], size[SIZE_W], size[SIZE_Y] */
} conv_shape;

static int read_geometry(napi_env env, napi_value v, conv_shape *s) {
  kd_conv_geometry *g = &s->g;
  const kd_int_field fields[] = {
      {"N", &g->N, 0},   {"C", &g->C, 0},   {"H", &g->H, 0},   {"W", &g->W, 0},   {"O", &g->O, 0},   {"kh", &g->kh, 1},
      {"kw", &g->kw, 1}, {"OH", &g->OH, 0}, {"OW", &g->OW, 0}, {"sh", &g->sh, 1}, {"sw", &g->sw, 1}, {"ph", &g->ph, 0},
      {"pw", &g->pw, 0}, {"dh", &g->dh, 1}, {"dw", &g->dw, 1}, {"groups", &g->groups, 1},
  };
  if (!kd_prop_ints(env, v, "g", fields, sizeof fields / sizeof fields[0], DIM_MAX)) return 0;
  if (g->C % g->groups != 0 || g->O % g->groups != 0) {
    char msg[200];
    snprintf(msg, sizeof msg, "g.groups (%lld) must divide g.C (%lld) and g.O (%lld)", (long long)g->groups, (long long)g->C,
             (long long)g->O);
    return kd_throw_range(env, msg);
  }
  const int64_t Cg = g->C / g->groups;
  const int64_t xf[] = {g->N, g->C, g->H, g->W}, wf[] = {g->O, Cg, g->kh, g->kw}, yf[] = {g->N, g->O, g->OH, g->OW};
  const int64_t colf[] = {Cg, g->kh, g->kw, g->OH, g->OW};
  int64_t cols = 0;
  if (!product(env, "input", &s->size[SIZE_X], 4, xf) || !product(env, "weight", &s->size[SIZE_W], 4, wf) ||
      !product(env, "output", &s->size[SIZE_Y], 4, yf) || !product(env, "column matrix", &cols, 5, colf))
    return 0;
  if (cols > KD_CONV_MAX_COLUMNS) return kd_throw_range(env, "the geometry's column matrix (C/groups*kh*kw x OH*OW) is too large");
  return 1;
}

static napi_value out_of_memory(napi_env env, const char *fn) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: out of memory for the column matrix", fn);
  kd_throw(env, msg);
  return NULL;
}

static napi_value conv2d_forward(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  kd_array x, w, bias, out;
  conv_shape s;
  if (!kd_args(env, info, 5, argv, "conv2dForward") || !kd_arg_array(env, argv[0], "x", KD_F32 | KD_F64, &x) ||
      !kd_arg_array(env, argv[1], "w", KD_F32 | KD_F64, &w) ||
      !kd_arg_array_or_null(env, argv[2], "bias", KD_F32 | KD_F64, &bias) || !read_geometry(env, argv[3], &s) ||
      !kd_arg_array(env, argv[4], "out", KD_F32 | KD_F64, &out))
    return NULL;
  const int hasBias = bias.dtype != 0; /* null gives dtype 0 */
  if (!kd_check_same_dtype(env, &w, "w", &x, "x") || (hasBias && !kd_check_same_dtype(env, &bias, "bias", &x, "x")) ||
      !kd_check_same_dtype(env, &out, "out", &x, "x"))
    return NULL;
  if (!kd_check_span(env, &x, "x", 0, s.size[SIZE_X]) || !kd_check_span(env, &w, "w", 0, s.size[SIZE_W]) ||
      (hasBias && !kd_check_span(env, &bias, "bias", 0, s.g.O)) || !kd_check_span(env, &out, "out", 0, s.size[SIZE_Y]))
    return NULL;
  if (!kd_check_disjoint(env, &out, "out", s.size[SIZE_Y], &x, "x", s.size[SIZE_X]) ||
      !kd_check_disjoint(env, &out, "out", s.size[SIZE_Y], &w, "w", s.size[SIZE_W]) ||
      (hasBias && !kd_check_disjoint(env, &out, "out", s.size[SIZE_Y], &bias, "bias", s.g.O)))
    return NULL;
  int rc = x.dtype == KD_F32
               ? kd_conv2d_forward_f32(x.data, w.data, hasBias ? bias.data : NULL, &s.g, out.data)
               : kd_conv2d_forward_f64(x.data, w.data, hasBias ? bias.data : NULL, &s.g, out.data);
  return rc == 0 ? NULL : out_of_memory(env, "conv2dForward");
}

/*
 * The gradient entries, (a, b, g, o): inputs a and b, the geometry, output o. One routine reads and checks them
 * (one element type; each array as long as the geometry asks; o apart from both inputs) and runs the kernel.
 */
typedef struct {
  const char *entry, *names[3]; /* a, b, o */
  int sizes[3];                 /* which of conv_shape's sizes each one holds */
  int (*f32)(const float *a, const float *b, const kd_conv_geometry *g, float *o);
  int (*f64)(const double *a, const double *b, const kd_conv_geometry *g, double *o);
} gradient_entry;

static napi_value conv2d_gradient(napi_env env, napi_callback_info info, const gradient_entry *e) {
  napi_value argv[4];
  kd_array a, b, o;
  conv_shape s;
  const char *an = e->names[0], *bn = e->names[1], *on = e->names[2];
  if (!kd_args(env, info, 4, argv, e->entry) || !kd_arg_array(env, argv[0], an, KD_F32 | KD_F64, &a) ||
      !kd_arg_array(env, argv[1], bn, KD_F32 | KD_F64, &b) || !read_geometry(env, argv[2], &s) ||
      !kd_arg_array(env, argv[3], on, KD_F32 | KD_F64, &o))
    return NULL;
  const int64_t as = s.size[e->sizes[0]], bs = s.size[e->sizes[1]], os = s.size[e->sizes[2]];
  if (!kd_check_same_dtype(env, &b, bn, &a, an) || !kd_check_same_dtype(env, &o, on, &a, an) ||
      !kd_check_span(env, &a, an, 0, as) || !kd_check_span(env, &b, bn, 0, bs) || !kd_check_span(env, &o, on, 0, os) ||
      !kd_check_disjoint(env, &o, on, os, &a, an, as) || !kd_check_disjoint(env, &o, on, os, &b, bn, bs))
    return NULL;
  int rc = a.dtype == KD_F32 ? e->f32(a.data, b.data, &s.g, o.data) : e->f64(a.data, b.data, &s.g, o.data);
  return rc == 0 ? NULL : out_of_memory(env, e->entry);
}

static napi_value conv2d_backward_input(napi_env env, napi_callback_info info) {
  static const gradient_entry e = {"conv2dBackwardInput", {"gy", "w", "gx"}, {SIZE_Y, SIZE_W, SIZE_X},
                                   kd_conv2d_backward_input_f32, kd_conv2d_backward_input_f64};
  return conv2d_gradient(env, info, &e);
}

static napi_value conv2d_backward_weight(napi_env env, napi_callback_info info) {
  static const gradient_entry e = {"conv2dBackwardWeight", {"x", "gy", "gw"}, {SIZE_X, SIZE_Y, SIZE_W},
                                   kd_conv2d_backward_weight_f32, kd_conv2d_backward_weight_f64};
  return conv2d_gradient(env, info, &e);
}

int kd_register_conv(napi_env env, napi_value exports) {
  return kd_export(env, exports, "conv2dForward", conv2d_forward) &&
         kd_export(env, exports, "conv2dBackwardInput", conv2d_backward_input) &&
         kd_export(env, exports, "conv2dBackwardWeight", conv2d_backward_weight);
}
