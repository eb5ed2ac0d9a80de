/*
 * N-API entries for 2-D pooling (pool.c):
 *   maxPool2dForward(x, g, out, indices | null)
 *   maxPool2dBackward(gy, indices, planes, HW, OHW, gx)
 *   avgPool2dForward(x, g, mode, out)
 *   avgPool2dBackward(gy, g, mode, gx)
 *   adaptiveAvgPool2dForward(x, planes, H, W, OH, OW, out)
 *   adaptiveAvgPool2dBackward(gy, planes, H, W, OH, OW, gx)
 *   adaptiveMaxPool2dForward(x, planes, H, W, OH, OW, out, indices | null)
 * g is a PoolGeometry record {planes, H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw}; mode is
 * {countIncludePad: boolean, divisorOverride: integer (0 = none)}. Float arrays of one call are all Float32Array
 * or all Float64Array; indices are Float64Arrays of flat positions h*W + w within the plane. Arrays are read from
 * index 0 and must be at least as long as the geometry needs; outputs are fully written and must not overlap the
 * inputs (or each other). Everything, including every index of maxPool2dBackward, is checked before any output
 * is written.
 */
#include <stdio.h>

#include "kindling.h"
#include "napi-args.h"
#include "pool-kernels.h"

#define DIM_MAX ((int64_t)INT32_MAX)

static int mul_ok(int64_t a, int64_t b, int64_t *out) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r) || r > KD_MAX_SAFE_INT) return 0;
  *out = r;
  return 1;
}

/* a * b * c into *out, or a RangeError naming `what`. */
static int size3(napi_env env, const char *what, int64_t a, int64_t b, int64_t c, int64_t *out) {
  int64_t ab;
  if (mul_ok(a, b, &ab) && mul_ok(ab, c, out)) return 1;
  char msg[160];
  snprintf(msg, sizeof msg, "the %s size is too large", what);
  return kd_throw_range(env, msg);
}

typedef struct {
  kd_pool_geometry g;
  int64_t inSize, outSize;
} pool_shape;

static int read_geometry(napi_env env, napi_value v, pool_shape *s) {
  kd_pool_geometry *g = &s->g;
  const kd_int_field fields[] = {
      {"planes", &g->planes, 0}, {"H", &g->H, 0},   {"W", &g->W, 0},   {"OH", &g->OH, 0}, {"OW", &g->OW, 0},
      {"kh", &g->kh, 1},         {"kw", &g->kw, 1}, {"sh", &g->sh, 1}, {"sw", &g->sw, 1}, {"ph", &g->ph, 0},
      {"pw", &g->pw, 0},         {"dh", &g->dh, 1}, {"dw", &g->dw, 1},
  };
  if (!kd_prop_ints(env, v, "g", fields, sizeof fields / sizeof fields[0], DIM_MAX)) return 0;
  return size3(env, "input", g->planes, g->H, g->W, &s->inSize) && size3(env, "output", g->planes, g->OH, g->OW, &s->outSize);
}

/* planes, H, W, OH, OW as separate arguments (the adaptive entries). */
static int read_dims(napi_env env, const napi_value *argv, pool_shape *s) {
  kd_pool_geometry *g = &s->g;
  *g = (kd_pool_geometry){0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1};
  if (!kd_arg_int(env, argv[0], "planes", 0, DIM_MAX, &g->planes) || !kd_arg_int(env, argv[1], "H", 0, DIM_MAX, &g->H) ||
      !kd_arg_int(env, argv[2], "W", 0, DIM_MAX, &g->W) || !kd_arg_int(env, argv[3], "OH", 0, DIM_MAX, &g->OH) ||
      !kd_arg_int(env, argv[4], "OW", 0, DIM_MAX, &g->OW))
    return 0;
  return size3(env, "input", g->planes, g->H, g->W, &s->inSize) && size3(env, "output", g->planes, g->OH, g->OW, &s->outSize);
}

/* The mode record of average pooling. */
static int read_mode(napi_env env, napi_value v, int *includePad, int64_t *divisor) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_object) {
    napi_throw_type_error(env, NULL, "argument 'mode' must be an object");
    return 0;
  }
  napi_value p;
  if (napi_get_named_property(env, v, "countIncludePad", &p) != napi_ok) return kd_throw(env, "cannot read property");
  if (!kd_arg_bool(env, p, "mode.countIncludePad", includePad)) return 0;
  if (napi_get_named_property(env, v, "divisorOverride", &p) != napi_ok) return kd_throw(env, "cannot read property");
  return kd_arg_int(env, p, "mode.divisorOverride", -DIM_MAX, DIM_MAX, divisor);
}

/* x and out (and indices, when given): types, sizes, no overlaps. */
static int check_forward(napi_env env, const kd_array *x, const char *xn, int64_t xSize, const kd_array *out, const char *on,
                         int64_t outSize, const kd_array *indices) {
  if (!kd_check_same_dtype(env, out, on, x, xn) || !kd_check_span(env, x, xn, 0, xSize) || !kd_check_span(env, out, on, 0, outSize) ||
      !kd_check_disjoint(env, out, on, outSize, x, xn, xSize))
    return 0;
  if (indices != NULL && indices->dtype != 0 &&
      (!kd_check_span(env, indices, "indices", 0, outSize) || !kd_check_disjoint(env, indices, "indices", outSize, x, xn, xSize) ||
       !kd_check_disjoint(env, indices, "indices", outSize, out, on, outSize)))
    return 0;
  return 1;
}

static napi_value max_pool2d_forward(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  kd_array x, out, indices;
  pool_shape s;
  if (!kd_args(env, info, 4, argv, "maxPool2dForward") || !kd_arg_array(env, argv[0], "x", KD_F32 | KD_F64, &x) ||
      !read_geometry(env, argv[1], &s) || !kd_arg_array(env, argv[2], "out", KD_F32 | KD_F64, &out) ||
      !kd_arg_array_or_null(env, argv[3], "indices", KD_F64, &indices) ||
      !check_forward(env, &x, "x", s.inSize, &out, "out", s.outSize, &indices))
    return NULL;
  double *ix = indices.dtype != 0 ? indices.data : NULL;
  if (x.dtype == KD_F32) kd_max_pool2d_forward_f32(x.data, &s.g, out.data, ix);
  else kd_max_pool2d_forward_f64(x.data, &s.g, out.data, ix);
  return NULL;
}

static napi_value max_pool2d_backward(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  kd_array gy, indices, gx;
  int64_t planes, HW, OHW, gySize = 0, gxSize = 0;
  if (!kd_args(env, info, 6, argv, "maxPool2dBackward") || !kd_arg_array(env, argv[0], "gy", KD_F32 | KD_F64, &gy) ||
      !kd_arg_array(env, argv[1], "indices", KD_F64, &indices) || !kd_arg_int(env, argv[2], "planes", 0, DIM_MAX, &planes) ||
      !kd_arg_int(env, argv[3], "HW", 0, KD_MAX_SAFE_INT, &HW) || !kd_arg_int(env, argv[4], "OHW", 0, KD_MAX_SAFE_INT, &OHW) ||
      !kd_arg_array(env, argv[5], "gx", KD_F32 | KD_F64, &gx))
    return NULL;
  if (!size3(env, "output", planes, OHW, 1, &gySize) || !size3(env, "input", planes, HW, 1, &gxSize)) return NULL;
  if (!kd_check_same_dtype(env, &gx, "gx", &gy, "gy") || !kd_check_span(env, &gy, "gy", 0, gySize) ||
      !kd_check_span(env, &indices, "indices", 0, gySize) || !kd_check_span(env, &gx, "gx", 0, gxSize) ||
      !kd_check_disjoint(env, &gx, "gx", gxSize, &gy, "gy", gySize) || !kd_check_disjoint(env, &gx, "gx", gxSize, &indices, "indices", gySize))
    return NULL;
  const int64_t bad = kd_pool_find_bad_index(indices.data, gySize, HW);
  if (bad >= 0) {
    char msg[200];
    snprintf(msg, sizeof msg, "argument 'indices': element %lld (%.17g) is not an integer position in [0, %lld)", (long long)bad,
             ((const double *)indices.data)[bad], (long long)HW);
    kd_throw_range(env, msg);
    return NULL;
  }
  if (gy.dtype == KD_F32) kd_max_pool2d_backward_f32(gy.data, indices.data, planes, HW, OHW, gx.data);
  else kd_max_pool2d_backward_f64(gy.data, indices.data, planes, HW, OHW, gx.data);
  return NULL;
}

/*
 * The average pooling entries map one array to another: forward x to out, backward gy to gx. Each pair is one
 * routine; a backward pass reads and writes the two sizes' roles swapped.
 */
static const char *const SRC[2] = {"x", "gy"}, *const DST[2] = {"out", "gx"};

static int check_pass(napi_env env, const kd_array *src, const kd_array *dst, const pool_shape *s, int backward) {
  return check_forward(env, src, SRC[backward], backward ? s->outSize : s->inSize, dst, DST[backward],
                       backward ? s->inSize : s->outSize, NULL);
}

/* avgPool2dForward(x, g, mode, out), avgPool2dBackward(gy, g, mode, gx). */
static napi_value avg_pool2d(napi_env env, napi_callback_info info, int backward) {
  typedef void (*f32_fn)(const float *, const kd_pool_geometry *, int, int64_t, float *);
  typedef void (*f64_fn)(const double *, const kd_pool_geometry *, int, int64_t, double *);
  static const f32_fn f32[2] = {kd_avg_pool2d_forward_f32, kd_avg_pool2d_backward_f32};
  static const f64_fn f64[2] = {kd_avg_pool2d_forward_f64, kd_avg_pool2d_backward_f64};
  napi_value argv[4];
  kd_array src, dst;
  pool_shape s;
  int includePad;
  int64_t divisor;
  if (!kd_args(env, info, 4, argv, backward ? "avgPool2dBackward" : "avgPool2dForward") ||
      !kd_arg_array(env, argv[0], SRC[backward], KD_F32 | KD_F64, &src) || !read_geometry(env, argv[1], &s) ||
      !read_mode(env, argv[2], &includePad, &divisor) ||
      !kd_arg_array(env, argv[3], DST[backward], KD_F32 | KD_F64, &dst) || !check_pass(env, &src, &dst, &s, backward))
    return NULL;
  if (src.dtype == KD_F32) f32[backward](src.data, &s.g, includePad, divisor, dst.data);
  else f64[backward](src.data, &s.g, includePad, divisor, dst.data);
  return NULL;
}

static napi_value avg_pool2d_forward(napi_env env, napi_callback_info info) { return avg_pool2d(env, info, 0); }
static napi_value avg_pool2d_backward(napi_env env, napi_callback_info info) { return avg_pool2d(env, info, 1); }

/* adaptiveAvgPool2dForward(x, planes, H, W, OH, OW, out), adaptiveAvgPool2dBackward(gy, planes, H, W, OH, OW, gx). */
static napi_value adaptive_avg_pool2d(napi_env env, napi_callback_info info, int backward) {
  typedef void (*f32_fn)(const float *, int64_t, int64_t, int64_t, int64_t, int64_t, float *);
  typedef void (*f64_fn)(const double *, int64_t, int64_t, int64_t, int64_t, int64_t, double *);
  static const f32_fn f32[2] = {kd_adaptive_avg_pool2d_forward_f32, kd_adaptive_avg_pool2d_backward_f32};
  static const f64_fn f64[2] = {kd_adaptive_avg_pool2d_forward_f64, kd_adaptive_avg_pool2d_backward_f64};
  napi_value argv[7];
  kd_array src, dst;
  pool_shape s;
  if (!kd_args(env, info, 7, argv, backward ? "adaptiveAvgPool2dBackward" : "adaptiveAvgPool2dForward") ||
      !kd_arg_array(env, argv[0], SRC[backward], KD_F32 | KD_F64, &src) || !read_dims(env, argv + 1, &s) ||
      !kd_arg_array(env, argv[6], DST[backward], KD_F32 | KD_F64, &dst) || !check_pass(env, &src, &dst, &s, backward))
    return NULL;
  const kd_pool_geometry *g = &s.g;
  if (src.dtype == KD_F32) f32[backward](src.data, g->planes, g->H, g->W, g->OH, g->OW, dst.data);
  else f64[backward](src.data, g->planes, g->H, g->W, g->OH, g->OW, dst.data);
  return NULL;
}

static napi_value adaptive_avg_pool2d_forward(napi_env env, napi_callback_info info) {
  return adaptive_avg_pool2d(env, info, 0);
}
static napi_value adaptive_avg_pool2d_backward(napi_env env, napi_callback_info info) {
  return adaptive_avg_pool2d(env, info, 1);
}

static napi_value adaptive_max_pool2d_forward(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  kd_array x, out, indices;
  pool_shape s;
  if (!kd_args(env, info, 8, argv, "adaptiveMaxPool2dForward") || !kd_arg_array(env, argv[0], "x", KD_F32 | KD_F64, &x) ||
      !read_dims(env, argv + 1, &s) || !kd_arg_array(env, argv[6], "out", KD_F32 | KD_F64, &out) ||
      !kd_arg_array_or_null(env, argv[7], "indices", KD_F64, &indices) ||
      !check_forward(env, &x, "x", s.inSize, &out, "out", s.outSize, &indices))
    return NULL;
  const kd_pool_geometry *g = &s.g;
  double *ix = indices.dtype != 0 ? indices.data : NULL;
  if (x.dtype == KD_F32) kd_adaptive_max_pool2d_forward_f32(x.data, g->planes, g->H, g->W, g->OH, g->OW, out.data, ix);
  else kd_adaptive_max_pool2d_forward_f64(x.data, g->planes, g->H, g->W, g->OH, g->OW, out.data, ix);
  return NULL;
}

int kd_register_pool(napi_env env, napi_value exports) {
  return kd_export(env, exports, "maxPool2dForward", max_pool2d_forward) &&
         kd_export(env, exports, "maxPool2dBackward", max_pool2d_backward) &&
         kd_export(env, exports, "avgPool2dForward", avg_pool2d_forward) &&
         kd_export(env, exports, "avgPool2dBackward", avg_pool2d_backward) &&
         kd_export(env, exports, "adaptiveAvgPool2dForward", adaptive_avg_pool2d_forward) &&
         kd_export(env, exports, "adaptiveAvgPool2dBackward", adaptive_avg_pool2d_backward) &&
         kd_export(env, exports, "adaptiveMaxPool2dForward", adaptive_max_pool2d_forward);
}
