/*
 * Values of a float32 or float64 array carried in double: LD loads one, RND rounds a double to the array's
 * precision, ST stores. `f32` must be in scope (a constant after inlining, so each loop is one type's).
 */
#ifndef KD_FLOAT_ACCESS_H
#define KD_FLOAT_ACCESS_H

#define LD(p, i) (f32 ? (double)((const float *)(p))[i] : ((const double *)(p))[i])
#define RND(v) (f32 ? (double)(float)(v) : (v))
#define ST(p, i, v)                                      \
  do {                                                   \
    if (f32) ((float *)(p))[i] = (float)(v);             \
    else ((double *)(p))[i] = (v);                       \
  } while (0)

/*
 * a·b + c rounded once in the array's precision, for values already in it (exact casts): PyTorch's add and sub with
 * alpha and addcmul, and packages/core/src/kernels/fma.ts. Callers include <math.h>; loops that use it are
 * KD_FMA_CLONES, so that it is an instruction where the CPU has one.
 */
#define FMA(a, b, c) (f32 ? (double)fmaf((float)(a), (float)(b), (float)(c)) : fma((a), (b), (c)))

#endif
