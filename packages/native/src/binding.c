/*
 * The addon's module: thread control, what was built, and each kernel family's entries (registered by the
 * *-binding.c files). Nothing here keeps per-environment state, so the addon loads in worker threads too.
 */
#include "kindling.h"
#include "napi-args.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/*
 * Tensors are typed arrays that Node allocates with calloc. glibc serves every block over 128 KiB with a fresh
 * mmap, so each large tensor pays a page fault per 4 KiB page on first write, on every step of a training loop
 * (measured here: a 256x256 product took 0.50 ms instead of 0.20 ms, a ResNet-18 step 140 ms instead of 92 ms).
 * Serving blocks up to 64 MiB from the heap, and keeping up to 512 MiB of freed heap before returning it to the
 * system, reuses memory that is already mapped, as PyTorch's allocators do. It applies to the whole process, so it
 * is skipped when the user set glibc's own variables, and KINDLING_MALLOC_TUNING=0 turns it off.
 */
static void tune_allocator(void) {
#ifdef __GLIBC__
  const char *setting = getenv("KINDLING_MALLOC_TUNING");
  if (setting != NULL && strcmp(setting, "0") == 0) return;
  if (getenv("MALLOC_MMAP_THRESHOLD_") != NULL || getenv("MALLOC_TRIM_THRESHOLD_") != NULL) return;
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}

static pthread_once_t allocator_once = PTHREAD_ONCE_INIT;

/*
 * Each kernel family's *-binding.c defines one of these. They are weak, so that a build of some families only
 * (build.mjs --only, while developing one of them) still links: a family that is absent exports nothing.
 */
typedef int (*kd_register_fn)(napi_env, napi_value);
#define FAMILY(name) int name(napi_env env, napi_value exports) __attribute__((weak));
FAMILY(kd_register_gemm)
FAMILY(kd_register_conv)
FAMILY(kd_register_pool)
FAMILY(kd_register_elementwise)
FAMILY(kd_register_reduce)
FAMILY(kd_register_softmax)
FAMILY(kd_register_norm)
FAMILY(kd_register_optim)
FAMILY(kd_register_embedding)
FAMILY(kd_register_random)
FAMILY(kd_register_fill)
#undef FAMILY
static kd_register_fn const families[] = {
    kd_register_gemm, kd_register_conv,    kd_register_pool, kd_register_elementwise,
    kd_register_reduce, kd_register_softmax, kd_register_norm, kd_register_optim, kd_register_embedding,
    kd_register_random, kd_register_fill,
};

static napi_value get_num_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_int32(env, kd_get_num_threads(), &out);
  return out;
}

static napi_value set_num_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int64_t n;
  if (!kd_args(env, info, 1, argv, "setNumThreads") || !kd_arg_int(env, argv[0], "n", 1, 256, &n)) return NULL;
  kd_set_num_threads((int)n);
  return NULL;
}

static napi_value gemm_isa(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_string_utf8(env, kd_gemm_isa(), NAPI_AUTO_LENGTH, &out);
  return out;
}

NAPI_MODULE_INIT() {
  pthread_once(&allocator_once, tune_allocator);
  if (!kd_export(env, exports, "getNumThreads", get_num_threads) || !kd_export(env, exports, "setNumThreads", set_num_threads) ||
      !kd_export(env, exports, "isa", gemm_isa))
    return NULL;
  for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
    if (families[i] != NULL && !families[i](env, exports)) return NULL;
  return exports;
}
