/**
 * The unpacked GEMM paths for small and skinny products (vector-matrix, matrix-vector, tiny sizes), where
 * packing costs more than it saves: row updates and dot products accumulated in double, rounded once on store.
 */
import type { FloatArray, GemmKernel } from './gemm.js';

let lineScratch = new Float64Array(0);

function getLineScratch(n: number): Float64Array {
  if (lineScratch.length < n) lineScratch = new Float64Array(Math.max(n, Math.floor(lineScratch.length * 1.5)));
  return lineScratch;
}

/** C = beta * C over an M x N submatrix; beta = 0 writes zeros without reading C. */
export function scaleC(M: number, N: number, beta: number, C: FloatArray, cOff: number, ldc: number): void {
  if (beta === 1) return;
  for (let i = 0; i < M; i++) {
    const d = cOff + i * ldc;
    if (beta === 0) C.fill(0, d, d + N);
    else for (let j = 0; j < N; j++) C[d + j] *= beta;
  }
}

// ---------------------------------------------------------------------------------------------------
// Direct (unpacked) path for small and skinny products.
// ---------------------------------------------------------------------------------------------------

export const gemmDirect: GemmKernel = (
  transA,
  transB,
  M,
  N,
  K,
  alpha,
  A,
  aOff,
  lda,
  B,
  bOff,
  ldb,
  beta,
  C,
  cOff,
  ldc,
) => {
  // opA(i,p) = A[aOff + i*ars + p*acs]; opB(p,j) = B[bOff + p*brs + j*bcs]
  const ars = transA ? 1 : lda;
  const acs = transA ? lda : 1;
  const brs = transB ? 1 : ldb;
  const bcs = transB ? ldb : 1;
  if (N === 1 && transA && M > 1) {
    // Matrix-vector with A transposed: stored rows of A are contiguous along i, so accumulate
    // whole columns: acc(:) += A(p,:) * b(p).
    const acc = getLineScratch(M);
    acc.fill(0, 0, M);
    axpyRows(M, K, A, aOff, lda, B, bOff, brs, acc);
    for (let i = 0; i < M; i++) storeOne(C, cOff + i * ldc, alpha * acc[i], beta);
  } else if (transB || N === 1) {
    // Dot-product form: both operands walk along p (contiguous for B when transB), four columns
    // of C at a time so each load of A is shared.
    for (let i = 0; i < M; i++) {
      const aRow = aOff + i * ars;
      const cRow = cOff + i * ldc;
      let j = 0;
      if (acs === 1 && brs === 1)
        for (; j + 3 < N; j += 4) dot4(K, A, aRow, B, bOff + j * bcs, bcs, alpha, beta, C, cRow + j);
      for (; j < N; j++) storeOne(C, cRow + j, alpha * dot(K, A, aRow, acs, B, bOff + j * bcs, brs), beta);
    }
  } else {
    // Row-axpy form: C(i,:) accumulates opA(i,p) * B(p,:), B rows contiguous.
    const acc = getLineScratch(N);
    for (let i = 0; i < M; i++) {
      acc.fill(0, 0, N);
      axpyRows(N, K, B, bOff, ldb, A, aOff + i * ars, acs, acc);
      storeRow(N, alpha, acc, 0, beta, C, cOff + i * ldc);
    }
  }
};

/**
 * acc[j] += sum_p X[x0 + p*ldx + j] * y[y0 + p*ys] for j < n, p < K: rows of X scaled by the entries
 * of y, four rows per pass over acc.
 */
function axpyRows(
  n: number,
  K: number,
  X: FloatArray,
  x0: number,
  ldx: number,
  Y: FloatArray,
  y0: number,
  ys: number,
  acc: Float64Array,
): void {
  let p = 0;
  let x = x0;
  let y = y0;
  for (; p + 3 < K; p += 4, x += 4 * ldx, y += 4 * ys) {
    const y0v = Y[y];
    const y1v = Y[y + ys];
    const y2v = Y[y + 2 * ys];
    const y3v = Y[y + 3 * ys];
    const x1 = x + ldx;
    const x2 = x1 + ldx;
    const x3 = x2 + ldx;
    for (let j = 0; j < n; j++) acc[j] += y0v * X[x + j] + y1v * X[x1 + j] + (y2v * X[x2 + j] + y3v * X[x3 + j]);
  }
  for (; p < K; p++, x += ldx, y += ys) {
    const yv = Y[y];
    for (let j = 0; j < n; j++) acc[j] += yv * X[x + j];
  }
}

/** sum_p X[x0 + p*xs] * Y[y0 + p*ys] with four independent partial sums. */
function dot(K: number, X: FloatArray, x0: number, xs: number, Y: FloatArray, y0: number, ys: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let p = 0;
  if (xs === 1 && ys === 1) {
    for (; p + 3 < K; p += 4) {
      s0 += X[x0 + p] * Y[y0 + p];
      s1 += X[x0 + p + 1] * Y[y0 + p + 1];
      s2 += X[x0 + p + 2] * Y[y0 + p + 2];
      s3 += X[x0 + p + 3] * Y[y0 + p + 3];
    }
    for (; p < K; p++) s0 += X[x0 + p] * Y[y0 + p];
  } else {
    let x = x0;
    let y = y0;
    for (; p + 3 < K; p += 4, x += 4 * xs, y += 4 * ys) {
      s0 += X[x] * Y[y];
      s1 += X[x + xs] * Y[y + ys];
      s2 += X[x + 2 * xs] * Y[y + 2 * ys];
      s3 += X[x + 3 * xs] * Y[y + 3 * ys];
    }
    for (; p < K; p++, x += xs, y += ys) s0 += X[x] * Y[y];
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * Four contiguous dot products sharing X: C[c0 + q] = alpha * sum_p X[x0 + p] * Y[y0 + q*yq + p]
 * (+ beta * C[c0 + q]) for q < 4.
 */
function dot4(
  K: number,
  X: FloatArray,
  x0: number,
  Y: FloatArray,
  y0: number,
  yq: number,
  alpha: number,
  beta: number,
  C: FloatArray,
  c0: number,
): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const y1 = y0 + yq;
  const y2 = y1 + yq;
  const y3 = y2 + yq;
  for (let p = 0; p < K; p++) {
    const xv = X[x0 + p];
    s0 += xv * Y[y0 + p];
    s1 += xv * Y[y1 + p];
    s2 += xv * Y[y2 + p];
    s3 += xv * Y[y3 + p];
  }
  storeOne(C, c0, alpha * s0, beta);
  storeOne(C, c0 + 1, alpha * s1, beta);
  storeOne(C, c0 + 2, alpha * s2, beta);
  storeOne(C, c0 + 3, alpha * s3, beta);
}

function storeOne(C: FloatArray, idx: number, v: number, beta: number): void {
  if (beta === 0) C[idx] = v;
  else C[idx] = v + beta * C[idx];
}

/** C[c0 + j] = alpha * S[s0 + j] + beta * C[c0 + j] for j < n (C not read when beta = 0). */
export function storeRow(
  n: number,
  alpha: number,
  S: Float64Array,
  s0: number,
  beta: number,
  C: FloatArray,
  c0: number,
): void {
  if (beta === 0) {
    if (alpha === 1) for (let j = 0; j < n; j++) C[c0 + j] = S[s0 + j];
    else for (let j = 0; j < n; j++) C[c0 + j] = alpha * S[s0 + j];
  } else if (beta === 1) {
    for (let j = 0; j < n; j++) C[c0 + j] = alpha * S[s0 + j] + C[c0 + j];
  } else {
    for (let j = 0; j < n; j++) C[c0 + j] = alpha * S[s0 + j] + beta * C[c0 + j];
  }
}

// ---------------------------------------------------------------------------------------------------
// Blocked path.
// ---------------------------------------------------------------------------------------------------
