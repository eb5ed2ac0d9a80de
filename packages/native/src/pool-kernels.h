/*
 * 2-D pooling kernels (pool.c) over contiguous arrays of `planes` planes (N*C) of H x W inputs and OH x OW
 * outputs, the contract of pool-binding.c. Windows, tie-breaking and NaN handling follow PyTorch's CPU kernels
 * exactly as packages/core/src/kernels/pool.ts does: a max window starts at its first in-input element and takes
 * a later one when it is strictly greater or NaN (the last NaN wins); indices are flat positions h*W + w within
 * the plane, stored as doubles (Kindling keeps int64 tensors in Float64Arrays). Average pooling sums in double
 * and divides once, like the TypeScript loops, so float64 results match them bit for bit and float32 results
 * are the same double result rounded once.
 *
 * The caller has checked the geometry and array sizes. Outputs are fully written, never accumulated into.
 */
#ifndef KINDLING_POOL_KERNELS_H
#define KINDLING_POOL_KERNELS_H

#include <stdint.h>

typedef struct {
  int64_t planes, H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw;
} kd_pool_geometry;

/* indices may be NULL. */
void kd_max_pool2d_forward_f32(const float *x, const kd_pool_geometry *g, float *out, double *indices);
void kd_max_pool2d_forward_f64(const double *x, const kd_pool_geometry *g, double *out, double *indices);

/* -1 when every one of indices[0, n) is an integer in [0, HW); else the position of the first that is not. */
int64_t kd_pool_find_bad_index(const double *indices, int64_t n, int64_t HW);
/* gx = 0, then gx[p*HW + indices[p*OHW + o]] += gy[p*OHW + o]; the indices must have passed the check above. */
void kd_max_pool2d_backward_f32(const float *gy, const double *indices, int64_t planes, int64_t HW, int64_t OHW, float *gx);
void kd_max_pool2d_backward_f64(const double *gy, const double *indices, int64_t planes, int64_t HW, int64_t OHW, double *gx);

/* divisorOverride 0: none. */
void kd_avg_pool2d_forward_f32(const float *x, const kd_pool_geometry *g, int countIncludePad, int64_t divisorOverride, float *out);
void kd_avg_pool2d_forward_f64(const double *x, const kd_pool_geometry *g, int countIncludePad, int64_t divisorOverride, double *out);
void kd_avg_pool2d_backward_f32(const float *gy, const kd_pool_geometry *g, int countIncludePad, int64_t divisorOverride, float *gx);
void kd_avg_pool2d_backward_f64(const double *gy, const kd_pool_geometry *g, int countIncludePad, int64_t divisorOverride, double *gx);

/* Adaptive windows: [floor(o*I/O), ceil((o+1)*I/O)) along each dim. */
void kd_adaptive_avg_pool2d_forward_f32(const float *x, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW, float *out);
void kd_adaptive_avg_pool2d_forward_f64(const double *x, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW, double *out);
void kd_adaptive_avg_pool2d_backward_f32(const float *gy, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW, float *gx);
void kd_adaptive_avg_pool2d_backward_f64(const double *gy, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW, double *gx);
void kd_adaptive_max_pool2d_forward_f32(const float *x, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW, float *out,
                                        double *indices);
void kd_adaptive_max_pool2d_forward_f64(const double *x, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW, double *out,
                                        double *indices);

#endif
