#include "napi-args.h"

#include <math.h>
#include <stdio.h>

int kd_throw(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return 0;
}

int kd_throw_range(napi_env env, const char *message) {
  napi_throw_range_error(env, NULL, message);
  return 0;
}

static int throw_type(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return 0;
}

int kd_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv, const char *fn) {
  size_t argc = expected;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return kd_throw(env, "cannot read arguments");
  if (argc < expected) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s: expected %zu arguments, got %zu", fn, expected, argc);
    return throw_type(env, msg);
  }
  return 1;
}

static const char *dtype_names(int allowed) {
  switch (allowed) {
    case KD_F32: return "a Float32Array";
    case KD_F64: return "a Float64Array";
    case KD_F32 | KD_F64: return "a Float32Array or Float64Array";
    case KD_I32: return "an Int32Array";
    case KD_U8: return "a Uint8Array";
    default: return "a typed array of a supported type";
  }
}

int kd_arg_array(napi_env env, napi_value v, const char *name, int allowed, kd_array *out) {
  bool is_typed = false;
  char msg[200];
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) {
    snprintf(msg, sizeof msg, "argument '%s' must be %s", name, dtype_names(allowed));
    return throw_type(env, msg);
  }
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok) return kd_throw(env, "cannot read typed array");
  kd_dtype_mask dt;
  switch (type) {
    case napi_float32_array: dt = KD_F32; break;
    case napi_float64_array: dt = KD_F64; break;
    case napi_int32_array: dt = KD_I32; break;
    case napi_uint8_array: dt = KD_U8; break;
    case napi_bigint64_array: dt = KD_I64; break;
    default: dt = 0; break;
  }
  if ((dt & allowed) == 0) {
    snprintf(msg, sizeof msg, "argument '%s' must be %s", name, dtype_names(allowed));
    return throw_type(env, msg);
  }
  out->data = data;
  out->length = (int64_t)length;
  out->dtype = dt;
  return 1;
}

int kd_arg_array_or_null(napi_env env, napi_value v, const char *name, int allowed, kd_array *out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return kd_throw(env, "cannot read argument");
  if (t == napi_null || t == napi_undefined) {
    out->data = NULL;
    out->length = 0;
    out->dtype = 0;
    return 1;
  }
  return kd_arg_array(env, v, name, allowed, out);
}

int kd_arg_number(napi_env env, napi_value v, const char *name, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    char msg[160];
    snprintf(msg, sizeof msg, "argument '%s' must be a number", name);
    return throw_type(env, msg);
  }
  return 1;
}

int kd_arg_int(napi_env env, napi_value v, const char *name, int64_t min, int64_t max, int64_t *out) {
  double d;
  char msg[200];
  if (napi_get_value_double(env, v, &d) != napi_ok || !isfinite(d) || d != floor(d) || fabs(d) > (double)KD_MAX_SAFE_INT) {
    snprintf(msg, sizeof msg, "argument '%s' must be an integer", name);
    return throw_type(env, msg);
  }
  int64_t i = (int64_t)d;
  if (i < min || i > max) {
    snprintf(msg, sizeof msg, "argument '%s' is %lld, outside [%lld, %lld]", name, (long long)i, (long long)min, (long long)max);
    return kd_throw_range(env, msg);
  }
  *out = i;
  return 1;
}

int kd_arg_bool(napi_env env, napi_value v, const char *name, int *out) {
  bool b;
  if (napi_get_value_bool(env, v, &b) != napi_ok) {
    char msg[160];
    snprintf(msg, sizeof msg, "argument '%s' must be a boolean", name);
    return throw_type(env, msg);
  }
  *out = b ? 1 : 0;
  return 1;
}

static int prop_int(napi_env env, napi_value obj, const char *objname, const char *key, int64_t min, int64_t max,
                    int64_t *out) {
  napi_value v;
  char name[96];
  snprintf(name, sizeof name, "%s.%s", objname, key);
  napi_valuetype t;
  if (napi_typeof(env, obj, &t) != napi_ok || t != napi_object) {
    char msg[160];
    snprintf(msg, sizeof msg, "argument '%s' must be an object", objname);
    return throw_type(env, msg);
  }
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) return kd_throw(env, "cannot read property");
  return kd_arg_int(env, v, name, min, max, out);
}

int kd_prop_ints(napi_env env, napi_value obj, const char *objname, const kd_int_field *fields, size_t count,
                 int64_t max) {
  for (size_t i = 0; i < count; i++)
    if (!prop_int(env, obj, objname, fields[i].key, fields[i].min, max, fields[i].field)) return 0;
  return 1;
}

int kd_spans_overlap(const kd_array *a, int64_t aOff, int64_t aCount, const kd_array *b, int64_t bOff, int64_t bCount) {
  if (aCount <= 0 || bCount <= 0 || a->data == NULL || b->data == NULL) return 0;
  const int64_t ae = (int64_t)kd_elem_size(a), be = (int64_t)kd_elem_size(b);
  const char *a0 = (const char *)a->data + aOff * ae, *a1 = a0 + aCount * ae;
  const char *b0 = (const char *)b->data + bOff * be, *b1 = b0 + bCount * be;
  return a0 < b1 && b0 < a1;
}

int kd_check_disjoint(napi_env env, const kd_array *out, const char *outName, int64_t outN, const kd_array *in,
                      const char *inName, int64_t inN) {
  if (!kd_spans_overlap(out, 0, outN, in, 0, inN)) return 1;
  char msg[160];
  snprintf(msg, sizeof msg, "argument '%s' must not overlap '%s'", outName, inName);
  return kd_throw(env, msg);
}

int kd_check_uses(napi_env env, const kd_array_use *u, int count) {
  for (int i = 0; i < count; i++) {
    if (u[i].a.dtype == 0) continue; /* null */
    if (i > 0 && !kd_check_same_dtype(env, &u[i].a, u[i].name, &u[0].a, u[0].name)) return 0;
    if (!kd_check_span(env, &u[i].a, u[i].name, 0, u[i].count)) return 0;
  }
  for (int i = 0; i < count; i++) {
    for (int j = i + 1; j < count; j++) {
      if (!(u[i].written || u[j].written) || !kd_spans_overlap(&u[i].a, 0, u[i].count, &u[j].a, 0, u[j].count)) continue;
      char msg[160];
      snprintf(msg, sizeof msg, "arguments '%s' and '%s' must not overlap", u[i].name, u[j].name);
      return kd_throw_range(env, msg);
    }
  }
  return 1;
}

int kd_check_span(napi_env env, const kd_array *a, const char *name, int64_t offset, int64_t count) {
  if (count == 0) return 1;
  if (offset < 0 || count < 0 || offset > a->length || count > a->length - offset) {
    char msg[240];
    snprintf(msg, sizeof msg, "argument '%s': %lld elements from offset %lld do not fit in an array of %lld", name,
             (long long)count, (long long)offset, (long long)a->length);
    return kd_throw_range(env, msg);
  }
  return 1;
}

int kd_check_matrix(napi_env env, const kd_array *a, const char *name, int64_t offset, int64_t rows, int64_t cols,
                    int64_t ld, int transposed) {
  if (rows == 0 || cols == 0) return 1;
  int64_t inner = transposed ? rows : cols; /* contiguous extent */
  int64_t outer = transposed ? cols : rows;
  char msg[240];
  if (ld < inner && outer > 1) {
    snprintf(msg, sizeof msg, "argument '%s': leading dimension %lld is smaller than %lld", name, (long long)ld, (long long)inner);
    return kd_throw_range(env, msg);
  }
  if (ld < 1) {
    snprintf(msg, sizeof msg, "argument '%s': leading dimension %lld must be at least 1", name, (long long)ld);
    return kd_throw_range(env, msg);
  }
  /* last element: offset + (outer - 1) * ld + inner - 1, computed without overflow */
  if (offset < 0 || (outer - 1) > (KD_MAX_SAFE_INT / ld)) goto out_of_range;
  int64_t last = offset + (outer - 1) * ld + inner - 1;
  if (last >= a->length) goto out_of_range;
  return 1;
out_of_range:
  snprintf(msg, sizeof msg, "argument '%s': a %lldx%lld matrix at offset %lld with leading dimension %lld does not fit in an array of %lld",
           name, (long long)rows, (long long)cols, (long long)offset, (long long)ld, (long long)a->length);
  return kd_throw_range(env, msg);
}

int kd_check_same_dtype(napi_env env, const kd_array *a, const char *an, const kd_array *b, const char *bn) {
  if (a->dtype != b->dtype) {
    char msg[200];
    snprintf(msg, sizeof msg, "arguments '%s' and '%s' must have the same element type", an, bn);
    return throw_type(env, msg);
  }
  return 1;
}

int kd_export(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) != napi_ok) return 0;
  return napi_set_named_property(env, exports, name, fn) == napi_ok;
}

int kd_checked_product(napi_env env, int64_t x, int64_t y, int64_t z, const char *what, int64_t *out) {
  if (x == 0 || y == 0 || z == 0) {
    *out = 0;
    return 1;
  }
  if (x > KD_MAX_SAFE_INT / y || x * y > KD_MAX_SAFE_INT / z) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s gives more than 2^53 elements", what);
    return kd_throw_range(env, msg);
  }
  *out = x * y * z;
  return 1;
}

