// The native GEMM entry against a float64 triple loop: shapes that straddle every tile and cache block of every
// kernel family (register tiles 14x32 / 14x16 with AVX-512, 6x16 / 6x8 with AVX2, 6x8 / 6x4 portable; K blocks of
// 256; row and column blocks of hundreds), the skinny shortcuts (few rows, few columns, dot products), all four
// transpose combinations with offsets and padded leading dimensions, alpha and beta in {0, 1, -0.5, 2}, IEEE
// special values, the same bits for 1 and 2 threads, and every bad argument throwing before memory is touched.
// The kernel families this CPU does not pick by itself are run in child processes (KINDLING_GEMM_ISA).
//
// The addon is @kindling/native's build (../index.cjs), or the file named by KINDLING_NATIVE_ADDON.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { expectWithinBound } from '../../core/test/helpers/close.js';
import { rng } from '../../core/test/helpers/rng.js';
import type { gemm as referenceGemm } from '../../core/src/kernels/gemm.js';

type FloatArray = Float32Array | Float64Array;
type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

interface Addon {
  setNumThreads(n: number): void;
  getNumThreads(): number;
  isa(): string;
  gemm: typeof referenceGemm;
}

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

function loadAddon(): { addon: Addon | null; path: string; reason: string } {
  const override = process.env.KINDLING_NATIVE_ADDON;
  const path = override || join(here, '..', 'build', 'kindling.node');
  let candidate: unknown;
  let reason: string;
  if (override) {
    try {
      candidate = require(override);
      reason = `KINDLING_NATIVE_ADDON=${override} has no gemm entry`;
    } catch (e) {
      return { addon: null, path, reason: `KINDLING_NATIVE_ADDON=${override} did not load: ${(e as Error).message}` };
    }
  } else {
    const native = require('../index.cjs') as { addon: unknown; reason: string | null };
    candidate = native.addon;
    reason = native.reason ?? 'the addon was built without the gemm family';
  }
  const names = ['gemm', 'isa', 'setNumThreads', 'getNumThreads'];
  const ok =
    typeof candidate === 'object' &&
    candidate !== null &&
    names.every((k) => typeof (candidate as Record<string, unknown>)[k] === 'function');
  return ok ? { addon: candidate as Addon, path, reason: '' } : { addon: null, path, reason };
}

const { addon, path: addonPath, reason } = loadAddon();
if (!addon) console.warn(`native gemm tests skipped: ${reason}`);
const native = addon as Addon;
const initialThreads = addon ? addon.getNumThreads() : 1;
afterAll(() => addon?.setNumThreads(initialThreads));

const TYPES: [string, Ctor][] = [
  ['float32', Float32Array],
  ['float64', Float64Array],
];

interface Case {
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

interface Operands {
  A: FloatArray;
  B: FloatArray;
  C: FloatArray;
  lda: number;
  ldb: number;
  ldc: number;
}

function operands(ctor: Ctor, c: Case, seed: number): Operands {
  const r = rng(seed);
  const lda = (c.transA ? c.M : c.K) + c.padA;
  const ldb = (c.transB ? c.K : c.N) + c.padB;
  const ldc = c.N + c.padC;
  const fill = (n: number): FloatArray => {
    const a = new ctor(n);
    for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
    return a;
  };
  // Storage: offset + rows * ld (the last row full), plus a tail that must stay untouched.
  const A = fill(c.aOff + (c.transA ? c.K : c.M) * lda + 3);
  const B = fill(c.bOff + (c.transB ? c.N : c.K) * ldb + 3);
  const C = fill(c.cOff + c.M * ldc + 3);
  return { A, B, C, lda, ldb, ldc };
}

/** The exact product in float64 and, per element, the sum of magnitudes that bounds its rounding error. */
function reference(c: Case, o: Operands): { value: Float64Array; scale: Float64Array } {
  const value = Float64Array.from(o.C);
  const scale = new Float64Array(o.C.length);
  for (let i = 0; i < c.M; i++) {
    for (let j = 0; j < c.N; j++) {
      let sum = 0;
      let mag = 0;
      for (let p = 0; p < c.K; p++) {
        const a = c.transA ? o.A[c.aOff + p * o.lda + i] : o.A[c.aOff + i * o.lda + p];
        const b = c.transB ? o.B[c.bOff + j * o.ldb + p] : o.B[c.bOff + p * o.ldb + j];
        sum += a * b;
        mag += Math.abs(a * b);
      }
      const at = c.cOff + i * o.ldc + j;
      const old = o.C[at];
      const product = c.alpha === 0 || c.K === 0 ? 0 : c.alpha * sum;
      value[at] = c.beta === 0 ? product : product + c.beta * old;
      scale[at] = Math.abs(c.alpha) * mag + (c.beta === 0 ? 0 : Math.abs(c.beta * old));
    }
  }
  return { value, scale };
}

function run(c: Case, o: Operands, C = o.C.slice()): FloatArray {
  native.gemm(
    c.transA,
    c.transB,
    c.M,
    c.N,
    c.K,
    c.alpha,
    o.A,
    c.aOff,
    o.lda,
    o.B,
    c.bOff,
    o.ldb,
    c.beta,
    C,
    c.cOff,
    o.ldc,
  );
  return C;
}

function describeCase(c: Case): string {
  return `${c.transA ? 'T' : 'N'}${c.transB ? 'T' : 'N'} M=${c.M} N=${c.N} K=${c.K} alpha=${c.alpha} beta=${c.beta} off=${c.aOff},${c.bOff},${c.cOff} pad=${c.padA},${c.padB},${c.padC}`;
}

/**
 * Checks a result against the reference: each element of C within K * eps * (its magnitudes) (a loose multiple
 * of the worst case of any summation order), every element outside C as it was (the reference holds C there).
 */
function expectGemmResult(c: Case, o: Operands, got: FloatArray, eps: number): void {
  const { value, scale } = reference(c, o);
  const inC = (at: number): boolean => {
    const rel = at - c.cOff;
    return rel >= 0 && Math.floor(rel / o.ldc) < c.M && rel % o.ldc < c.N;
  };
  const perMagnitude = 2 * (c.K + 2) * eps;
  expectWithinBound(got, value, (at) => (inC(at) ? perMagnitude * scale[at] : 0), describeCase(c));
}

function sameBits(x: FloatArray, y: FloatArray): boolean {
  const a = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const b = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

const EPS = { float32: 2 ** -24, float64: 2 ** -53 } as const;

/** Runs a case with 1 and 2 threads: both close to the reference, and bit for bit the same. */
function check(name: string, ctor: Ctor, c: Case, seed: number): void {
  const o = operands(ctor, c, seed);
  native.setNumThreads(1);
  const one = run(c, o);
  native.setNumThreads(2);
  const two = run(c, o);
  native.setNumThreads(initialThreads);
  expectGemmResult(c, o, one, EPS[name as keyof typeof EPS]);
  expect(sameBits(one, two), `${describeCase(c)}: 1 and 2 threads differ`).toBe(true);
}

const base: Case = {
  transA: false,
  transB: false,
  M: 1,
  N: 1,
  K: 1,
  alpha: 1,
  beta: 0,
  aOff: 0,
  bOff: 0,
  cOff: 0,
  padA: 0,
  padB: 0,
  padC: 0,
};
const TRANS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
const SCALARS = [0, 1, -0.5, 2];

describe.skipIf(!addon)(`native gemm (${addon ? native.isa() : reason})`, () => {
  it('names its kernel family', () => {
    expect(['avx512', 'avx2', 'portable']).toContain(native.isa());
  });

  describe.each(TYPES)('%s', (name, ctor) => {
    it('multiplies a small product exactly', () => {
      const C = new ctor(4);
      native.gemm(
        false,
        false,
        2,
        2,
        3,
        1,
        new ctor([1, 2, 3, 4, 5, 6]),
        0,
        3,
        new ctor([1, 0, 0, 1, 1, 1]),
        0,
        2,
        0,
        C,
        0,
        2,
      );
      expect(Array.from(C)).toEqual([4, 5, 10, 11]);
    });

    it('covers tile, block and skinny-path boundaries in every transpose combination', () => {
      // Sizes around the register tiles (4, 6, 8, 14, 16, 32) and small primes, for M, N and K alike.
      const small = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 28, 29, 31, 32, 33, 47];
      const r = rng(7);
      const pick = (xs: number[]): number => xs[Math.floor(r() * xs.length)];
      let seed = 100;
      for (const [transA, transB] of TRANS) {
        for (let n = 0; n < 40; n++) {
          const c: Case = { ...base, transA, transB, M: pick(small), N: pick(small), K: pick([...small, 64, 100]) };
          c.alpha = pick(SCALARS);
          c.beta = pick(SCALARS);
          c.aOff = pick([0, 1, 5]);
          c.bOff = pick([0, 3]);
          c.cOff = pick([0, 2]);
          c.padA = pick([0, 0, 1, 7]);
          c.padB = pick([0, 0, 2]);
          c.padC = pick([0, 0, 3]);
          check(name, ctor, c, seed++);
        }
      }
    });

    it('covers the K blocks and the row and column blocks', () => {
      // K straddles the 256-deep blocks (and their balancing: 257 = 2 x 129); M and N straddle the row and column
      // blocks of each family (504/516/512 rows, 256/512 columns) and the cut between two threads.
      const shapes: [number, number, number][] = [
        [20, 40, 255],
        [20, 40, 256],
        [20, 40, 257],
        [15, 33, 513],
        [17, 65, 600],
        [600, 33, 9],
        [1030, 20, 5],
        [30, 530, 7],
        [17, 1030, 3],
        [130, 140, 150],
        [97, 301, 61],
      ];
      let seed = 500;
      for (const [M, N, K] of shapes)
        for (const [transA, transB] of TRANS)
          check(
            name,
            ctor,
            { ...base, transA, transB, M, N, K, alpha: -0.5, beta: 2, aOff: 1, padA: 3, padB: 1, padC: 2 },
            seed++,
          );
    });

    it('runs the skinny shapes of training: batch-1 rows, matrix-vector, outer products, tiny K', () => {
      const shapes: [boolean, boolean, number, number, number][] = [
        [false, false, 1, 256, 784], // batch-1 forward, weights as (in, out)
        [false, true, 1, 256, 784], // batch-1 forward, weights as (out, in)
        [true, false, 1, 300, 70],
        [true, true, 3, 100, 90],
        [false, false, 8, 200, 50],
        [false, true, 8, 200, 50],
        [false, false, 300, 1, 200], // matrix-vector
        [false, true, 300, 1, 200],
        [true, false, 300, 1, 200],
        [true, true, 300, 3, 200],
        [false, false, 128, 10, 512], // a classifier head and its backward
        [true, false, 512, 10, 128],
        [false, true, 128, 10, 512],
        [true, false, 784, 256, 1], // outer product (K = 1)
        [false, false, 200, 300, 2],
        [false, true, 5, 7, 31], // dot path lengths around the vector width
        [false, true, 5, 7, 33],
        [false, false, 33, 5, 17],
        [false, false, 2, 3, 4],
      ];
      let seed = 900;
      for (const [transA, transB, M, N, K] of shapes)
        for (const [alpha, beta] of [
          [1, 0],
          [2, -0.5],
        ])
          check(name, ctor, { ...base, transA, transB, M, N, K, alpha, beta, bOff: 2, padA: 1, padC: 1 }, seed++);
    });

    it('runs the training shapes (MLP layers, their backward, convolutions as GEMM)', () => {
      // One at full size (a 784-512 layer at batch 128), the rest cut down along their longest side.
      const shapes: [boolean, boolean, number, number, number][] = [
        [false, true, 128, 512, 784],
        [true, false, 784, 100, 128],
        [false, false, 128, 100, 512],
        [false, false, 64, 130, 576],
        [false, true, 64, 576, 130],
        [true, false, 576, 130, 64],
      ];
      let seed = 1300;
      for (const [transA, transB, M, N, K] of shapes) check(name, ctor, { ...base, transA, transB, M, N, K }, seed++);
    });

    it("reads op(A) in place for narrow products, with the packed path's bits", () => {
      // A block of at most two column panels (64 float32 / 32 float64 columns with AVX-512) reads op(A) where it is
      // instead of packing it: ResNet-18's last convolutions (512 x 4608 weights against 49 columns) and their
      // transpose for the input's gradient, cut down. The same columns of a wide product, whose A is packed, must
      // come out bit for bit the same; so must a last panel one vector wide, which a half-width tile computes.
      const shapes: [number, number, number][] = [
        [100, 49, 300],
        [47, 17, 600],
        [29, 64, 257],
        [15, 33, 40],
        [40, 16, 300], // one vector wide (AVX-512 float32): the half-width tile
        [31, 7, 100],
      ];
      let seed = 1700;
      for (const transA of [false, true]) {
        for (const [M, N, K] of shapes) {
          const wideN = 200;
          const c: Case = {
            ...base,
            transA,
            M,
            N,
            K,
            alpha: 2,
            beta: -0.5,
            aOff: 1,
            padA: 5,
            padB: wideN - N,
            padC: 3,
          };
          check(name, ctor, c, seed);
          const o = operands(ctor, c, seed++);
          native.setNumThreads(1);
          const narrow = run(c, o);
          const wideLd = wideN + c.padC;
          const wideC = new ctor(c.cOff + M * wideLd + 3);
          for (let i = 0; i < M; i++)
            for (let j = 0; j < N; j++) wideC[c.cOff + i * wideLd + j] = o.C[c.cOff + i * o.ldc + j];
          run({ ...c, N: wideN, padB: 0 }, { ...o, ldc: wideLd }, wideC);
          native.setNumThreads(initialThreads);
          for (let i = 0; i < M; i++) {
            const got = narrow.subarray(c.cOff + i * o.ldc, c.cOff + i * o.ldc + N);
            const packed = wideC.subarray(c.cOff + i * wideLd, c.cOff + i * wideLd + N);
            expect(sameBits(got, packed), `${describeCase(c)}: row ${i} differs from the wide product's`).toBe(true);
          }
        }
      }
    });

    it('propagates NaN and infinities from A and B as IEEE arithmetic does (zeros are not skipped)', () => {
      for (const [transA, transB] of TRANS) {
        for (const [M, N, K] of [
          [20, 40, 30],
          [1, 40, 50],
          [40, 1, 50],
          [3, 70, 2],
        ]) {
          const c: Case = { ...base, transA, transB, M, N, K, beta: 1 };
          const o = operands(ctor, c, 77);
          // A NaN in op(A) row 0, an infinity in op(A) row M-1 against a zero of op(B), an infinity in op(B).
          o.A[transA ? 0 : 0] = NaN;
          const last = M - 1;
          o.A[transA ? (K - 1) * o.lda + last : last * o.lda + K - 1] = Infinity;
          o.B[transB ? 0 * o.ldb + K - 1 : (K - 1) * o.ldb + 0] = 0;
          o.B[transB ? (N - 1) * o.ldb + (1 % K) : (1 % K) * o.ldb + N - 1] = -Infinity;
          native.setNumThreads(1);
          const one = run(c, o);
          native.setNumThreads(2);
          const two = run(c, o);
          native.setNumThreads(initialThreads);
          expectGemmResult(c, o, one, EPS[name as keyof typeof EPS]);
          expect(sameBits(one, two)).toBe(true);
          expect(Number.isNaN(one[0]), 'NaN in A reaches C').toBe(true);
          expect(Number.isNaN(one[last * o.ldc]), 'Inf x 0 is NaN').toBe(true);
        }
      }
    });

    it('writes C without reading it when beta is 0 (NaN in C does not propagate)', () => {
      for (const [transA, transB] of TRANS) {
        for (const [M, N, K] of [
          [20, 40, 30],
          [1, 33, 40],
          [33, 1, 40],
          [100, 90, 80],
        ]) {
          const c: Case = { ...base, transA, transB, M, N, K, beta: 0, padC: 2 };
          const o = operands(ctor, c, 5);
          o.C.fill(NaN);
          const got = run(c, o);
          let nonFinite = 0;
          for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) if (!Number.isFinite(got[i * o.ldc + j])) nonFinite++;
          expect(nonFinite, describeCase(c)).toBe(0);
          expectGemmResult(c, o, got, EPS[name as keyof typeof EPS]);
        }
      }
    });

    it('scales C by beta without reading A or B when alpha is 0 or K is 0', () => {
      for (const [alpha, K] of [
        [0, 5],
        [1, 0],
      ]) {
        for (const beta of SCALARS) {
          const c: Case = { ...base, M: 7, N: 9, K, alpha, beta, padC: 1 };
          const o = operands(ctor, c, 11);
          o.A.fill(NaN);
          o.B.fill(NaN);
          if (beta === 0) o.C.fill(NaN);
          const got = run(c, o);
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
      native.gemm(false, false, 2, 2, 0, 1, new ctor(0), 0, 0, new ctor(0), 0, 2, 3, C, 0, 2);
      expect(Array.from(C)).toEqual([3, 6, 9, 12]);
      native.gemm(false, false, 2, 2, 3, 0, new ctor(1), 0, 3, new ctor(1), 0, 2, 0, C, 0, 2);
      expect(Array.from(C)).toEqual([0, 0, 0, 0]);
    });

    it('leaves C alone when M or N is 0', () => {
      const C = new ctor([NaN, 5]);
      native.gemm(false, false, 0, 4, 3, 1, new ctor(12), 0, 3, new ctor(12), 0, 4, 0, C, 0, 4);
      native.gemm(false, false, 4, 0, 3, 1, new ctor(12), 0, 3, new ctor(12), 0, 1, 0, C, 0, 1);
      expect(Number.isNaN(C[0])).toBe(true);
      expect(C[1]).toBe(5);
    });

    it('gives the same bits for any thread count on products big enough to be split', () => {
      const shapes: [boolean, boolean, number, number, number][] = [
        [false, false, 257, 263, 300],
        [true, true, 263, 257, 129],
        [false, true, 2, 3000, 100],
        [true, false, 3000, 2, 100],
        [false, false, 5, 4000, 70],
      ];
      let seed = 2000;
      for (const [transA, transB, M, N, K] of shapes) {
        const c: Case = { ...base, transA, transB, M, N, K, alpha: 2, beta: -0.5 };
        const o = operands(ctor, c, seed++);
        const results = [1, 2, 3, 4].map((t) => {
          native.setNumThreads(t);
          return run(c, o);
        });
        native.setNumThreads(initialThreads);
        for (const r of results.slice(1)) expect(sameBits(results[0], r), describeCase(c)).toBe(true);
      }
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
      (native.gemm as (...args: unknown[]) => void)(
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
    expect(() => (native.gemm as (...args: unknown[]) => void)(false, false, 2, 2)).toThrow(); // too few arguments
  });

  // Runs each lesser kernel family in a child process (the family is picked once, at load): a few shapes across
  // its tiles and skinny paths against a float64 reference, and the same bits for 1 and 2 threads.
  const FAMILIES = ['avx512', 'avx2', 'portable'];
  const lesser = addon ? FAMILIES.slice(FAMILIES.indexOf(native.isa()) + 1) : [];
  it.each(lesser)('runs the %s kernel family correctly when it is the one chosen', (family) => {
    const script = `
      const a = require(${JSON.stringify(addonPath)});
      if (a.isa() !== ${JSON.stringify(family)}) throw new Error('picked ' + a.isa());
      let s = 1;
      const r = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
      const shapes = [[0,0,37,45,300],[1,1,45,37,33],[0,1,1,70,90],[1,0,70,1,90],[0,0,3,50,7],[1,0,6,33,5],
                      [0,1,4,70,40],[0,0,70,4,40],[1,1,17,19,513],[0,0,200,130,90]];
      for (const T of [Float32Array, Float64Array]) for (const [tA, tB, M, N, K] of shapes) {
        const A = new T(M * K).map(r), B = new T(K * N).map(r), C0 = new T(M * N).map(r);
        const out = [1, 2].map((t) => { a.setNumThreads(t); const C = C0.slice();
          a.gemm(!!tA, !!tB, M, N, K, 2, A, 0, tA ? M : K, B, 0, tB ? K : N, -0.5, C, 0, N); return C; });
        for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
          let sum = 0, mag = 0;
          for (let p = 0; p < K; p++) { const x = tA ? A[p * M + i] : A[i * K + p], y = tB ? B[j * K + p] : B[p * N + j]; sum += x * y; mag += Math.abs(x * y); }
          const want = 2 * sum - 0.5 * C0[i * N + j], tol = 2 * (K + 2) * (T === Float32Array ? 2 ** -24 : 2 ** -53) * (2 * mag + 1);
          if (!(Math.abs(out[0][i * N + j] - want) <= tol)) throw new Error([T.name, tA, tB, M, N, K, i, j, out[0][i * N + j], want].join(' '));
          if (!Object.is(out[0][i * N + j], out[1][i * N + j])) throw new Error('threads differ ' + [T.name, tA, tB, M, N, K].join(' '));
        }
      }
      console.log('ok');`;
    const child = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, KINDLING_GEMM_ISA: family },
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('ok');
  });
});
