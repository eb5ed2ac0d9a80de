// The flat elementwise kernels of kernels/contiguous.ts and kernels/strided.ts (the native addon's signatures):
// binary and unary against per-element computations, against the strided kernels they must match bit for bit,
// and against the tensor ops; strided copies against index arithmetic.
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { binaryKernel, type FastBinary } from '../src/kernels/elementwise.js';
import { fma32, fma64 } from '../src/kernels/fma.js';
import { binary, binaryLayout, BinaryOp, unary, UnaryOp } from '../src/kernels/contiguous.js';
import { copyStrided, scatterStrided } from '../src/kernels/strided.js';
import { TYPES, fillInput, referenceOpsOnTypescript, valuesOf } from './helpers/flat-kernels.js';
import { rng } from './helpers/rng.js';
import { expectSame } from './helpers/same-values.js';

referenceOpsOnTypescript();

const FAST: FastBinary[] = ['add', 'sub', 'mul', 'div'];
/** One element of op; add with alpha is a fused multiply-add in the array's precision (kernels/fma.ts). */
const scalarOp =
  (op: number, alpha: number, f32: boolean) =>
  (x: number, y: number): number =>
    op === 0
      ? alpha === 1
        ? x + y
        : f32
          ? fma32(Math.fround(alpha), y, x)
          : fma64(alpha, y, x)
      : op === 1
        ? x - y
        : op === 2
          ? x * y
          : x / y;

function layoutOf(shape: number[], as: number[], bs: number[]): Float64Array {
  const l = new Float64Array(13);
  l[0] = shape.length;
  shape.forEach((s, d) => {
    l[1 + d] = s;
    l[5 + d] = as[d];
    l[9 + d] = bs[d];
  });
  return l;
}

/** Strides of an operand over `shape`: broadcast dims (stride 0) where `bcast`, the rest in a shuffled order with gaps. */
function operandStrides(shape: number[], bcast: boolean[], r: () => number): { strides: number[]; extent: number } {
  const dims = shape.map((_, d) => d).filter((d) => !bcast[d]);
  for (let i = dims.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [dims[i], dims[j]] = [dims[j], dims[i]];
  }
  if (r() < 0.5) dims.sort((x, y) => x - y); // often row-major, so the (1, *) fast paths run
  const strides = new Array<number>(shape.length).fill(0);
  let s = 1;
  for (let k = dims.length - 1; k >= 0; k--) {
    strides[dims[k]] = s;
    s *= shape[dims[k]] + (r() < 0.2 ? 1 : 0);
  }
  let extent = 1;
  shape.forEach((n, d) => (extent += (n - 1) * strides[d]));
  return { strides, extent };
}

describe('binary', () => {
  it('matches binaryKernel and the per-element definition bit for bit, for every layout pattern', () => {
    const r = rng(1);
    let cases = 0;
    for (const [name, T] of TYPES) {
      for (let trial = 0; trial < 120; trial++) {
        const nd = 1 + (trial % 4);
        const shape = Array.from({ length: nd }, () => 1 + Math.floor(r() * (nd === 1 ? 70 : 7)));
        const aB = shape.map(() => r() < 0.3);
        const bB = shape.map(() => r() < 0.3);
        if (trial % 5 === 0) aB.fill(false);
        if (trial % 7 === 0) bB[nd - 1] = true;
        const A = operandStrides(shape, aB, r);
        const B = operandStrides(shape, bB, r);
        const aOff = Math.floor(r() * 3);
        const bOff = Math.floor(r() * 3);
        const outOff = Math.floor(r() * 3);
        const n = shape.reduce((x, y) => x * y, 1);
        const a = fillInput(new T(aOff + A.extent + 2), trial * 3 + 1);
        const b = fillInput(new T(bOff + B.extent), trial * 3 + 2);
        for (let op = 0; op < 4; op++) {
          for (const alpha of op === 0 ? [1, -0.5, 3.3] : [1]) {
            const out = new T(outOff + n + 1).fill(7);
            binary(op, a, aOff, b, bOff, out, outOff, layoutOf(shape, A.strides, B.strides), alpha);
            const ref = new T(n);
            binaryKernel(
              { array: a, strides: A.strides, offset: aOff },
              { array: b, strides: B.strides, offset: bOff },
              shape,
              ref,
              scalarOp(op, alpha, T === Float32Array),
              FAST[op],
              alpha,
            );
            const what = `${name} op ${op} alpha ${alpha} shape [${shape}] a ${A.strides} b ${B.strides}`;
            expectSame(out.subarray(outOff, outOff + n), ref, what);
            expect(out[outOff - 1] ?? 7).toBe(7);
            expect(out[outOff + n]).toBe(7);
            // the definition, element by element
            const idx = new Array<number>(nd).fill(0);
            const plain = new T(n);
            for (let k = 0; k < n; k++) {
              let rem = k;
              for (let d = nd - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem = Math.floor(rem / shape[d]);
              }
              let pa = aOff;
              let pb = bOff;
              for (let d = 0; d < nd; d++) {
                pa += idx[d] * A.strides[d];
                pb += idx[d] * B.strides[d];
              }
              plain[k] = scalarOp(op, alpha, T === Float32Array)(a[pa], b[pb]);
            }
            expectSame(out.subarray(outOff, outOff + n), plain, what);
            cases++;
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(1000);
  });

  it('float32 results are IEEE float32 arithmetic', () => {
    const a = fillInput(new Float32Array(999), 5);
    const b = fillInput(new Float32Array(999), 6);
    const out = new Float32Array(999);
    const layout = layoutOf([999], [1], [1]);
    for (let op = 1; op < 4; op++) {
      binary(op, a, 0, b, 0, out, 0, layout, 1);
      const f = scalarOp(op, 1, true);
      expectSame(
        out,
        Float32Array.from(a, (x, i) => Math.fround(f(x, b[i]))),
        `op ${op}`,
      );
    }
  });

  it('n = 0 writes nothing and checks no spans; in place on an operand works', () => {
    const out = new Float64Array(2).fill(3);
    binary(0, new Float64Array(0), 5, new Float64Array(0), 5, out, 9, layoutOf([0, 4], [4, 1], [4, 1]), 1);
    expect([...out]).toEqual([3, 3]);
    const a = fillInput(new Float64Array(10), 1, false);
    const b = fillInput(new Float64Array(10), 2, false);
    const expected = Float64Array.from(a, (x, i) => x * b[i]);
    binary(BinaryOp.mul, a, 0, b, 0, a, 0, layoutOf([10], [1], [1]), 1);
    expectSame(a, expected, 'in place');
  });

  it('binaryLayout drops size-1 dims, merges contiguous ones and refuses more than four', () => {
    expect([...(binaryLayout([2, 1, 3, 4], [12, 0, 4, 1], [0, 0, 0, 1]) as Float64Array)]).toEqual([
      2, 6, 4, 0, 0, 4, 1, 0, 0, 0, 1, 0, 0,
    ]);
    expect([...(binaryLayout([], [], []) as Float64Array)]).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(binaryLayout([2, 3, 0], [0, 0, 0], [0, 0, 0])?.[1]).toBe(0);
    expect(binaryLayout([2, 2, 2, 2, 2], [16, 8, 4, 2, 1], [1, 2, 4, 8, 16])).toBeNull();
    expect([...(binaryLayout([3, 5], [5, 1], [5, 1]) as Float64Array)]).toEqual([
      1, 15, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0,
    ]);
  });

  it('checks its arguments before touching memory', () => {
    const a = new Float32Array(8);
    const out = new Float32Array(8).fill(5);
    const l = layoutOf([8], [1], [1]);
    expect(() => binary(7, a, 0, a, 0, out, 0, l, 1)).toThrow(/'op'/);
    expect(() => binary(0, a, 0, new Float64Array(8), 0, out, 0, l, 1)).toThrow(/same element type/);
    expect(() => binary(0, a, 1, a, 0, out, 0, l, 1)).toThrow(/argument 'a'/);
    expect(() => binary(0, a, 0, a, 0, out, 1, l, 1)).toThrow(/argument 'out'/);
    expect(() => binary(0, a, 0, a, 0, out, 0, new Float64Array(12), 1)).toThrow(/13 entries/);
    expect(() => binary(0, a, 0, a, 0, out, 0, layoutOf([8, 1], [1, 0], [1, 0]).fill(1, 12), 1)).toThrow(/bStride3/);
    expect(() => binary(0, a, 0, a, 0, out, 0, layoutOf([2, 4], [4, -1], [4, 1]), 1)).toThrow(/aStride1/);
    const inPlaceShifted = new Float32Array(9);
    expect(() => binary(0, inPlaceShifted, 1, a, 0, inPlaceShifted, 0, l, 1)).toThrow(/apart/);
    expect([...out]).toEqual(new Array(8).fill(5));
  });
});

const UNARY_REF: ((v: number) => number)[] = [
  (v) => (v < 0 ? 0 : v),
  (v) => -v,
  Math.abs,
  Math.exp,
  Math.log,
  Math.sqrt,
  Math.tanh,
  (v) => 1 / (1 + Math.exp(-v)),
  Math.sin,
  Math.cos,
  (v) => 1 / Math.sqrt(v),
  (v) => v * v,
];
/** float32 sigmoid takes PyTorch's float32 steps: exp(-v) rounded, then a float32 add and divide. */
const SIGMOID_F32_REF = (v: number): number => Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-v))));

describe('unary', () => {
  it('matches the per-element definitions bit for bit', () => {
    for (const [name, T] of TYPES) {
      for (const n of [0, 1, 2, 7, 64, 1001]) {
        const x = fillInput(new T(n + 3), n + 17);
        for (let op = 0; op < 12; op++) {
          const out = new T(n + 2).fill(9);
          unary(op, x, 3, out, 1, n);
          const f = op === UnaryOp.sigmoid && T === Float32Array ? SIGMOID_F32_REF : UNARY_REF[op];
          const expected = new T(n);
          for (let i = 0; i < n; i++) expected[i] = f(x[3 + i]);
          expectSame(out.subarray(1, n + 1), expected, `${name} op ${op} n ${n}`);
          expect(out[0]).toBe(9);
          expect(out[n + 1]).toBe(9);
        }
      }
    }
  });

  it('matches the tensor ops bit for bit', () => {
    const ops: [number, (t: torch.Tensor) => torch.Tensor][] = [
      [UnaryOp.relu, torch.relu],
      [UnaryOp.neg, torch.neg],
      [UnaryOp.abs, torch.abs],
      [UnaryOp.exp, torch.exp],
      [UnaryOp.log, torch.log],
      [UnaryOp.sqrt, torch.sqrt],
      [UnaryOp.tanh, torch.tanh],
      [UnaryOp.sigmoid, torch.sigmoid],
      [UnaryOp.sin, torch.sin],
      [UnaryOp.cos, torch.cos],
      [UnaryOp.rsqrt, torch.rsqrt],
    ];
    for (const [name, T] of TYPES) {
      const x = fillInput(new T(257), 3);
      // the same values as a strided view (every other element), which the ops run element by element
      const wide = new T(514);
      x.forEach((v, i) => (wide[2 * i] = v));
      const view = torch.fromArray(wide, [257, 2]).select(1, 0);
      for (const [op, f] of ops) {
        const out = new T(257);
        unary(op, x, 0, out, 0, 257);
        expectSame(out, valuesOf(f(torch.fromArray(x))), `${name} op ${op}`);
        expectSame(out, valuesOf(f(view)), `${name} op ${op} (strided)`);
      }
      const sq = new T(257);
      unary(UnaryOp.square, x, 0, sq, 0, 257);
      expectSame(sq, valuesOf(view.mul(view)), `${name} square`);
    }
  });

  it('relu passes NaN and -0 through, as PyTorch 1.13 (relu(tensor([-0.])) is tensor([-0.]))', () => {
    const x = Float64Array.of(NaN, -0, 0, -1, 2, -Infinity, Infinity);
    const out = new Float64Array(7);
    unary(UnaryOp.relu, x, 0, out, 0, 7);
    expectSame(out, [NaN, -0, 0, 0, 2, 0, Infinity], 'relu');
  });

  it('checks its arguments', () => {
    const x = new Float64Array(4);
    expect(() => unary(14, x, 0, x, 0, 4)).toThrow(/'op'/);
    expect(() => unary(1.5, x, 0, x, 0, 4)).toThrow(/'op' must be an integer/);
    expect(() => unary(0, x, 1, new Float64Array(4), 0, 4)).toThrow(/argument 'x'/);
    expect(() => unary(0, x, 0, new Float32Array(4), 0, 4)).toThrow(/same element type/);
    expect(() => unary(0, x, 0, x, 1, 3)).toThrow(/apart/);
    expect(() => unary(0, new Int32Array(4) as unknown as Float64Array, 0, x, 0, 4)).toThrow(
      /Float32Array or Float64Array/,
    );
  });
});

describe('copyStrided and scatterStrided', () => {
  it('copies transposed and offset 2-D views, in tiles and per element, to the values index arithmetic gives', () => {
    // Shapes on both sides of the tiled path's threshold and tile size, with an offset into shared storage.
    for (const [rows, cols] of [
      [3, 5],
      [33, 31],
      [67, 129],
      [128, 64],
    ]) {
      const storage = fillInput(new Float32Array(rows * cols + 7), rows);
      const got = new Float32Array(rows * cols);
      copyStrided(storage, [rows, cols], [1, rows], 7, got);
      const want = new Float32Array(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) want[i * cols + j] = storage[7 + i + j * rows];
      expectSame(got, want, `copy ${rows}x${cols}`);
      // Written back through the same layout, the storage past the offset is what it was.
      const back = new Float32Array(storage.length);
      scatterStrided(got, 0, back, [rows, cols], [1, rows], 7);
      expectSame(back.subarray(7), storage.subarray(7), `write-back ${rows}x${cols}`);
    }
  });

  it('scatters a contiguous source into a contiguous destination at an offset', () => {
    const dst = new Float64Array(10).fill(-1);
    scatterStrided(new Float64Array([1, 2, 3, 4]), 0, dst, [2, 2], [2, 1], 3);
    expect(Array.from(dst)).toEqual([-1, -1, -1, 1, 2, 3, 4, -1, -1, -1]);
  });
});
