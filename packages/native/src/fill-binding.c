/*
 * N-API entries for conversion and fills (fill.c), with the signatures and checks of
 * packages/core/src/kernels/copy.ts:
 *   cast(x, xOff, out, outOff, n)   out[outOff + k] = x[xOff + k] in out's float type (x of the other type)
 *   fill(out, off, n, value)        out[off + k] = value
 * Every argument is checked before any memory is touched.
 */
#include <string.h>

#include "kindling.h"
#include "napi-args.h"

void kd_cast(int to_f32, const void *x, void *y, int64_t n);
void kd_fill(int f32, void *y, int64_t n, double value);

static napi_value cast_entry(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!kd_args(env, info, 5, argv, "cast")) return NULL;
  const int64_t big = KD_MAX_SAFE_INT;
  int64_t xOff, outOff, n;
  kd_array x, out;
  if (!kd_arg_array(env, argv[0], "x", KD_F32 | KD_F64, &x) || !kd_arg_int(env, argv[1], "xOff", 0, big, &xOff) ||
      !kd_arg_array(env, argv[2], "out", KD_F32 | KD_F64, &out) || !kd_arg_int(env, argv[3], "outOff", 0, big, &outOff) ||
      !kd_arg_int(env, argv[4], "n", 0, big, &n) || !kd_check_span(env, &x, "x", xOff, n) ||
      !kd_check_span(env, &out, "out", outOff, n))
    return NULL;
  if (kd_spans_overlap(&x, xOff, n, &out, outOff, n)) {
    kd_throw_range(env, "argument 'out' must not overlap 'x'");
    return NULL;
  }
  if (n == 0) return NULL;
  const char *src = (const char *)x.data + xOff * kd_elem_size(&x);
  char *dst = (char *)out.data + outOff * kd_elem_size(&out);
  if (x.dtype == out.dtype) {
    memmove(dst, src, (size_t)n * kd_elem_size(&x));
    return NULL;
  }
  kd_cast(out.dtype == KD_F32, src, dst, n);
  return NULL;
}

static napi_value fill_entry(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!kd_args(env, info, 4, argv, "fill")) return NULL;
  const int64_t big = KD_MAX_SAFE_INT;
  int64_t off, n;
  double value;
  kd_array out;
  if (!kd_arg_array(env, argv[0], "out", KD_F32 | KD_F64, &out) || !kd_arg_int(env, argv[1], "off", 0, big, &off) ||
      !kd_arg_int(env, argv[2], "n", 0, big, &n) || !kd_arg_number(env, argv[3], "value", &value) ||
      !kd_check_span(env, &out, "out", off, n))
    return NULL;
  if (n > 0) kd_fill(out.dtype == KD_F32, (char *)out.data + off * kd_elem_size(&out), n, value);
  return NULL;
}

int kd_register_fill(napi_env env, napi_value exports) {
  return kd_export(env, exports, "cast", cast_entry) && kd_export(env, exports, "fill", fill_entry);
}
