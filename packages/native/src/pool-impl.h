/*
 * The pooling kernels for one element type; pool.c includes this once per type with T (the element type) and
 * SFX (the name suffix) defined. See pool.c and pool-kernels.h.
 */
#define PL_CAT2(a, b) a##_##b
#define PL_CAT(a, b) PL_CAT2(a, b)
#define PL(name) PL_CAT(name, SFX)

typedef struct {
  const T *in;
  T *out;
  double *indices;
  kd_pool_geometry g;
  int includePad;
  int64_t divisor; /* 0: none */
} PL(ctx);

/*
 * The max over rows [h0, h1) step dh and columns [w0, w1) step dw of plane xp (width W): starts at -inf with
 * index h0*W + w0, takes a later value when it is strictly greater or NaN.
 */
static inline void PL(window_max)(const T *xp, int64_t W, int64_t h0, int64_t h1, int64_t dh, int64_t w0, int64_t w1,
                                  int64_t dw, T *value, double *index) {
  if (h0 >= h1 || w0 >= w1) { /* an empty window: -inf at its (clipped) start */
    *value = -INFINITY;
    *index = (double)(h0 * W + w0);
    return;
  }
  /*
   * Two passes, because a compare-and-take loop mispredicts on every new maximum of random data: first the max
   * ignoring NaNs (a max instruction; "take when strictly greater" keeps the first of a -0/+0 tie, as the
   * one-pass rule does) and whether there is a NaN, then the position the one-pass rule would have kept: the
   * last NaN, or else the first element equal to the max. The value is read back from that position.
   */
  T mv = -INFINITY;
  int nan = 0;
  for (int64_t ih = h0; ih < h1; ih += dh) {
    const T *row = xp + ih * W;
    for (int64_t iw = w0; iw < w1; iw += dw) {
      const T v = row[iw];
      mv = v > mv ? v : mv;
      nan |= v != v;
    }
  }
  int64_t mi = -1;
  if (nan) {
    for (int64_t ih = h0; ih < h1; ih += dh)
      for (int64_t iw = w0; iw < w1; iw += dw)
        if (xp[ih * W + iw] != xp[ih * W + iw]) mi = ih * W + iw;
  } else {
    /* backwards, without branches: the first equal one is the last taken */
    const int64_t hl = h0 + (h1 - 1 - h0) / dh * dh, wl = w0 + (w1 - 1 - w0) / dw * dw;
    for (int64_t ih = hl; ih >= h0; ih -= dh)
      for (int64_t iw = wl; iw >= w0; iw -= dw) {
        const int64_t pos = ih * W + iw;
        mi = xp[pos] == mv ? pos : mi;
      }
  }
  *value = xp[mi];
  *index = (double)mi;
}

/* Output ow's window of one output row, clipped to the input, through window_max. */
static inline void PL(max_at)(const PL(ctx) * c, const T *xp, int64_t h0, int64_t h1, int64_t ow, T *o, double *ix) {
  const kd_pool_geometry *g = &c->g;
  int64_t w0 = ow * g->sw - g->pw;
  const int64_t w1 = w0 + (g->kw - 1) * g->dw + 1 < g->W ? w0 + (g->kw - 1) * g->dw + 1 : g->W;
  if (w0 < 0) w0 += kd_ceil_div(-w0, g->dw) * g->dw;
  double index;
  PL(window_max)(xp, g->W, h0, h1, g->dh, w0, w1, g->dw, &o[ow], &index);
  if (ix != NULL) ix[ow] = index;
}

/*
 * The values of outputs [lo, hi) of one output row, whose windows lie inside the input's columns: each output takes the window's elements in the one-pass rule's order (rows, then columns; a value
 * only when strictly greater), but the loop runs over the outputs innermost, where it vectorises. A NaN, which
 * the rule would take, is only noted: the row is then redone by window_max. Returns whether it must be.
 */
static inline int PL(max_row_values)(const kd_pool_geometry *g, const T *xp, int64_t h0, int64_t h1, int64_t lo, int64_t hi,
                                     T *o) {
  const int64_t W = g->W, sw = g->sw;
  int nan = 0;
  for (int64_t ow = lo; ow < hi; ow++) o[ow] = -INFINITY;
  for (int64_t ih = h0; ih < h1; ih += g->dh) {
    const T *row = xp + ih * W - g->pw;
    for (int64_t kj = 0; kj < g->kw; kj++) {
      const T *col = row + kj * g->dw;
      for (int64_t ow = lo; ow < hi; ow++) {
        const T v = col[ow * sw];
        o[ow] = v > o[ow] ? v : o[ow];
        nan |= v != v;
      }
    }
  }
  return nan;
}

/* An integer as wide as T: the positions' type in max_row_indices, whose select then vectorises with the compare. */
typedef __typeof__(_Generic((T)0, float: (int32_t)0, default: (int64_t)0)) PL(position);

/*
 * The indices of outputs [lo, hi) whose values max_row_values found (no NaN among them): the first position, in
 * the rule's order, holding a value equal to the max, which is the one the rule took (everything before it is
 * smaller). Backwards over the window, the last match found is that first one. `at` is scratch for hi positions
 * (plane positions must fit in it: the caller checks).
 */
static inline void PL(max_row_indices)(const kd_pool_geometry *g, const T *xp, int64_t h0, int64_t h1, int64_t lo, int64_t hi,
                                       const T *o, PL(position) * at, double *ix) {
  const int64_t W = g->W, sw = g->sw, hl = h0 + (h1 - 1 - h0) / g->dh * g->dh;
  for (int64_t ih = hl; ih >= h0; ih -= g->dh)
    for (int64_t kj = g->kw - 1; kj >= 0; kj--) {
      const int64_t start = ih * W - g->pw + kj * g->dw;
      const T *col = xp + start;
      for (int64_t ow = lo; ow < hi; ow++) at[ow] = col[ow * sw] == o[ow] ? (PL(position))(start + ow * sw) : at[ow];
    }
  for (int64_t ow = lo; ow < hi; ow++) ix[ow] = (double)at[ow];
}

/*
 * MaxPool2d(2)'s rows (2x2 windows at stride 2, no padding or dilation, every window inside the input): one
 * pass over each output row, value and index together, in the one-pass rule's order (a later element is taken
 * when strictly greater or NaN), without branches so that the loop vectorises. Units u = p * OH + oh.
 */
static inline void PL(max_2x2_rows)(const PL(ctx) * c, int64_t begin, int64_t end) {
  const kd_pool_geometry *g = &c->g;
  const int64_t H = g->H, W = g->W, OH = g->OH, OW = g->OW;
  for (int64_t u = begin, plane = begin / OH, oh = begin % OH; u < end; u++, next_row(&plane, &oh, OH)) {
    const T *r0 = c->in + plane * H * W + 2 * oh * W, *r1 = r0 + W;
    T *o = c->out + u * OW;
    double *ix = c->indices == NULL ? NULL : c->indices + u * OW;
    const PL(position) first = (PL(position))(2 * oh * W);
    PL(position) at[256]; /* positions of a block of outputs, converted to double after the block */
    for (int64_t b0 = 0; b0 < OW; b0 += 256) {
      const int64_t nb = OW - b0 < 256 ? OW - b0 : 256;
      const T *p0 = r0 + 2 * b0, *p1 = r1 + 2 * b0;
      T *ob = o + b0;
      for (int64_t j = 0; j < nb; j++) {
        const T a = p0[2 * j], b = p0[2 * j + 1], cc = p1[2 * j], d = p1[2 * j + 1];
        T m = a;
        PL(position) k = 0;
        const int tb = (b > m) | (b != b);
        m = tb ? b : m;
        k = tb ? 1 : k;
        const int tc = (cc > m) | (cc != cc);
        m = tc ? cc : m;
        k = tc ? (PL(position))W : k;
        const int td = (d > m) | (d != d);
        m = td ? d : m;
        k = td ? (PL(position))(W + 1) : k;
        ob[j] = m;
        at[j] = first + (PL(position))(2 * (b0 + j)) + k;
      }
      for (int64_t j = 0; j < nb; j++) ix[b0 + j] = (double)at[j];
    }
  }
}

static int PL(is_2x2)(const kd_pool_geometry *g) {
  const int fits = (double)g->H * (double)g->W < (double)((PL(position))1 << (sizeof(PL(position)) * 8 - 2));
  return fits && g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->ph == 0 && g->pw == 0 && g->dh == 1 && g->dw == 1 &&
         2 * g->OH <= g->H && 2 * g->OW <= g->W;
}

/* Max pooling, units u = p * OH + oh (one output row each). */
KD_VECTOR_CLONES static void PL(max_body)(void *p, int64_t begin, int64_t end) {
  const PL(ctx) *c = p;
  const kd_pool_geometry *g = &c->g;
  if (c->indices != NULL && PL(is_2x2)(g)) { /* (the values alone are as fast on the general path) */
    PL(max_2x2_rows)(c, begin, end);
    return;
  }
  const int64_t H = g->H, W = g->W, OH = g->OH, OW = g->OW;
  /* Outputs [lo, hi) have their whole window inside the columns: w0 = ow*sw - pw >= 0, w0 + (kw-1)*dw < W. */
  int64_t lo = kd_ceil_div(g->pw, g->sw), hi = W - 1 - (g->kw - 1) * g->dw + g->pw < 0 ? 0 : (W - 1 - (g->kw - 1) * g->dw + g->pw) / g->sw + 1;
  if (hi > OW) hi = OW;
  if (lo > hi) lo = hi;
  /* Scratch for the indices' fast path, when positions fit in it (else, or without memory, window_max does all). */
  const int fits = (double)H * (double)W < (double)((PL(position))1 << (sizeof(PL(position)) * 8 - 2));
  PL(position) *at = c->indices != NULL && fits && hi > lo ? malloc((size_t)hi * sizeof(PL(position))) : NULL;
  for (int64_t u = begin, plane = begin / OH, oh = begin % OH; u < end; u++, next_row(&plane, &oh, OH)) {
    const T *xp = c->in + plane * H * W;
    T *o = c->out + u * OW;
    double *ix = c->indices == NULL ? NULL : c->indices + u * OW;
    int64_t h0 = oh * g->sh - g->ph;
    const int64_t h1 = h0 + (g->kh - 1) * g->dh + 1 < H ? h0 + (g->kh - 1) * g->dh + 1 : H;
    if (h0 < 0) h0 += kd_ceil_div(-h0, g->dh) * g->dh;
    if (h0 < h1 && (ix == NULL || at != NULL) && !PL(max_row_values)(g, xp, h0, h1, lo, hi, o)) {
      if (ix != NULL) PL(max_row_indices)(g, xp, h0, h1, lo, hi, o, at, ix);
      for (int64_t ow = 0; ow < lo; ow++) PL(max_at)(c, xp, h0, h1, ow, o, ix);
      for (int64_t ow = hi; ow < OW; ow++) PL(max_at)(c, xp, h0, h1, ow, o, ix);
      continue;
    }
    for (int64_t ow = 0; ow < OW; ow++) PL(max_at)(c, xp, h0, h1, ow, o, ix);
  }
  free(at);
}

void PL(kd_max_pool2d_forward)(const T *x, const kd_pool_geometry *g, T *out, double *indices) {
  PL(ctx) c = {x, out, indices, *g, 0, 0};
  kd_parallel_for(g->planes * g->OH, kd_grain_for(g->OW * g->kh * g->kw), PL(max_body), &c);
}

/*
 * Adaptive pooling, units u = p * OH + oh: each output's window [h0, h1) x [w0, w1), its max (and index) or its
 * mean. One walker for both, `max` a constant in each body.
 */
KD_INLINE void PL(adaptive_rows)(const PL(ctx) *c, int64_t begin, int64_t end, const int max) {
  const kd_pool_geometry *g = &c->g;
  const int64_t H = g->H, W = g->W, OH = g->OH, OW = g->OW;
  adaptive_bounds bh, bw;
  adaptive_init(&bh, H, OH);
  adaptive_init(&bw, W, OW);
  for (int64_t u = begin, plane = begin / OH, oh = begin % OH; u < end; u++, next_row(&plane, &oh, OH)) {
    const T *xp = c->in + plane * H * W;
    T *o = c->out + u * OW;
    double *ix = c->indices == NULL ? NULL : c->indices + u * OW;
    const int64_t h0 = adaptive_lo(&bh, oh), h1 = adaptive_hi(&bh, oh);
    for (int64_t ow = 0; ow < OW; ow++) {
      const int64_t w0 = adaptive_lo(&bw, ow), w1 = adaptive_hi(&bw, ow);
      if (max) {
        double index;
        PL(window_max)(xp, W, h0, h1, 1, w0, w1, 1, &o[ow], &index);
        if (ix != NULL) ix[ow] = index;
      } else {
        double s = 0;
        for (int64_t ih = h0; ih < h1; ih++) {
          const T *row = xp + ih * W;
          for (int64_t iw = w0; iw < w1; iw++) s += row[iw];
        }
        o[ow] = (T)(s / (double)((h1 - h0) * (w1 - w0)));
      }
    }
  }
}

KD_VECTOR_CLONES static void PL(adaptive_max_body)(void *p, int64_t begin, int64_t end) {
  PL(adaptive_rows)(p, begin, end, 1);
}

KD_VECTOR_CLONES static void PL(adaptive_avg_body)(void *p, int64_t begin, int64_t end) {
  PL(adaptive_rows)(p, begin, end, 0);
}

/* Runs an adaptive pooling body over the output rows, the grain sized by the largest window. */
static void PL(adaptive_forward)(const T *x, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW, T *out,
                                 double *indices, kd_range_fn body) {
  PL(ctx) c = {x, out, indices, {planes, H, W, OH, OW, 1, 1, 1, 1, 0, 0, 1, 1}, 0, 0};
  const int64_t wh = OH > 0 ? (H + OH - 1) / OH + 1 : 1, ww = OW > 0 ? (W + OW - 1) / OW + 1 : 1;
  kd_parallel_for(planes * OH, kd_grain_for(OW * wh * ww), body, &c);
}

void PL(kd_adaptive_max_pool2d_forward)(const T *x, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW, T *out,
                                        double *indices) {
  PL(adaptive_forward)(x, planes, H, W, OH, OW, out, indices, PL(adaptive_max_body));
}

/* Scatter of the max-pooling gradient, one plane per unit (zeroed first). */
KD_VECTOR_CLONES static void PL(max_backward_body)(void *p, int64_t begin, int64_t end) {
  const PL(ctx) *c = p;
  const int64_t HW = c->g.H, OHW = c->g.OH; /* packed as H = HW, OH = OHW */
  for (int64_t plane = begin; plane < end; plane++) {
    T *gxp = c->out + plane * HW;
    const T *gyp = c->in + plane * OHW;
    const double *ip = c->indices + plane * OHW;
    memset(gxp, 0, (size_t)HW * sizeof(T));
    for (int64_t o = 0; o < OHW; o++) gxp[(int64_t)ip[o]] += gyp[o];
  }
}

void PL(kd_max_pool2d_backward)(const T *gy, const double *indices, int64_t planes, int64_t HW, int64_t OHW, T *gx) {
  PL(ctx) c = {gy, gx, (double *)indices, {planes, HW, 1, OHW, 1, 1, 1, 1, 1, 0, 0, 1, 1}, 0, 0};
  kd_parallel_for(planes, kd_grain_for(HW + OHW), PL(max_backward_body), &c);
}

/* The window of average pooling along one dim: [lo, hi) clipped to the input, and its span with the padding. */
static inline void PL(avg_window)(int64_t o, int64_t stride, int64_t pad, int64_t k, int64_t size, int64_t *lo, int64_t *hi,
                                  int64_t *span) {
  const int64_t a = o * stride - pad;
  const int64_t b = a + k < size + pad ? a + k : size + pad;
  *lo = a > 0 ? a : 0;
  *hi = b < size ? b : size;
  *span = b - a;
}

static inline double PL(avg_divisor)(const PL(ctx) *c, int64_t h0, int64_t h1, int64_t hs, int64_t w0, int64_t w1, int64_t ws) {
  if (c->divisor != 0) return (double)c->divisor;
  return c->includePad ? (double)(hs * ws) : (double)((h1 - h0) * (w1 - w0));
}

/* Average pooling, units u = p * OH + oh. */
KD_VECTOR_CLONES static void PL(avg_body)(void *p, int64_t begin, int64_t end) {
  const PL(ctx) *c = p;
  const kd_pool_geometry *g = &c->g;
  const int64_t H = g->H, W = g->W, OH = g->OH, OW = g->OW;
  for (int64_t u = begin, plane = begin / OH, oh = begin % OH; u < end; u++, next_row(&plane, &oh, OH)) {
    const T *xp = c->in + plane * H * W;
    T *o = c->out + u * OW;
    int64_t h0, h1, hs;
    PL(avg_window)(oh, g->sh, g->ph, g->kh, H, &h0, &h1, &hs);
    for (int64_t ow = 0; ow < OW; ow++) {
      int64_t w0, w1, ws;
      PL(avg_window)(ow, g->sw, g->pw, g->kw, W, &w0, &w1, &ws);
      if (h0 >= h1 || w0 >= w1) { /* a window in the padding only */
        o[ow] = 0;
        continue;
      }
      double s = 0;
      for (int64_t ih = h0; ih < h1; ih++) {
        const T *row = xp + ih * W;
        for (int64_t iw = w0; iw < w1; iw++) s += row[iw];
      }
      o[ow] = (T)(s / PL(avg_divisor)(c, h0, h1, hs, w0, w1, ws));
    }
  }
}

void PL(kd_avg_pool2d_forward)(const T *x, const kd_pool_geometry *g, int countIncludePad, int64_t divisorOverride, T *out) {
  PL(ctx) c = {x, out, NULL, *g, countIncludePad, divisorOverride};
  kd_parallel_for(g->planes * g->OH, kd_grain_for(g->OW * g->kh * g->kw), PL(avg_body), &c);
}

/* Average pooling's gradient, one plane per unit (zeroed, then each window's share added in output order). */
KD_VECTOR_CLONES static void PL(avg_backward_body)(void *p, int64_t begin, int64_t end) {
  const PL(ctx) *c = p;
  const kd_pool_geometry *g = &c->g;
  const int64_t H = g->H, W = g->W, OH = g->OH, OW = g->OW;
  for (int64_t plane = begin; plane < end; plane++) {
    T *gxp = c->out + plane * H * W;
    const T *gyp = c->in + plane * OH * OW;
    memset(gxp, 0, (size_t)(H * W) * sizeof(T));
    for (int64_t oh = 0; oh < OH; oh++) {
      int64_t h0, h1, hs;
      PL(avg_window)(oh, g->sh, g->ph, g->kh, H, &h0, &h1, &hs);
      if (h0 >= h1) continue;
      for (int64_t ow = 0; ow < OW; ow++) {
        int64_t w0, w1, ws;
        PL(avg_window)(ow, g->sw, g->pw, g->kw, W, &w0, &w1, &ws);
        if (w0 >= w1) continue;
        const double v = (double)gyp[oh * OW + ow] / PL(avg_divisor)(c, h0, h1, hs, w0, w1, ws);
        for (int64_t ih = h0; ih < h1; ih++) {
          T *row = gxp + ih * W;
          for (int64_t iw = w0; iw < w1; iw++) row[iw] = (T)((double)row[iw] + v);
        }
      }
    }
  }
}

void PL(kd_avg_pool2d_backward)(const T *gy, const kd_pool_geometry *g, int countIncludePad, int64_t divisorOverride, T *gx) {
  PL(ctx) c = {gy, gx, NULL, *g, countIncludePad, divisorOverride};
  kd_parallel_for(g->planes, kd_grain_for(g->H * g->W + g->OH * g->OW * g->kh * g->kw), PL(avg_backward_body), &c);
}

void PL(kd_adaptive_avg_pool2d_forward)(const T *x, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW, T *out) {
  PL(adaptive_forward)(x, planes, H, W, OH, OW, out, NULL, PL(adaptive_avg_body));
}

KD_VECTOR_CLONES static void PL(adaptive_avg_backward_body)(void *p, int64_t begin, int64_t end) {
  const PL(ctx) *c = p;
  const kd_pool_geometry *g = &c->g;
  const int64_t H = g->H, W = g->W, OH = g->OH, OW = g->OW;
  adaptive_bounds bh, bw;
  adaptive_init(&bh, H, OH);
  adaptive_init(&bw, W, OW);
  for (int64_t plane = begin; plane < end; plane++) {
    T *gxp = c->out + plane * H * W;
    const T *gyp = c->in + plane * OH * OW;
    memset(gxp, 0, (size_t)(H * W) * sizeof(T));
    for (int64_t oh = 0; oh < OH; oh++) {
      const int64_t h0 = adaptive_lo(&bh, oh), h1 = adaptive_hi(&bh, oh);
      for (int64_t ow = 0; ow < OW; ow++) {
        const int64_t w0 = adaptive_lo(&bw, ow), w1 = adaptive_hi(&bw, ow);
        const double v = (double)gyp[oh * OW + ow] / (double)((h1 - h0) * (w1 - w0));
        for (int64_t ih = h0; ih < h1; ih++) {
          T *row = gxp + ih * W;
          for (int64_t iw = w0; iw < w1; iw++) row[iw] = (T)((double)row[iw] + v);
        }
      }
    }
  }
}

void PL(kd_adaptive_avg_pool2d_backward)(const T *gy, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW, T *gx) {
  PL(ctx) c = {gy, gx, NULL, {planes, H, W, OH, OW, 1, 1, 1, 1, 0, 0, 1, 1}, 0, 0};
  const int64_t wh = OH > 0 ? (H + OH - 1) / OH + 1 : 1, ww = OW > 0 ? (W + OW - 1) / OW + 1 : 1;
  kd_parallel_for(planes, kd_grain_for(H * W + OH * OW * wh * ww), PL(adaptive_avg_backward_body), &c);
}

#undef PL
#undef PL_CAT
#undef PL_CAT2
