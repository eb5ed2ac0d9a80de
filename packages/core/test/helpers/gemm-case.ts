/** One GEMM call's arguments as the GEMM tests write them (core's TypeScript kernel, the native addon's). */
export interface GemmCase {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  beta: number;
  aOff: number;
  bOff: number;
  cOff: number;
  /** Leading-dimension padding beyond the logical row width. */
  padA: number;
  padB: number;
  padC: number;
}

/** A product as the tables write it: op(A) and op(B) transposed or not, then M, N and K. */
export type GemmShape = [transA: boolean, transB: boolean, M: number, N: number, K: number];

/** C = op(A) op(B), alpha 1, beta 0, the operands at offset 0 with their rows unpadded, unless `more` says. */
export function gemmCase([transA, transB, M, N, K]: GemmShape, more: Partial<GemmCase> = {}): GemmCase {
  return { transA, transB, M, N, K, alpha: 1, beta: 0, aOff: 0, bOff: 0, cOff: 0, padA: 0, padB: 0, padC: 0, ...more };
}
