/*
 * Argument checking for the N-API entries. Every entry reads its arguments through these helpers, which throw a
 * JavaScript error naming the argument and return 0 when one is wrong; the entry then returns NULL at once,
 * before any kernel touches memory. Typed arrays are used in place (zero-copy).
 */
#ifndef KINDLING_NAPI_ARGS_H
#define KINDLING_NAPI_ARGS_H

#include <node_api.h>
#include <stdint.h>

typedef enum { KD_F32 = 1, KD_F64 = 2, KD_I32 = 4, KD_U8 = 8, KD_I64 = 16 } kd_dtype_mask;

typedef struct {
  void *data;
  int64_t length; /* elements */
  kd_dtype_mask dtype;
} kd_array;

/* Bytes per element of an array's type. */
static inline size_t kd_elem_size(const kd_array *a) {
  return a->dtype == KD_F64 || a->dtype == KD_I64 ? 8 : a->dtype == KD_U8 ? 1 : 4;
}
/* x * y * z into *out (0 when any is 0), or a RangeError saying that `what` gives more than 2^53 elements. */
int kd_checked_product(napi_env env, int64_t x, int64_t y, int64_t z, const char *what, int64_t *out);

/* Reads up to `max` arguments of the call; throws if fewer than `expected` were given. */
int kd_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv, const char *fn);

/* A typed array whose element type is one of `allowed` (a mask of kd_dtype_mask). */
int kd_arg_array(napi_env env, napi_value v, const char *name, int allowed, kd_array *out);
/* Like kd_arg_array, but null or undefined gives data == NULL, length 0. */
int kd_arg_array_or_null(napi_env env, napi_value v, const char *name, int allowed, kd_array *out);
/* An integer-valued number in [min, max]. */
int kd_arg_int(napi_env env, napi_value v, const char *name, int64_t min, int64_t max, int64_t *out);
/* Any number (NaN and infinities allowed: they are data). */
int kd_arg_number(napi_env env, napi_value v, const char *name, double *out);
int kd_arg_bool(napi_env env, napi_value v, const char *name, int *out);
/* One integer field of a record: its key, where it goes, its least value. */
typedef struct {
  const char *key;
  int64_t *field;
  int64_t min;
} kd_int_field;
/* Every field of a record (an object), each an integer in [field.min, max], in order; stops at the first wrong one. */
int kd_prop_ints(napi_env env, napi_value obj, const char *objname, const kd_int_field *fields, size_t count,
                 int64_t max);

/* Whether elements [aOff, aOff + aCount) of a and [bOff, bOff + bCount) of b share memory (never when a span is
   empty or an array null). */
int kd_spans_overlap(const kd_array *a, int64_t aOff, int64_t aCount, const kd_array *b, int64_t bOff, int64_t bCount);
/* Throws unless the first outN elements of `out` and the first inN of `in` are apart. */
int kd_check_disjoint(napi_env env, const kd_array *out, const char *outName, int64_t outN, const kd_array *in,
                      const char *inName, int64_t inN);
/* One of an entry's arrays of one element type: its name, the elements the kernel uses, whether it writes them. */
typedef struct {
  kd_array a;
  const char *name;
  int64_t count;
  int written;
} kd_array_use;
/*
 * Each present array (dtype != 0: a null argument reads as 0; the first is the reference) has the first one's element
 * type and holds its count; an array that is written shares memory with no other.
 */
int kd_check_uses(napi_env env, const kd_array_use *u, int count);
/* Throws unless [offset, offset + count) lies inside the array (count 0 is always fine). */
int kd_check_span(napi_env env, const kd_array *a, const char *name, int64_t offset, int64_t count);
/*
 * Throws unless a rows x cols matrix at `offset` with leading dimension ld (row-major, or column-major when
 * `transposed`) lies inside the array and ld keeps its rows (columns) apart.
 */
int kd_check_matrix(napi_env env, const kd_array *a, const char *name, int64_t offset, int64_t rows, int64_t cols,
                    int64_t ld, int transposed);
/* Throws unless both arrays have the same element type. */
int kd_check_same_dtype(napi_env env, const kd_array *a, const char *an, const kd_array *b, const char *bn);
int kd_throw(napi_env env, const char *message);
int kd_throw_range(napi_env env, const char *message);

/* Registering entries: each *-binding.c file exposes kd_register_<family>(env, exports). */
int kd_export(napi_env env, napi_value exports, const char *name, napi_callback cb);

#define KD_MAX_SAFE_INT ((int64_t)9007199254740991LL)

#endif
