/*
 * The direct convolution forward for one element type, included by conv.c after conv-impl.h with T, SFX, CV,
 * GEMM_TAPS (kd_sgemm_taps or kd_dgemm_taps) and GEMM_TAPS_PACK defined. See conv.c (uses_taps) for when it runs.
 *
 * The input of a chunk of images is copied once, padded and split by the column stride into sw phases: plane
 * (image, channel, phase f) holds, at row r and column q, the input at row r - ph and column q*sw + f - pw (zero
 * outside). Output column ow under kernel column jj reads padded column ow*sw + jj*dw, which is phase
 * (jj*dw) % sw at column ow + (jj*dw) / sw: for every tap (channel, i, jj) the output row's values are one
 * contiguous run, at a fixed offset from the row's start (the taps table). GEMM_TAPS multiplies the weights by
 * those runs in registers, as the column-matrix GEMM would (the same sums, in the same order) but without writing
 * the column matrix: K times the output's size, that matrix made the first layer of an ImageNet network bound by
 * memory traffic rather than by multiply-adds.
 */

typedef struct {
  const kd_conv_geometry *g;
  const T *x; /* image n0 of the chunk */
  T *phased;
  int64_t PH, PW; /* a phase plane's rows and columns */
} CV(phase_ctx);

/* Units u = (j * C + ch) * sw + f: image j of the chunk, channel ch, phase f. */
KD_VECTOR_CLONES static void CV(phase_body)(void *p, int64_t begin, int64_t end) {
  const CV(phase_ctx) *c = p;
  const kd_conv_geometry *g = c->g;
  const int64_t sw = g->sw, H = g->H, W = g->W, PH = c->PH, PW = c->PW;
  for (int64_t u = begin; u < end; u++) {
    const int64_t f = u % sw, plane = u / sw; /* plane = j * C + ch, the input plane it reads */
    const T *src = c->x + plane * H * W;
    T *dst = c->phased + u * PH * PW;
    /* columns q whose input column q*sw + f - pw lies in [0, W) */
    int64_t qlo, qhi;
    valid_range(f - g->pw, sw, W, PW, &qlo, &qhi);
    for (int64_t r = 0; r < PH; r++) {
      T *d = dst + r * PW;
      const int64_t ih = r - g->ph;
      if (ih < 0 || ih >= H || qlo >= qhi) {
        CV(zero)(d, PW);
        continue;
      }
      const T *row = src + ih * W;
      const int64_t shift = f - g->pw; /* column q reads row[q * sw + shift] */
      CV(zero)(d, qlo);
      if (sw == 1)
        memcpy(d + qlo, row + qlo + shift, (size_t)(qhi - qlo) * sizeof(T));
      else
        for (int64_t q = qlo; q < qhi; q++) d[q] = row[q * sw + shift];
      CV(zero)(d + qhi, PW - qhi);
    }
  }
}

typedef struct {
  const kd_conv_geometry *g;
  const T *packed; /* the weights, group by group, as GEMM_TAPS_PACK lays them out */
  const T *phased; /* the chunk's phase planes */
  const int64_t *taps;
  const T *bias;
  T *out; /* image n0 of the chunk */
  int64_t PH, PW, K, mr, rowsPerUnit, blocks;
} CV(taps_ctx);

/*
 * Units u = (j * groups + grp) * blocks + block: a block of output rows of every channel of a group. Each panel
 * of mr channels runs down the block's rows, so that its writes run along the output planes (a unit of one row
 * across all channels wrote a short piece of each of O planes, out of cache: 1.7x as long on a 32x32 image); the
 * block's input rows stay in cache from panel to panel.
 */
static void CV(taps_body)(void *p, int64_t begin, int64_t end) {
  const CV(taps_ctx) *c = p;
  const kd_conv_geometry *g = c->g;
  const int64_t OH = g->OH, OW = g->OW, groups = g->groups, Og = g->O / groups, Cg = g->C / groups, ohw = OH * OW;
  const int64_t groupPlanes = Cg * g->sw * c->PH * c->PW;
  for (int64_t u = begin; u < end; u++) {
    const int64_t block = u % c->blocks, jg = u / c->blocks, grp = jg % groups, j = jg / groups;
    const int64_t oh0 = block * c->rowsPerUnit, oh1 = oh0 + c->rowsPerUnit < OH ? oh0 + c->rowsPerUnit : OH;
    const T *planes = c->phased + jg * groupPlanes;
    T *o = c->out + (j * g->O + grp * Og) * ohw;
    for (int64_t i = 0; i < Og; i += c->mr) {
      const int64_t m = Og - i < c->mr ? Og - i : c->mr;
      for (int64_t oh = oh0; oh < oh1; oh++)
        GEMM_TAPS(m, OW, c->K, c->packed + (grp * Og + i) * c->K, planes + oh * g->sh * c->PW, c->taps,
                  o + i * ohw + oh * OW, ohw);
    }
    if (c->bias != NULL)
      for (int64_t q = 0; q < Og; q++) {
        const T v = c->bias[grp * Og + q];
        T *row = o + q * ohw + oh0 * OW;
        for (int64_t k = 0; k < (oh1 - oh0) * OW; k++) row[k] += v;
      }
  }
}

/* Output values a unit of taps_body writes to each plane, at least: long runs along the planes. */
#define TAPS_RUN 512

static int CV(forward_taps)(const kd_conv_geometry *g, const T *x, const T *w, const T *bias, T *out) {
  const int64_t C = g->C, O = g->O, groups = g->groups, Cg = C / groups, Og = O / groups, kh = g->kh, kw = g->kw;
  const int64_t sw = g->sw, OH = g->OH, OW = g->OW, K = Cg * kh * kw;
  int64_t mr, width;
  kd_gemm_taps_tile(sizeof(T) == sizeof(double), &mr, &width);
  /* rows and columns the taps reach: the last output's, under the last tap, and full tiles of columns */
  const int64_t PH = (OH - 1) * g->sh + (kh - 1) * g->dh + 1;
  const int64_t PW = (OW + width - 1) / width * width + (kw - 1) * g->dw / sw;
  const int64_t imageN = C * sw * PH * PW;
  int64_t nbMax = KD_CONV_COLUMN_BUDGET / imageN;
  if (nbMax < 1) nbMax = 1;
  if (nbMax > g->N) nbMax = g->N;
  T *packed = kd_thread_scratch(KD_SCRATCH_CONV_COLUMNS, (size_t)(O * K + nbMax * imageN) * sizeof(T));
  int64_t *taps = kd_thread_scratch(KD_SCRATCH_CONV_OFFSETS, (size_t)K * sizeof(int64_t));
  if (packed == NULL || taps == NULL) return -1;
  T *phased = packed + O * K;
  for (int64_t grp = 0; grp < groups; grp++) GEMM_TAPS_PACK(Og, K, w + grp * Og * K, K, packed + grp * Og * K);
  for (int64_t q = 0; q < K; q++) {
    const int64_t ch = q / (kh * kw), i = q % (kh * kw) / kw, jj = q % kw;
    taps[q] = ((ch * sw + jj * g->dw % sw) * PH + i * g->dh) * PW + jj * g->dw / sw;
  }
  int64_t rowsPerUnit = (TAPS_RUN + OW - 1) / OW;
  if (rowsPerUnit > OH) rowsPerUnit = OH;
  const int64_t blocks = (OH + rowsPerUnit - 1) / rowsPerUnit;
  for (int64_t n0 = 0; n0 < g->N; n0 += nbMax) {
    const int64_t nb = g->N - n0 < nbMax ? g->N - n0 : nbMax;
    CV(phase_ctx) pc = {g, x + n0 * C * g->H * g->W, phased, PH, PW};
    kd_parallel_for(nb * C * sw, kd_grain_for(PH * PW), CV(phase_body), &pc);
    CV(taps_ctx) tc = {g, packed, phased, taps, bias, out + n0 * O * OH * OW, PH, PW, K, mr, rowsPerUnit, blocks};
    kd_parallel_for(nb * groups * blocks, kd_grain_for(Og * rowsPerUnit * OW), CV(taps_body), &tc);
  }
  return 0;
}
