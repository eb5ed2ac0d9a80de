/*
 * GEMM entry points. This first version is the plain triple loop (correct, slow); the packed, cache-blocked
 * implementation with per-ISA micro-kernels replaces it.
 */
#include "kindling.h"

#define DEFINE_GEMM(NAME, T)                                                                                      \
  void NAME(int transA, int transB, int64_t M, int64_t N, int64_t K, T alpha, const T *A, int64_t lda,              \
            const T *B, int64_t ldb, T beta, T *C, int64_t ldc) {                                                   \
    for (int64_t i = 0; i < M; i++) {                                                                               \
      for (int64_t j = 0; j < N; j++) {                                                                             \
        T acc = 0;                                                                                                  \
        if (alpha != 0)                                                                                             \
          for (int64_t p = 0; p < K; p++)                                                                           \
            acc += (transA ? A[p * lda + i] : A[i * lda + p]) * (transB ? B[j * ldb + p] : B[p * ldb + j]);         \
        C[i * ldc + j] = (beta == 0 ? 0 : beta * C[i * ldc + j]) + alpha * acc;                                     \
      }                                                                                                             \
    }                                                                                                               \
  }

DEFINE_GEMM(kd_sgemm, float)
DEFINE_GEMM(kd_dgemm, double)

const char *kd_gemm_isa(void) { return "portable"; }
