/**
 * The native GEMM entry as its tests load it, and their cases: products with offsets and padded leading
 * dimensions, their operands drawn at random, a float64 triple loop to check a result against, and a case run on
 * 1 and 2 threads, both close to the reference and the same bits.
 */
import { type GemmCase, type GemmShape, gemmCase } from '../../core/test/helpers/gemm-case.js';
import { expect } from 'vitest';
import type { gemm as referenceGemm } from '../../core/src/kernels/gemm.js';
import { expectWithinBound } from '../../core/test/helpers/close.js';
import { rng } from '../../core/test/helpers/rng.js';
import { type ThreadControl, addonWith, atThreadCounts } from './built-addon.js';

export type FloatArray = Float32Array | Float64Array;
export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

export interface GemmEntries {
  /** Which kernel family the addon picked for this CPU: 'avx512', 'avx2' or 'portable'. */
  isa(): string;
  gemm: typeof referenceGemm;
}
export type NativeGemm = GemmEntries & ThreadControl;

export const { addon: native, reason, path: addonPath } = addonWith<GemmEntries>(['gemm', 'isa'], 'gemm family');
if (!native) console.warn(`native gemm tests skipped: ${reason}`);
/** The suite's title names the kernel family under test, or why there is none. */
export const SUITE = `native gemm (${native ? native.isa() : reason})`;

export type Case = GemmCase;
export type Shape = GemmShape;
export { gemmCase };

export const TRANS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
export const SCALARS = [0, 1, -0.5, 2];

/** A case for each transpose combination and each [M, N, K] in turn. */
export function inEveryTranspose(sizes: [number, number, number][], more: Partial<Case> = {}): Case[] {
  return TRANS.flatMap(([transA, transB]) => sizes.map(([M, N, K]) => gemmCase([transA, transB, M, N, K], more)));
}

export interface Operands {
  A: FloatArray;
  B: FloatArray;
  C: FloatArray;
  lda: number;
  ldb: number;
  ldc: number;
}

export function operands(ctor: FloatCtor, c: Case, seed: number): Operands {
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

/** The addon's product for a case, into a copy of C (or into `C` itself when given). */
export function run(addon: NativeGemm, c: Case, o: Operands, C = o.C.slice()): FloatArray {
  addon.gemm(
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

export function describeCase(c: Case): string {
  return `${c.transA ? 'T' : 'N'}${c.transB ? 'T' : 'N'} M=${c.M} N=${c.N} K=${c.K} alpha=${c.alpha} beta=${c.beta} off=${c.aOff},${c.bOff},${c.cOff} pad=${c.padA},${c.padB},${c.padC}`;
}

export const EPS = { float32: 2 ** -24, float64: 2 ** -53 } as const;

/**
 * Checks a result against the reference: each element of C within K * eps * (its magnitudes) (a loose multiple
 * of the worst case of any summation order), every element outside C as it was (the reference holds C there).
 */
export function expectGemmResult(c: Case, o: Operands, got: FloatArray, eps: number): void {
  const { value, scale } = reference(c, o);
  const inC = (at: number): boolean => {
    const rel = at - c.cOff;
    return rel >= 0 && Math.floor(rel / o.ldc) < c.M && rel % o.ldc < c.N;
  };
  const perMagnitude = 2 * (c.K + 2) * eps;
  expectWithinBound(got, value, (at) => (inC(at) ? perMagnitude * scale[at] : 0), describeCase(c));
}

export function sameBits(x: FloatArray, y: FloatArray): boolean {
  const a = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const b = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The addon's results for a case on each thread count, in order. */
export function runOnThreads(addon: NativeGemm, counts: readonly number[], c: Case, o: Operands): FloatArray[] {
  const results: FloatArray[] = [];
  atThreadCounts(addon, counts, () => results.push(run(addon, c, o)));
  return results;
}

/** Runs a case on 1 and 2 threads: both close to the reference, and bit for bit the same. Returns the operands. */
export function check(addon: NativeGemm, name: keyof typeof EPS, ctor: FloatCtor, c: Case, seed: number): Operands {
  const o = operands(ctor, c, seed);
  const [one, two] = runOnThreads(addon, [1, 2], c, o);
  expectGemmResult(c, o, one, EPS[name]);
  expect(sameBits(one, two), `${describeCase(c)}: 1 and 2 threads differ`).toBe(true);
  return o;
}

/** `check` on each case in turn, the seeds counting up from `firstSeed`. */
export function checkEach(
  addon: NativeGemm,
  name: keyof typeof EPS,
  ctor: FloatCtor,
  cases: Case[],
  firstSeed: number,
): void {
  cases.forEach((c, i) => check(addon, name, ctor, c, firstSeed + i));
}
