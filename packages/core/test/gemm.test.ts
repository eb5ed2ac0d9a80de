import { type GemmCase, gemmCase } from './helpers/gemm-case.js';
import { describe, expect, it } from 'vitest';
import { gemm, type FloatArray } from '../src/kernels/gemm.js';
import { rng } from './helpers/rng.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function filled(ctor: Ctor, n: number, next: () => number): FloatArray {
  const a = new ctor(n);
  for (let i = 0; i < n; i++) a[i] = next() * 2 - 1;
  return a;
}

/**
 * Runs gemm on a case and checks it against a float64 triple loop. The error bound is relative to
 * sum_p |alpha * a * b| + |beta * c| for each element, which is what any summation order guarantees;
 * for float32 outputs one extra rounding of the result is allowed.
 */
function check(c: GemmCase, ctor: Ctor, seed: number, nanC = false): void {
  const next = rng(seed);
  const { transA, transB, M, N, K, alpha, beta, aOff, bOff, cOff } = c;
  // Stored shapes: A is M x K (or K x M when transposed), B is K x N (or N x K).
  const aRows = transA ? K : M;
  const aCols = transA ? M : K;
  const bRows = transB ? N : K;
  const bCols = transB ? K : N;
  const lda = aCols + c.padA;
  const ldb = bCols + c.padB;
  const ldc = N + c.padC;
  const A = filled(ctor, aOff + Math.max(0, aRows - 1) * lda + aCols + c.padA, next);
  const B = filled(ctor, bOff + Math.max(0, bRows - 1) * ldb + bCols + c.padB, next);
  const C = filled(ctor, cOff + Math.max(0, M - 1) * ldc + N + c.padC, next);
  if (nanC) C.fill(Number.NaN);
  const C0 = Float64Array.from(C);

  gemm(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);

  const opA = (i: number, p: number): number => (transA ? A[aOff + p * lda + i] : A[aOff + i * lda + p]);
  const opB = (p: number, j: number): number => (transB ? B[bOff + j * ldb + p] : B[bOff + p * ldb + j]);
  const rel = ctor === Float32Array ? 1e-6 : 1e-12;
  const inside = new Uint8Array(C.length);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const idx = cOff + i * ldc + j;
      inside[idx] = 1;
      let s = 0;
      let mag = 0;
      for (let p = 0; p < K; p++) {
        const t = opA(i, p) * opB(p, j);
        s += t;
        mag += Math.abs(t);
      }
      let ref = alpha * s;
      mag = Math.abs(alpha) * mag;
      if (beta !== 0) {
        ref += beta * C0[idx];
        mag += Math.abs(beta * C0[idx]);
      }
      const got = C[idx];
      const err = Math.abs(got - ref);
      const tol = rel * mag + 1e-300;
      if (!(err <= tol)) {
        throw new Error(
          `${ctor.name} ${JSON.stringify(c)} at (${i},${j}): got ${got}, expected ${ref} (err ${err}, tol ${tol})`,
        );
      }
    }
  }
  // Elements of C outside the M x N window must be untouched.
  for (let k = 0; k < C.length; k++) {
    if (!inside[k] && !Object.is(C[k], ctor === Float32Array ? Math.fround(C0[k]) : C0[k])) {
      throw new Error(`${ctor.name} ${JSON.stringify(c)}: element ${k} outside the output window was modified`);
    }
  }
}

const shapes: [number, number, number][] = [
  [1, 1, 1],
  [2, 2, 2],
  [3, 5, 7],
  [7, 3, 5],
  [4, 3, 1],
  [5, 6, 300],
  [17, 33, 65],
  [33, 17, 65],
  [64, 64, 64],
  [63, 65, 66],
  [130, 70, 250],
  [70, 130, 300],
  [1, 37, 53],
  [1, 300, 700],
  [37, 1, 53],
  [300, 1, 700],
  [37, 53, 1],
  [200, 150, 1],
  [2, 200, 64],
  [200, 2, 64],
  [9, 600, 20],
  [4, 3, 11],
  [5, 5, 5],
  [4, 4, 8],
  [3, 100, 100],
  [100, 2, 100],
  [8, 8, 700],
];

const transCombos: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

const ctors: Ctor[] = [Float32Array, Float64Array];

describe('gemm', () => {
  for (const ctor of ctors) {
    describe(ctor.name, () => {
      it('matches a float64 triple loop for all shapes and trans combinations', () => {
        let seed = 1;
        for (const [M, N, K] of shapes) {
          for (const [transA, transB] of transCombos) {
            check(gemmCase([transA, transB, M, N, K]), ctor, seed++);
          }
        }
      });

      it('handles offsets and leading dimensions larger than the logical width', () => {
        let seed = 100;
        for (const [M, N, K] of [
          [3, 5, 7],
          [17, 33, 65],
          [66, 70, 40],
          [1, 40, 30],
          [40, 1, 30],
          [130, 70, 250],
        ] as [number, number, number][]) {
          for (const [transA, transB] of transCombos) {
            check(
              gemmCase([transA, transB, M, N, K], {
                aOff: 5,
                bOff: 11,
                cOff: 3,
                padA: 3,
                padB: 7,
                padC: 2,
              }),
              ctor,
              seed++,
            );
          }
        }
      });

      it('applies alpha and beta', () => {
        let seed = 200;
        const ab: [number, number][] = [
          [1, 1],
          [2.5, 0],
          [-0.5, 1],
          [1, -2],
          [0.75, 0.25],
          [-1, 0.5],
        ];
        for (const [M, N, K] of [
          [1, 1, 1],
          [3, 5, 7],
          [17, 33, 65],
          [64, 64, 64],
          [1, 50, 20],
          [50, 1, 20],
          [70, 80, 300],
        ] as [number, number, number][]) {
          for (const [transA, transB] of transCombos) {
            for (const [alpha, beta] of ab) {
              check(gemmCase([transA, transB, M, N, K], { alpha, beta, cOff: 1, padC: 1 }), ctor, seed++);
            }
          }
        }
      });

      it('beta = 0 does not read C (NaNs in C do not propagate)', () => {
        let seed = 300;
        for (const [M, N, K] of [
          [1, 1, 1],
          [3, 5, 7],
          [1, 20, 10],
          [20, 1, 10],
          [64, 64, 64],
          [130, 70, 250],
        ] as [number, number, number][]) {
          for (const [transA, transB] of transCombos) {
            check(gemmCase([transA, transB, M, N, K], { alpha: 1.5 }), ctor, seed++, true);
          }
        }
      });

      it('K = 0 gives C = beta * C', () => {
        for (const beta of [0, 1, -3]) {
          for (const [M, N] of [
            [1, 1],
            [3, 5],
            [70, 80],
          ] as [number, number][]) {
            const C = new ctor(M * N + 4);
            for (let i = 0; i < C.length; i++) C[i] = i + 1;
            const before = Float64Array.from(C);
            gemm(false, false, M, N, 0, 2, new ctor(0), 0, 1, new ctor(0), 0, N, beta, C, 2, N);
            for (let k = 0; k < C.length; k++) {
              const inWindow = k >= 2 && k < 2 + M * N;
              expect(C[k]).toBe(inWindow ? beta * before[k] : before[k]);
            }
          }
        }
        const Cn = new ctor(6).fill(Number.NaN);
        gemm(false, false, 2, 3, 0, 1, new ctor(0), 0, 1, new ctor(0), 0, 3, 0, Cn, 0, 3);
        expect(Array.from(Cn)).toEqual([0, 0, 0, 0, 0, 0]);
      });

      it('alpha = 0 gives C = beta * C without reading A or B', () => {
        for (const [M, N, K] of [
          [3, 5, 7],
          [64, 64, 64],
        ] as [number, number, number][]) {
          const A = new ctor(M * K).fill(Number.NaN);
          const B = new ctor(K * N).fill(Number.NaN);
          const C = new ctor(M * N);
          for (let i = 0; i < C.length; i++) C[i] = i - 3;
          gemm(false, false, M, N, K, 0, A, 0, K, B, 0, N, 0.5, C, 0, N);
          for (let i = 0; i < C.length; i++) expect(C[i]).toBe((i - 3) * 0.5);
          gemm(false, false, M, N, K, 0, A, 0, K, B, 0, N, 0, C, 0, N);
          for (let i = 0; i < C.length; i++) expect(C[i]).toBe(0);
        }
      });

      it('M = 0 or N = 0 touches nothing', () => {
        const C = new ctor(4).fill(7);
        const A = new ctor(12).fill(1);
        gemm(false, false, 0, 2, 3, 1, A, 0, 3, A, 0, 2, 0, C, 0, 2);
        gemm(false, false, 2, 0, 3, 1, A, 0, 3, A, 0, 2, 0, C, 0, 2);
        expect(Array.from(C)).toEqual([7, 7, 7, 7]);
      });

      it('propagates NaN and Infinity from the operands', () => {
        const M = 20;
        const N = 30;
        const K = 40;
        const next = rng(7);
        const A = filled(ctor, M * K, next);
        const B = filled(ctor, K * N, next);
        A[3 * K + 5] = Number.NaN;
        B[7 * N + 11] = Number.POSITIVE_INFINITY;
        const C = new ctor(M * N);
        gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N);
        for (let j = 0; j < N; j++) expect(C[3 * N + j]).toBeNaN();
        for (let i = 0; i < M; i++) {
          if (i === 3) continue;
          expect(Math.abs(C[i * N + 11])).toBe(Number.POSITIVE_INFINITY);
        }
      });

      it('gives the same result when reused after larger and smaller calls (shared scratch)', () => {
        const next = rng(11);
        const run = (M: number, N: number, K: number): FloatArray => {
          const A = filled(ctor, M * K, next);
          const B = filled(ctor, K * N, next);
          const C = new ctor(M * N);
          gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N);
          return C;
        };
        check(gemmCase([false, false, 40, 50, 60]), ctor, 400);
        run(300, 200, 600);
        check(gemmCase([false, false, 40, 50, 60]), ctor, 400);
        check(gemmCase([true, false, 129, 131, 517]), ctor, 401);
      });
    });
  }

  it('accepts mixed Float32Array / Float64Array operands', () => {
    let seed = 500;
    for (const [M, N, K] of [
      [3, 5, 7],
      [64, 64, 64],
      [1, 30, 20],
    ] as [number, number, number][]) {
      const next = rng(seed++);
      const A = filled(Float32Array, M * K, next);
      const B = filled(Float64Array, K * N, next);
      const C = new Float32Array(M * N);
      gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let s = 0;
          let mag = 0;
          for (let p = 0; p < K; p++) {
            s += A[i * K + p] * B[p * N + j];
            mag += Math.abs(A[i * K + p] * B[p * N + j]);
          }
          expect(Math.abs(C[i * N + j] - s)).toBeLessThanOrEqual(1e-6 * mag);
        }
      }
    }
  });

  it('float32 results are the float64 product rounded once (large K)', () => {
    // With K spanning several depth blocks the sum must still be accumulated in float64 and rounded
    // only when stored: compare against fround of the exact-order float64 sum within float64 noise.
    const M = 9;
    const N = 11;
    const K = 1500;
    const next = rng(42);
    const A = filled(Float32Array, M * K, next);
    const B = filled(Float32Array, K * N, next);
    const C = new Float32Array(M * N);
    gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        let mag = 0;
        for (let p = 0; p < K; p++) {
          s += A[i * K + p] * B[p * N + j];
          mag += Math.abs(A[i * K + p] * B[p * N + j]);
        }
        // float64 summation-order noise is ~K * 2^-53 * mag; one float32 rounding is 2^-24 * |s|.
        expect(Math.abs(C[i * N + j] - s)).toBeLessThanOrEqual(2 ** -24 * Math.abs(s) + 1e-12 * mag);
      }
    }
  });
});
