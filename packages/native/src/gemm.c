/*
 * GEMM: the GotoBLAS/BLIS design. C is cut into blocks; for each K block, op(A) and op(B) are packed into
 * panels laid out the way a register-tile micro-kernel reads them (packing absorbs transposes and leading
 * dimensions, so all four combinations run alike), and the micro-kernel, chosen once per process by CPU
 * features, runs over the panels from cache. Skinny products take shortcuts that read their long operand once,
 * in place. Threads split C into rectangles (never K), so each element's sum runs in the same order whatever
 * the thread count. The per-type driver lives in gemm-driver.h; the kernels in gemm-avx512.c, gemm-avx2.c and
 * gemm-portable.h.
 */
#include "kindling.h"
#include "gemm-kernels.h"
#include "gemm-portable.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- kernel family: chosen once, at load time ---- */

static const kd_gemm_kernels *kernels = &kd_gemm_portable;

#ifndef KD_NO_X86
/* KINDLING_GEMM_ISA=avx2 or =portable picks a lesser family (for testing those on a bigger CPU). */
static int allowed_by_env(const char *isa) {
  const char *want = getenv("KINDLING_GEMM_ISA");
  if (want == NULL || *want == 0) return 1;
  static const char *const order[] = {"portable", "avx2", "avx512"};
  int w = -1, h = -1;
  for (int i = 0; i < 3; i++) {
    if (strcmp(want, order[i]) == 0) w = i;
    if (strcmp(isa, order[i]) == 0) h = i;
  }
  return w < 0 || h <= w;
}

/* gemm-avx512.c is compiled with -mavx512f/vl/bw/dq (the compiler may use any of them): all four must be here. */
static int has_avx512(void) {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
}

__attribute__((constructor)) static void select_kernels(void) {
  __builtin_cpu_init();
  if (has_avx512() && allowed_by_env("avx512"))
    kernels = &kd_gemm_avx512;
  else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && allowed_by_env("avx2"))
    kernels = &kd_gemm_avx2;
}
#endif

const char *kd_gemm_isa(void) { return kernels->isa; }

/* ---- plans: functions of the shape alone ---- */

typedef enum { PATH_PACKED, PATH_ROWS_B, PATH_COLS_A, PATH_DOT_ROWS, PATH_DOT_COLS } gemm_path;

/*
 * Dot products read their long operand once, in place, but pay a horizontal sum per element: worth it for a
 * long K and at most a few short rows (one pass over the long operand per KD_DOT_MAX_M of them).
 */
enum { DOT_MAX_SHORT = KD_DOT_MAX_M, DOT_MIN_K = 32 };

static gemm_path choose_path(int transA, int transB, int64_t M, int64_t N, int64_t K, const kd_gemm_blocking *blk) {
  if (M <= blk->mr) {
    if (!transB) return PATH_ROWS_B;
    if (M <= DOT_MAX_SHORT && K >= DOT_MIN_K) return PATH_DOT_ROWS;
    return PATH_PACKED; /* one panel of A against packed B: rowsB with B^T packed, in effect */
  }
  if (N <= blk->mr) {
    if (!transA && N <= DOT_MAX_SHORT && K >= DOT_MIN_K) return PATH_DOT_COLS;
    return PATH_COLS_A;
  }
  return PATH_PACKED;
}

/* Blocks of near-equal size at most `block` covering n (784 = 4 x 196 rather than 3 x 256 + 16). */
static int64_t balanced_block(int64_t n, int64_t block) {
  int64_t blocks = (n + block - 1) / block;
  return (n + blocks - 1) / blocks;
}

static int64_t round_up(int64_t n, int64_t unit) { return (n + unit - 1) / unit * unit; }

/* The length of the piece of [at, end) that starts at `at`: `size`, or what is left when that is less. */
static inline int64_t piece(int64_t at, int64_t end, int64_t size) { return end - at < size ? end - at : size; }

/*
 * The work of a product, for sharing it out: its multiply-adds, plus each element of A and B read and of C
 * written (what dominates a skinny product, with few multiply-adds per element). Below MIN_WORK_PER_THREAD a
 * thread costs more to wake than it saves: measured with the workers awake (back-to-back calls), a second
 * thread starts to pay at about 48^3 multiply-adds; the threshold puts 64^3 on two threads, 48^3 on one. (Workers
 * that have gone to sleep take some 20 us to wake, which no threshold can know about.)
 */
#define ELEMENT_COST 4
#define MIN_WORK_PER_THREAD ((double)(1 << 17))

/*
 * How many column panels a packed-path block may span and still read op(A) in place (the families' direct_a and
 * direct_at, gemm-driver.h). AVX-512 (2 panels of 32), measured on one thread: 512 x 49 x 4608 in 1.47 ms against 1.74
 * packing A, its transpose's product (4608 x 49 x 512) in 1.60 against 2.22; 512 x 64 x 1024 in 0.34 against 0.38;
 * over many panels a packed strip is cheaper there: 1024^3 with A read in place took 1.65x as long. AVX2 (16 panels
 * of 16, one block of B's columns), measured on a Zen 3 core, each against packing A in alternating turns:
 * 512 x 49 x 4608 0.63-0.66x the time on one thread and two, 512 x 128 x 512 0.79-0.80x, 512 x 256 x 1024
 * 0.91-0.94x, 1024^3 (64 panels, still packed) unchanged. A transposed, 4 panels: 4608 x 49 x 512 0.81-0.84x;
 * over more, packing paid again (1024 x 256 x 512: 1.27x the time in place, 1024 x 128 x 256: 1.08x).
 */

/*
 * Packing one element costs about this many multiply-adds of time (for choosing the thread grid): a copy (op(A)
 * transposed, op(B) not), or a transpose through registers (op(A) as stored, op(B) transposed), several times
 * dearer. Each thread packs its rows of op(A) and its columns of op(B), so a grid that cuts C's columns has every
 * thread transpose all of a row-major A. Measured on an AVX-512 machine, two threads, against one cost for both
 * kinds of packing and rows rounded up to whole panels (which chose columns for these): 512^3 in 0.69-0.74 ms
 * against 0.79-0.89, 300^3 in 0.16 against 0.19-0.20, 256^3 in 0.09-0.10 against 0.10-0.11.
 */
#define PACK_COPY 8
#define PACK_TRANSPOSE 40

/*
 * Row parts per thread of a packed product: the pool hands them to whichever thread is free, so that a thread
 * whose core another process shares does less of the product instead of holding up the rest. Each part packs its
 * own rows of op(A), no more in all than with one part a thread; a thread packs op(B)'s columns once for the run
 * of parts it takes over the same columns (gemm-driver.h). A part keeps at least MIN_ROWS_PER_ITEM rows, as the
 * parts after a thread's first read that op(B) from beyond the second-level cache: a convolution's 64 x 3136 x 576
 * product, on two threads, took 1.1-1.35x as long in parts of 16 rows (Zen 3). Measured on two threads of a
 * Zen 3 VM with a busy loop pinned to one of its cores, against one part a thread in alternating turns: 1024^3
 * in 0.76-0.83x the time over three runs, 768^3 in 0.89-0.95x, 512^3 anywhere from 0.58x to 1.87x (as the
 * scheduler moved the threads); with nothing else running, 0.92-1.03x.
 */
#define ITEMS_PER_THREAD 4
#define MIN_ROWS_PER_ITEM 64
#define MIN_WORK_PER_ITEM (4 * MIN_WORK_PER_THREAD)

/*
 * Splits C among threads: tm x tn rectangles whose edges fall on whole tiles. The packed path may cut both
 * ways and picks the grid with the least work for the busiest thread (its tiles plus what it packs), then cuts
 * each rectangle's rows into `sub` items, up to ITEMS_PER_THREAD; the others cut only their long side, one part
 * a thread.
 */
static void plan_threads(gemm_path path, int transA, int transB, int64_t M, int64_t N, int64_t K,
                         const kd_gemm_blocking *blk, int64_t *malign, int64_t *nalign, int64_t *tm, int64_t *tn,
                         int64_t *sub) {
  const double packA = transA ? PACK_COPY : PACK_TRANSPOSE, packB = transB ? PACK_TRANSPOSE : PACK_COPY;
  switch (path) {
    case PATH_PACKED: *malign = blk->mr, *nalign = blk->nr; break;
    case PATH_ROWS_B: *malign = M, *nalign = blk->nr; break;
    case PATH_COLS_A: *malign = blk->nr, *nalign = N; break;
    case PATH_DOT_ROWS: *malign = M, *nalign = 4; break;
    case PATH_DOT_COLS: *malign = 4, *nalign = N; break;
  }
  int64_t mu = (M + *malign - 1) / *malign, nu = (N + *nalign - 1) / *nalign;
  double work = (double)M * (double)N * (double)K +
                ELEMENT_COST * ((double)M * (double)K + (double)K * (double)N + (double)M * (double)N);
  int64_t threads = kd_get_num_threads();
  if (work / MIN_WORK_PER_THREAD < (double)threads) threads = (int64_t)(work / MIN_WORK_PER_THREAD);
  if (threads > mu * nu) threads = mu * nu;
  if (threads < 1) threads = 1;
  *tm = 1, *tn = 1, *sub = 1;
  for (int64_t t = threads; t >= 1; t--) {
    double best = -1;
    /* From the tallest grid down: a tie goes to cutting rows, so that each thread packs less of A (a transpose
       in the common case of A not transposed) and writes whole rows of C. */
    for (int64_t a = t; a >= 1; a--) {
      int64_t b = t / a;
      if (a * b != t || a > mu || b > nu) continue;
      /* The busiest thread's rows and columns: the first rectangle's (the last may hold a short panel). */
      double rows = (double)piece(0, M, (mu + a - 1) / a * *malign);
      double cols = (double)piece(0, N, (nu + b - 1) / b * *nalign);
      double cost = rows * cols + packA * rows + packB * cols;
      if (best < 0 || cost < best) best = cost, *tm = a, *tn = b;
    }
    if (best >= 0) break;
  }
  if (path != PATH_PACKED || threads == 1) return;
  int64_t s = ITEMS_PER_THREAD;
  while (s > 1 && (M / (*tm * s) < MIN_ROWS_PER_ITEM || work / (double)(*tm * *tn * s) < MIN_WORK_PER_ITEM)) s--;
  *tm *= s;
  *sub = s;
}

/* The most scratch a thread packs op(B)'s columns into, whole (gemm-driver.h). */
#define WHOLE_B_BYTES ((double)(8 << 20))

/* Numbers each product, so that a thread knows whether the op(B) in its scratch is this product's. */
static atomic_ullong products_run;

/* ---- the drivers, one per element type ---- */

#define KD_PASTE3_(a, b, c) a##b##c
#define KD_PASTE3(a, b, c) KD_PASTE3_(a, b, c)

#define T float
#define S s
#include "gemm-driver.h"

#define T double
#define S d
#include "gemm-driver.h"

void kd_sgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
              const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
  const kd_gemm_kernels *k = kernels;
  s_gemm_run(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, &k->s, k->stile, k->stile_direct, k->sdot,
             k->spack);
}

void kd_dgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, double alpha, const double *A, int64_t lda,
              const double *B, int64_t ldb, double beta, double *C, int64_t ldc) {
  const kd_gemm_kernels *k = kernels;
  d_gemm_run(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, &k->d, k->dtile, k->dtile_direct, k->ddot,
             k->dpack);
}

int kd_sgemm_packed_b(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, kd_spack_b_fn packB, void *ctx,
                      float *C, int64_t ldc) {
  const kd_gemm_kernels *k = kernels;
  return s_gemm_run_packed_b(M, N, K, A, lda, packB, ctx, C, ldc, &k->s, k->stile, k->stile_direct, k->spack);
}

int kd_dgemm_packed_b(int64_t M, int64_t N, int64_t K, const double *A, int64_t lda, kd_dpack_b_fn packB, void *ctx,
                      double *C, int64_t ldc) {
  const kd_gemm_kernels *k = kernels;
  return d_gemm_run_packed_b(M, N, K, A, lda, packB, ctx, C, ldc, &k->d, k->dtile, k->dtile_direct, k->dpack);
}

/* ---- batches of products ---- */

/*
 * Below this many multiply-adds a product runs on one thread and the batch is shared out instead: one fork-join
 * serves the batch, and no product is cut into thin pieces. Above, a small batch would leave threads idle: on two
 * threads (Zen 3), sharing out 3 products of 128^3 to 256^3 took 1.24-1.31x as long as running each on both
 * threads; a batch of 8 shared out was within 0.97-1.01x either way from 64^3 to 256^3. The products' bits do not
 * depend on where they run.
 */
#define BATCH_SPLIT_WORK ((double)(1 << 21))

#define DEFINE_BATCHED(S, T)                                                                                         \
  typedef struct {                                                                                                  \
    int transA, transB;                                                                                             \
    int64_t M, N, K, strideA, lda, strideB, ldb, strideC, ldc;                                                       \
    T alpha, beta;                                                                                                  \
    const T *A, *B;                                                                                                 \
    T *C;                                                                                                           \
  } S##batch_ctx;                                                                                                   \
  static void S##batch_range(void *vctx, int64_t begin, int64_t end) {                                              \
    const S##batch_ctx *x = vctx;                                                                                   \
    for (int64_t b = begin; b < end; b++)                                                                           \
      kd_##S##gemm(x->transA, x->transB, x->M, x->N, x->K, x->alpha, x->A + b * x->strideA, x->lda,                 \
                   x->B + b * x->strideB, x->ldb, x->beta, x->C + b * x->strideC, x->ldc);                          \
  }                                                                                                                 \
  void kd_##S##gemm_batched(int transA, int transB, int64_t batch, int64_t M, int64_t N, int64_t K, T alpha,        \
                            const T *A, int64_t strideA, int64_t lda, const T *B, int64_t strideB, int64_t ldb,      \
                            T beta, T *C, int64_t strideC, int64_t ldc) {                                           \
    S##batch_ctx x = {transA, transB, M, N, K, strideA, lda, strideB, ldb, strideC, ldc, alpha, beta, A, B, C};    \
    if ((double)M * (double)N * (double)K < BATCH_SPLIT_WORK)                                                       \
      kd_parallel_for(batch, 1, S##batch_range, &x); /* the products inside run on their chunk's thread */          \
    else                                                                                                            \
      S##batch_range(&x, 0, batch);                                                                                 \
  }
DEFINE_BATCHED(s, float)
DEFINE_BATCHED(d, double)

/* ---- direct-convolution products ---- */

void kd_gemm_taps_tile(int dbl, int64_t *rows, int64_t *cols) {
  const kd_gemm_blocking *b = dbl ? &kernels->d : &kernels->s;
  *rows = b->mr;
  *cols = b->nr;
}

void kd_sgemm_taps_pack(int64_t M, int64_t K, const float *A, int64_t lda, float *dst) {
  kernels->spack(dst, A, 1, lda, K, M, kernels->s.mr, 0);
}

void kd_dgemm_taps_pack(int64_t M, int64_t K, const double *A, int64_t lda, double *dst) {
  kernels->dpack(dst, A, 1, lda, K, M, kernels->d.mr, 0);
}

/* Column tiles outermost: a tile's rows of B stay in the first-level cache while every panel of A passes them. */
#define DEFINE_TAPS(S, T)                                                                                            \
  void kd_##S##gemm_taps(int64_t M, int64_t N, int64_t K, const T *Ap, const T *b, const int64_t *taps, T *C,       \
                         int64_t ldc) {                                                                             \
    const int64_t mr = kernels->S.mr, nr = kernels->S.nr;                                                          \
    for (int64_t j = 0; j < N; j += nr)                                                                             \
      for (int64_t i = 0; i < M; i += mr)                                                                           \
        kernels->S##tile_taps(M - i < mr ? M - i : mr, N - j < nr ? N - j : nr, K, Ap + i * K, b + j, taps,         \
                              C + i * ldc + j, ldc);                                                                \
  }
DEFINE_TAPS(s, float)
DEFINE_TAPS(d, double)
#undef DEFINE_TAPS
