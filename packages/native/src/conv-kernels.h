/*
 * 2-D convolution kernels (conv.c) over contiguous NCHW arrays, the contract of conv-binding.c.
 *
 * Layouts as in packages/core/src/kernels/conv.ts: input (N, C, H, W); weight (O, C/groups, kh, kw); output
 * (N, O, OH, OW). ph/pw are the top/left pads; OH/OW already account for the bottom/right ones (padding may be
 * asymmetric). The caller has checked the geometry (groups divides C and O, sizes fit the arrays, no output
 * overlaps an input). Every output is fully written, never accumulated into.
 *
 * Each returns 0, or -1 when its scratch memory could not be allocated; then nothing has been written.
 */
#ifndef KINDLING_CONV_KERNELS_H
#define KINDLING_CONV_KERNELS_H

#include <stdint.h>

typedef struct {
  int64_t N, C, H, W, O, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw, groups;
} kd_conv_geometry;

/* out = conv(x, w) + bias (bias may be NULL). */
int kd_conv2d_forward_f32(const float *x, const float *w, const float *bias, const kd_conv_geometry *g, float *out);
int kd_conv2d_forward_f64(const double *x, const double *w, const double *bias, const kd_conv_geometry *g, double *out);
/* gx = d conv / d x, given the output gradient gy. */
int kd_conv2d_backward_input_f32(const float *gy, const float *w, const kd_conv_geometry *g, float *gx);
int kd_conv2d_backward_input_f64(const double *gy, const double *w, const kd_conv_geometry *g, double *gx);
/* gw = d conv / d w, given the output gradient gy; summed over the batch in a fixed order. */
int kd_conv2d_backward_weight_f32(const float *x, const float *gy, const kd_conv_geometry *g, float *gw);
int kd_conv2d_backward_weight_f64(const double *x, const double *gy, const kd_conv_geometry *g, double *gw);

/*
 * The most elements one scratch column matrix may hold before chunks shrink to a single image; the binding
 * refuses geometries whose single-image column matrix (K x OH*OW) exceeds KD_CONV_MAX_COLUMNS.
 */
#define KD_CONV_COLUMN_BUDGET ((int64_t)1 << 20)
#define KD_CONV_MAX_COLUMNS ((int64_t)1 << 34)

#endif
