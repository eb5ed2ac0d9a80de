/*
 * N-API entries for the fused optimizer updates (see packages/core/src/kernels/optim.ts for the contracts):
 *   sgdUpdate(param, grad, buf | null, n, lr, momentum, dampening, weightDecay, nesterov, maximize, firstStep)
 *   adamUpdate(param, grad, expAvg, expAvgSq, maxExpAvgSq | null, n, lr, beta1, beta2, eps, weightDecay,
 *              decoupled, amsgrad, maximize, step)
 *   adadeltaUpdate(param, grad, squareAvg, accDelta, n, lr, rho, eps, weightDecay, maximize)
 * Every argument is checked (types, ranges, that n elements fit in each array, one element type, no two arrays
 * sharing memory) before any array is touched.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
/* The bias corrections' double-double powers round each operation, as pow.ts's JavaScript does. */
#pragma GCC optimize("fp-contract=off")
#endif

#include <math.h>
#include <stdio.h>

#include "kindling.h"
#include "napi-args.h"

/* optim.c */
void kd_sgd_update(int f32, void *param, const void *grad, void *buf, int64_t n, double lr, double momentum,
                   double dampening, double weight_decay, int nesterov, int maximize, int first_step);
void kd_adam_update(int f32, void *param, const void *grad, void *exp_avg, void *exp_avg_sq, void *max_exp_avg_sq,
                    int64_t n, double lr, double beta1, double beta2, double eps, double weight_decay, int decoupled,
                    int amsgrad, int maximize, double step_size, double bc2_sqrt);
void kd_adadelta_update(int f32, void *param, const void *grad, void *square_avg, void *acc_delta, int64_t n,
                        double lr, double rho, double eps, double weight_decay, int maximize);

static napi_value sgd_entry(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  if (!kd_args(env, info, 11, argv, "sgdUpdate")) return NULL;
  kd_array param, grad, buf;
  int64_t n;
  double lr, momentum, dampening, wd;
  int nesterov, maximize, first;
  if (!kd_arg_array(env, argv[0], "param", KD_F32 | KD_F64, &param) ||
      !kd_arg_array(env, argv[1], "grad", KD_F32 | KD_F64, &grad) ||
      !kd_arg_array_or_null(env, argv[2], "buf", KD_F32 | KD_F64, &buf) ||
      !kd_arg_int(env, argv[3], "n", 0, KD_MAX_SAFE_INT, &n) || !kd_arg_number(env, argv[4], "lr", &lr) ||
      !kd_arg_number(env, argv[5], "momentum", &momentum) || !kd_arg_number(env, argv[6], "dampening", &dampening) ||
      !kd_arg_number(env, argv[7], "weightDecay", &wd) || !kd_arg_bool(env, argv[8], "nesterov", &nesterov) ||
      !kd_arg_bool(env, argv[9], "maximize", &maximize) || !kd_arg_bool(env, argv[10], "firstStep", &first))
    return NULL;
  if (momentum != 0 && buf.dtype == 0) {
    napi_throw_type_error(env, NULL, "argument 'buf' must be a Float32Array or Float64Array when momentum is not 0");
    return NULL;
  }
  if (momentum == 0) buf.data = NULL, buf.dtype = 0; /* not read or written: PyTorch keeps no buffer without momentum */
  const kd_array_use list[] = {{param, "param", n, 1}, {grad, "grad", n, 1}, {buf, "buf", n, 1}};
  if (!kd_check_uses(env, list, 3)) return NULL;
  kd_sgd_update(param.dtype == KD_F32, param.data, grad.data, buf.data, n, lr, momentum, dampening, wd, nesterov,
                maximize, first);
  return NULL;
}

/* JavaScript's `base ** exponent`, through Math.pow (V8 computes both alike; the C library's pow can differ). */
static int js_pow(napi_env env, double base, double exponent, double *out) {
  napi_value global, math, pow, args[2], result;
  if (napi_get_global(env, &global) != napi_ok || napi_get_named_property(env, global, "Math", &math) != napi_ok ||
      napi_get_named_property(env, math, "pow", &pow) != napi_ok || napi_create_double(env, base, &args[0]) != napi_ok ||
      napi_create_double(env, exponent, &args[1]) != napi_ok ||
      napi_call_function(env, math, pow, 2, args, &result) != napi_ok ||
      napi_get_value_double(env, result, out) != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    return pending ? 0 : kd_throw(env, "adamUpdate: cannot call Math.pow");
  }
  return 1;
}

/*
 * C's pow for the bias corrections, as PyTorch's Python computes `beta ** step`: correctly rounded, the same steps
 * as packages/core/src/kernels/pow.ts (exponentiation by squaring in double-double with exact fma products, so the
 * same bits), and JavaScript's Math.pow where that file falls back to it.
 */
#define POW_TINY 0x1p-900
#define POW_MAX_EXPONENT 2147483648.0

typedef struct {
  double hi, lo;
} double_double;

static double_double dd_mul(double_double a, double_double b) {
  const double p = a.hi * b.hi;
  const double e = fma(a.hi, b.hi, -p) + (a.hi * b.lo + a.lo * b.hi);
  const double hi = p + e;
  return (double_double){hi, e - (hi - p)};
}

/* x ** n correctly rounded; 0 when an intermediate value leaves the range where that holds. */
static int integer_power(double x, double n, double *out) {
  double_double result = {1, 0}, square = {x, 0};
  for (double k = fabs(n);;) {
    if (fmod(k, 2) == 1) result = dd_mul(result, square);
    k = floor(k / 2);
    if (k == 0) break;
    square = dd_mul(square, square);
    const double s = fabs(square.hi);
    if (!(s < INFINITY && s > POW_TINY)) return 0;
  }
  if (!(fabs(result.hi) < INFINITY && fabs(result.hi) > POW_TINY)) return 0;
  if (n > 0) {
    *out = result.hi + result.lo;
  } else {
    const double q = 1 / result.hi;
    const double r = fma(-q, result.hi, 1) - q * result.lo;
    *out = q + r / result.hi;
  }
  return 1;
}

static int py_pow(napi_env env, double x, double y, double *out) {
  if (x == 1 || (x == -1 && !isfinite(y))) return *out = 1, 1;
  if (y == 0 || !isfinite(x) || x == 0 || y != floor(y) || !isfinite(y) || fabs(y) > POW_MAX_EXPONENT)
    return js_pow(env, x, y, out);
  return integer_power(x, y, out) || js_pow(env, x, y, out);
}

static napi_value adam_entry(napi_env env, napi_callback_info info) {
  napi_value argv[15];
  if (!kd_args(env, info, 15, argv, "adamUpdate")) return NULL;
  kd_array param, grad, ea, es, mx;
  int64_t n, step;
  double lr, beta1, beta2, eps, wd;
  int decoupled, amsgrad, maximize;
  if (!kd_arg_array(env, argv[0], "param", KD_F32 | KD_F64, &param) ||
      !kd_arg_array(env, argv[1], "grad", KD_F32 | KD_F64, &grad) ||
      !kd_arg_array(env, argv[2], "expAvg", KD_F32 | KD_F64, &ea) ||
      !kd_arg_array(env, argv[3], "expAvgSq", KD_F32 | KD_F64, &es) ||
      !kd_arg_array_or_null(env, argv[4], "maxExpAvgSq", KD_F32 | KD_F64, &mx) ||
      !kd_arg_int(env, argv[5], "n", 0, KD_MAX_SAFE_INT, &n) || !kd_arg_number(env, argv[6], "lr", &lr) ||
      !kd_arg_number(env, argv[7], "beta1", &beta1) || !kd_arg_number(env, argv[8], "beta2", &beta2) ||
      !kd_arg_number(env, argv[9], "eps", &eps) || !kd_arg_number(env, argv[10], "weightDecay", &wd) ||
      !kd_arg_bool(env, argv[11], "decoupled", &decoupled) || !kd_arg_bool(env, argv[12], "amsgrad", &amsgrad) ||
      !kd_arg_bool(env, argv[13], "maximize", &maximize) || !kd_arg_int(env, argv[14], "step", 1, KD_MAX_SAFE_INT, &step))
    return NULL;
  if (amsgrad && mx.dtype == 0) {
    napi_throw_type_error(env, NULL, "argument 'maxExpAvgSq' must be a Float32Array or Float64Array when amsgrad is set");
    return NULL;
  }
  if (!amsgrad) mx.data = NULL, mx.dtype = 0;
  const kd_array_use list[] = {
      {param, "param", n, 1}, {grad, "grad", n, 1}, {ea, "expAvg", n, 1}, {es, "expAvgSq", n, 1}, {mx, "maxExpAvgSq", n, 1}};
  if (!kd_check_uses(env, list, 5)) return NULL;
  /* As adam.ts: biasCorrection1 = 1 - beta1 ** step, stepSize = lr / biasCorrection1, sqrt(1 - beta2 ** step). */
  double p1, p2;
  if (!py_pow(env, beta1, (double)step, &p1) || !py_pow(env, beta2, (double)step, &p2)) return NULL;
  const double step_size = lr / (1 - p1);
  const double bc2_sqrt = sqrt(1 - p2);
  kd_adam_update(param.dtype == KD_F32, param.data, grad.data, ea.data, es.data, mx.data, n, lr, beta1, beta2, eps, wd,
                 decoupled, amsgrad, maximize, step_size, bc2_sqrt);
  return NULL;
}

static napi_value adadelta_entry(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  if (!kd_args(env, info, 10, argv, "adadeltaUpdate")) return NULL;
  kd_array param, grad, sq, acc;
  int64_t n;
  double lr, rho, eps, wd;
  int maximize;
  if (!kd_arg_array(env, argv[0], "param", KD_F32 | KD_F64, &param) ||
      !kd_arg_array(env, argv[1], "grad", KD_F32 | KD_F64, &grad) ||
      !kd_arg_array(env, argv[2], "squareAvg", KD_F32 | KD_F64, &sq) ||
      !kd_arg_array(env, argv[3], "accDelta", KD_F32 | KD_F64, &acc) ||
      !kd_arg_int(env, argv[4], "n", 0, KD_MAX_SAFE_INT, &n) || !kd_arg_number(env, argv[5], "lr", &lr) ||
      !kd_arg_number(env, argv[6], "rho", &rho) || !kd_arg_number(env, argv[7], "eps", &eps) ||
      !kd_arg_number(env, argv[8], "weightDecay", &wd) || !kd_arg_bool(env, argv[9], "maximize", &maximize))
    return NULL;
  const kd_array_use list[] = {{param, "param", n, 1}, {grad, "grad", n, 1}, {sq, "squareAvg", n, 1}, {acc, "accDelta", n, 1}};
  if (!kd_check_uses(env, list, 4)) return NULL;
  kd_adadelta_update(param.dtype == KD_F32, param.data, grad.data, sq.data, acc.data, n, lr, rho, eps, wd, maximize);
  return NULL;
}

int kd_register_optim(napi_env env, napi_value exports) {
  return kd_export(env, exports, "sgdUpdate", sgd_entry) && kd_export(env, exports, "adamUpdate", adam_entry) &&
         kd_export(env, exports, "adadeltaUpdate", adadelta_entry);
}
