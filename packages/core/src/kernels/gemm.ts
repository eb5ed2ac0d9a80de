/**
 * General matrix multiply (GEMM) over Float32Array / Float64Array, row-major, BLAS-like.
 *
 * Kernels know nothing of tensors: callers pass flat arrays, element offsets and leading dimensions.
 *
 * Design (Goto/BLIS style, scalar JS):
 *  - B is packed one column panel at a time (all of K by up to NC columns) into micro-panels of NR
 *    columns; A is packed in blocks of MC rows by KC depth into micro-panels of MR rows. Packing
 *    absorbs transposes and leading dimensions, so all four trans combinations run the same inner loop
 *    at the same speed.
 *  - An MR x NR register-blocked micro-kernel accumulates into an MC x NC float64 tile; the tile is
 *    written to C once, after the whole K reduction, applying alpha and beta. Every result is therefore
 *    a float64 sum rounded once on store (one rounding for Float32Array outputs).
 *  - Packed A, packed B and the C tile share one module-level Float64Array that grows on demand and is
 *    reused across calls (bounded by B_PANEL_BUDGET plus the A block and C tile, unless K is huge).
 *  - Small or skinny products (vector-matrix, matrix-vector, tiny sizes) skip packing entirely.
 *
 * Tuning notes (V8, scalar doubles): the loop is bound by instruction count (each typed-array load
 * carries an index add, overflow check and bounds check), not by memory, so cache block sizes barely
 * matter; 4x3, 3x4, 2x3 and 3x2 register blocks all run within a few percent of each other, 4x4 and
 * larger spill accumulators and are slower. bench/gemm-kernel.ts measures it.
 */

import { checkInt, overlaps } from './argument-checks.js';
import { gemmDirect, scaleC, storeRow } from './gemm-direct.js';

export type FloatArray = Float32Array | Float64Array;

/**
 * The GEMM signature every backend implements, BLAS's argument order (see `gemm` below for the contract): the
 * transposes, the sizes, alpha, each operand with its offset and leading dimension, beta before C.
 */
export type GemmKernel = (
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: FloatArray,
  aOff: number,
  lda: number,
  B: FloatArray,
  bOff: number,
  ldb: number,
  beta: number,
  C: FloatArray,
  cOff: number,
  ldc: number,
) => void;

/**
 * `batch` products as GemmKernel's, the b-th on A, B and C `strideA`, `strideB` and `strideC` elements further on
 * (the C matrices apart): bmm and matmul's batches in one call, which a backend can share out across the batch.
 */
export type GemmBatchedKernel = (
  transA: boolean,
  transB: boolean,
  batch: number,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: FloatArray,
  aOff: number,
  strideA: number,
  lda: number,
  B: FloatArray,
  bOff: number,
  strideB: number,
  ldb: number,
  beta: number,
  C: FloatArray,
  cOff: number,
  strideC: number,
  ldc: number,
) => void;

/**
 * The batch as one GEMM call per product: the reference, and the entry of a backend without its own. Each call
 * checks its own product; the batch's own arguments are checked first: the count, the strides, C's matrices apart,
 * and no C of the batch on any A or B of it (a later product would read what an earlier one wrote).
 */
export function gemmBatchedWith(gemmKernel: GemmKernel): GemmBatchedKernel {
  return (
    transA,
    transB,
    batch,
    M,
    N,
    K,
    alpha,
    A,
    aOff,
    strideA,
    lda,
    B,
    bOff,
    strideB,
    ldb,
    beta,
    C,
    cOff,
    strideC,
    ldc,
  ) => {
    checkInt(batch, 'batch', 0);
    checkInt(strideA, 'strideA', 0);
    checkInt(strideB, 'strideB', 0);
    checkInt(strideC, 'strideC', 0);
    if (batch === 0 || M === 0 || N === 0) return;
    const span = (rows: number, cols: number, ld: number): number => (rows - 1) * ld + cols;
    const cSpan = span(M, N, ldc);
    if (batch > 1 && strideC < cSpan)
      throw new RangeError(
        `gemmBatched: the C matrices overlap (strideC ${strideC} is less than a matrix's span, ${cSpan})`,
      );
    // The elements the whole batch of each operand spans, from its offset.
    const cn = (batch - 1) * strideC + cSpan;
    const an = (batch - 1) * strideA + (transA ? span(K, M, lda) : span(M, K, lda));
    const bn = (batch - 1) * strideB + (transB ? span(N, K, ldb) : span(K, N, ldb));
    if (K > 0 && alpha !== 0 && batch > 1 && (overlaps(A, aOff, an, C, cOff, cn) || overlaps(B, bOff, bn, C, cOff, cn)))
      throw new RangeError('gemmBatched: C must not overlap A or B');
    for (let b = 0; b < batch; b++)
      gemmKernel(
        transA,
        transB,
        M,
        N,
        K,
        alpha,
        A,
        aOff + b * strideA,
        lda,
        B,
        bOff + b * strideB,
        ldb,
        beta,
        C,
        cOff + b * strideC,
        ldc,
      );
  };
}

/** Register block: rows of A and columns of B per micro-kernel call. */
const MR = 4;
const NR = 3;
/** Rows of A per packed block (rounded to a multiple of MR). */
const MC = 64;
/** Depth of a packed A block. */
const KC = 256;
/** Maximum columns of B per packed panel (rounded to a multiple of NR). */
const NC = 510;
/** Upper bound, in doubles, for one packed B panel (K x nc); nc shrinks when K is large. */
const B_PANEL_BUDGET = 1 << 19;

/** Below this many multiply-adds the packing overhead is not worth it. */
const SMALL_WORK = 128;
/** The blocked path needs at least this many rows and columns; thinner products use the direct loops. */
const BLOCKED_MIN_M = 4;
const BLOCKED_MIN_N = 3;

let workspace = new Float64Array(0);

function getWorkspace(n: number): Float64Array {
  if (workspace.length < n) workspace = new Float64Array(Math.max(n, Math.floor(workspace.length * 1.5)));
  return workspace;
}

function roundUp(x: number, m: number): number {
  return Math.ceil(x / m) * m;
}

/**
 * C[cOff + i*ldc + j] = alpha * sum_p opA(i,p) * opB(p,j) + beta * C[...], for i<M, j<N, p<K.
 * opA(i,p) = transA ? A[aOff + p*lda + i] : A[aOff + i*lda + p]; opB likewise with ldb.
 * beta = 0 means C is written without being read (so NaNs in C don't propagate).
 * As in BLAS, alpha = 0 (or K = 0) means A and B are not read: C = beta * C.
 * Sums are accumulated in float64 and rounded once when stored into C. C must not overlap A or B.
 */
export const gemm: GemmKernel = (transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) => {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha === 0) {
    scaleC(M, N, beta, C, cOff, ldc);
    return;
  }
  if (M < BLOCKED_MIN_M || N < BLOCKED_MIN_N || M * N * K < SMALL_WORK) {
    gemmDirect(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
    return;
  }
  gemmBlocked(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
};

const gemmBlocked: GemmKernel = (transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) => {
  // Block sizes are kept multiples of the register block so padded micro-panels fit their regions.
  const ncBlock = Math.min(roundUp(NC, NR), roundUp(N, NR), Math.max(NR, Math.floor(B_PANEL_BUDGET / K / NR) * NR));
  const mcBlock = Math.min(roundUp(MC, MR), roundUp(M, MR));
  const kcBlock = Math.min(KC, K);
  // Workspace layout: [packed A block | C tile | packed B panel].
  const aSize = mcBlock * kcBlock;
  const cBase = aSize;
  const bBase = cBase + mcBlock * ncBlock;
  const W = getWorkspace(bBase + ncBlock * K);
  const bPanelStride = K * NR;

  for (let jc = 0; jc < N; jc += ncBlock) {
    const nc = Math.min(ncBlock, N - jc);
    const ncp = roundUp(nc, NR);
    packB(transB, K, nc, B, bOff, ldb, jc, W, bBase);
    for (let ic = 0; ic < M; ic += mcBlock) {
      const mc = Math.min(mcBlock, M - ic);
      const mcp = roundUp(mc, MR);
      W.fill(0, cBase, cBase + mcp * ncp);
      for (let pc = 0; pc < K; pc += kcBlock) {
        const kc = Math.min(kcBlock, K - pc);
        packA(transA, mc, kc, A, aOff, lda, ic, pc, W);
        macroKernel(W, kc, mcp, ncp, bBase + pc * NR, bPanelStride, cBase, ncp);
      }
      for (let i = 0; i < mc; i++) storeRow(nc, alpha, W, cBase + i * ncp, beta, C, cOff + (ic + i) * ldc + jc);
    }
  }
};

/**
 * Packs opA(i0 + i, p0 + p) for i < mc, p < kc into W[0..): micro-panel r0/MR holds element (r0 + r, p)
 * at r0*kc + p*MR + r. Rows past mc are zero-filled so the micro-kernel always runs full MR x NR.
 */
function packA(
  transA: boolean,
  mc: number,
  kc: number,
  A: FloatArray,
  aOff: number,
  lda: number,
  i0: number,
  p0: number,
  W: Float64Array,
): void {
  for (let r0 = 0; r0 < mc; r0 += MR) {
    const h = Math.min(MR, mc - r0);
    const base = r0 * kc;
    if (!transA) {
      // opA(i,p) = A[aOff + i*lda + p]: each row is contiguous along p.
      for (let r = 0; r < MR; r++) {
        let d = base + r;
        if (r < h) {
          const s = aOff + (i0 + r0 + r) * lda + p0;
          for (let p = 0; p < kc; p++, d += MR) W[d] = A[s + p];
        } else {
          for (let p = 0; p < kc; p++, d += MR) W[d] = 0;
        }
      }
    } else {
      // opA(i,p) = A[aOff + p*lda + i]: for each p the MR rows are contiguous.
      let s = aOff + p0 * lda + i0 + r0;
      let d = base;
      for (let p = 0; p < kc; p++, s += lda, d += MR) {
        let r = 0;
        for (; r < h; r++) W[d + r] = A[s + r];
        for (; r < MR; r++) W[d + r] = 0;
      }
    }
  }
}

/**
 * Packs opB(p, j0 + j) for p < K, j < nc into W[bBase..): micro-panel c0/NR holds element (p, c0 + c)
 * at bBase + c0*K + p*NR + c. Columns past nc are zero-filled.
 */
function packB(
  transB: boolean,
  K: number,
  nc: number,
  B: FloatArray,
  bOff: number,
  ldb: number,
  j0: number,
  W: Float64Array,
  bBase: number,
): void {
  for (let c0 = 0; c0 < nc; c0 += NR) {
    const w = Math.min(NR, nc - c0);
    const base = bBase + c0 * K;
    if (!transB) {
      // opB(p,j) = B[bOff + p*ldb + j]: for each p the NR columns are contiguous.
      let s = bOff + j0 + c0;
      let d = base;
      for (let p = 0; p < K; p++, s += ldb, d += NR) {
        let c = 0;
        for (; c < w; c++) W[d + c] = B[s + c];
        for (; c < NR; c++) W[d + c] = 0;
      }
    } else {
      // opB(p,j) = B[bOff + j*ldb + p]: each column is contiguous along p.
      for (let c = 0; c < NR; c++) {
        let d = base + c;
        if (c < w) {
          const s = bOff + (j0 + c0 + c) * ldb;
          for (let p = 0; p < K; p++, d += NR) W[d] = B[s + p];
        } else {
          for (let p = 0; p < K; p++, d += NR) W[d] = 0;
        }
      }
    }
  }
}

/** Runs the micro-kernel over every (MR x NR) tile of an mcp x ncp block of the C tile. */
function macroKernel(
  W: Float64Array,
  kc: number,
  mcp: number,
  ncp: number,
  b0: number,
  bPanelStride: number,
  cBase: number,
  ldw: number,
): void {
  for (let jr = 0, bi = b0; jr < ncp; jr += NR, bi += bPanelStride) {
    for (let ir = 0; ir < mcp; ir += MR) microKernel(kc, W, ir * kc, bi, cBase + ir * ldw + jr, ldw);
  }
}

/**
 * 4x3 register-blocked micro-kernel: W[ci + r*ldw + c] += sum_p W[ai + p*4 + r] * W[bi + p*3 + c].
 * Packed A, packed B and the C tile all live in the one workspace array, so the loop reads a single
 * typed array (one map check and length load per iteration instead of one per array).
 */
function microKernel(kc: number, W: Float64Array, ai: number, bi: number, ci: number, ldw: number): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0;
  const bEnd = bi + kc * 3;
  while (bi < bEnd) {
    const b0 = W[bi];
    const b1 = W[bi + 1];
    const b2 = W[bi + 2];
    const a0 = W[ai];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    const a1 = W[ai + 1];
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    const a2 = W[ai + 2];
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    const a3 = W[ai + 3];
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    ai += 4;
    bi += 3;
  }
  W[ci] += c00;
  W[ci + 1] += c01;
  W[ci + 2] += c02;
  ci += ldw;
  W[ci] += c10;
  W[ci + 1] += c11;
  W[ci + 2] += c12;
  ci += ldw;
  W[ci] += c20;
  W[ci + 1] += c21;
  W[ci + 2] += c22;
  ci += ldw;
  W[ci] += c30;
  W[ci + 1] += c31;
  W[ci + 2] += c32;
}
