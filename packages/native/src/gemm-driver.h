/*
 * The GEMM driver for one element type, included by gemm.c once per type with
 *   T        the element type (float, double)
 *   S        its letter (s, d): the driver's functions are S_x, its kernel types kd_Stile_fn and the like
 *            (gemm-kernels.h), the type of a caller's packer of B kd_Spack_b_fn (kindling.h)
 * (C has no templates; this is the usual stand-in, kept to the code that really depends on the type.)
 *
 * Paths, chosen from the shape alone (never from the thread count, so that results do not depend on it):
 *   packed   the general GotoBLAS/BLIS loop nest: A and B packed into panels, register tiles over them (a
 *            block of one or two column panels reads A where it is instead);
 *   rowsB    few rows of C, B not transposed: B's rows are read in place (no packing of the big operand);
 *   colsA    few columns of C: the same with the roles swapped, C written through a small buffer;
 *   dot      few rows (B transposed) or few columns (A not transposed): dot products of contiguous rows.
 */

#define FN(x) KD_PASTE3(S, _, x)
#define TILE_FN KD_PASTE3(kd_, S, tile_fn)
#define TILE_DIRECT_FN KD_PASTE3(kd_, S, tile_direct_fn)
#define DOT_FN KD_PASTE3(kd_, S, dot_fn)
#define PACK_FN KD_PASTE3(kd_, S, pack_fn)
#define PACKB_FN KD_PASTE3(kd_, S, pack_b_fn)

typedef struct {
  gemm_path path;
  int transA, transB;
  int64_t M, N, K;
  T alpha, beta;
  const T *A;
  int64_t lda;
  const T *B;
  int64_t ldb;
  T *C;
  int64_t ldc;
  kd_gemm_blocking blk;
  int64_t kc;             /* depth of the K blocks: a function of K only */
  int64_t tm, tn;         /* the thread grid: tm x tn rectangles of C */
  int64_t sub;            /* row parts a thread's rectangle was cut into (plan_threads) */
  int64_t malign, nalign; /* rectangles start at multiples of these (whole tiles) */
  TILE_FN tile;
  TILE_DIRECT_FN tile_direct; /* the tile over op(A) where it is (a narrow block need not pack it) */
  DOT_FN dot;
  PACK_FN pack;
  PACKB_FN packB; /* the caller's packer of B (then B is NULL and the path is the packed one), or NULL */
  void *packB_ctx;
  atomic_int *scratchFailed; /* with packB: set when a thread found no scratch memory and skipped its block */
  unsigned long long id;     /* this product's number (products_run) */
} FN(gemm_ctx);

/* opA(i, p) and opB(p, j) as (pointer, step along p, step along the other index). */
static const T *FN(a_at)(const FN(gemm_ctx) * x, int64_t i, int64_t p, int64_t *rs, int64_t *cs) {
  *rs = x->transA ? x->lda : 1; /* along p */
  *cs = x->transA ? 1 : x->lda; /* along i */
  return x->transA ? x->A + p * x->lda + i : x->A + i * x->lda + p;
}

static const T *FN(b_at)(const FN(gemm_ctx) * x, int64_t p, int64_t j, int64_t *rs, int64_t *cs) {
  *rs = x->transB ? 1 : x->ldb; /* along p */
  *cs = x->transB ? x->ldb : 1; /* along j */
  return x->transB ? x->B + j * x->ldb + p : x->B + p * x->ldb + j;
}

/* The beta of the K block at pc: the caller's for the first; later blocks add to what the first one stored. */
static inline T FN(beta_at)(const FN(gemm_ctx) * x, int64_t pc) { return pc == 0 ? x->beta : 1; }

/* This thread's scratch for two packed pieces, `a` elements (slot A) and `b` (slot B): 0 if none. */
static int FN(scratch_ab)(int64_t a, int64_t b, T **pa, T **pb) {
  *pa = kd_thread_scratch(KD_SCRATCH_GEMM_A, (size_t)a * sizeof(T));
  *pb = kd_thread_scratch(KD_SCRATCH_GEMM_B, (size_t)b * sizeof(T));
  return *pa != NULL && *pb != NULL;
}

/* C = alpha * tile^T + beta * C for a tile stored t[j*ldt + i] (i < m rows of C, j < n columns). */
static void FN(merge_transposed)(int64_t m, int64_t n, const T *t, int64_t ldt, T *c, int64_t ldc, T alpha, T beta) {
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      T v = t[j * ldt + i];
      c[i * ldc + j] = beta != 0 ? alpha * v + beta * c[i * ldc + j] : alpha * v;
    }
}

/* C = beta * C, beta == 0 not reading C: the whole product when alpha == 0 or K == 0. */
static void FN(scale)(int64_t M, int64_t N, T beta, T *C, int64_t ldc) {
  for (int64_t i = 0; i < M; i++)
    for (int64_t j = 0; j < N; j++) C[i * ldc + j] = beta != 0 ? beta * C[i * ldc + j] : 0;
}

/* The plain loops, for a rectangle of C: only when scratch memory could not be had. */
static void FN(naive)(const FN(gemm_ctx) * x, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  for (int64_t i = m0; i < m1; i++)
    for (int64_t j = n0; j < n1; j++) {
      T acc = 0;
      for (int64_t p = 0; p < x->K; p++) {
        int64_t ars, acs, brs, bcs;
        acc += *FN(a_at)(x, i, p, &ars, &acs) * *FN(b_at)(x, p, j, &brs, &bcs);
      }
      T *c = x->C + i * x->ldc + j;
      *c = x->beta != 0 ? x->alpha * acc + x->beta * *c : x->alpha * acc;
    }
}

/*
 * Which product's op(B) columns from n0 this thread's scratch (slot B) holds packed whole, if any. A product
 * asks the same scratch size for each of a column part's items, so the packed blocks stay where they are.
 */
static _Thread_local struct {
  unsigned long long id;
  int64_t n0;
} FN(packed_b);

/* Packs op(B)'s block at (pc, jc), kc x nc, into dst as panels of nr columns. */
static void FN(pack_b_block)(const FN(gemm_ctx) * x, T *dst, int64_t pc, int64_t kc, int64_t jc, int64_t nc) {
  if (x->packB != NULL) {
    x->packB(x->packB_ctx, dst, pc, kc, jc, nc, x->blk.nr);
  } else {
    int64_t rs, cs;
    const T *bsrc = FN(b_at)(x, pc, jc, &rs, &cs);
    x->pack(dst, bsrc, rs, cs, kc, nc, x->blk.nr, 1);
  }
}

/* The packed path on C[m0..m1) x [n0..n1), with this thread's buffers. */
static void FN(packed_block)(const FN(gemm_ctx) * x, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  const int64_t MR = x->blk.mr, NR = x->blk.nr, KC = x->kc;
  /* Blocks of near-equal size, whole tiles: 1024 rows as 2 x 512, not 1008 + 16. */
  const int64_t MC = round_up(balanced_block(m1 - m0, x->blk.mc), MR);
  const int64_t NC = round_up(balanced_block(n1 - n0, x->blk.nc), NR);
  /*
   * Where a thread may use op(B)'s columns [n0, n1) again (more than one block of rows here, or more row parts of
   * these columns), and up to WHOLE_B_BYTES, they are packed whole, block (pc, jc) at (jc - n0)·K + pc·(its
   * width): once for all of C's rows here, and once for all the parts a thread runs over these columns.
   * Otherwise each block is packed where the last one was, still in cache: packing into a whole op(B) used once,
   * a 64 x 3136 x 576 product took up to 1.1x as long on one thread (Zen 3).
   */
  const int64_t width = round_up(n1 - n0, NR);
  const int whole =
      (m1 - m0 > MC || x->sub > 1) && (double)x->K * (double)width * sizeof(T) <= WHOLE_B_BYTES;
  T *ap, *bp;
  if (!FN(scratch_ab)(MC * KC, whole ? width * x->K : NC * KC, &ap, &bp)) {
    if (x->packB != NULL) /* no B to read element by element: the caller falls back to building it */
      atomic_store(x->scratchFailed, 1);
    else
      FN(naive)(x, m0, m1, n0, n1);
    return;
  }
  /*
   * A block of at most blk.direct_a column panels (direct_at when A is transposed) reads op(A) where it is
   * (gemm.c): such are a convolution's products over a small image, whose weights are the large operand
   * (ResNet-18's last layers: 512 x 4608 weights against 49 columns, or their transpose for the input's gradient).
   */
  const int directA = n1 - n0 <= (x->transA ? x->blk.direct_at : x->blk.direct_a) * NR;
  int packed = whole && FN(packed_b).id == x->id && FN(packed_b).n0 == n0;
  for (int64_t ic = m0; ic < m1; ic += MC) {
    int64_t mc = piece(ic, m1, MC);
    for (int64_t pc = 0; pc < x->K; pc += KC) {
      int64_t kc = piece(pc, x->K, KC), rs, cs;
      T beta = FN(beta_at)(x, pc);
      const T *asrc = FN(a_at)(x, ic, pc, &rs, &cs);
      const int64_t ars = cs, acs = rs; /* op(A)(i, p) is asrc[i * ars + p * acs] (b_at below reuses rs and cs) */
      /* op(A)'s rows as panels of mr (the last one as tall as it is), each laid out k-major: A^T's columns. */
      if (!directA) x->pack(ap, asrc, rs, cs, kc, mc, MR, 0);
      for (int64_t jc = n0; jc < n1; jc += NC) {
        int64_t nc = piece(jc, n1, NC);
        T *b = whole ? bp + (jc - n0) * x->K + pc * round_up(nc, NR) : bp;
        if (!packed) FN(pack_b_block)(x, b, pc, kc, jc, nc);
        for (int64_t ir = 0; ir < mc; ir += MR) {
          int64_t rows = piece(ir, mc, MR);
          T *c = x->C + (ic + ir) * x->ldc + jc;
          for (int64_t jr = 0; jr < nc; jr += NR) {
            int64_t cols = piece(jr, nc, NR);
            if (directA)
              x->tile_direct(rows, cols, kc, asrc + ir * ars, ars, acs, b + jr * kc, NR, c + jr, x->ldc, x->alpha,
                             beta);
            else
              x->tile(rows, cols, kc, ap + ir * kc, b + jr * kc, NR, c + jr, x->ldc, x->alpha, beta);
          }
        }
      }
    }
    if (whole) { /* every block is packed now */
      packed = 1;
      FN(packed_b).id = x->id, FN(packed_b).n0 = n0;
    }
  }
}

/*
 * Few rows of C (M <= mr), B not transposed: op(A) is one packed panel; the tiles read B's rows in place, a
 * packed copy only for the last, partial, strip of columns (a tile reads nr columns).
 */
static void FN(rowsB_block)(const FN(gemm_ctx) * x, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  (void)m0;
  (void)m1;
  const int64_t NR = x->blk.nr, KC = x->kc, M = x->M;
  T *ap, *bp;
  if (!FN(scratch_ab)(M * KC, NR * KC, &ap, &bp)) {
    FN(naive)(x, 0, M, n0, n1);
    return;
  }
  for (int64_t pc = 0; pc < x->K; pc += KC) {
    int64_t kc = piece(pc, x->K, KC), rs, cs;
    T beta = FN(beta_at)(x, pc);
    const T *src = FN(a_at)(x, 0, pc, &rs, &cs);
    x->pack(ap, src, rs, cs, kc, M, M, 0);
    int64_t j = n0;
    for (; j + NR <= n1; j += NR)
      x->tile(M, NR, kc, ap, x->B + pc * x->ldb + j, x->ldb, x->C + j, x->ldc, x->alpha, beta);
    if (j < n1) {
      x->pack(bp, x->B + pc * x->ldb + j, x->ldb, 1, kc, n1 - j, NR, 1);
      x->tile(M, n1 - j, kc, ap, bp, NR, x->C + j, x->ldc, x->alpha, beta);
    }
  }
}

/*
 * Few columns of C (N <= mr): C^T = op(B)^T op(A)^T, with op(B)^T as one packed panel of N rows and op(A)^T
 * read in strips of nr of C's rows: A's own rows when A is transposed (in place), else packed strips. The
 * tiles compute C^T strips into a small buffer, merged into C transposed.
 */
static void FN(colsA_block)(const FN(gemm_ctx) * x, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  (void)n0;
  (void)n1;
  const int64_t NR = x->blk.nr, KC = x->kc, N = x->N;
  T *bt, *ap;
  int have = FN(scratch_ab)(N * KC, NR * KC, &bt, &ap);
  T *ct = kd_thread_scratch(KD_SCRATCH_GEMM_C, (size_t)N * NR * sizeof(T));
  if (!have || ct == NULL) {
    FN(naive)(x, m0, m1, 0, N);
    return;
  }
  for (int64_t pc = 0; pc < x->K; pc += KC) {
    int64_t kc = piece(pc, x->K, KC), rs, cs;
    T beta = FN(beta_at)(x, pc);
    /* op(B)^T as one panel: element (p, j) of op(B) is its row j, step p. */
    const T *src = FN(b_at)(x, pc, 0, &rs, &cs);
    x->pack(bt, src, rs, cs, kc, N, N, 0);
    for (int64_t i = m0; i < m1; i += NR) {
      int64_t cols = piece(i, m1, NR);
      const T *at = FN(a_at)(x, i, pc, &rs, &cs);
      if (cols == NR && cs == 1) {
        x->tile(N, NR, kc, bt, at, rs, ct, NR, 1, 0);
      } else {
        x->pack(ap, at, rs, cs, kc, cols, NR, 1);
        x->tile(N, cols, kc, bt, ap, NR, ct, NR, 1, 0);
      }
      FN(merge_transposed)(cols, N, ct, NR, x->C + i * x->ldc, x->ldc, x->alpha, beta);
    }
  }
}

/*
 * Dot products. rows: C[i][j] = opA row i . B row j (B transposed), over a range of j.
 * cols: C[i][j] = op(B) column j . A row i (A not transposed), over a range of i.
 * The short operand is packed into contiguous rows when it is not already.
 */
static void FN(dot_block)(const FN(gemm_ctx) * x, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  int rows = x->path == PATH_DOT_ROWS;
  int64_t nshort = rows ? x->M : x->N, K = x->K;
  const T *s = rows ? x->A : x->B;
  int64_t lds = rows ? x->lda : x->ldb;
  if (rows ? x->transA : !x->transB) {
    T *sp = kd_thread_scratch(KD_SCRATCH_GEMM_A, (size_t)nshort * K * sizeof(T));
    if (sp == NULL) {
      FN(naive)(x, m0, m1, n0, n1);
      return;
    }
    int64_t rs, cs;
    const T *src = rows ? FN(a_at)(x, 0, 0, &rs, &cs) : FN(b_at)(x, 0, 0, &rs, &cs);
    /* Short row r, step p is at src[p*rs + r*cs]: packing with the two indices swapped gives sp[r*K + p]. */
    x->pack(sp, src, cs, rs, nshort, K, K, 0);
    s = sp;
    lds = K;
  }
  for (int64_t r = 0; r < nshort; r += KD_DOT_MAX_M) {
    int64_t mb = nshort - r < KD_DOT_MAX_M ? nshort - r : KD_DOT_MAX_M;
    if (rows)
      x->dot(mb, n1 - n0, K, s + r * lds, lds, x->B + n0 * x->ldb, x->ldb, x->C + r * x->ldc + n0, x->ldc, 1, x->alpha,
             x->beta);
    else
      x->dot(mb, m1 - m0, K, s + r * lds, lds, x->A + m0 * x->lda, x->lda, x->C + m0 * x->ldc + r, 1, x->ldc, x->alpha,
             x->beta);
  }
}

/*
 * Rectangles of C: item = (row part, column part) of the tm x tn grid, row by row, so that threads taking items in
 * turn each keep to one column part (and the op(B) they packed for it) until one of them falls behind.
 */
static void FN(run_items)(void *ctx, int64_t begin, int64_t end) {
  const FN(gemm_ctx) *x = ctx;
  for (int64_t item = begin; item < end; item++) {
    int64_t im = item / x->tn, in = item % x->tn;
    int64_t mu = (x->M + x->malign - 1) / x->malign, nu = (x->N + x->nalign - 1) / x->nalign;
    int64_t m0 = mu * im / x->tm * x->malign, m1 = mu * (im + 1) / x->tm * x->malign;
    int64_t n0 = nu * in / x->tn * x->nalign, n1 = nu * (in + 1) / x->tn * x->nalign;
    if (m1 > x->M) m1 = x->M;
    if (n1 > x->N) n1 = x->N;
    if (m0 >= m1 || n0 >= n1) continue;
    switch (x->path) {
      case PATH_PACKED: FN(packed_block)(x, m0, m1, n0, n1); break;
      case PATH_ROWS_B: FN(rowsB_block)(x, m0, m1, n0, n1); break;
      case PATH_COLS_A: FN(colsA_block)(x, m0, m1, n0, n1); break;
      case PATH_DOT_ROWS:
      case PATH_DOT_COLS: FN(dot_block)(x, m0, m1, n0, n1); break;
    }
  }
}

/* Runs a set-up call (path chosen): the depth blocking, the threads' grid of C, and the rectangles on the pool. */
static void FN(run)(FN(gemm_ctx) * x) {
  x->kc = balanced_block(x->K, x->blk.kc);
  plan_threads(x->path, x->transA, x->transB, x->M, x->N, x->K, &x->blk, &x->malign, &x->nalign, &x->tm, &x->tn,
               &x->sub);
  x->id = atomic_fetch_add(&products_run, 1) + 1;
  kd_parallel_for_each(x->tm * x->tn, FN(run_items), x);
}

static void FN(gemm_run)(int transA, int transB, int64_t M, int64_t N, int64_t K, T alpha, const T *A, int64_t lda,
                         const T *B, int64_t ldb, T beta, T *C, int64_t ldc, const kd_gemm_blocking *blk, TILE_FN tile,
                         TILE_DIRECT_FN tile_direct, DOT_FN dot, PACK_FN pack) {
  if (M <= 0 || N <= 0) return;
  if (alpha == 0 || K <= 0) {
    FN(scale)(M, N, beta, C, ldc);
    return;
  }
  FN(gemm_ctx) x = {.transA = transA, .transB = transB, .M = M, .N = N, .K = K, .alpha = alpha, .beta = beta,
                    .A = A, .lda = lda, .B = B, .ldb = ldb, .C = C, .ldc = ldc, .blk = *blk,
                    .tile = tile, .tile_direct = tile_direct, .dot = dot, .pack = pack};
  x.path = choose_path(transA, transB, M, N, K, blk);
  FN(run)(&x);
}

/* kd_sgemm_packed_b / kd_dgemm_packed_b (kindling.h): C = A B with B packed by the caller. */
static int FN(gemm_run_packed_b)(int64_t M, int64_t N, int64_t K, const T *A, int64_t lda, PACKB_FN packB, void *ctx,
                                 T *C, int64_t ldc, const kd_gemm_blocking *blk, TILE_FN tile,
                                 TILE_DIRECT_FN tile_direct, PACK_FN pack) {
  if (M <= 0 || N <= 0 || K <= 0 || choose_path(0, 0, M, N, K, blk) != PATH_PACKED) return 0;
  atomic_int failed;
  atomic_init(&failed, 0);
  FN(gemm_ctx) x = {.path = PATH_PACKED, .M = M, .N = N, .K = K, .alpha = 1, .beta = 0, .A = A, .lda = lda,
                    .C = C, .ldc = ldc, .blk = *blk, .tile = tile, .tile_direct = tile_direct, .pack = pack,
                    .packB = packB, .packB_ctx = ctx, .scratchFailed = &failed};
  FN(run)(&x);
  return !atomic_load(&failed);
}

#undef T
#undef S
#undef FN
#undef TILE_FN
#undef TILE_DIRECT_FN
#undef DOT_FN
#undef PACK_FN
#undef PACKB_FN
