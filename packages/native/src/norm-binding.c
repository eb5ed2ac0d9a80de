/*
 * N-API entries for batch and layer norm (packages/core/src/kernels/norm.ts and layer-norm.ts give the contracts):
 *   batchNormForward(x, N, C, HW, weight | null, bias | null, runningMean | null, runningVar | null, training,
 *                    momentum, eps, out, saveMean, saveInvstd)
 *   batchNormBackward(gy, x, N, C, HW, weight | null, saveMean, saveInvstd, training, gx, gWeight | null, gBias | null)
 *   layerNormForward(x, rows, cols, weight | null, bias | null, eps, out, saveMean, saveRstd)
 *   layerNormBackward(gy, x, rows, cols, weight | null, saveMean, saveRstd, gx, gWeight | null, gBias | null)
 * Every argument is checked (types, ranges, that each array holds what the sizes ask, one element type, no array
 * written that shares memory with another) before any array is touched.
 */
#include <stdio.h>

#include "kindling.h"
#include "napi-args.h"

/* norm.c */
void kd_batch_norm_forward(int f32, const void *x, int64_t N, int64_t C, int64_t HW, const void *weight, const void *bias,
                           void *running_mean, void *running_var, int training, double momentum, double eps, void *out,
                           void *save_mean, void *save_invstd);
void kd_batch_norm_backward(int f32, const void *gy, const void *x, int64_t N, int64_t C, int64_t HW, const void *weight,
                            const void *save_mean, const void *save_invstd, int training, void *gx, void *gweight,
                            void *gbias);
/* layer-norm.c */
void kd_layer_norm_forward(int f32, const void *x, int64_t rows, int64_t cols, const void *weight, const void *bias,
                           double eps, void *out, void *save_mean, void *save_rstd);
void kd_layer_norm_backward(int f32, const void *gy, const void *x, int64_t rows, int64_t cols, const void *weight,
                            const void *save_mean, const void *save_rstd, void *gx, void *gweight, void *gbias);

#define FLOATS (KD_F32 | KD_F64)

/* Reads argument v, a float array (or null where `optional`), into u under its name. */
static int use(napi_env env, napi_value v, const char *name, int optional, kd_array_use *u) {
  u->name = name;
  return optional ? kd_arg_array_or_null(env, v, name, FLOATS, &u->a) : kd_arg_array(env, v, name, FLOATS, &u->a);
}

/* Gives u[0..n) their element counts (u[first_written..n) are written), then checks them all. */
static int check_arrays(napi_env env, kd_array_use *u, int n, int first_written, const int64_t *counts) {
  for (int i = 0; i < n; i++) u[i].count = counts[i], u[i].written = i >= first_written;
  return kd_check_uses(env, u, n);
}

static napi_value bn_forward_entry(napi_env env, napi_callback_info info) {
  napi_value argv[14];
  if (!kd_args(env, info, 14, argv, "batchNormForward")) return NULL;
  kd_array_use u[8] = {0};
  int64_t N, C, HW, size;
  int training;
  double momentum, eps;
  if (!use(env, argv[0], "x", 0, &u[0]) || !kd_arg_int(env, argv[1], "N", 0, KD_MAX_SAFE_INT, &N) ||
      !kd_arg_int(env, argv[2], "C", 0, KD_MAX_SAFE_INT, &C) ||
      !kd_arg_int(env, argv[3], "HW", 0, KD_MAX_SAFE_INT, &HW) || !use(env, argv[4], "weight", 1, &u[1]) ||
      !use(env, argv[5], "bias", 1, &u[2]) || !use(env, argv[6], "runningMean", 1, &u[3]) ||
      !use(env, argv[7], "runningVar", 1, &u[4]) || !kd_arg_bool(env, argv[8], "training", &training) ||
      !kd_arg_number(env, argv[9], "momentum", &momentum) || !kd_arg_number(env, argv[10], "eps", &eps) ||
      !use(env, argv[11], "out", 0, &u[5]) || !use(env, argv[12], "saveMean", 0, &u[6]) ||
      !use(env, argv[13], "saveInvstd", 0, &u[7]) ||
      !kd_checked_product(env, N, C, HW, "batchNormForward: N * C * HW", &size))
    return NULL;
  if (!training && (u[3].a.dtype == 0 || u[4].a.dtype == 0)) {
    napi_throw_type_error(env, NULL, u[3].a.dtype == 0 ? "argument 'runningMean' must be given in evaluation mode"
                                                          : "argument 'runningVar' must be given in evaluation mode");
    return NULL;
  }
  const int64_t counts[8] = {size, C, C, C, C, size, C, C};
  if (!check_arrays(env, u, 8, 3, counts)) return NULL;
  kd_batch_norm_forward(u[0].a.dtype == KD_F32, u[0].a.data, N, C, HW, u[1].a.data, u[2].a.data, u[3].a.data, u[4].a.data,
                        training, momentum, eps, u[5].a.data, u[6].a.data, u[7].a.data);
  return NULL;
}

static napi_value bn_backward_entry(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!kd_args(env, info, 12, argv, "batchNormBackward")) return NULL;
  kd_array_use u[8] = {0};
  int64_t N, C, HW, size;
  int training;
  if (!use(env, argv[0], "gy", 0, &u[0]) || !use(env, argv[1], "x", 0, &u[1]) ||
      !kd_arg_int(env, argv[2], "N", 0, KD_MAX_SAFE_INT, &N) ||
      !kd_arg_int(env, argv[3], "C", 0, KD_MAX_SAFE_INT, &C) ||
      !kd_arg_int(env, argv[4], "HW", 0, KD_MAX_SAFE_INT, &HW) || !use(env, argv[5], "weight", 1, &u[2]) ||
      !use(env, argv[6], "saveMean", 0, &u[3]) || !use(env, argv[7], "saveInvstd", 0, &u[4]) ||
      !kd_arg_bool(env, argv[8], "training", &training) || !use(env, argv[9], "gx", 0, &u[5]) ||
      !use(env, argv[10], "gWeight", 1, &u[6]) || !use(env, argv[11], "gBias", 1, &u[7]) ||
      !kd_checked_product(env, N, C, HW, "batchNormBackward: N * C * HW", &size))
    return NULL;
  const int64_t counts[8] = {size, size, C, C, C, size, C, C};
  if (!check_arrays(env, u, 8, 5, counts)) return NULL;
  kd_batch_norm_backward(u[0].a.dtype == KD_F32, u[0].a.data, u[1].a.data, N, C, HW, u[2].a.data, u[3].a.data, u[4].a.data,
                         training, u[5].a.data, u[6].a.data, u[7].a.data);
  return NULL;
}

static napi_value ln_forward_entry(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  if (!kd_args(env, info, 9, argv, "layerNormForward")) return NULL;
  kd_array_use u[6] = {0};
  int64_t rows, cols, size;
  double eps;
  if (!use(env, argv[0], "x", 0, &u[0]) || !kd_arg_int(env, argv[1], "rows", 0, KD_MAX_SAFE_INT, &rows) ||
      !kd_arg_int(env, argv[2], "cols", 0, KD_MAX_SAFE_INT, &cols) || !use(env, argv[3], "weight", 1, &u[1]) ||
      !use(env, argv[4], "bias", 1, &u[2]) || !kd_arg_number(env, argv[5], "eps", &eps) ||
      !use(env, argv[6], "out", 0, &u[3]) || !use(env, argv[7], "saveMean", 0, &u[4]) ||
      !use(env, argv[8], "saveRstd", 0, &u[5]) ||
      !kd_checked_product(env, rows, cols, 1, "layerNormForward: rows * cols", &size))
    return NULL;
  const int64_t counts[6] = {size, cols, cols, size, rows, rows};
  if (!check_arrays(env, u, 6, 3, counts)) return NULL;
  kd_layer_norm_forward(u[0].a.dtype == KD_F32, u[0].a.data, rows, cols, u[1].a.data, u[2].a.data, eps, u[3].a.data,
                        u[4].a.data, u[5].a.data);
  return NULL;
}

static napi_value ln_backward_entry(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  if (!kd_args(env, info, 10, argv, "layerNormBackward")) return NULL;
  kd_array_use u[8] = {0};
  int64_t rows, cols, size;
  if (!use(env, argv[0], "gy", 0, &u[0]) || !use(env, argv[1], "x", 0, &u[1]) ||
      !kd_arg_int(env, argv[2], "rows", 0, KD_MAX_SAFE_INT, &rows) ||
      !kd_arg_int(env, argv[3], "cols", 0, KD_MAX_SAFE_INT, &cols) || !use(env, argv[4], "weight", 1, &u[2]) ||
      !use(env, argv[5], "saveMean", 0, &u[3]) || !use(env, argv[6], "saveRstd", 0, &u[4]) ||
      !use(env, argv[7], "gx", 0, &u[5]) || !use(env, argv[8], "gWeight", 1, &u[6]) ||
      !use(env, argv[9], "gBias", 1, &u[7]) ||
      !kd_checked_product(env, rows, cols, 1, "layerNormBackward: rows * cols", &size))
    return NULL;
  const int64_t counts[8] = {size, size, cols, rows, rows, size, cols, cols};
  if (!check_arrays(env, u, 8, 5, counts)) return NULL;
  kd_layer_norm_backward(u[0].a.dtype == KD_F32, u[0].a.data, u[1].a.data, rows, cols, u[2].a.data, u[3].a.data,
                         u[4].a.data, u[5].a.data, u[6].a.data, u[7].a.data);
  return NULL;
}

int kd_register_norm(napi_env env, napi_value exports) {
  return kd_export(env, exports, "batchNormForward", bn_forward_entry) &&
         kd_export(env, exports, "batchNormBackward", bn_backward_entry) &&
         kd_export(env, exports, "layerNormForward", ln_forward_entry) &&
         kd_export(env, exports, "layerNormBackward", ln_backward_entry);
}
