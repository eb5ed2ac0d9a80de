/*
 * N-API entries for softmax (softmax.c), with the signatures and checks of packages/core/src/kernels/softmax.ts:
 *   softmax(x, xOff, out, outer, size, inner, log)          out contiguous from 0
 *   softmaxBackward(y, gy, gx, outer, size, inner, log)     all contiguous from 0
 * Every argument is checked before any memory is touched; an output may be an input exactly but must not overlap
 * it otherwise.
 */
#include <stdio.h>

#include "kindling.h"
#include "napi-args.h"

void kd_softmax(int f32, int log_, const void *x, void *out, int64_t outer, int64_t size, int64_t inner);
void kd_softmax_backward(int f32, int log_, const void *y, const void *gy, void *gx, int64_t outer, int64_t size,
                         int64_t inner);

/* n elements at x + xo and at out + oo: the same memory, or apart. */
static int check_alias(napi_env env, const kd_array *x, const char *xn, int64_t xo, const kd_array *out, const char *on,
                       int64_t oo, int64_t n) {
  const size_t es = kd_elem_size(out);
  const char *x0 = (const char *)x->data + xo * es, *o0 = (const char *)out->data + oo * es;
  if (n == 0 || x0 == o0 || !(x0 < o0 + n * es && o0 < x0 + n * es)) return 1;
  char msg[160];
  snprintf(msg, sizeof msg, "argument '%s' must be either '%s' itself or apart from it", on, xn);
  return kd_throw_range(env, msg);
}

static napi_value softmax_entry(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!kd_args(env, info, 7, argv, "softmax")) return NULL;
  const int64_t big = KD_MAX_SAFE_INT;
  int64_t xOff, outer, size, inner, n = 0;
  int log_;
  kd_array x, out;
  if (!kd_arg_array(env, argv[0], "x", KD_F32 | KD_F64, &x) || !kd_arg_int(env, argv[1], "xOff", 0, big, &xOff) ||
      !kd_arg_array(env, argv[2], "out", KD_F32 | KD_F64, &out) || !kd_arg_int(env, argv[3], "outer", 0, big, &outer) ||
      !kd_arg_int(env, argv[4], "size", 0, big, &size) || !kd_arg_int(env, argv[5], "inner", 0, big, &inner) ||
      !kd_arg_bool(env, argv[6], "log", &log_))
    return NULL;
  if (!kd_check_same_dtype(env, &x, "x", &out, "out") ||
      !kd_checked_product(env, outer, size, inner, "outer * size * inner", &n))
    return NULL;
  if (n == 0) return NULL;
  if (!kd_check_span(env, &x, "x", xOff, n) || !kd_check_span(env, &out, "out", 0, n) ||
      !check_alias(env, &x, "x", xOff, &out, "out", 0, n))
    return NULL;
  kd_softmax(out.dtype == KD_F32, log_, (const char *)x.data + xOff * kd_elem_size(&x), out.data, outer, size, inner);
  return NULL;
}

static napi_value softmax_backward_entry(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!kd_args(env, info, 7, argv, "softmaxBackward")) return NULL;
  const int64_t big = KD_MAX_SAFE_INT;
  int64_t outer, size, inner, n = 0;
  int log_;
  kd_array y, gy, gx;
  if (!kd_arg_array(env, argv[0], "y", KD_F32 | KD_F64, &y) || !kd_arg_array(env, argv[1], "gy", KD_F32 | KD_F64, &gy) ||
      !kd_arg_array(env, argv[2], "gx", KD_F32 | KD_F64, &gx) || !kd_arg_int(env, argv[3], "outer", 0, big, &outer) ||
      !kd_arg_int(env, argv[4], "size", 0, big, &size) || !kd_arg_int(env, argv[5], "inner", 0, big, &inner) ||
      !kd_arg_bool(env, argv[6], "log", &log_))
    return NULL;
  if (!kd_check_same_dtype(env, &y, "y", &gx, "gx") || !kd_check_same_dtype(env, &gy, "gy", &gx, "gx") ||
      !kd_checked_product(env, outer, size, inner, "outer * size * inner", &n))
    return NULL;
  if (n == 0) return NULL;
  if (!kd_check_span(env, &y, "y", 0, n) || !kd_check_span(env, &gy, "gy", 0, n) || !kd_check_span(env, &gx, "gx", 0, n) ||
      !check_alias(env, &y, "y", 0, &gx, "gx", 0, n) || !check_alias(env, &gy, "gy", 0, &gx, "gx", 0, n))
    return NULL;
  kd_softmax_backward(gx.dtype == KD_F32, log_, y.data, gy.data, gx.data, outer, size, inner);
  return NULL;
}

int kd_register_softmax(napi_env env, napi_value exports) {
  return kd_export(env, exports, "softmax", softmax_entry) &&
         kd_export(env, exports, "softmaxBackward", softmax_backward_entry);
}
