/*
 * The N-API entry for Bernoulli samples (random.c), with the signature and checks of
 * packages/core/src/kernels/random-bits.ts:
 *   bernoulliFill(state, out, n, threshold, value)   out[k] = value where word k < threshold, else 0
 * `state` is a Generator's Int32Array of 130 words, advanced in place. Every argument is checked before any memory
 * is written.
 */
#include <stdio.h>

#include "kindling.h"
#include "napi-args.h"

#define STATE_LENGTH 130

void kd_bernoulli_fill(int f32, int32_t *state, void *out, int64_t n, double threshold, double value);

static napi_value bernoulli_fill_entry(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!kd_args(env, info, 5, argv, "bernoulliFill")) return NULL;
  kd_array state, out;
  int64_t n, index;
  double threshold, value;
  if (!kd_arg_array(env, argv[0], "state", KD_I32, &state)) return NULL;
  if (state.length != STATE_LENGTH) {
    kd_throw(env, "argument 'state' must be an Int32Array of 130 words");
    return NULL;
  }
  index = ((const int32_t *)state.data)[128];
  if (index < 0 || index > 127) {
    char msg[120];
    snprintf(msg, sizeof msg, "argument 'state[128]' is %lld, outside [0, 127]", (long long)index);
    kd_throw_range(env, msg);
    return NULL;
  }
  if (!kd_arg_array(env, argv[1], "out", KD_F32 | KD_F64, &out) || !kd_arg_int(env, argv[2], "n", 0, KD_MAX_SAFE_INT, &n) ||
      !kd_arg_number(env, argv[3], "threshold", &threshold) || !kd_arg_number(env, argv[4], "value", &value) ||
      !kd_check_span(env, &out, "out", 0, n) || !kd_check_disjoint(env, &out, "out", n, &state, "state", STATE_LENGTH))
    return NULL;
  kd_bernoulli_fill(out.dtype == KD_F32, state.data, out.data, n, threshold, value);
  return NULL;
}

int kd_register_random(napi_env env, napi_value exports) {
  return kd_export(env, exports, "bernoulliFill", bernoulli_fill_entry);
}
