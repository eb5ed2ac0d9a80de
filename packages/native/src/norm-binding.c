/*
 * N-API entries for batch and layer norm (see packages/core/src/kernels/norm.ts for the contracts):
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
void kd_layer_norm_forward(int f32, const void *x, int64_t rows, int64_t cols, const void *weight, const void *bias,
                           double eps, void *out, void *save_mean, void *save_rstd);
void kd_layer_norm_backward(int f32, const void *gy, const void *x, int64_t rows, int64_t cols, const void *weight,
                            const void *save_mean, const void *save_rstd, void *gx, void *gweight, void *gbias);

#define FLOATS (KD_F32 | KD_F64)

static napi_value bn_forward_entry(napi_env env, napi_callback_info info) {
  napi_value argv[14];
  if (!kd_args(env, info, 14, argv, "batchNormForward")) return NULL;
  kd_array_use u[8] = {0};
  int64_t N, C, HW, size;
  int training;
  double momentum, eps;
  if (!kd_arg_array(env, argv[0], "x", FLOATS, &u[0].a) || !kd_arg_int(env, argv[1], "N", 0, KD_MAX_SAFE_INT, &N) ||
      !kd_arg_int(env, argv[2], "C", 0, KD_MAX_SAFE_INT, &C) || !kd_arg_int(env, argv[3], "HW", 0, KD_MAX_SAFE_INT, &HW) ||
      !kd_arg_array_or_null(env, argv[4], "weight", FLOATS, &u[1].a) ||
      !kd_arg_array_or_null(env, argv[5], "bias", FLOATS, &u[2].a) ||
      !kd_arg_array_or_null(env, argv[6], "runningMean", FLOATS, &u[3].a) ||
      !kd_arg_array_or_null(env, argv[7], "runningVar", FLOATS, &u[4].a) ||
      !kd_arg_bool(env, argv[8], "training", &training) || !kd_arg_number(env, argv[9], "momentum", &momentum) ||
      !kd_arg_number(env, argv[10], "eps", &eps) || !kd_arg_array(env, argv[11], "out", FLOATS, &u[5].a) ||
      !kd_arg_array(env, argv[12], "saveMean", FLOATS, &u[6].a) ||
      !kd_arg_array(env, argv[13], "saveInvstd", FLOATS, &u[7].a) || !kd_checked_product(env, N, C, HW, "batchNormForward: N * C * HW", &size))
    return NULL;
  if (!training && (u[3].a.dtype == 0 || u[4].a.dtype == 0)) {
    napi_throw_type_error(env, NULL, u[3].a.dtype == 0 ? "argument 'runningMean' must be given in evaluation mode"
                                                          : "argument 'runningVar' must be given in evaluation mode");
    return NULL;
  }
  const char *names[8] = {"x", "weight", "bias", "runningMean", "runningVar", "out", "saveMean", "saveInvstd"};
  const int64_t counts[8] = {size, C, C, C, C, size, C, C};
  const int written[8] = {0, 0, 0, 1, 1, 1, 1, 1};
  for (int i = 0; i < 8; i++) u[i].name = names[i], u[i].count = counts[i], u[i].written = written[i];
  if (!kd_check_uses(env, u, 8)) return NULL;
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
  if (!kd_arg_array(env, argv[0], "gy", FLOATS, &u[0].a) || !kd_arg_array(env, argv[1], "x", FLOATS, &u[1].a) ||
      !kd_arg_int(env, argv[2], "N", 0, KD_MAX_SAFE_INT, &N) || !kd_arg_int(env, argv[3], "C", 0, KD_MAX_SAFE_INT, &C) ||
      !kd_arg_int(env, argv[4], "HW", 0, KD_MAX_SAFE_INT, &HW) ||
      !kd_arg_array_or_null(env, argv[5], "weight", FLOATS, &u[2].a) ||
      !kd_arg_array(env, argv[6], "saveMean", FLOATS, &u[3].a) ||
      !kd_arg_array(env, argv[7], "saveInvstd", FLOATS, &u[4].a) || !kd_arg_bool(env, argv[8], "training", &training) ||
      !kd_arg_array(env, argv[9], "gx", FLOATS, &u[5].a) || !kd_arg_array_or_null(env, argv[10], "gWeight", FLOATS, &u[6].a) ||
      !kd_arg_array_or_null(env, argv[11], "gBias", FLOATS, &u[7].a) || !kd_checked_product(env, N, C, HW, "batchNormBackward: N * C * HW", &size))
    return NULL;
  const char *names[8] = {"gy", "x", "weight", "saveMean", "saveInvstd", "gx", "gWeight", "gBias"};
  const int64_t counts[8] = {size, size, C, C, C, size, C, C};
  const int written[8] = {0, 0, 0, 0, 0, 1, 1, 1};
  for (int i = 0; i < 8; i++) u[i].name = names[i], u[i].count = counts[i], u[i].written = written[i];
  if (!kd_check_uses(env, u, 8)) return NULL;
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
  if (!kd_arg_array(env, argv[0], "x", FLOATS, &u[0].a) || !kd_arg_int(env, argv[1], "rows", 0, KD_MAX_SAFE_INT, &rows) ||
      !kd_arg_int(env, argv[2], "cols", 0, KD_MAX_SAFE_INT, &cols) ||
      !kd_arg_array_or_null(env, argv[3], "weight", FLOATS, &u[1].a) ||
      !kd_arg_array_or_null(env, argv[4], "bias", FLOATS, &u[2].a) || !kd_arg_number(env, argv[5], "eps", &eps) ||
      !kd_arg_array(env, argv[6], "out", FLOATS, &u[3].a) || !kd_arg_array(env, argv[7], "saveMean", FLOATS, &u[4].a) ||
      !kd_arg_array(env, argv[8], "saveRstd", FLOATS, &u[5].a) || !kd_checked_product(env, rows, cols, 1, "layerNormForward: rows * cols", &size))
    return NULL;
  const char *names[6] = {"x", "weight", "bias", "out", "saveMean", "saveRstd"};
  const int64_t counts[6] = {size, cols, cols, size, rows, rows};
  const int written[6] = {0, 0, 0, 1, 1, 1};
  for (int i = 0; i < 6; i++) u[i].name = names[i], u[i].count = counts[i], u[i].written = written[i];
  if (!kd_check_uses(env, u, 6)) return NULL;
  kd_layer_norm_forward(u[0].a.dtype == KD_F32, u[0].a.data, rows, cols, u[1].a.data, u[2].a.data, eps, u[3].a.data,
                        u[4].a.data, u[5].a.data);
  return NULL;
}

static napi_value ln_backward_entry(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  if (!kd_args(env, info, 10, argv, "layerNormBackward")) return NULL;
  kd_array_use u[8] = {0};
  int64_t rows, cols, size;
  if (!kd_arg_array(env, argv[0], "gy", FLOATS, &u[0].a) || !kd_arg_array(env, argv[1], "x", FLOATS, &u[1].a) ||
      !kd_arg_int(env, argv[2], "rows", 0, KD_MAX_SAFE_INT, &rows) ||
      !kd_arg_int(env, argv[3], "cols", 0, KD_MAX_SAFE_INT, &cols) ||
      !kd_arg_array_or_null(env, argv[4], "weight", FLOATS, &u[2].a) ||
      !kd_arg_array(env, argv[5], "saveMean", FLOATS, &u[3].a) || !kd_arg_array(env, argv[6], "saveRstd", FLOATS, &u[4].a) ||
      !kd_arg_array(env, argv[7], "gx", FLOATS, &u[5].a) || !kd_arg_array_or_null(env, argv[8], "gWeight", FLOATS, &u[6].a) ||
      !kd_arg_array_or_null(env, argv[9], "gBias", FLOATS, &u[7].a) || !kd_checked_product(env, rows, cols, 1, "layerNormBackward: rows * cols", &size))
    return NULL;
  const char *names[8] = {"gy", "x", "weight", "saveMean", "saveRstd", "gx", "gWeight", "gBias"};
  const int64_t counts[8] = {size, size, cols, rows, rows, size, cols, cols};
  const int written[8] = {0, 0, 0, 0, 0, 1, 1, 1};
  for (int i = 0; i < 8; i++) u[i].name = names[i], u[i].count = counts[i], u[i].written = written[i];
  if (!kd_check_uses(env, u, 8)) return NULL;
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
