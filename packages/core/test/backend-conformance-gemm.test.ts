/**
 * Backend conformance of GEMM and batched GEMM: every available backend against a float64 reference, over awkward
 * cases — 0 and 1, odd and prime sizes, sizes that straddle blocking boundaries, offsets into shared storage, padded
 * leading dimensions, NaN/Inf, float32 and float64 — and, for multi-threaded backends, bit-identical results at each
 * thread count. The other kernels' conformance is in backend-conformance.test.ts.
 */
import { expect, it } from 'vitest';
import {
  type FloatArray,
  type FloatCtor,
  describeEachBackend,
  randomArray,
  restoreBackendAfterAll,
} from './helpers/backend-conformance.js';
import { expectWithinBound } from './helpers/close.js';
import { rng } from './helpers/rng.js';

restoreBackendAfterAll();

/** A product whose three operands share one offset and one leading-dimension padding. */
interface UniformCase {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  beta: number;
  off: number;
  pad: number;
}

function gemmCases(): UniformCase[] {
  const next = rng(11);
  const sizes = [0, 1, 2, 3, 5, 7, 8, 13, 16, 17, 31, 33, 64, 65, 97, 129];
  const cases: UniformCase[] = [];
  for (let i = 0; i < 90; i++) {
    const pick = () => sizes[Math.floor(next() * sizes.length)];
    cases.push({
      transA: next() < 0.5,
      transB: next() < 0.5,
      M: pick(),
      N: pick(),
      K: pick(),
      alpha: [1, 1, -0.5, 2, 0][Math.floor(next() * 5)],
      beta: [0, 0, 1, -0.5][Math.floor(next() * 4)],
      off: Math.floor(next() * 3),
      pad: Math.floor(next() * 3),
    });
  }
  // Large enough to cross every cache block and use every thread.
  cases.push({ transA: false, transB: false, M: 257, N: 515, K: 300, alpha: 1, beta: 0, off: 1, pad: 1 });
  cases.push({ transA: true, transB: true, M: 130, N: 67, K: 1031, alpha: 1, beta: 1, off: 0, pad: 0 });
  cases.push({ transA: true, transB: false, M: 784, N: 33, K: 128, alpha: 1, beta: 0, off: 0, pad: 0 });
  return cases;
}

/** The matrices of a case: A, B and C with offsets and padded leading dimensions inside larger arrays. */
function gemmOperands(c: UniformCase, ctor: FloatCtor, seed: number) {
  const next = rng(seed);
  const [ar, ac] = c.transA ? [c.K, c.M] : [c.M, c.K];
  const [br, bc] = c.transB ? [c.N, c.K] : [c.K, c.N];
  const lda = ac + c.pad;
  const ldb = bc + c.pad;
  const ldc = c.N + c.pad;
  return {
    lda,
    ldb,
    ldc,
    A: randomArray(ctor, c.off + ar * lda + 2, next),
    B: randomArray(ctor, c.off + br * ldb + 2, next),
    C: randomArray(ctor, c.off + c.M * ldc + 2, next),
  };
}

/** The float64 reference and, per element, the sum of |terms| that scales its rounding error. */
function gemmReference(
  c: UniformCase,
  A: FloatArray,
  B: FloatArray,
  C: FloatArray,
  lda: number,
  ldb: number,
  ldc: number,
) {
  const want = Float64Array.from(C);
  const scale = new Float64Array(C.length);
  for (let i = 0; i < c.M; i++) {
    for (let j = 0; j < c.N; j++) {
      let acc = 0;
      let mag = 0;
      if (c.alpha !== 0) {
        for (let p = 0; p < c.K; p++) {
          const a = c.transA ? A[c.off + p * lda + i] : A[c.off + i * lda + p];
          const b = c.transB ? B[c.off + j * ldb + p] : B[c.off + p * ldb + j];
          acc += a * b;
          mag += Math.abs(a * b);
        }
      }
      const at = c.off + i * ldc + j;
      const old = C[at];
      want[at] = c.alpha * acc + (c.beta === 0 ? 0 : c.beta * old);
      scale[at] = Math.abs(c.alpha) * mag + Math.abs(c.beta * old) + 1;
    }
  }
  return { want, scale };
}

describeEachBackend(({ backend, threadCounts }) => {
  it('GEMM matches a float64 reference in float32 and float64, every transpose, offset and leading dimension', () => {
    for (const [ctor, eps] of [
      [Float32Array, 2 ** -22],
      [Float64Array, 2 ** -50],
    ] as const) {
      gemmCases().forEach((c, k) => {
        const { A, B, C, lda, ldb, ldc } = gemmOperands(c, ctor, 100 + k);
        const { want, scale } = gemmReference(c, A, B, C, lda, ldb, ldc);
        const results = threadCounts.map((t) => {
          backend.setNumThreads(t);
          const out = C.slice();
          backend.gemm(
            c.transA,
            c.transB,
            c.M,
            c.N,
            c.K,
            c.alpha,
            A,
            c.off,
            lda,
            B,
            c.off,
            ldb,
            c.beta,
            out,
            c.off,
            ldc,
          );
          return out;
        });
        const label = `${ctor.name} ${JSON.stringify(c)}`;
        // A bound scaled by the magnitude of what was summed.
        const tol = eps * Math.max(c.K, 1);
        const magnitude = ctor.from(scale);
        expectWithinBound(results[0], ctor.from(want), (i) => tol * magnitude[i] + tol, label);
        // Same thread count, same bits; the sum order never depends on the thread count either.
        for (const r of results) expect(r).toEqual(results[0]);
      });
    }
  });

  it("batched GEMM gives every product a lone GEMM call's bits, shared or strided operands, any thread count", () => {
    // 64^3 products share out the batch on the native backend, 130^3 ones run one after another on all threads.
    const shapes: [number, number, number][] = [
      [5, 7, 3],
      [64, 64, 64],
      [33, 1, 17],
      [130, 130, 130],
    ];
    for (const ctor of [Float32Array, Float64Array]) {
      shapes.forEach(([M, N, K], k) => {
        for (const [transA, transB] of [
          [false, false],
          [true, false],
          [false, true],
          [true, true],
        ] as const) {
          const batch = M > 100 ? 2 : 5;
          const lda = (transA ? M : K) + 1;
          const ldb = (transB ? K : N) + 2;
          const ldc = N + 1;
          const aSpan = (transA ? K : M) * lda;
          const bSpan = (transB ? N : K) * ldb;
          const cSpan = M * ldc;
          const next = rng(900 + k);
          const A = randomArray(ctor, 3 + batch * aSpan, next);
          const B = randomArray(ctor, 1 + bSpan, next);
          const C = randomArray(ctor, 2 + batch * cSpan, next);
          // A strided through the batch, B one matrix shared by every product (stride 0), beta reading C
          const expected = C.slice();
          for (let b = 0; b < batch; b++)
            backend.gemm(
              transA,
              transB,
              M,
              N,
              K,
              0.5,
              A,
              3 + b * aSpan,
              lda,
              B,
              1,
              ldb,
              -2,
              expected,
              2 + b * cSpan,
              ldc,
            );
          for (const t of threadCounts) {
            backend.setNumThreads(t);
            const got = C.slice();
            backend.gemmBatched(
              transA,
              transB,
              batch,
              M,
              N,
              K,
              0.5,
              A,
              3,
              aSpan,
              lda,
              B,
              1,
              0,
              ldb,
              -2,
              got,
              2,
              cSpan,
              ldc,
            );
            expect(got, `${ctor.name} ${M}x${N}x${K} ${transA} ${transB} on ${t} threads`).toEqual(expected);
          }
        }
      });
    }
    const A = new Float32Array(64);
    const C = new Float32Array(64);
    expect(() => backend.gemmBatched(false, false, 2, 2, 2, 2, 1, A, 0, 4, 2, A, 0, 4, 2, 0, C, 0, 3, 2)).toThrow(
      "gemmBatched: the C matrices overlap (strideC 3 is less than a matrix's span, 4)",
    );
    expect(() => backend.gemmBatched(false, false, 2, 2, 2, 2, 1, A, 0, 4, 2, A, 0, 4, 2, 0, A, 4, 4, 2)).toThrow(
      'gemmBatched: C must not overlap A or B',
    );
  });

  it('GEMM with beta = 0 overwrites NaN in C, and propagates NaN and Inf from A and B', () => {
    for (const ctor of [Float32Array, Float64Array]) {
      const M = 37;
      const N = 41;
      const K = 29;
      const next = rng(7);
      const A = randomArray(ctor, M * K, next);
      const B = randomArray(ctor, K * N, next);
      A[3 * K + 5] = NaN;
      B[2 * N + 7] = Infinity;
      const C = new ctor(M * N).fill(NaN);
      backend.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          const v = C[i * N + j];
          if (i === 3) expect(Number.isNaN(v)).toBe(true);
          else if (j === 7) expect(Math.abs(v)).toBe(Infinity);
          else expect(Number.isFinite(v)).toBe(true);
        }
      }
    }
  });
});
