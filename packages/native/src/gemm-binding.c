/*
 * N-API entries for GEMM: gemm(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc), and
 * gemmBatched(transA, transB, batch, M, N, K, alpha, A, aOff, strideA, lda, B, bOff, strideB, ldb, beta, C, cOff,
 * strideC, ldc): `batch` such products, the b-th on matrices strideA, strideB and strideC elements further on.
 */
#include "kindling.h"
#include "napi-args.h"

static napi_value gemm_entry(napi_env env, napi_callback_info info) {
  napi_value argv[16];
  if (!kd_args(env, info, 16, argv, "gemm")) return NULL;
  int transA, transB;
  int64_t M, N, K, aOff, lda, bOff, ldb, cOff, ldc;
  double alpha, beta;
  kd_array A, B, C;
  const int64_t big = KD_MAX_SAFE_INT;
  if (!kd_arg_bool(env, argv[0], "transA", &transA) || !kd_arg_bool(env, argv[1], "transB", &transB) ||
      !kd_arg_int(env, argv[2], "M", 0, big, &M) || !kd_arg_int(env, argv[3], "N", 0, big, &N) ||
      !kd_arg_int(env, argv[4], "K", 0, big, &K) || !kd_arg_number(env, argv[5], "alpha", &alpha) ||
      !kd_arg_array(env, argv[6], "A", KD_F32 | KD_F64, &A) || !kd_arg_int(env, argv[7], "aOff", 0, big, &aOff) ||
      !kd_arg_int(env, argv[8], "lda", 0, big, &lda) || !kd_arg_array(env, argv[9], "B", KD_F32 | KD_F64, &B) ||
      !kd_arg_int(env, argv[10], "bOff", 0, big, &bOff) || !kd_arg_int(env, argv[11], "ldb", 0, big, &ldb) ||
      !kd_arg_number(env, argv[12], "beta", &beta) || !kd_arg_array(env, argv[13], "C", KD_F32 | KD_F64, &C) ||
      !kd_arg_int(env, argv[14], "cOff", 0, big, &cOff) || !kd_arg_int(env, argv[15], "ldc", 0, big, &ldc))
    return NULL;
  if (!kd_check_same_dtype(env, &A, "A", &C, "C") || !kd_check_same_dtype(env, &B, "B", &C, "C")) return NULL;
  if (M == 0 || N == 0) return NULL;
  if (!kd_check_matrix(env, &C, "C", cOff, M, N, ldc, 0)) return NULL;
  int reads = K > 0 && alpha != 0;
  if (reads && (!kd_check_matrix(env, &A, "A", aOff, M, K, lda, transA) ||
                !kd_check_matrix(env, &B, "B", bOff, K, N, ldb, transB)))
    return NULL;
  int64_t cSpan = (M - 1) * ldc + N;
  if (reads && (kd_spans_overlap(&A, aOff, transA ? (K - 1) * lda + M : (M - 1) * lda + K, &C, cOff, cSpan) ||
                kd_spans_overlap(&B, bOff, transB ? (N - 1) * ldb + K : (K - 1) * ldb + N, &C, cOff, cSpan))) {
    kd_throw(env, "gemm: C must not overlap A or B");
    return NULL;
  }
  if (C.dtype == KD_F32) {
    kd_sgemm(transA, transB, M, N, K, (float)alpha, (const float *)A.data + aOff, lda, (const float *)B.data + bOff, ldb,
             (float)beta, (float *)C.data + cOff, ldc);
  } else {
    kd_dgemm(transA, transB, M, N, K, alpha, (const double *)A.data + aOff, lda, (const double *)B.data + bOff, ldb, beta,
             (double *)C.data + cOff, ldc);
  }
  return NULL;
}

/* The offset of the last of `batch` matrices `stride` apart from `offset`, or a thrown error past the safe range. */
static int last_offset(napi_env env, const char *name, int64_t offset, int64_t stride, int64_t batch, int64_t *last) {
  if (stride > 0 && batch - 1 > (KD_MAX_SAFE_INT - offset) / stride) {
    char msg[200];
    snprintf(msg, sizeof msg, "argument '%s': %lld matrices %lld apart from offset %lld run past the safe integers", name,
             (long long)batch, (long long)stride, (long long)offset);
    return kd_throw_range(env, msg);
  }
  *last = offset + (batch - 1) * stride;
  return 1;
}

static napi_value gemm_batched_entry(napi_env env, napi_callback_info info) {
  napi_value argv[20];
  if (!kd_args(env, info, 20, argv, "gemmBatched")) return NULL;
  int transA, transB;
  int64_t batch, M, N, K, aOff, strideA, lda, bOff, strideB, ldb, cOff, strideC, ldc;
  double alpha, beta;
  kd_array A, B, C;
  const int64_t big = KD_MAX_SAFE_INT;
  if (!kd_arg_bool(env, argv[0], "transA", &transA) || !kd_arg_bool(env, argv[1], "transB", &transB) ||
      !kd_arg_int(env, argv[2], "batch", 0, big, &batch) || !kd_arg_int(env, argv[3], "M", 0, big, &M) ||
      !kd_arg_int(env, argv[4], "N", 0, big, &N) || !kd_arg_int(env, argv[5], "K", 0, big, &K) ||
      !kd_arg_number(env, argv[6], "alpha", &alpha) || !kd_arg_array(env, argv[7], "A", KD_F32 | KD_F64, &A) ||
      !kd_arg_int(env, argv[8], "aOff", 0, big, &aOff) || !kd_arg_int(env, argv[9], "strideA", 0, big, &strideA) ||
      !kd_arg_int(env, argv[10], "lda", 0, big, &lda) || !kd_arg_array(env, argv[11], "B", KD_F32 | KD_F64, &B) ||
      !kd_arg_int(env, argv[12], "bOff", 0, big, &bOff) || !kd_arg_int(env, argv[13], "strideB", 0, big, &strideB) ||
      !kd_arg_int(env, argv[14], "ldb", 0, big, &ldb) || !kd_arg_number(env, argv[15], "beta", &beta) ||
      !kd_arg_array(env, argv[16], "C", KD_F32 | KD_F64, &C) || !kd_arg_int(env, argv[17], "cOff", 0, big, &cOff) ||
      !kd_arg_int(env, argv[18], "strideC", 0, big, &strideC) || !kd_arg_int(env, argv[19], "ldc", 0, big, &ldc))
    return NULL;
  if (!kd_check_same_dtype(env, &A, "A", &C, "C") || !kd_check_same_dtype(env, &B, "B", &C, "C")) return NULL;
  if (batch == 0 || M == 0 || N == 0) return NULL;
  int64_t lastA = aOff, lastB = bOff, lastC;
  const int64_t cSpan = (M - 1) * ldc + N;
  if (!last_offset(env, "C", cOff, strideC, batch, &lastC) || !kd_check_matrix(env, &C, "C", cOff, M, N, ldc, 0) ||
      !kd_check_matrix(env, &C, "C", lastC, M, N, ldc, 0))
    return NULL;
  if (batch > 1 && strideC < cSpan) {
    char msg[200];
    snprintf(msg, sizeof msg, "gemmBatched: the C matrices overlap (strideC %lld is less than a matrix's span, %lld)",
             (long long)strideC, (long long)cSpan);
    kd_throw_range(env, msg);
    return NULL;
  }
  const int reads = K > 0 && alpha != 0;
  const int64_t aSpan = transA ? (K - 1) * lda + M : (M - 1) * lda + K;
  const int64_t bSpan = transB ? (N - 1) * ldb + K : (K - 1) * ldb + N;
  if (reads && (!last_offset(env, "A", aOff, strideA, batch, &lastA) ||
                !kd_check_matrix(env, &A, "A", aOff, M, K, lda, transA) ||
                !kd_check_matrix(env, &A, "A", lastA, M, K, lda, transA) ||
                !last_offset(env, "B", bOff, strideB, batch, &lastB) ||
                !kd_check_matrix(env, &B, "B", bOff, K, N, ldb, transB) ||
                !kd_check_matrix(env, &B, "B", lastB, K, N, ldb, transB)))
    return NULL;
  if (reads && (kd_spans_overlap(&A, aOff, lastA - aOff + aSpan, &C, cOff, lastC - cOff + cSpan) ||
                kd_spans_overlap(&B, bOff, lastB - bOff + bSpan, &C, cOff, lastC - cOff + cSpan))) {
    kd_throw_range(env, "gemmBatched: C must not overlap A or B");
    return NULL;
  }
  if (C.dtype == KD_F32)
    kd_sgemm_batched(transA, transB, batch, M, N, K, (float)alpha, (const float *)A.data + aOff, strideA, lda,
                     (const float *)B.data + bOff, strideB, ldb, (float)beta, (float *)C.data + cOff, strideC, ldc);
  else
    kd_dgemm_batched(transA, transB, batch, M, N, K, alpha, (const double *)A.data + aOff, strideA, lda,
                     (const double *)B.data + bOff, strideB, ldb, beta, (double *)C.data + cOff, strideC, ldc);
  return NULL;
}

int kd_register_gemm(napi_env env, napi_value exports) {
  return kd_export(env, exports, "gemm", gemm_entry) && kd_export(env, exports, "gemmBatched", gemm_batched_entry);
}
