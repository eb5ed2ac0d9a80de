/*
 * 2-D convolution as im2col + GEMM per group, over chunks of the batch (the design of the TypeScript kernels in
 * packages/core/src/kernels/conv.ts, whose layouts and column order this follows).
 *
 *  - Forward: the column matrix of a chunk of nb images and one group (K = Cg*kh*kw rows, nb*OH*OW columns,
 *    image j's block at columns [j*OH*OW, (j+1)*OH*OW)) is built by im2col, then out = W_g * cols. A chunk of
 *    one image writes the output in place (bias added after); a wider chunk goes through an Og x nb*OH*OW buffer
 *    that is unstaged with the bias. Chunks keep GEMMs at least TARGET_COLUMNS wide when images are small.
 *    On several threads a one-image chunk skips the column matrix: kd_sgemm_packed_b's packer gathers its values
 *    from the input straight into the GEMM's panels (the same values and sums, so the same bits).
 *  - Input gradient: cols = W_g^T * gy, then col2im adds the columns back into zeroed planes of gx.
 *  - Weight gradient: gw_g = gy * cols^T per chunk, accumulated over the chunks in batch order (beta = 1 after
 *    the first).
 *  - Batch split: when the GEMMs are too small to share among threads (split_parts), the batch is split into
 *    one part per thread instead, each running its images with serial GEMMs and its own scratch; for the weight
 *    gradient each part sums into its own partial, and the partials are added in part order.
 *  - Direct forward (conv-taps.h, when uses_taps): no column matrix; the GEMM's tile runs over each kernel tap's
 *    rows of a padded, stride-phased copy of the input (the same sums, so the same bits).
 *  - A 1x1 kernel with stride 1 and no padding, one image per chunk, reads (writes) the input (its gradient) as
 *    its own column matrix. Small outputs (<= SMALL_OUTPUT pixels per image) build and scatter the column
 *    matrix through a table of input offsets; stride-1 rows whose output is as wide as the input are one copy.
 *
 * Threads: the GEMMs are multi-threaded by kd_sgemm/kd_dgemm; im2col, col2im, staging and bias run on
 * kd_parallel_for over disjoint rows/planes, outside any GEMM (a GEMM runs inside a parallel chunk only in the
 * batch split, where serial GEMMs are the point). Every parallel body writes a disjoint part of its output in a
 * fixed order, and the chunking and the split depend on the geometry and the thread count only, so results are
 * bit-identical run to run for a given thread count.
 *
 * Scratch (column matrices, staging buffers, offset table, partials) is the calling thread's (kd_thread_scratch),
 * kept from call to call; when it cannot be had, a kernel returns -1 before writing anything.
 */
#include "conv-kernels.h"

#include <stdlib.h>
#include <string.h>

#include "kindling.h"

/*
 * The output pixels an image needs before a one-image forward on several threads packs the GEMM's panels straight
 * from the input (conv-lower.h). Below, the GEMM's grid cuts the rows (the weights), each thread then packs every
 * column, and gathering them from the input twice cost more than writing the column matrix once. Measured on a
 * Zen 3 core pair in alternating turns, packing from the input against the column matrix: 56x56 outputs
 * (64 channels) 0.95-0.96x the time, 28x28 (128) 0.98-1.04x, 14x14 (256 -> 256, 128 -> 256 from 28 by stride 2)
 * 1.08-1.14x, 7x7 (512) 1.10-1.11x.
 */
#define CONV_PACK_FROM_INPUT_MIN_PIXELS 1024

/* GEMMs narrower than this many columns take several batch elements at once. */
#define TARGET_COLUMNS 2048
/* The weight gradient's GEMM reduces over the columns: wider chunks mean fewer, longer reductions. */
#define TARGET_COLUMNS_WEIGHT 2048

/* Outputs o in [lo, hi) whose input position o*stride + off lies in [0, size); lo <= hi <= out. */
static void valid_range(int64_t off, int64_t stride, int64_t size, int64_t out, int64_t *lo, int64_t *hi) {
  int64_t l = kd_ceil_div(-off, stride);
  if (l < 0) l = 0;
  if (l > out) l = out;
  int64_t h = kd_ceil_div(size - off, stride);
  if (h < l) h = l;
  if (h > out) h = out;
  *lo = l;
  *hi = h;
}

/* Batch elements per GEMM: enough for `target` columns, within the column budget and maxImages, at least 1. */
static int64_t chunk_images(const kd_conv_geometry *g, int64_t K, int64_t target, int64_t maxImages) {
  const int64_t ohw = g->OH * g->OW;
  if (ohw <= 0) return 1;
  int64_t nb = (target + ohw - 1) / ohw;
  const int64_t perImage = K * ohw > ohw ? K * ohw : ohw;
  const int64_t byBudget = KD_CONV_COLUMN_BUDGET / perImage;
  if (nb > byBudget) nb = byBudget;
  if (nb > maxImages) nb = maxImages;
  return nb < 1 ? 1 : nb;
}

/*
 * Small outputs (a few pixels per image, as in the deep layers of a ResNet on small images) make the row loops
 * of im2col/col2im mostly overhead; they go through a table instead: for each column-matrix entry (r, k), the
 * input offset it reads within one image's group of channels (ch*H*W + ih*W + iw), or -1 in the padding.
 */
#define SMALL_OUTPUT 16
#define OFFSETS_MAX ((int64_t)1 << 22)

static int uses_offsets(const kd_conv_geometry *g, int64_t K) {
  const int64_t ohw = g->OH * g->OW, Cg = g->C / g->groups;
  return ohw <= SMALL_OUTPUT && K * ohw <= OFFSETS_MAX && Cg * g->H * g->W < INT32_MAX;
}

static int32_t *build_offsets(const kd_conv_geometry *g, int64_t K) {
  const int64_t OH = g->OH, OW = g->OW, ohw = OH * OW, khw = g->kh * g->kw, HW = g->H * g->W;
  int32_t *t = kd_thread_scratch(KD_SCRATCH_CONV_OFFSETS, (size_t)(K * ohw) * sizeof(int32_t));
  if (t == NULL) return NULL;
  for (int64_t r = 0; r < K; r++) {
    const int64_t ch = r / khw, rem = r % khw, i = rem / g->kw, jj = rem % g->kw;
    int32_t *row = t + r * ohw;
    for (int64_t oh = 0; oh < OH; oh++) {
      const int64_t ih = oh * g->sh + i * g->dh - g->ph;
      for (int64_t ow = 0; ow < OW; ow++) {
        const int64_t iw = ow * g->sw + jj * g->dw - g->pw;
        row[oh * OW + ow] = ih >= 0 && ih < g->H && iw >= 0 && iw < g->W ? (int32_t)(ch * HW + ih * g->W + iw) : -1;
      }
    }
  }
  return t;
}

/* The product a batch-split part computes. */
enum { OP_FORWARD, OP_INPUT, OP_WEIGHT };

/*
 * Parts the batch is split into (1: none). Parallel GEMMs need enough work per call to share among threads;
 * when each GEMM of a call is not large the batch is split into one part per thread instead, each running its
 * images with serial GEMMs: one fork-join for im2col, GEMM and staging together, and each part's columns stay in
 * its core's cache. (Measured on ResNet-18's layers at batch 16, 2 threads: the split runs them 1.5-2.3x faster
 * than parallel GEMMs up to 256 MFLOP per chunk; at 16 MFLOP, the old threshold, the shallow layers did not
 * scale at all.) The weight gradient splits when the weight is small, whatever the GEMM size: its GEMM shares out
 * blocks of the weight, and there are too few; a big weight never splits (each part would add a partial as big
 * as the weight). Nor does the forward product of a big weight: each part would read all of it from memory,
 * where parallel GEMMs share its rows out (ResNet-18's 512-channel layers at batch 16 on 32x32 inputs, their
 * 4.7-9.4 MB of weights against 16-64 columns, out of cache: 0.29 and 0.53-0.56 ms on two threads instead of 0.45
 * and 0.83-0.92 split; the input gradient's product gained nothing so).
 * The split depends on the geometry and the thread count only.
 */
#define SPLIT_FLOPS ((int64_t)256 << 20)
#define SPLIT_WEIGHT_MAX 32768
#define SPLIT_FORWARD_WEIGHT_MAX ((int64_t)1 << 20)

static int64_t split_parts(const kd_conv_geometry *g, int64_t K, int64_t target, int op) {
  const int64_t threads = kd_get_num_threads(), Og = g->O / g->groups;
  if (threads < 2 || g->N < 2) return 1;
  const int64_t parts = g->N < threads ? g->N : threads;
  if (op == OP_WEIGHT) return Og * K <= SPLIT_WEIGHT_MAX ? parts : 1; /* (a split adds partials as big as gw) */
  if (op == OP_FORWARD && Og * K > SPLIT_FORWARD_WEIGHT_MAX) return 1;
  const int64_t nb = chunk_images(g, K, target, (g->N + parts - 1) / parts);
  const double flops = 2.0 * (double)Og * (double)K * (double)(nb * g->OH * g->OW);
  return flops < (double)SPLIT_FLOPS ? parts : 1;
}

static int reads_input_directly(const kd_conv_geometry *g, int64_t nb) {
  return nb == 1 && g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->ph == 0 && g->pw == 0 && g->OH == g->H &&
         g->OW == g->W;
}

/*
 * The forward product without a column matrix (conv-taps.h), for kernels larger than 1x1 (a 1x1 kernel's column
 * matrix is its input, or a strided copy of it) whose K fits one depth block of the GEMM, 256, so that its sums
 * are the column-matrix product's to the bit, and whose output rows fill at least one vector (the tile is two wide:
 * narrower rows left most of it idle, 1.5-3x as slow on 4x4 to 8x8 images). Below 32 taps the column matrix is
 * cheap next to the output's own writes, and the GEMM's full-width tiles won (1 -> 32 channels, 3x3, 64 images of
 * 28x28: 0.40 ms on two threads instead of 0.30). The first layers of image networks,
 * few channels under a wide kernel, are such: their column matrix was the costly part. Measured on one and two
 * threads (AVX-512), against the column matrix: 3 -> 64 channels, 7x7 stride 2, on a 224x224 image in 1.33 ms
 * instead of 1.77 (one thread), 0.77 instead of 0.88 (two); 3 -> 32, 5x5, 8 images of 64x64, 0.95 instead of
 * 1.30.
 */
#define TAPS_MIN_K 32
#define TAPS_MAX_K 256

static int uses_taps(const kd_conv_geometry *g, int64_t K, int dbl) {
  int64_t rows, cols;
  kd_gemm_taps_tile(dbl, &rows, &cols);
  return K >= TAPS_MIN_K && K <= TAPS_MAX_K && g->kh * g->kw > 1 && 2 * g->OW >= cols;
}

#define T float
#define SFX f32
#define GEMM kd_sgemm
#define GEMM_PACKED_B kd_sgemm_packed_b
#define GEMM_TAPS kd_sgemm_taps
#define GEMM_TAPS_PACK kd_sgemm_taps_pack
#include "conv-impl.h"
#undef T
#undef SFX
#undef GEMM
#undef GEMM_PACKED_B
#undef GEMM_TAPS
#undef GEMM_TAPS_PACK

#define T double
#define SFX f64
#define GEMM kd_dgemm
#define GEMM_PACKED_B kd_dgemm_packed_b
#define GEMM_TAPS kd_dgemm_taps
#define GEMM_TAPS_PACK kd_dgemm_taps_pack
#include "conv-impl.h"
#undef T
#undef SFX
#undef GEMM_PACKED_B
#undef GEMM
#undef GEMM_TAPS
#undef GEMM_TAPS_PACK
