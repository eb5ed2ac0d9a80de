/*
 * N-API entries for the embedding lookups (embedding.c), with the signatures and checks of
 * packages/core/src/kernels/embedding.ts:
 *   embeddingForward(weight, num, dim, indices, n, out)            out[k, :] = weight[indices[k], :]
 *   embeddingBackward(gy, indices, n, num, dim, paddingIdx, gw)    gw = Σ_k gy[k, :] into row indices[k]
 * Indices are a Float64Array (int64 data) or an Int32Array. Every argument, and every index, is checked before any
 * memory is written.
 */
#include <stdio.h>

#include "kindling.h"
#include "napi-args.h"

void kd_embedding_forward(int f32, const void *weight, int64_t dim, const void *indices, int i32, int64_t n, void *out);
void kd_embedding_backward(int f32, const void *gy, const void *indices, int i32, int64_t n, int64_t num, int64_t dim,
                           int64_t padding, void *gw);

/* The first n indices: the array's type, its length, and each index in [0, num). */
static int check_indices(napi_env env, napi_value v, int64_t n, int64_t num, kd_array *indices) {
  if (!kd_arg_array(env, v, "indices", KD_F64 | KD_I32, indices) || !kd_check_span(env, indices, "indices", 0, n)) return 0;
  for (int64_t k = 0; k < n; k++) {
    const double x = indices->dtype == KD_I32 ? (double)((const int32_t *)indices->data)[k] : ((const double *)indices->data)[k];
    if (!(x >= 0 && x < (double)num)) {
      char msg[200];
      snprintf(msg, sizeof msg, "argument 'indices': index %.17g at %lld is outside [0, %lld)", x, (long long)k, (long long)num);
      return kd_throw_range(env, msg);
    }
  }
  return 1;
}

/* One of an entry's two float arrays: its name, and the rows of dim elements it holds (`product` names their count). */
typedef struct {
  kd_array a;
  const char *name;
  int64_t rows;
  const char *product;
} rows_array;

/* Both entries' array checks: one float type, each array's rows within it, and dst apart from src. */
static int check_rows(napi_env env, const rows_array *src, const rows_array *dst, int64_t dim) {
  int64_t srcN = 0, dstN = 0;
  if (!kd_check_same_dtype(env, &src->a, src->name, &dst->a, dst->name) ||
      !kd_checked_product(env, src->rows, dim, 1, src->product, &srcN) ||
      !kd_checked_product(env, dst->rows, dim, 1, dst->product, &dstN) ||
      !kd_check_span(env, &src->a, src->name, 0, srcN) || !kd_check_span(env, &dst->a, dst->name, 0, dstN))
    return 0;
  if (!kd_spans_overlap(&src->a, 0, srcN, &dst->a, 0, dstN)) return 1;
  char msg[80];
  snprintf(msg, sizeof msg, "argument '%s' must not overlap '%s'", dst->name, src->name);
  return kd_throw_range(env, msg);
}

static napi_value embedding_forward_entry(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!kd_args(env, info, 6, argv, "embeddingForward")) return NULL;
  const int64_t big = KD_MAX_SAFE_INT;
  int64_t num, dim, n;
  kd_array weight, out, indices;
  if (!kd_arg_array(env, argv[0], "weight", KD_F32 | KD_F64, &weight) || !kd_arg_int(env, argv[1], "num", 0, big, &num) ||
      !kd_arg_int(env, argv[2], "dim", 0, big, &dim) || !kd_arg_int(env, argv[4], "n", 0, big, &n) ||
      !kd_arg_array(env, argv[5], "out", KD_F32 | KD_F64, &out))
    return NULL;
  const rows_array src = {weight, "weight", num, "num * dim"}, dst = {out, "out", n, "n * dim"};
  if (!check_rows(env, &src, &dst, dim) || !check_indices(env, argv[3], n, num, &indices)) return NULL;
  kd_embedding_forward(weight.dtype == KD_F32, weight.data, dim, indices.data, indices.dtype == KD_I32, n, out.data);
  return NULL;
}

static napi_value embedding_backward_entry(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!kd_args(env, info, 7, argv, "embeddingBackward")) return NULL;
  const int64_t big = KD_MAX_SAFE_INT;
  int64_t n, num, dim, padding;
  kd_array gy, gw, indices;
  if (!kd_arg_array(env, argv[0], "gy", KD_F32 | KD_F64, &gy) || !kd_arg_int(env, argv[2], "n", 0, big, &n) ||
      !kd_arg_int(env, argv[3], "num", 0, big, &num) || !kd_arg_int(env, argv[4], "dim", 0, big, &dim) ||
      !kd_arg_int(env, argv[5], "paddingIdx", -1, big, &padding) || !kd_arg_array(env, argv[6], "gw", KD_F32 | KD_F64, &gw))
    return NULL;
  const rows_array src = {gy, "gy", n, "n * dim"}, dst = {gw, "gw", num, "num * dim"};
  if (!check_rows(env, &src, &dst, dim) || !check_indices(env, argv[1], n, num, &indices)) return NULL;
  kd_embedding_backward(gw.dtype == KD_F32, gy.data, indices.data, indices.dtype == KD_I32, n, num, dim, padding, gw.data);
  return NULL;
}

int kd_register_embedding(napi_env env, napi_value exports) {
  return kd_export(env, exports, "embeddingForward", embedding_forward_entry) &&
         kd_export(env, exports, "embeddingBackward", embedding_backward_entry);
}
