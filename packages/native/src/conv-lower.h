/*
 * The convolution kernels' data movement for one element type, included by conv-impl.h (with its T, SFX and CV):
 * the lowering of images to the GEMMs' column matrices (im2col, or B panels packed straight from the input), its
 * inverse for the input gradient (col2im), the staging between the (N, C, H*W) layout and the GEMMs' matrices, and
 * the bias rows. Each runs over units that the thread pool splits (see conv.c).
 */

/* ---- im2col: units are column-matrix rows r, each filled for the nb chunk images (OH*OW values per image) ---- */

typedef struct {
  const kd_conv_geometry *g;
  const T *x; /* first element of chunk image 0, group grp, channel 0 */
  T *cols;
  int64_t nb, ld;
  const int32_t *offs; /* the offset table of small outputs, or NULL */
} CV(im2col_ctx);

static inline void CV(zero)(T *d, int64_t n) {
  for (int64_t k = 0; k < n; k++) d[k] = 0;
}

/*
 * One image's row of the column matrix: dst[oh*OW + ow] = plane[(oh*sh + offH)*W + ow*sw + offW], 0 outside the
 * input. Outputs [hlo, hhi) x [wlo, whi) are the ones inside.
 */
static inline void CV(im2col_row)(const kd_conv_geometry *g, const T *plane, T *dst, int64_t offH, int64_t offW, int64_t hlo,
                                  int64_t hhi, int64_t wlo, int64_t whi) {
  const int64_t W = g->W, OH = g->OH, OW = g->OW, sh = g->sh, sw = g->sw;
  if (hlo >= hhi || wlo >= whi) {
    CV(zero)(dst, OH * OW);
    return;
  }
  if (sh == 1 && sw == 1 && OW == W) {
    /*
     * Output position k = oh*OW + ow reads input position k + offH*W + offW: the inside outputs of the rows
     * [hlo, hhi) are one contiguous copy, after which the out-of-input columns of each row are cleared.
     */
    const int64_t a = hlo * OW + wlo, b = (hhi - 1) * OW + whi, shift = offH * W + offW;
    CV(zero)(dst, a);
    memcpy(dst + a, plane + (a + shift), (size_t)(b - a) * sizeof(T));
    CV(zero)(dst + b, OH * OW - b);
    /* column by column: a few strided stores, where row by row would be a memset call per row */
    for (int64_t ow = 0; ow < wlo; ow++)
      for (int64_t oh = hlo; oh < hhi; oh++) dst[oh * OW + ow] = 0;
    for (int64_t ow = whi; ow < OW; ow++)
      for (int64_t oh = hlo; oh < hhi; oh++) dst[oh * OW + ow] = 0;
    return;
  }
  CV(zero)(dst, hlo * OW);
  for (int64_t oh = hlo; oh < hhi; oh++) {
    T *d = dst + oh * OW;
    const T *src = plane + (oh * sh + offH) * W; /* row ih of the plane; column iw = ow * sw + offW */
    CV(zero)(d, wlo);
    if (sw == 1) {
      for (int64_t ow = wlo; ow < whi; ow++) d[ow] = src[ow + offW];
    } else if (sw == 2) {
      for (int64_t ow = wlo; ow < whi; ow++) d[ow] = src[2 * ow + offW];
    } else {
      for (int64_t ow = wlo; ow < whi; ow++) d[ow] = src[ow * sw + offW];
    }
    CV(zero)(d + whi, OW - whi);
  }
  CV(zero)(dst + hhi * OW, (OH - hhi) * OW);
}

KD_VECTOR_CLONES static void CV(im2col_body)(void *p, int64_t begin, int64_t end) {
  const CV(im2col_ctx) *c = p;
  const kd_conv_geometry *g = c->g;
  const int64_t khw = g->kh * g->kw, ohw = g->OH * g->OW, HW = g->H * g->W, imageStride = g->C * HW;
  if (c->offs != NULL) { /* small outputs: gathers through the table */
    for (int64_t r = begin; r < end; r++) {
      const int32_t *t = c->offs + r * ohw;
      for (int64_t j = 0; j < c->nb; j++) {
        const T *src = c->x + j * imageStride;
        T *dst = c->cols + r * c->ld + j * ohw;
        for (int64_t k = 0; k < ohw; k++) dst[k] = t[k] >= 0 ? src[t[k]] : (T)0;
      }
    }
    return;
  }
  for (int64_t r = begin; r < end; r++) {
    const int64_t ch = r / khw, rem = r % khw, i = rem / g->kw, jj = rem % g->kw;
    const int64_t offH = i * g->dh - g->ph, offW = jj * g->dw - g->pw;
    int64_t hlo, hhi, wlo, whi;
    valid_range(offH, g->sh, g->H, g->OH, &hlo, &hhi);
    valid_range(offW, g->sw, g->W, g->OW, &wlo, &whi);
    for (int64_t j = 0; j < c->nb; j++)
      CV(im2col_row)(g, c->x + j * imageStride + ch * HW, c->cols + r * c->ld + j * ohw, offH, offW, hlo, hhi, wlo, whi);
  }
}

/* Column matrix (K rows, nb*OH*OW columns, leading dimension ld) of chunk images [n0, n0 + nb), group grp. */
static void CV(im2col)(const kd_conv_geometry *g, const T *x, int64_t n0, int64_t nb, int64_t grp, int64_t K, T *cols,
                       int64_t ld, const int32_t *offs) {
  const int64_t Cg = g->C / g->groups;
  CV(im2col_ctx) c = {g, x + (n0 * g->C + grp * Cg) * g->H * g->W, cols, nb, ld, offs};
  kd_parallel_for(K, kd_grain_for(nb * g->OH * g->OW), CV(im2col_body), &c);
}

/*
 * ---- the column matrix packed straight from the input (kd_sgemm_packed_b's packer) ----
 * Rows [p0, p0 + kc) and columns [j0, j0 + nc) of the chunk's column matrix, as the GEMM's panels of W columns,
 * without the matrix itself: each row is gathered into a small buffer (runs along output rows, as im2col copies
 * them) and copied panel by panel. The values are im2col's, so the products are the same to the bit.
 */
typedef struct {
  const kd_conv_geometry *g;
  const T *x; /* first element of chunk image 0, group grp, channel 0 */
} CV(pack_b_ctx);

/* Columns gathered per pass: a multiple of every panel width. */
#define CV_PACK_B_ROW 1024

KD_VECTOR_CLONES static void CV(pack_b)(void *p, T *dst, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int64_t W) {
  const CV(pack_b_ctx) *c = p;
  const kd_conv_geometry *g = c->g;
  const int64_t khw = g->kh * g->kw, OW = g->OW, ohw = g->OH * OW, HW = g->H * g->W, imageStride = g->C * HW;
  const int64_t sh = g->sh, sw = g->sw;
  T rowbuf[CV_PACK_B_ROW];
  for (int64_t b0 = 0; b0 < nc; b0 += CV_PACK_B_ROW) {
    const int64_t bn = nc - b0 < CV_PACK_B_ROW ? nc - b0 : CV_PACK_B_ROW;
    for (int64_t pr = 0; pr < kc; pr++) {
      const int64_t r = p0 + pr, ch = r / khw, rem = r % khw, i = rem / g->kw, jj = rem % g->kw;
      const int64_t offH = i * g->dh - g->ph, offW = jj * g->dw - g->pw;
      int64_t hlo, hhi, wlo, whi;
      valid_range(offH, sh, g->H, g->OH, &hlo, &hhi);
      valid_range(offW, sw, g->W, OW, &wlo, &whi);
      const int64_t j = j0 + b0;
      int64_t img = j / ohw, oh = j % ohw / OW, ow = j % OW; /* where the next run starts */
      for (int64_t k = 0; k < bn;) {
        const int64_t len = OW - ow < bn - k ? OW - ow : bn - k;
        const int64_t a = ow > wlo ? ow : wlo, b = ow + len < whi ? ow + len : whi;
        T *run = rowbuf + k;
        if (oh < hlo || oh >= hhi || a >= b) {
          CV(zero)(run, len);
        } else {
          /* input row ih = oh*sh + offH; output column o reads input column o*sw + offW, inside for o in [wlo, whi) */
          const T *row = c->x + img * imageStride + ch * HW + (oh * sh + offH) * g->W;
          T *out = run + (a - ow);
          CV(zero)(run, a - ow);
          if (sw == 1)
            memcpy(out, row + a + offW, (size_t)(b - a) * sizeof(T));
          else if (sw == 2) /* a constant stride: vectorised as loads and shuffles */
            for (int64_t o = a; o < b; o++) out[o - a] = row[2 * o + offW];
          else
            for (int64_t o = a; o < b; o++) out[o - a] = row[o * sw + offW];
          CV(zero)(run + (b - ow), ow + len - b);
        }
        k += len;
        ow += len;
        if (ow == OW) {
          ow = 0;
          if (++oh == g->OH) oh = 0, img++;
        }
      }
      for (int64_t q0 = 0; q0 < bn; q0 += W) {
        T *d = dst + (b0 + q0) * kc + pr * W;
        const int64_t w = bn - q0 < W ? bn - q0 : W;
        for (int64_t k = 0; k < w; k++) d[k] = rowbuf[q0 + k];
        for (int64_t k = w; k < W; k++) d[k] = 0;
      }
    }
  }
}

/* ---- col2im: units u = j * Cg + ch (one input-gradient plane each: zeroed, then the kh*kw rows added) ---- */

typedef struct {
  const kd_conv_geometry *g;
  const T *cols;
  T *gx; /* first element of chunk image 0, group grp, channel 0 */
  int64_t nb, ld, Cg;
  const int32_t *offs; /* the offset table of small outputs, or NULL */
} CV(col2im_ctx);

KD_VECTOR_CLONES static void CV(col2im_body)(void *p, int64_t begin, int64_t end) {
  const CV(col2im_ctx) *c = p;
  const kd_conv_geometry *g = c->g;
  const int64_t H = g->H, W = g->W, OH = g->OH, OW = g->OW, sh = g->sh, sw = g->sw, kh = g->kh, kw = g->kw;
  const int64_t ohw = OH * OW, HW = H * W, imageStride = g->C * HW;
  for (int64_t u = begin; u < end; u++) {
    const int64_t j = u / c->Cg, ch = u % c->Cg;
    T *plane = c->gx + j * imageStride + ch * HW;
    memset(plane, 0, (size_t)HW * sizeof(T));
    if (c->offs != NULL) { /* small outputs: scatters through the table (offsets from the group's channel 0) */
      T *base = c->gx + j * imageStride;
      for (int64_t r = ch * kh * kw; r < (ch + 1) * kh * kw; r++) {
        const int32_t *t = c->offs + r * ohw;
        const T *s = c->cols + r * c->ld + j * ohw;
        for (int64_t k = 0; k < ohw; k++)
          if (t[k] >= 0) base[t[k]] += s[k];
      }
      continue;
    }
    for (int64_t i = 0; i < kh; i++) {
      const int64_t offH = i * g->dh - g->ph;
      int64_t hlo, hhi;
      valid_range(offH, sh, H, OH, &hlo, &hhi);
      for (int64_t jj = 0; jj < kw; jj++) {
        const int64_t offW = jj * g->dw - g->pw;
        int64_t wlo, whi;
        valid_range(offW, sw, W, OW, &wlo, &whi);
        const T *src = c->cols + ((ch * kh + i) * kw + jj) * c->ld + j * ohw;
        for (int64_t oh = hlo; oh < hhi; oh++) {
          T *d = plane + (oh * sh + offH) * W; /* row ih; column iw = ow * sw + offW lies in it for ow in [wlo, whi) */
          const T *s = src + oh * OW;
          if (sw == 1) {
            for (int64_t ow = wlo; ow < whi; ow++) d[ow + offW] += s[ow];
          } else {
            for (int64_t ow = wlo; ow < whi; ow++) d[ow * sw + offW] += s[ow];
          }
        }
      }
    }
  }
}

static void CV(col2im)(const kd_conv_geometry *g, const T *cols, int64_t ld, int64_t n0, int64_t nb, int64_t grp, T *gx,
                       const int32_t *offs) {
  const int64_t Cg = g->C / g->groups;
  CV(col2im_ctx) c = {g, cols, gx + (n0 * g->C + grp * Cg) * g->H * g->W, nb, ld, Cg, offs};
  kd_parallel_for(nb * Cg, kd_grain_for(g->H * g->W + g->kh * g->kw * g->OH * g->OW), CV(col2im_body), &c);
}

/* ---- staging between (N, O, OH*OW) arrays and an Og x nb*OH*OW matrix; units are channels o ---- */

typedef struct {
  T *nchw;       /* first element of chunk image 0, channel grp * Og */
  T *buf;        /* Og x ld */
  const T *bias; /* group's bias, or NULL (unstaging only) */
  int64_t nb, ld, ohw, imageStride, toStage;
} CV(stage_ctx);

KD_VECTOR_CLONES static void CV(stage_body)(void *p, int64_t begin, int64_t end) {
  const CV(stage_ctx) *c = p;
  const int64_t ohw = c->ohw;
  for (int64_t o = begin; o < end; o++) {
    for (int64_t j = 0; j < c->nb; j++) {
      T *a = c->nchw + j * c->imageStride + o * ohw;
      T *b = c->buf + o * c->ld + j * ohw;
      if (c->toStage) {
        memcpy(b, a, (size_t)ohw * sizeof(T));
      } else if (c->bias == NULL) {
        memcpy(a, b, (size_t)ohw * sizeof(T));
      } else {
        const T v = c->bias[o];
        for (int64_t k = 0; k < ohw; k++) a[k] = b[k] + v;
      }
    }
  }
}

static void CV(stage)(const kd_conv_geometry *g, T *nchw, T *buf, const T *bias, int64_t n0, int64_t nb, int64_t grp, int toStage) {
  const int64_t Og = g->O / g->groups, ohw = g->OH * g->OW;
  CV(stage_ctx) c = {nchw + (n0 * g->O + grp * Og) * ohw, buf, bias == NULL ? NULL : bias + grp * Og, nb, nb * ohw, ohw, g->O * ohw, toStage};
  kd_parallel_for(Og, kd_grain_for(nb * ohw), CV(stage_body), &c);
}

/*
 * Rows q in [0, n) of ohw values and bias[q % O] (zero without a bias): added to each row (the bias of a
 * single-image chunk written in place, O = Og) or written over it (an output, or a gradient, with nothing to sum).
 */
typedef struct {
  T *out;
  const T *bias;
  int64_t ohw, O;
} CV(rows_ctx);

KD_INLINE void CV(bias_rows)(const CV(rows_ctx) *c, int64_t begin, int64_t end, const int add) {
  for (int64_t q = begin; q < end; q++) {
    T *row = c->out + q * c->ohw;
    const T v = c->bias == NULL ? (T)0 : c->bias[q % c->O];
    if (add)
      for (int64_t k = 0; k < c->ohw; k++) row[k] += v;
    else
      for (int64_t k = 0; k < c->ohw; k++) row[k] = v;
  }
}

KD_VECTOR_CLONES static void CV(bias_body)(void *p, int64_t begin, int64_t end) { CV(bias_rows)(p, begin, end, 1); }
KD_VECTOR_CLONES static void CV(fill_body)(void *p, int64_t begin, int64_t end) { CV(bias_rows)(p, begin, end, 0); }
