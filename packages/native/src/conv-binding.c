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

typedef struct {
  kd_conv_geometry g;
  int64_t xSize, wSize, ySize; /* elements of input, weight, output */
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
  if (!product(env, "input", &s->xSize, 4, xf) || !product(env, "weight", &s->wSize, 4, wf) ||
      !product(env, "output", &s->ySize, 4, yf) || !product(env, "column matrix", &cols, 5, colf))
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
  if (!kd_check_span(env, &x, "x", 0, s.xSize) || !kd_check_span(env, &w, "w", 0, s.wSize) ||
      (hasBias && !kd_check_span(env, &bias, "bias", 0, s.g.O)) || !kd_check_span(env, &out, "out", 0, s.ySize))
    return NULL;
  if (!kd_check_disjoint(env, &out, "out", s.ySize, &x, "x", s.xSize) || !kd_check_disjoint(env, &out, "out", s.ySize, &w, "w", s.wSize) ||
      (hasBias && !kd_check_disjoint(env, &out, "out", s.ySize, &bias, "bias", s.g.O)))
    return NULL;
  int rc = x.dtype == KD_F32
               ? kd_conv2d_forward_f32(x.data, w.data, hasBias ? bias.data : NULL, &s.g, out.data)
               : kd_conv2d_forward_f64(x.data, w.data, hasBias ? bias.data : NULL, &s.g, out.data);
  return rc == 0 ? NULL : out_of_memory(env, "conv2dForward");
}

static napi_value conv2d_backward_input(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  kd_array gy, w, gx;
  conv_shape s;
  if (!kd_args(env, info, 4, argv, "conv2dBackwardInput") || !kd_arg_array(env, argv[0], "gy", KD_F32 | KD_F64, &gy) ||
      !kd_arg_array(env, argv[1], "w", KD_F32 | KD_F64, &w) || !read_geometry(env, argv[2], &s) ||
      !kd_arg_array(env, argv[3], "gx", KD_F32 | KD_F64, &gx))
    return NULL;
  if (!kd_check_same_dtype(env, &w, "w", &gy, "gy") || !kd_check_same_dtype(env, &gx, "gx", &gy, "gy")) return NULL;
  if (!kd_check_span(env, &gy, "gy", 0, s.ySize) || !kd_check_span(env, &w, "w", 0, s.wSize) ||
      !kd_check_span(env, &gx, "gx", 0, s.xSize))
    return NULL;
  if (!kd_check_disjoint(env, &gx, "gx", s.xSize, &gy, "gy", s.ySize) || !kd_check_disjoint(env, &gx, "gx", s.xSize, &w, "w", s.wSize))
    return NULL;
  int rc = gy.dtype == KD_F32 ? kd_conv2d_backward_input_f32(gy.data, w.data, &s.g, gx.data)
                              : kd_conv2d_backward_input_f64(gy.data, w.data, &s.g, gx.data);
  return rc == 0 ? NULL : out_of_memory(env, "conv2dBackwardInput");
}

static napi_value conv2d_backward_weight(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  kd_array x, gy, gw;
  conv_shape s;
  if (!kd_args(env, info, 4, argv, "conv2dBackwardWeight") || !kd_arg_array(env, argv[0], "x", KD_F32 | KD_F64, &x) ||
      !kd_arg_array(env, argv[1], "gy", KD_F32 | KD_F64, &gy) || !read_geometry(env, argv[2], &s) ||
      !kd_arg_array(env, argv[3], "gw", KD_F32 | KD_F64, &gw))
    return NULL;
  if (!kd_check_same_dtype(env, &gy, "gy", &x, "x") || !kd_check_same_dtype(env, &gw, "gw", &x, "x")) return NULL;
  if (!kd_check_span(env, &x, "x", 0, s.xSize) || !kd_check_span(env, &gy, "gy", 0, s.ySize) ||
      !kd_check_span(env, &gw, "gw", 0, s.wSize))
    return NULL;
  if (!kd_check_disjoint(env, &gw, "gw", s.wSize, &x, "x", s.xSize) || !kd_check_disjoint(env, &gw, "gw", s.wSize, &gy, "gy", s.ySize))
    return NULL;
  int rc = x.dtype == KD_F32 ? kd_conv2d_backward_weight_f32(x.data, gy.data, &s.g, gw.data)
                             : kd_conv2d_backward_weight_f64(x.data, gy.data, &s.g, gw.data);
  return rc == 0 ? NULL : out_of_memory(env, "conv2dBackwardWeight");
}

int kd_register_conv(napi_env env, napi_value exports) {
  return kd_export(env, exports, "conv2dForward", conv2d_forward) &&
         kd_export(env, exports, "conv2dBackwardInput", conv2d_backward_input) &&
         kd_export(env, exports, "conv2dBackwardWeight", conv2d_backward_weight);
}
