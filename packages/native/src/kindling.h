/*
 * Kindling's native kernels: the contracts shared by every source file.
 *
 * Kernels are plain C over raw pointers: they know nothing of tensors or of JavaScript, never allocate what a
 * caller could pass, and read no global state beyond the thread pool. The N-API layer (binding.c and the
 * *-binding.c files) checks every argument against the typed arrays it came from before a kernel runs.
 */
#ifndef KINDLING_H
#define KINDLING_H

#include <stddef.h>
#include <stdint.h>

/*
 * On x86-64 Linux the loops of the non-GEMM kernels are compiled twice, for AVX2 and for the baseline, and the
 * loader picks one for this CPU (GCC/clang function multi-versioning). AVX2 alone brings no FMA, and the compiler
 * never reorders floating-point operations when it vectorises, so both versions give the same bits.
 */
#if defined(__x86_64__) && defined(__linux__) && !defined(KD_NO_X86) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define KD_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef KD_VECTOR_CLONES
#define KD_VECTOR_CLONES
#endif

/*
 * Loops that compute fused multiply-adds (fma, fmaf: a·b + c rounded once, as PyTorch's kernels compute add and sub
 * with alpha, addcmul and lerp) are compiled for CPUs with FMA, where they inline the instruction and vectorise,
 * and for the baseline, where they call the C library's fma, which rounds once too. Both give the same bits.
 */
#if defined(__x86_64__) && defined(__linux__) && !defined(KD_NO_X86) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define KD_FMA_CLONES __attribute__((target_clones("fma", "default")))
#endif
#endif
#ifndef KD_FMA_CLONES
#define KD_FMA_CLONES
#endif

/* A helper inlined into each caller, so that its compile-time flags (the element type, the variant) fold away. */
#define KD_INLINE static inline __attribute__((always_inline))

/*
 * A parallel body `name` (a kd_range_fn, compiled for FMA too) that runs loop##_f32 or loop##_f64 over [b, e) on
 * the context, a ctx_type whose `f32` member says which.
 */
#define KD_TYPED_RANGE(name, ctx_type, loop)                        \
  KD_FMA_CLONES static void name(void *ctx, int64_t b, int64_t e) { \
    const ctx_type *k = ctx;                                        \
    if (k->f32)                                                     \
      loop##_f32(k, b, e);                                          \
    else                                                            \
      loop##_f64(k, b, e);                                          \
  }

/* ---- thread pool (threadpool.c) ---- */

/* A body of a parallel loop: processes indices [begin, end). */
typedef void (*kd_range_fn)(void *ctx, int64_t begin, int64_t end);

/*
 * Runs fn over [0, n) in contiguous chunks of at least `grain` indices on the persistent pool and returns when
 * every chunk is done. The chunks depend only on n, grain and the thread count, never on timing: a kernel whose
 * chunks write disjoint outputs is bit-identical for a given thread count. Called from inside a chunk (nested),
 * or while another JavaScript thread holds the pool, the same chunks run one after another on the caller.
 */
void kd_parallel_for(int64_t n, int64_t grain, kd_range_fn fn, void *ctx);
/*
 * The same with each index a chunk of its own, claimed in order by whichever thread is free: for a few costly
 * items, so that when another process holds part of a core, the other threads take the items that thread would
 * have had. What runs where depends on timing, so each item must give the same bits whichever thread runs it.
 */
void kd_parallel_for_each(int64_t n, kd_range_fn fn, void *ctx);
/* The number of chunks kd_parallel_for(n, grain, ...) makes: callers that keep per-chunk partials size them by it. */
int64_t kd_parallel_chunks(int64_t n, int64_t grain);

/* Elements per parallel chunk below which a memory-bound loop is not worth splitting. */
#define KD_PARALLEL_GRAIN 16384
/* The grain, in items, of a loop whose items each touch `unit` elements (at least 1). */
static inline int64_t kd_grain_for(int64_t unit) {
  if (unit < 1) unit = 1;
  int64_t g = KD_PARALLEL_GRAIN / unit;
  return g < 1 ? 1 : g;
}
/* ceil(a / b) for b > 0 and any sign of a. */
static inline int64_t kd_ceil_div(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }
int kd_get_num_threads(void);
/* n >= 1; workers are created on first use and kept. */
void kd_set_num_threads(int n);

/* ---- per-thread scratch (scratch.c) ---- */

/* One buffer per slot and thread; a kernel uses a slot for one purpose only, and never two at once. */
typedef enum {
  KD_SCRATCH_GEMM_A,
  KD_SCRATCH_GEMM_B,
  KD_SCRATCH_GEMM_C,
  KD_SCRATCH_CONV_COLUMNS,
  KD_SCRATCH_CONV_OFFSETS,
  KD_SCRATCH_CONV_PARTIALS,
  KD_SCRATCH_SLOTS
} kd_scratch_slot;

/*
 * The calling thread's buffer for `slot`, at least `bytes` long and 64-byte aligned, its contents unspecified;
 * valid until the thread's next call for the same slot. NULL when memory is short.
 */
void *kd_thread_scratch(kd_scratch_slot slot, size_t bytes);

/* ---- vector math (vector-math.c) ---- */

#define KD_SQRT1_2 0.70710678118654752440
/* The unary op codes of the library functions (the `unary` entry's; see packages/core/src/kernels/contiguous.ts). */
enum {
  KD_UNARY_EXP = 3,
  KD_UNARY_LOG = 4,
  KD_UNARY_TANH = 6,
  KD_UNARY_SIGMOID = 7,
  KD_UNARY_SIN = 8,
  KD_UNARY_COS = 9
};
/*
 * A float32 run of unary op `op`, four at a time in double (vector-math.c); returns how many elements it wrote: n,
 * or 0 for other ops, or where this machine has no vector form of the op's function.
 */
int64_t kd_unary_f32_vector(int op, const float *x, float *o, int64_t n);
/*
 * e[i] = exp((double)x[i] - m[i * mstep]) for i < n (mstep 0: one shift for all), within about 2^-47 relative:
 * for float32 softmax, whose terms are summed in double and rounded to float32 once.
 */
void kd_exp_shifted_f32(const float *x, const double *m, int64_t mstep, double *e, int64_t n);

/* ---- softmax over rows (softmax-rows.c), for softmax.c ---- */

/* The grain, in items, of a softmax loop whose items each touch `unit` elements: 8,192 elements a chunk at least
 * (an exp costs tens of cycles). */
static inline int64_t kd_softmax_grain(int64_t unit) { return unit >= 8192 ? 1 : 8192 / unit; }

/* Softmax (log_ 0) or log-softmax of `rows` contiguous rows of `size`, in PyTorch's steps; out may be x. */
void kd_softmax_rows(int f32, int log_, const void *x, void *out, int64_t rows, int64_t size);
/* Their gradient from the output y and its gradient gy; gx may be y or gy. */
void kd_softmax_rows_backward(int f32, int log_, const void *y, const void *gy, void *gx, int64_t rows, int64_t size);
/* e[i] = exp(x[i]) in double for i < n: float32's by vector-math.c's exp (within about 2^-47), float64's by libm's. */
void kd_exps_of_f32(const float *x, double *e, int64_t n);
void kd_exps_of_f64(const double *x, double *e, int64_t n);

/* ---- GELU (gelu.c) ---- */

/* ATen's float64 gelu derivative constant: M_2_SQRTPI * M_SQRT1_2 * 0.5, in double. */
#define KD_GELU_BETA (1.12837916709551257390 * KD_SQRT1_2 * 0.5)
/* A contiguous run of gelu (slope 0) or its derivative (slope 1) as PyTorch computes them: oneDNN's float32 kernel. */
void kd_gelu_f32(int slope, const float *x, float *o, int64_t n);
/* The same for float64: ATen's formula, with the C library's erf and exp. */
void kd_gelu_f64(int slope, const double *x, double *o, int64_t n);

/* ---- GEMM (gemm.c and its per-ISA micro-kernels) ---- */

/*
 * Row-major C = alpha * op(A) op(B) + beta * C, op(X) = X or X^T, with leading dimensions lda, ldb, ldc
 * (BLAS semantics on row-major storage): opA(i,p) = transA ? A[p*lda + i] : A[i*lda + p].
 * beta == 0 writes C without reading it (NaNs in C do not propagate); alpha == 0 or K == 0 reads neither A nor B.
 * Multi-threaded over blocks of C; each element's sum runs in the same order whatever the thread count.
 */
void kd_sgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
              const float *B, int64_t ldb, float beta, float *C, int64_t ldc);
void kd_dgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, double alpha, const double *A, int64_t lda,
              const double *B, int64_t ldb, double beta, double *C, int64_t ldc);
/*
 * `batch` products as kd_sgemm's, product b on A + b * strideA, B + b * strideB and C + b * strideC (the C
 * matrices apart). Small products run one per thread across the batch, larger ones one after another on all the
 * threads; each product's bits are kd_sgemm's either way.
 */
void kd_sgemm_batched(int transA, int transB, int64_t batch, int64_t M, int64_t N, int64_t K, float alpha,
                      const float *A, int64_t strideA, int64_t lda, const float *B, int64_t strideB, int64_t ldb,
                      float beta, float *C, int64_t strideC, int64_t ldc);
void kd_dgemm_batched(int transA, int transB, int64_t batch, int64_t M, int64_t N, int64_t K, double alpha,
                      const double *A, int64_t strideA, int64_t lda, const double *B, int64_t strideB, int64_t ldb,
                      double beta, double *C, int64_t strideC, int64_t ldc);
/*
 * C = A B (A not transposed: M x K, lda; C: M x N, ldc, written without being read) where B exists only as its
 * packer: packB(ctx, dst, p0, kc, j0, nc, W) writes rows [p0, p0 + kc) and columns [j0, j0 + nc) of B into panels
 * of W columns, zero-padded, as the packed path lays them out (the element (p, j) at
 * dst[(j - j0) / W * W * kc + (p - p0) * W + (j - j0) % W]), and may be called from several threads at once.
 * A convolution packs its input this way without writing the column matrix first. Returns 1 when it ran; 0,
 * having touched nothing, when the shape takes another path than the packed one, or when scratch memory could not
 * be had (C may then be partly written): the caller then builds B and calls kd_sgemm. Same sums, in the same
 * order, as kd_sgemm on the B the packer describes.
 */
typedef void (*kd_spack_b_fn)(void *ctx, float *dst, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int64_t W);
typedef void (*kd_dpack_b_fn)(void *ctx, double *dst, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int64_t W);
int kd_sgemm_packed_b(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, kd_spack_b_fn packB, void *ctx,
                      float *C, int64_t ldc);
int kd_dgemm_packed_b(int64_t M, int64_t N, int64_t K, const double *A, int64_t lda, kd_dpack_b_fn packB, void *ctx,
                      double *C, int64_t ldc);
/*
 * Direct-convolution products, on the calling thread (a convolution runs them inside its own parallel loops).
 * kd_sgemm_taps_pack lays A (M x K, row-major, lda) out in M * K values as the micro-kernels read it, rows
 * [i, i + m) at i * K for i a multiple of the tile's rows; then kd_sgemm_taps writes C (M x N, ldc, not read) =
 * A B, where row p of B starts at b + taps[p] and holds N rounded up to a multiple of the tile's columns readable
 * values. Each element's sum is the one kd_sgemm's packed tiles give it for K <= 256 (one depth block): the same
 * bits as the column-matrix product. kd_gemm_taps_tile gives the register tile's rows and columns (dbl: float64).
 */
void kd_gemm_taps_tile(int dbl, int64_t *rows, int64_t *cols);
void kd_sgemm_taps_pack(int64_t M, int64_t K, const float *A, int64_t lda, float *dst);
void kd_dgemm_taps_pack(int64_t M, int64_t K, const double *A, int64_t lda, double *dst);
void kd_sgemm_taps(int64_t M, int64_t N, int64_t K, const float *Ap, const float *b, const int64_t *taps, float *C,
                   int64_t ldc);
void kd_dgemm_taps(int64_t M, int64_t N, int64_t K, const double *Ap, const double *b, const int64_t *taps, double *C,
                   int64_t ldc);
/* The micro-kernel family chosen for this CPU at load time: "avx512", "avx2" or "portable". */
const char *kd_gemm_isa(void);

#endif
