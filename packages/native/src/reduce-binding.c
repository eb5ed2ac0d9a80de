/*
 * N-API entries for the sums (reduce.c), with the signatures and checks of packages/core/src/kernels/contiguous-sums.ts:
 *   sumDim(a, aOff, outer, size, inner, out, outOff)   out[o, i] = Σ_s a[aOff + (o * size + s) * inner + i]
 *   sumAll(a, aOff, n)                                 returns Σ a[aOff + i] (a number)
 *   extremeDim(a, aOff, outer, size, inner, isMax, values | null, indices | null)
 *                                                      the max or min over s and its s (dim-extremes.ts)
 * Every argument is checked before any memory is touched.
 */
#include <stdio.h>

#include "kindling.h"
#include "napi-args.h"

void kd_sum_dim(int f32, const void *a, int64_t outer, int64_t size, int64_t inner, void *out);
double kd_sum_all(int f32, const void *a, int64_t n);
void kd_extreme_dim(int f32, int is_max, const void *a, int64_t outer, int64_t size, int64_t inner, void *values,
                    double *indices);

/* A reduction along a dim's input, arguments 0 to 4: float array a viewed as contiguous [outer, size, inner] from aOff. */
static int arg_dim_input(napi_env env, const napi_value *argv, kd_array *a, int64_t *aOff, int64_t *outer, int64_t *size,
                         int64_t *inner) {
  const int64_t big = KD_MAX_SAFE_INT;
  return kd_arg_array(env, argv[0], "a", KD_F32 | KD_F64, a) && kd_arg_int(env, argv[1], "aOff", 0, big, aOff) &&
         kd_arg_int(env, argv[2], "outer", 0, big, outer) && kd_arg_int(env, argv[3], "size", 0, big, size) &&
         kd_arg_int(env, argv[4], "inner", 0, big, inner);
}

/* A reduction along a dim's element counts: outer * inner outputs of outer * size * inner inputs. */
static int dim_counts(napi_env env, int64_t outer, int64_t size, int64_t inner, int64_t *outN, int64_t *inN) {
  return kd_checked_product(env, outer, inner, 1, "outer * inner", outN) &&
         kd_checked_product(env, outer, size, inner, "outer * size * inner", inN);
}

static napi_value sum_dim_entry(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!kd_args(env, info, 7, argv, "sumDim")) return NULL;
  const int64_t big = KD_MAX_SAFE_INT;
  int64_t aOff, outer, size, inner, outOff, outN = 0, inN = 0;
  kd_array a, out;
  if (!arg_dim_input(env, argv, &a, &aOff, &outer, &size, &inner) ||
      !kd_arg_array(env, argv[5], "out", KD_F32 | KD_F64, &out) || !kd_arg_int(env, argv[6], "outOff", 0, big, &outOff))
    return NULL;
  if (!kd_check_same_dtype(env, &a, "a", &out, "out") || !dim_counts(env, outer, size, inner, &outN, &inN)) return NULL;
  if (outN == 0) return NULL;
  if (!kd_check_span(env, &out, "out", outOff, outN) || !kd_check_span(env, &a, "a", aOff, inN)) return NULL;
  const size_t es = kd_elem_size(&out);
  /* size 0: nothing of a is read (and an empty array may have no data pointer) */
  const char *a0 = inN > 0 ? (const char *)a.data + aOff * es : NULL, *o0 = (const char *)out.data + outOff * es;
  if (inN > 0 && a0 < o0 + outN * es && o0 < a0 + inN * es) {
    kd_throw_range(env, "argument 'out' must not overlap 'a'");
    return NULL;
  }
  kd_sum_dim(out.dtype == KD_F32, a0, outer, size, inner, (char *)o0);
  return NULL;
}

static napi_value sum_all_entry(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!kd_args(env, info, 3, argv, "sumAll")) return NULL;
  const int64_t big = KD_MAX_SAFE_INT;
  int64_t aOff, n;
  kd_array a;
  if (!kd_arg_array(env, argv[0], "a", KD_F32 | KD_F64, &a) || !kd_arg_int(env, argv[1], "aOff", 0, big, &aOff) ||
      !kd_arg_int(env, argv[2], "n", 0, big, &n) || !kd_check_span(env, &a, "a", aOff, n))
    return NULL;
  double s = n == 0 ? 0.0 : kd_sum_all(a.dtype == KD_F32, (const char *)a.data + aOff * kd_elem_size(&a), n);
  napi_value result;
  if (napi_create_double(env, s, &result) != napi_ok) return NULL;
  return result;
}

static napi_value extreme_dim_entry(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!kd_args(env, info, 8, argv, "extremeDim")) return NULL;
  int64_t aOff, outer, size, inner, outN = 0, inN = 0;
  int isMax;
  kd_array a, values, indices;
  if (!arg_dim_input(env, argv, &a, &aOff, &outer, &size, &inner) || !kd_arg_bool(env, argv[5], "isMax", &isMax) ||
      !kd_arg_array_or_null(env, argv[6], "values", KD_F32 | KD_F64, &values) ||
      (values.dtype != 0 && !kd_check_same_dtype(env, &a, "a", &values, "values")) ||
      !kd_arg_array_or_null(env, argv[7], "indices", KD_F64, &indices) || !dim_counts(env, outer, size, inner, &outN, &inN))
    return NULL;
  if (outN == 0) return NULL;
  if (size == 0) {
    kd_throw_range(env, "argument 'size' must be positive when there are outputs");
    return NULL;
  }
  if (!kd_check_span(env, &a, "a", aOff, inN)) return NULL;
  if (values.dtype != 0) {
    if (!kd_check_span(env, &values, "values", 0, outN)) return NULL;
    if (kd_spans_overlap(&a, aOff, inN, &values, 0, outN)) {
      kd_throw_range(env, "argument 'values' must not overlap 'a'");
      return NULL;
    }
  }
  if (indices.dtype != 0) {
    if (!kd_check_span(env, &indices, "indices", 0, outN)) return NULL;
    if (kd_spans_overlap(&a, aOff, inN, &indices, 0, outN)) {
      kd_throw_range(env, "argument 'indices' must not overlap 'a'");
      return NULL;
    }
    if (kd_spans_overlap(&values, 0, outN, &indices, 0, outN)) {
      kd_throw_range(env, "arguments 'values' and 'indices' must not overlap");
      return NULL;
    }
  }
  kd_extreme_dim(a.dtype == KD_F32, isMax, (const char *)a.data + aOff * kd_elem_size(&a), outer, size, inner,
                 values.dtype != 0 ? values.data : NULL, indices.dtype != 0 ? indices.data : NULL);
  return NULL;
}

int kd_register_reduce(napi_env env, napi_value exports) {
  return kd_export(env, exports, "sumDim", sum_dim_entry) && kd_export(env, exports, "sumAll", sum_all_entry) &&
         kd_export(env, exports, "extremeDim", extreme_dim_entry);
}
