// The native GEMM entry at its edges: IEEE special values in A and B propagated as the arithmetic does, C written
// without being read when beta is 0 and scaled alone when alpha or K is 0, left alone when M or N is 0; the same
// bits for any thread count on products big enough to be split; and every bad argument throwing before memory is
// touched.
import { describe, expect, it } from 'vitest';
import { FLOAT_TYPES, describeAddon } from './built-addon.js';
import {
  EPS,
  SCALARS,
  SUITE,
  type Shape,
  describeCase,
  expectGemmResult,
  gemmCase,
  inEveryTranspose,
  native,
  operands,
  run,
  runOnThreads,
  sameBits,
} from './gemm-cases.js';

describeAddon(native, SUITE, (addon) => {
  describe.each(FLOAT_TYPES)('%s', (name, ctor) => {
    it('propagates NaN and infinities from A and B as IEEE arithmetic does (zeros are not skipped)', () => {
      const sizes: [number, number, number][] = [
        [20, 40, 30],
        [1, 40, 50],
        [40, 1, 50],
        [3, 70, 2],
      ];
      for (const c of inEveryTranspose(sizes, { beta: 1 })) {
        const { transA, transB, M, N, K } = c;
        const o = operands(ctor, c, 77);
        // A NaN in op(A) row 0, an infinity in op(A) row M-1 against a zero of op(B), an infinity in op(B).
        o.A[0] = NaN;
        const last = M - 1;
        o.A[transA ? (K - 1) * o.lda + last : last * o.lda + K - 1] = Infinity;
        o.B[transB ? 0 * o.ldb + K - 1 : (K - 1) * o.ldb + 0] = 0;
        o.B[transB ? (N - 1) * o.ldb + (1 % K) : (1 % K) * o.ldb + N - 1] = -Infinity;
        const [one, two] = runOnThreads(addon, [1, 2], c, o);
        expectGemmResult(c, o, one, EPS[name]);
        expect(sameBits(one, two)).toBe(true);
        expect(Number.isNaN(one[0]), 'NaN in A reaches C').toBe(true);
        expect(Number.isNaN(one[last * o.ldc]), 'Inf x 0 is NaN').toBe(true);
      }
    });

    it('writes C without reading it when beta is 0 (NaN in C does not propagate)', () => {
      const sizes: [number, number, number][] = [
        [20, 40, 30],
        [1, 33, 40],
        [33, 1, 40],
        [100, 90, 80],
      ];
      for (const c of inEveryTranspose(sizes, { padC: 2 })) {
        const o = operands(ctor, c, 5);
        o.C.fill(NaN);
        const got = run(addon, c, o);
        let nonFinite = 0;
        for (let i = 0; i < c.M; i++)
          for (let j = 0; j < c.N; j++) if (!Number.isFinite(got[i * o.ldc + j])) nonFinite++;
        expect(nonFinite, describeCase(c)).toBe(0);
        expectGemmResult(c, o, got, EPS[name]);
      }
    });

    it('scales C by beta without reading A or B when alpha is 0 or K is 0', () => {
      for (const [alpha, K] of [
        [0, 5],
        [1, 0],
      ]) {
        for (const beta of SCALARS) {
          const c = gemmCase([false, false, 7, 9, K], { alpha, beta, padC: 1 });
          const o = operands(ctor, c, 11);
          o.A.fill(NaN);
          o.B.fill(NaN);
          if (beta === 0) o.C.fill(NaN);
          const got = run(addon, c, o);
          for (let i = 0; i < c.M; i++)
            for (let j = 0; j < c.N; j++) {
              const at = i * o.ldc + j;
              // beta is 0 or a power of two (times -1), so beta * C is exact in either type.
              expect(got[at]).toBe(beta === 0 ? 0 : beta * o.C[at]);
            }
        }
      }
      // alpha == 0 or K == 0 reads neither operand, so they may even be too short.
      const C = new ctor([1, 2, 3, 4]);
      addon.gemm(false, false, 2, 2, 0, 1, new ctor(0), 0, 0, new ctor(0), 0, 2, 3, C, 0, 2);
      expect(Array.from(C)).toEqual([3, 6, 9, 12]);
      addon.gemm(false, false, 2, 2, 3, 0, new ctor(1), 0, 3, new ctor(1), 0, 2, 0, C, 0, 2);
      expect(Array.from(C)).toEqual([0, 0, 0, 0]);
    });

    it('leaves C alone when M or N is 0', () => {
      const C = new ctor([NaN, 5]);
      addon.gemm(false, false, 0, 4, 3, 1, new ctor(12), 0, 3, new ctor(12), 0, 4, 0, C, 0, 4);
      addon.gemm(false, false, 4, 0, 3, 1, new ctor(12), 0, 3, new ctor(12), 0, 1, 0, C, 0, 1);
      expect(Number.isNaN(C[0])).toBe(true);
      expect(C[1]).toBe(5);
    });

    it('gives the same bits for any thread count on products big enough to be split, close to the reference', () => {
      // Besides the skinny paths: 530 x 300 x 300 has two blocks of rows, columns and depth each, op(B) packed
      // whole once for all the rows, and a thread's rows cut into parts on 2-4 threads; 128 x 4000 x 100 splits
      // C's columns between threads too, so a thread may move to other columns; 24 x 1030 x 2100 has op(B)'s
      // columns past the 8 MB packed whole, so packed block by block.
      const shapes: Shape[] = [
        [false, false, 257, 263, 300],
        [true, true, 263, 257, 129],
        [false, true, 2, 3000, 100],
        [true, false, 3000, 2, 100],
        [false, false, 5, 4000, 70],
        [false, false, 530, 300, 300],
        [true, true, 530, 300, 300],
        [false, false, 128, 4000, 100],
        [false, true, 24, 1030, 2100],
      ];
      shapes.forEach((shape, i) => {
        const c = gemmCase(shape, { alpha: 2, beta: -0.5, padB: 3 });
        const o = operands(ctor, c, 2000 + i);
        const [first, ...others] = runOnThreads(addon, [1, 2, 3, 4], c, o);
        expectGemmResult(c, o, first, EPS[name]);
        for (const r of others) expect(sameBits(first, r), describeCase(c)).toBe(true);
      });
    });
  });

  it('throws on bad arguments before touching memory', () => {
    const f32 = (n: number): Float32Array => new Float32Array(n);
    const call = (over: Partial<Record<string, unknown>>): void => {
      const a = {
        transA: false,
        transB: false,
        M: 2,
        N: 2,
        K: 2,
        alpha: 1,
        A: f32(4),
        aOff: 0,
        lda: 2,
        B: f32(4),
        bOff: 0,
        ldb: 2,
        beta: 0,
        C: f32(4),
        cOff: 0,
        ldc: 2,
        ...over,
      };
      (addon.gemm as (...args: unknown[]) => void)(
        a.transA,
        a.transB,
        a.M,
        a.N,
        a.K,
        a.alpha,
        a.A,
        a.aOff,
        a.lda,
        a.B,
        a.bOff,
        a.ldb,
        a.beta,
        a.C,
        a.cOff,
        a.ldc,
      );
    };
    expect(() => call({})).not.toThrow();
    expect(() => call({ C: f32(3) })).toThrow(); // C too short
    expect(() => call({ cOff: 1 })).toThrow(); // C too short from its offset
    expect(() => call({ A: f32(3) })).toThrow(); // A too short
    expect(() => call({ B: f32(3) })).toThrow(); // B too short
    expect(() => call({ lda: 1 })).toThrow(); // lda shorter than a row
    expect(() => call({ ldc: 1 })).toThrow();
    expect(() => call({ C: new Float64Array(4) })).toThrow(); // mismatched types
    expect(() => call({ A: new Float64Array(4) })).toThrow();
    expect(() => call({ A: new Int32Array(4) })).toThrow(); // not a float array
    expect(() => call({ B: [1, 2, 3, 4] })).toThrow(); // not a typed array
    expect(() => call({ M: -1 })).toThrow();
    expect(() => call({ K: 1.5 })).toThrow();
    const shared = f32(8);
    expect(() => call({ A: shared, C: shared, cOff: 4 })).not.toThrow(); // disjoint parts of one buffer
    expect(() => call({ A: shared, C: shared, cOff: 2 })).toThrow(); // C overlapping A
    expect(() => (addon.gemm as (...args: unknown[]) => void)(false, false, 2, 2)).toThrow(); // too few arguments
  });
});
