// The WebAssembly elementwise entries against the TypeScript kernels, bit for bit: unary and binary over awkward
// sizes (0, 1, primes, around the 4,096 elements where an entry leaves TypeScript), offsets, broadcast and strided
// layouts, NaN/Inf and signed zeros, float32 and float64, in place, and split between one and two threads.
import { it } from 'vitest';
// Core's source by path (this package does not depend on core; vitest resolves @kindling/core to the same file).
import * as torch from '../../core/src/index.js';
import { binaryLayout } from '../../core/src/kernels/contiguous.js';
import {
  THREAD_COUNTS,
  awkward,
  type Ctor,
  describeAgainstTypescript,
  expectSameBits,
  wasmBackend,
} from './wasm-against-typescript.js';
import { rng } from '../../core/test/helpers/rng.js';

const ts = torch.typescriptBackend;

// Sizes around the point where an entry leaves TypeScript (4,096 elements), primes, 0 and 1.
const SIZES = [0, 1, 7, 4093, 4096, 4099, 9973, 65537];

/** A binary layout as test cases write it: the shape, then a's and b's strides. */
type BinaryCase = [number[], number[], number[]];

/** Both operands row-major over `shape`, but for stride 0 along the dims each is broadcast over. */
function broadcastCase(shape: number[], aBroadcast: number[], bBroadcast: number[]): BinaryCase {
  const strides = (broadcast: number[]): number[] => {
    const st = new Array<number>(shape.length);
    let step = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      st[d] = broadcast.includes(d) ? 0 : step;
      if (!broadcast.includes(d)) step *= shape[d];
    }
    return st;
  };
  return [shape, strides(aBroadcast), strides(bBroadcast)];
}

/** a the transpose of a row-major [cols, rows] array, b row-major. */
function transposedA(rows: number, cols: number): BinaryCase {
  return [
    [rows, cols],
    [1, rows],
    [cols, 1],
  ];
}

/**
 * Runs `binary` on `b` and on the TypeScript kernels over one layout, with awkward inputs (offsets 2 and 3, out
 * at 1), for each [op, alpha] pair; then, with `inPlace`, a mul into a itself. The bits must agree.
 */
function expectBinaryLayout(
  b: torch.KernelBackend,
  ctor: Ctor,
  [shape, sa, sb]: BinaryCase,
  seed: number,
  opsAndAlphas: [number, number][],
  inPlace: boolean,
  label: string,
): void {
  const layout = binaryLayout(shape, sa, sb) ?? new Float64Array(0);
  const n = shape.reduce((x, y) => x * y, 1);
  const extent = (st: number[]) => (n === 0 ? 0 : shape.reduce((e, s, d) => e + (s - 1) * st[d], 1));
  const a = awkward(ctor, extent(sa) + 2, seed);
  const bb = awkward(ctor, extent(sb) + 3, seed + 10);
  for (const [op, alpha] of opsAndAlphas) {
    const got = new ctor(n + 1).fill(7);
    const want = new ctor(n + 1).fill(7);
    b.binary(op, a, 2, bb, 3, got, 1, layout, alpha);
    ts.binary(op, a, 2, bb, 3, want, 1, layout, alpha);
    expectSameBits(got, want, `${ctor.name} op ${op} alpha ${alpha} ${label}`);
  }
  if (inPlace) {
    const mine = a.slice();
    const want = a.slice();
    b.binary(2, mine, 2, bb, 3, mine, 2, layout, 1);
    ts.binary(2, want, 2, bb, 3, want, 2, layout, 1);
    expectSameBits(mine, want, `${ctor.name} in place ${label}`);
  }
}

describeAgainstTypescript(() => {
  it('unary: relu, neg, abs, sqrt, rsqrt, square, exp, log, tanh, sigmoid, gelu, its derivative (and the rest, which run the TypeScript loops)', () => {
    const b = wasmBackend();
    for (const ctor of [Float32Array, Float64Array]) {
      for (const n of SIZES) {
        for (let op = 0; op <= 13; op++) {
          const off = n % 3;
          const x = awkward(ctor, n + off + 1, n + op);
          const got = new ctor(n + 2).fill(7);
          const want = new ctor(n + 2).fill(7);
          b.unary(op, x, off, got, 1, n);
          ts.unary(op, x, off, want, 1, n);
          expectSameBits(got, want, `${ctor.name} op ${op} n ${n}`);
        }
      }
    }
  });

  it("exp, log, tanh, sigmoid, gelu and gelu's derivative over every range of exp's argument reduction, at one and two threads", () => {
    const b = wasmBackend();
    // Magnitudes from 2^-40 (exp's 1 + x branch) through the bands of its reduction, the ±1 band, and out to its
    // overflow (709.78) and underflow (-745.13) thresholds, where results become subnormal, infinite or 0.
    const scales = [2 ** -40, 2 ** -28, 0.3, 0.35, 1.04, 3, 40, 700, 760];
    const edges = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 4, -4, 709.78, 709.79, -708.4, -745.13, -745.14];
    for (const ctor of [Float32Array, Float64Array]) {
      const n = 60000;
      const x = new ctor(n);
      const next = rng(5);
      for (let i = 0; i < n; i++) x[i] = i < edges.length ? edges[i] : (next() * 2 - 1) * scales[i % scales.length];
      for (const t of THREAD_COUNTS) {
        b.setNumThreads(t);
        for (const op of [3, 4, 6, 7, 12, 13]) {
          const got = new ctor(n);
          const want = new ctor(n);
          b.unary(op, x, 0, got, 0, n);
          ts.unary(op, x, 0, want, 0, n);
          expectSameBits(got, want, `${ctor.name} op ${op}, ${t} threads`);
        }
      }
    }
  });

  it('binary: contiguous, broadcast and strided layouts, alpha, in place', () => {
    const b = wasmBackend();
    // Before merging: contiguous, a row broadcast, a column broadcast, a transpose, two of four dims broadcast, a
    // scalar, an empty shape.
    const layouts = [
      broadcastCase([4099], [], []),
      broadcastCase([97, 61], [], [0]),
      broadcastCase([61, 97], [], [1]),
      transposedA(67, 71),
      broadcastCase([5, 7, 11, 13], [], [0, 2]),
      broadcastCase([4096], [0], []),
      broadcastCase([3, 0, 5], [0], [0]),
    ];
    for (const ctor of [Float32Array, Float64Array]) {
      layouts.forEach((layout, k) => {
        const opsAndAlphas: [number, number][] = [
          [0, 1],
          [0, -0.3],
          [0, 1 / 3],
        ];
        for (let op = 1; op <= 6; op++) opsAndAlphas.push([op, 1]);
        for (const t of THREAD_COUNTS) {
          b.setNumThreads(t);
          expectBinaryLayout(b, ctor, layout, 40 + k, opsAndAlphas, k === 0 || k === 4, `layout ${k}, ${t} threads`);
        }
      });
    }
  });

  it('unary and binary split large calls between the threads with the same bits (slabs of the outermost dim)', () => {
    const b = wasmBackend();
    // Large enough to be split on two threads (about 64K elements a thread), primes so that no slab is even.
    const layouts = [
      broadcastCase([200003], [], []),
      broadcastCase([521, 389], [], [0]),
      transposedA(389, 521),
      broadcastCase([7, 11, 13, 211], [], [0, 2]),
      broadcastCase([200003], [0], []),
    ];
    for (const ctor of [Float32Array, Float64Array]) {
      for (const t of THREAD_COUNTS) {
        b.setNumThreads(t);
        for (const op of [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13]) {
          const n = 200003;
          const x = awkward(ctor, n + 2, 60 + op);
          const got = new ctor(n + 2).fill(7);
          const want = new ctor(n + 2).fill(7);
          b.unary(op, x, 1, got, 1, n);
          ts.unary(op, x, 1, want, 1, n);
          expectSameBits(got, want, `${ctor.name} unary op ${op}, ${t} threads`);
          const inPlace = x.slice();
          const wantInPlace = x.slice();
          b.unary(op, inPlace, 1, inPlace, 1, n);
          ts.unary(op, wantInPlace, 1, wantInPlace, 1, n);
          expectSameBits(inPlace, wantInPlace, `${ctor.name} unary op ${op} in place, ${t} threads`);
        }
        layouts.forEach((layout, k) => {
          const opsAndAlphas: [number, number][] = [0, 1, 2, 3, 4].map((op) => [op, op === 0 ? -0.3 : 1]);
          expectBinaryLayout(b, ctor, layout, 70 + k, opsAndAlphas, k === 0 || k === 3, `layout ${k}, ${t} threads`);
        });
      }
    }
  });
});
