/*
 * The convolution kernels for one element type; conv.c includes this once per type with T (the element type),
 * SFX (the name suffix), GEMM (kd_sgemm or kd_dgemm), GEMM_PACKED_B (kd_sgemm_packed_b or kd_dgemm_packed_b),
 * GEMM_TAPS and GEMM_TAPS_PACK (kd_sgemm_taps, kd_sgemm_taps_pack or their float64 twins) defined. See conv.c for
 * the design.
 */
#define CV_CAT2(a, b) a##_##b
#define CV_CAT(a, b) CV_CAT2(a, b)
#define CV(name) CV_CAT(name, SFX)

#include "conv-lower.h"

/* ---- the three products ---- */

/*
 * A call's plan: images per GEMM (nbMax), whether the input is its own column matrix, and the parts the batch
 * is split into (1: none, the GEMMs share the threads; else one part per thread, each running its images with
 * serial GEMMs into its own scratch). Scratch: per part a column matrix (unless direct) and a staging buffer
 * (chunks of several images), and one offset table (small outputs).
 */
typedef struct {
  int64_t K, nbMax, parts, colsN, bufN;
  int direct;
  T *scratch;
  int32_t *offs;
} CV(plan);

static int CV(plan_make)(CV(plan) *pl, const kd_conv_geometry *g, int64_t target, int64_t parts) {
  const int64_t ohw = g->OH * g->OW, Og = g->O / g->groups;
  pl->K = g->C / g->groups * g->kh * g->kw;
  pl->parts = parts;
  pl->nbMax = chunk_images(g, pl->K, target, (g->N + parts - 1) / parts);
  pl->direct = reads_input_directly(g, pl->nbMax);
  pl->colsN = pl->direct ? 0 : pl->K * pl->nbMax * ohw;
  pl->bufN = pl->nbMax > 1 ? Og * pl->nbMax * ohw : 0;
  pl->scratch = NULL;
  pl->offs = NULL;
  if (pl->colsN + pl->bufN > 0) {
    pl->scratch = kd_thread_scratch(KD_SCRATCH_CONV_COLUMNS, (size_t)((pl->colsN + pl->bufN) * parts) * sizeof(T));
    if (pl->scratch == NULL) return 0;
  }
  if (!pl->direct && uses_offsets(g, pl->K)) {
    pl->offs = build_offsets(g, pl->K);
    if (pl->offs == NULL) return 0;
  }
  return 1;
}

/* Part p's column matrix and staging buffer. */
static T *CV(part_cols)(const CV(plan) *pl, int64_t p) { return pl->scratch == NULL ? NULL : pl->scratch + p * (pl->colsN + pl->bufN); }
static T *CV(part_buf)(const CV(plan) *pl, int64_t p) { return pl->scratch == NULL ? NULL : pl->scratch + p * (pl->colsN + pl->bufN) + pl->colsN; }

/* The input of images [n0, n0 + nb), group grp, as a K x nb*ohw matrix: read in place, or written to cols by im2col. */
static const T *CV(x_chunk)(const kd_conv_geometry *g, const CV(plan) *pl, const T *x, T *cols, int64_t n0, int64_t nb,
                            int64_t grp) {
  if (pl->direct) return x + (n0 * g->C + grp * (g->C / g->groups)) * g->H * g->W;
  CV(im2col)(g, x, n0, nb, grp, pl->K, cols, nb * g->OH * g->OW, pl->offs);
  return cols;
}

/* out for images [nBegin, nEnd). */
static void CV(forward_range)(const kd_conv_geometry *g, const CV(plan) *pl, const T *x, const T *w, const T *bias, T *out,
                              int64_t nBegin, int64_t nEnd, T *cols, T *buf) {
  const int64_t C = g->C, O = g->O, groups = g->groups, Cg = C / groups, Og = O / groups, K = pl->K;
  const int64_t ohw = g->OH * g->OW, HW = g->H * g->W, nbMax = pl->nbMax;
  /*
   * One image at a time on several threads: the GEMM packs the input itself (kd_sgemm_packed_b) instead of
   * reading a column matrix that im2col wrote first. Writing that matrix is bound by memory bandwidth, so it took
   * as long on two threads as on one; packed straight from the input, a 64-channel 56x56 3x3 convolution took
   * 0.80-0.83 ms on two threads instead of 0.93-1.07 ms. On one thread, and for chunks of several images, the
   * column matrix measured faster; so it did for small images (CONV_PACK_FROM_INPUT_MIN_PIXELS).
   */
  const int packFromInput = nbMax == 1 && pl->parts == 1 && !pl->direct && pl->offs == NULL &&
                            ohw >= CONV_PACK_FROM_INPUT_MIN_PIXELS && kd_get_num_threads() > 1;
  for (int64_t n0 = nBegin; n0 < nEnd; n0 += nbMax) {
    const int64_t nb = nEnd - n0 < nbMax ? nEnd - n0 : nbMax, ld = nb * ohw;
    for (int64_t grp = 0; grp < groups; grp++) {
      const T *wg = w + grp * Og * K;
      T *C0 = nbMax == 1 ? out + (n0 * O + grp * Og) * ohw : buf;
      CV(pack_b_ctx) pb = {g, x + (n0 * C + grp * Cg) * HW};
      if (!(packFromInput && GEMM_PACKED_B(Og, ld, K, wg, K, CV(pack_b), &pb, C0, ld))) {
        const T *B = CV(x_chunk)(g, pl, x, cols, n0, nb, grp);
        GEMM(0, 0, Og, ld, K, 1, wg, K, B, ld, 0, C0, ld);
      }
      if (nbMax == 1) {
        if (bias != NULL) {
          CV(rows_ctx) c = {C0, bias + grp * Og, ohw, Og};
          kd_parallel_for(Og, kd_grain_for(ohw), CV(bias_body), &c);
        }
      } else {
        CV(stage)(g, out, buf, bias, n0, nb, grp, 0);
      }
    }
  }
}

/* The output gradient of images [n0, n0 + nb), group grp, as an Og x nb*ohw matrix: staged, or in place for one image. */
static const T *CV(gy_chunk)(const kd_conv_geometry *g, int64_t nbMax, const T *gy, T *buf, int64_t n0, int64_t nb,
                             int64_t grp) {
  if (nbMax == 1) return gy + (n0 * g->O + grp * (g->O / g->groups)) * g->OH * g->OW;
  CV(stage)(g, (T *)gy, buf, NULL, n0, nb, grp, 1);
  return buf;
}

/* gx for images [nBegin, nEnd). */
static void CV(input_range)(const kd_conv_geometry *g, const CV(plan) *pl, const T *gy, const T *w, T *gx, int64_t nBegin,
                            int64_t nEnd, T *cols, T *buf) {
  const int64_t C = g->C, O = g->O, groups = g->groups, Cg = C / groups, Og = O / groups, K = pl->K;
  const int64_t ohw = g->OH * g->OW, HW = g->H * g->W, nbMax = pl->nbMax;
  for (int64_t n0 = nBegin; n0 < nEnd; n0 += nbMax) {
    const int64_t nb = nEnd - n0 < nbMax ? nEnd - n0 : nbMax, ld = nb * ohw;
    for (int64_t grp = 0; grp < groups; grp++) {
      const T *B = CV(gy_chunk)(g, nbMax, gy, buf, n0, nb, grp);
      T *Cm = pl->direct ? gx + (n0 * C + grp * Cg) * HW : cols;
      GEMM(1, 0, K, ld, Og, 1, w + grp * Og * K, K, B, ld, 0, Cm, ld);
      if (!pl->direct) CV(col2im)(g, cols, ld, n0, nb, grp, gx, pl->offs);
    }
  }
}

/* gw (written, not accumulated into) for images [nBegin, nEnd), the chunks summed in batch order. */
static void CV(weight_range)(const kd_conv_geometry *g, const CV(plan) *pl, const T *x, const T *gy, T *gw, int64_t nBegin,
                             int64_t nEnd, T *cols, T *buf) {
  const int64_t groups = g->groups, Og = g->O / groups, K = pl->K, ohw = g->OH * g->OW, nbMax = pl->nbMax;
  for (int64_t n0 = nBegin; n0 < nEnd; n0 += nbMax) {
    const int64_t nb = nEnd - n0 < nbMax ? nEnd - n0 : nbMax, ld = nb * ohw;
    for (int64_t grp = 0; grp < groups; grp++) {
      const T *B = CV(x_chunk)(g, pl, x, cols, n0, nb, grp);
      const T *A = CV(gy_chunk)(g, nbMax, gy, buf, n0, nb, grp);
      GEMM(0, 1, Og, K, ld, 1, A, ld, B, ld, n0 == nBegin ? 0 : 1, gw + grp * Og * K, K);
    }
  }
}

/* One part of a batch split: images [N*p/parts, N*(p+1)/parts). The weight gradient's part p > 0 writes partial p-1. */
typedef struct {
  const kd_conv_geometry *g;
  const CV(plan) *pl;
  int op;
  const T *a, *b, *bias; /* forward: x, w; input: gy, w; weight: x, gy */
  T *out, *partials;
} CV(split_ctx);

static void CV(split_body)(void *p, int64_t begin, int64_t end) {
  const CV(split_ctx) *c = p;
  const int64_t N = c->g->N, parts = c->pl->parts;
  for (int64_t part = begin; part < end; part++) {
    const int64_t n0 = N * part / parts, n1 = N * (part + 1) / parts;
    T *cols = CV(part_cols)(c->pl, part), *buf = CV(part_buf)(c->pl, part);
    if (c->op == OP_FORWARD) {
      CV(forward_range)(c->g, c->pl, c->a, c->b, c->bias, c->out, n0, n1, cols, buf);
    } else if (c->op == OP_INPUT) {
      CV(input_range)(c->g, c->pl, c->a, c->b, c->out, n0, n1, cols, buf);
    } else {
      T *target = part == 0 ? c->out : c->partials + (part - 1) * c->g->O * c->pl->K;
      CV(weight_range)(c->g, c->pl, c->a, c->b, target, n0, n1, cols, buf);
    }
  }
}

/*
 * Runs the parts, one per kd_parallel_for index (parts <= threads, so each is a chunk of its own). A single part
 * runs here, outside kd_parallel_for, whose chunks run nested parallel loops serially: its GEMMs keep the threads.
 */
static void CV(run_parts)(const CV(split_ctx) *c) {
  if (c->pl->parts == 1) CV(split_body)((void *)c, 0, 1);
  else kd_parallel_for(c->pl->parts, 1, CV(split_body), (void *)c);
}

/* gw += partials 1, 2, ... in that order, element by element. */
typedef struct {
  T *gw;
  const T *partials;
  int64_t parts, n;
} CV(reduce_ctx);

KD_VECTOR_CLONES static void CV(reduce_body)(void *p, int64_t begin, int64_t end) {
  const CV(reduce_ctx) *c = p;
  for (int64_t i = begin; i < end; i++) {
    T s = c->gw[i];
    for (int64_t q = 0; q + 1 < c->parts; q++) s += c->partials[q * c->n + i];
    c->gw[i] = s;
  }
}

#include "conv-taps.h"

int CV(kd_conv2d_forward)(const T *x, const T *w, const T *bias, const kd_conv_geometry *g, T *out) {
  const int64_t N = g->N, O = g->O, K = g->C / g->groups * g->kh * g->kw, ohw = g->OH * g->OW;
  if (N == 0 || O == 0 || ohw == 0) return 0;
  if (K == 0) { /* no input channels: the bias alone */
    CV(rows_ctx) c = {out, bias, ohw, O};
    kd_parallel_for(N * O, kd_grain_for(ohw), CV(fill_body), &c);
    return 0;
  }
  if (uses_taps(g, K, sizeof(T) == sizeof(double))) return CV(forward_taps)(g, x, w, bias, out);
  CV(plan) pl;
  if (!CV(plan_make)(&pl, g, TARGET_COLUMNS, split_parts(g, K, TARGET_COLUMNS, OP_FORWARD))) return -1;
  CV(split_ctx) c = {g, &pl, OP_FORWARD, x, w, bias, out, NULL};
  CV(run_parts)(&c);
  return 0;
}

int CV(kd_conv2d_backward_input)(const T *gy, const T *w, const kd_conv_geometry *g, T *gx) {
  const int64_t N = g->N, C = g->C, K = C / g->groups * g->kh * g->kw, ohw = g->OH * g->OW, HW = g->H * g->W;
  if (N == 0 || C == 0 || HW == 0) return 0;
  if (ohw == 0 || g->O == 0) { /* nothing flows back */
    CV(rows_ctx) c = {gx, NULL, HW, 1};
    kd_parallel_for(N * C, kd_grain_for(HW), CV(fill_body), &c);
    return 0;
  }
  CV(plan) pl;
  if (!CV(plan_make)(&pl, g, TARGET_COLUMNS, split_parts(g, K, TARGET_COLUMNS, OP_INPUT))) return -1;
  CV(split_ctx) c = {g, &pl, OP_INPUT, gy, w, NULL, gx, NULL};
  CV(run_parts)(&c);
  return 0;
}

int CV(kd_conv2d_backward_weight)(const T *x, const T *gy, const kd_conv_geometry *g, T *gw) {
  const int64_t N = g->N, O = g->O, K = g->C / g->groups * g->kh * g->kw, ohw = g->OH * g->OW;
  if (O == 0 || K == 0) return 0;
  if (N == 0 || ohw == 0) {
    CV(rows_ctx) c = {gw, NULL, K, 1};
    kd_parallel_for(O, kd_grain_for(K), CV(fill_body), &c);
    return 0;
  }
  CV(plan) pl;
  if (!CV(plan_make)(&pl, g, TARGET_COLUMNS_WEIGHT, split_parts(g, K, TARGET_COLUMNS_WEIGHT, OP_WEIGHT))) return -1;
  CV(split_ctx) c = {g, &pl, OP_WEIGHT, x, gy, NULL, gw, NULL};
  if (pl.parts > 1) {
    c.partials = kd_thread_scratch(KD_SCRATCH_CONV_PARTIALS, (size_t)((pl.parts - 1) * O * K) * sizeof(T));
    if (c.partials == NULL) return -1;
  }
  CV(run_parts)(&c);
  if (pl.parts > 1) {
    CV(reduce_ctx) r = {gw, c.partials, pl.parts, O * K};
    kd_parallel_for(O * K, KD_PARALLEL_GRAIN, CV(reduce_body), &r);
  }
  return 0;
}

#undef CV
#undef CV_CAT
#undef CV_CAT2
