// The native elementwise, softmax and sum entries against their TypeScript references (core's
// kernels/contiguous.ts and kernels/softmax.ts, same signatures): bit for bit where the arithmetic is IEEE, within
// an ulp where the C library's exp/log/sin/... stand in for V8's; the same bits for any thread count; and every
// bad argument throwing before memory is touched, as the references do.
//
// The addon is @kindling/native's build (../index.cjs), or the file named by KINDLING_NATIVE_ADDON.
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import * as refContiguous from '../../core/src/kernels/contiguous.js';
import * as refSums from '../../core/src/kernels/contiguous-sums.js';
import { copy as refCopy } from '../../core/src/kernels/copy.js';
import * as refSoftmax from '../../core/src/kernels/softmax.js';
import { expectWithinBound } from '../../core/test/helpers/close.js';
import { rng } from '../../core/test/helpers/rng.js';
import { expectSame, fillSalted } from '../../core/test/helpers/same-values.js';

/** The TypeScript reference of every entry tested here. */
const ref = { ...refContiguous, ...refSums };

type FloatArray = Float32Array | Float64Array;
type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

interface Addon {
  setNumThreads(n: number): void;
  getNumThreads(): number;
  binary: typeof ref.binary;
  unary: typeof ref.unary;
  copy: typeof refCopy;
  sumDim: typeof ref.sumDim;
  sumAll: typeof ref.sumAll;
  softmax: typeof refSoftmax.softmax;
  softmaxBackward: typeof refSoftmax.softmaxBackward;
}

const require = createRequire(import.meta.url);

function loadAddon(): { addon: Addon | null; reason: string } {
  const path = process.env.KINDLING_NATIVE_ADDON;
  let candidate: unknown;
  let reason: string;
  if (path) {
    try {
      candidate = require(path);
      reason = `KINDLING_NATIVE_ADDON=${path} has no elementwise entries`;
    } catch (e) {
      return { addon: null, reason: `KINDLING_NATIVE_ADDON=${path} did not load: ${(e as Error).message}` };
    }
  } else {
    const native = require('../index.cjs') as { addon: unknown; reason: string | null };
    candidate = native.addon;
    reason = native.reason ?? 'the addon was built without the elementwise, softmax and reduce families';
  }
  const names = ['binary', 'unary', 'sumDim', 'sumAll', 'softmax', 'softmaxBackward', 'setNumThreads'];
  const ok =
    typeof candidate === 'object' &&
    candidate !== null &&
    names.every((k) => typeof (candidate as Record<string, unknown>)[k] === 'function');
  return ok ? { addon: candidate as Addon, reason: '' } : { addon: null, reason };
}

const { addon, reason } = loadAddon();
if (!addon) console.warn(`native elementwise tests skipped: ${reason}`);
const C = addon as Addon;
const initialThreads = addon ? addon.getNumThreads() : 1;
afterAll(() => addon?.setNumThreads(initialThreads));

const TYPES: [string, Ctor][] = [
  ['float32', Float32Array],
  ['float64', Float64Array],
];
const THREADS = [1, 2, 3, 7];

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-310, 3e38, -1, 1, 0.5, 710, -746];

function fill<T extends FloatArray>(a: T, seed: number, special = true, scale = 4): T {
  return fillSalted(a, seed, special ? SPECIAL : null, 0.1, scale);
}

/** Distance in units in the last place of the array's type (0 for equal values, -0 and 0 included). */
function ulps(a: number, b: number, f32: boolean): number {
  if (a !== a || b !== b) return a !== a && b !== b ? 0 : Infinity;
  if (a === b) return 0;
  if (f32) {
    const v = new Int32Array(Float32Array.of(a, b).buffer);
    const key = (x: number): number => (x < 0 ? -(x & 0x7fffffff) : x);
    return Math.abs(key(v[0]) - key(v[1]));
  }
  const v = new BigInt64Array(Float64Array.of(a, b).buffer);
  const key = (x: bigint): bigint => (x < 0n ? -(x & 0x7fffffffffffffffn) : x);
  const d = key(v[0]) - key(v[1]);
  return Number(d < 0n ? -d : d);
}

function expectUlps(actual: FloatArray, expected: FloatArray, max: number, what: string): void {
  const f32 = actual instanceof Float32Array;
  let bad = -1;
  for (let i = 0; i < actual.length && bad < 0; i++) if (ulps(actual[i], expected[i], f32) > max) bad = i;
  expect(bad, `${what}: ${actual[bad]} vs ${expected[bad]} at ${bad}`).toBe(-1);
}

/** Runs the native entry once per thread count; all results must be the same bits. Returns the first. */
function acrossThreads<T extends FloatArray>(make: () => T, run: (out: T) => void, what: string): T {
  let first: T | null = null;
  for (const t of THREADS) {
    C.setNumThreads(t);
    const out = make();
    run(out);
    if (first === null) first = out;
    else expectSame(out, first, `${what}, ${t} threads vs 1`);
  }
  C.setNumThreads(initialThreads);
  return first as T;
}

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

const SIZES = [
  0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 127, 1009, 4095, 4097, 32767, 32768, 32769, 65537, 100003,
];

describe.skipIf(!addon)('native binary', () => {
  it('1-D runs: every size, offsets, every innermost stride pattern, bit for bit with TypeScript at any thread count', () => {
    const patterns: [number, number][] = [
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
      [2, 1],
      [1, 3],
    ];
    for (const [name, T] of TYPES) {
      for (const n of SIZES) {
        for (const [sa, sb] of patterns) {
          const aOff = n % 3;
          const bOff = (n + 1) % 2;
          const outOff = n % 5;
          const a = fill(new T(aOff + Math.max(0, (n - 1) * sa + 1) + 1), n * 7 + sa);
          const b = fill(new T(bOff + Math.max(0, (n - 1) * sb + 1)), n * 11 + sb);
          const layout = layoutOf([n], [sa], [sb]);
          for (let op = 0; op < 7; op++) {
            for (const alpha of op === 0 ? [1, -2.5] : [0.75]) {
              const what = `${name} op ${op} alpha ${alpha} n ${n} strides (${sa}, ${sb})`;
              const expected = new T(outOff + n + 2).fill(-3);
              ref.binary(op, a, aOff, b, bOff, expected, outOff, layout, alpha);
              const got = acrossThreads(
                () => new T(outOff + n + 2).fill(-3),
                (out) => C.binary(op, a, aOff, b, bOff, out, outOff, layout, alpha),
                what,
              );
              expectSame(got, expected, what);
            }
          }
        }
      }
    }
  });

  it('2-4 dims with broadcasting in any dim, permuted and padded strides, partial rows at chunk edges', () => {
    const r = rng(42);
    for (const [name, T] of TYPES) {
      for (let trial = 0; trial < 80; trial++) {
        const nd = 2 + (trial % 3);
        const big = trial % 8 === 0; // past the threading grain, so chunks start mid-row
        const shape = Array.from({ length: nd }, (_, d) => 1 + Math.floor(r() * (big ? (d === nd - 1 ? 37 : 29) : 9)));
        const strides = (bcastP: number): { s: number[]; extent: number } => {
          const dims = shape.map((_, d) => d);
          if (r() < 0.5)
            for (let i = nd - 1; i > 0; i--) {
              const j = Math.floor(r() * (i + 1));
              [dims[i], dims[j]] = [dims[j], dims[i]];
            }
          const s = new Array<number>(nd).fill(0);
          let step = 1;
          for (let k = nd - 1; k >= 0; k--) {
            const d = dims[k];
            if (r() < bcastP) continue;
            s[d] = step;
            step *= shape[d] + (r() < 0.25 ? 2 : 0);
          }
          return { s, extent: 1 + shape.reduce((acc, n, d) => acc + (n - 1) * s[d], 0) };
        };
        const A = strides(0.25);
        const B = strides(0.4);
        const n = shape.reduce((x, y) => x * y, 1);
        const a = fill(new T(A.extent + 3), trial);
        const b = fill(new T(B.extent + 1), trial + 1000);
        const layout = layoutOf(shape, A.s, B.s);
        for (let op = 0; op < 7; op++) {
          const alpha = op === 0 && trial % 2 ? 0.1 : 1;
          const what = `${name} op ${op} shape [${shape}] a ${A.s} b ${B.s}`;
          const expected = new T(n + 1);
          ref.binary(op, a, 3, b, 1, expected, 1, layout, alpha);
          const got = acrossThreads(
            () => new T(n + 1),
            (out) => C.binary(op, a, 3, b, 1, out, 1, layout, alpha),
            what,
          );
          expectSame(got, expected, what);
        }
      }
    }
  });

  it('works in place on an operand', () => {
    for (const [name, T] of TYPES) {
      const n = 70001;
      const a = fill(new T(n), 1);
      const b = fill(new T(n), 2);
      const expected = new T(n);
      ref.binary(0, a, 0, b, 0, expected, 0, layoutOf([n], [1], [1]), 0.5);
      C.binary(0, a, 0, b, 0, a, 0, layoutOf([n], [1], [1]), 0.5);
      expectSame(a, expected, `${name} in place`);
    }
  });
});

describe.skipIf(!addon)('native copy', () => {
  it('gathers 1-4 dims of permuted, padded and broadcast strides into a contiguous run, bit for bit at any thread count', () => {
    const r = rng(7);
    for (const [name, T] of TYPES) {
      for (let trial = 0; trial < 60; trial++) {
        const nd = 1 + (trial % 4);
        const big = trial % 6 === 0; // past the threading grain
        const shape = Array.from({ length: nd }, () => 1 + Math.floor(r() * (big ? 41 : 9)));
        const dims = shape.map((_, d) => d);
        for (let i = nd - 1; i > 0; i--) {
          const j = Math.floor(r() * (i + 1));
          [dims[i], dims[j]] = [dims[j], dims[i]];
        }
        const strides = new Array<number>(nd).fill(0);
        let step = 1 + (trial % 3 === 0 ? 1 : 0);
        for (let k = nd - 1; k >= 0; k--) {
          if (r() < 0.15) continue; // broadcast
          strides[dims[k]] = step;
          step *= shape[dims[k]] + (r() < 0.25 ? 3 : 0);
        }
        const extent = 1 + shape.reduce((acc, n, d) => acc + (n - 1) * strides[d], 0);
        const x = fill(new T(extent + 5), trial);
        const n = shape.reduce((a, b) => a * b, 1);
        const layout = layoutOf(shape, strides, new Array<number>(nd).fill(0));
        const what = `${name} shape [${shape}] strides ${strides}`;
        const expected = new T(n + 2);
        refCopy(x, 5, expected, 2, layout);
        const got = acrossThreads(
          () => new T(n + 2),
          (out) => C.copy(x, 5, out, 2, layout),
          what,
        );
        expectSame(got, expected, what);
      }
    }
  });

  it('refuses an output that overlaps its source other than exactly', () => {
    const x = new Float32Array(100);
    expect(() => C.copy(x, 0, x, 1, layoutOf([50], [1], [0]))).toThrow(
      "argument 'out' must be either 'x' itself or apart from it",
    );
    C.copy(x, 0, x, 0, layoutOf([50], [1], [0]));
  });
});

describe.skipIf(!addon)('native unary', () => {
  const EXACT = new Set([0, 1, 2, 5, 10, 11]); // IEEE-exact ops: relu, neg, abs, sqrt, rsqrt, square
  // The C library against V8 (in double; after rounding to float32 they mostly agree): exp, log, sin and cos
  // within an ulp; tanh within three (V8's tanh is up to ~3 ulps from the correctly rounded value for |x| < 1,
  // e.g. tanh(-0.45049027244348361)); sigmoid within four (exp's ulp, which 1 + e can double when a tie rounds
  // the other way, then the division's).
  const LIBRARY_ULPS: Record<number, number> = { 3: 1, 4: 1, 6: 3, 7: 4, 8: 1, 9: 1 };
  const GELU_ULPS: Record<string, number> = { float32: 1, float64: 16 };

  it('every op, size and offset: exact ops bit for bit, library functions within an ulp, same bits at any thread count', () => {
    for (const [name, T] of TYPES) {
      for (const n of SIZES) {
        const xOff = n % 4;
        const outOff = (n + 2) % 3;
        const x = fill(new T(xOff + n), n + 5, true, n % 2 ? 4 : 40);
        for (let op = 0; op < 12; op++) {
          const what = `${name} op ${op} n ${n}`;
          const expected = new T(outOff + n + 1).fill(8);
          ref.unary(op, x, xOff, expected, outOff, n);
          const got = acrossThreads(
            () => new T(outOff + n + 1).fill(8),
            (out) => C.unary(op, x, xOff, out, outOff, n),
            what,
          );
          if (EXACT.has(op)) expectSame(got, expected, what);
          else expectUlps(got, expected, LIBRARY_ULPS[op], what);
        }
        // gelu, x erfc(-x/√2) / 2 (C's erfc, or libmvec's for float32, against Cody's in TypeScript): within an ulp
        // everywhere, its negative tail included. Its derivative, Φ(x) + x φ(x), cancels where it crosses zero
        // (x ≈ -0.75): an absolute bound scaled by |x| there.
        const gelu = new T(outOff + n + 1).fill(8);
        ref.unary(12, x, xOff, gelu, outOff, n);
        const geluGot = acrossThreads(
          () => new T(outOff + n + 1).fill(8),
          (out) => C.unary(12, x, xOff, out, outOff, n),
          `${name} op 12 n ${n}`,
        );
        // (float64 subnormals, from x below -37, are compared absolutely: an ulp there is most of the value)
        const tiny = (i: number) => Math.abs(gelu[i]) < 1e-300 && Math.abs(geluGot[i] - gelu[i]) < 1e-300;
        const geluBad = geluGot.findIndex((v, i) => ulps(v, gelu[i], name === 'float32') > GELU_ULPS[name] && !tiny(i));
        expect(geluBad, `${name} op 12 n ${n}: ${geluGot[geluBad]} vs ${gelu[geluBad]} at ${geluBad}`).toBe(-1);
        const eps = name === 'float32' ? 2e-7 : 1e-14;
        for (const op of [13]) {
          const what = `${name} op ${op} n ${n}`;
          const expected = new T(outOff + n + 1).fill(8);
          ref.unary(op, x, xOff, expected, outOff, n);
          const got = acrossThreads(
            () => new T(outOff + n + 1).fill(8),
            (out) => C.unary(op, x, xOff, out, outOff, n),
            what,
          );
          expectWithinBound(
            got,
            expected,
            (i) => eps * Math.max(1, Math.abs(i >= outOff && i < outOff + n ? x[xOff + i - outOff] : 1)),
            what,
          );
        }
      }
    }
  });

  it('special values: NaN and -0 through relu (as PyTorch), -0 kept by neg and dropped by abs', () => {
    const x = Float32Array.of(NaN, -0, 0, -Infinity, Infinity, -1e-45, 1e-45, -2);
    const expect0 = [NaN, -0, 0, 0, Infinity, 0, 1e-45, 0];
    for (const [op, values] of [
      [0, expect0],
      [1, [NaN, 0, -0, Infinity, -Infinity, 1e-45, -1e-45, 2]],
      [2, [NaN, 0, 0, Infinity, Infinity, 1e-45, 1e-45, 2]],
      [11, [NaN, 0, 0, Infinity, Infinity, 0, 0, 4]],
    ] as [number, number[]][]) {
      const out = new Float32Array(8);
      C.unary(op, x, 0, out, 0, 8);
      expectSame(out, Float32Array.from(values), `op ${op}`);
    }
  });

  it('works in place', () => {
    const x = fill(new Float64Array(40000), 3);
    const expected = new Float64Array(40000);
    ref.unary(7, x, 0, expected, 0, 40000);
    C.unary(7, x, 0, x, 0, 40000);
    expectUlps(x, expected, 4, 'sigmoid in place');
  });
});

describe.skipIf(!addon)('native softmax', () => {
  const SHAPES: [number, number, number][] = [
    [1, 1, 1],
    [3, 1, 5],
    [1, 2, 1],
    [128, 10, 1],
    [64, 1000, 1],
    [7, 33, 1],
    [2, 7, 3],
    [4, 33, 17],
    [3, 300, 300],
    [2, 5, 600],
    [1, 70001, 1],
    [1, 3, 70001],
    [0, 5, 3],
    [2, 0, 3],
    [2, 3, 0],
  ];

  /** Values with some rows that hold NaN, +-Inf, or huge logits. */
  function logits(T: Ctor, n: number, seed: number): FloatArray {
    const x = fill(new T(n), seed, false, 12);
    const r = rng(seed + 1);
    for (let k = 0; k < Math.min(12, n); k++) {
      const i = Math.floor(r() * n);
      x[i] = [NaN, Infinity, -Infinity, 1e30, -1e30, 80, -80][k % 7];
    }
    return x;
  }

  it('matches the TypeScript kernel within an ulp or so, with the same bits at any thread count', () => {
    for (const [name, T] of TYPES) {
      const eps = T === Float32Array ? 2 ** -23 : 2 ** -52;
      for (const [outer, size, inner] of SHAPES) {
        const n = outer * size * inner;
        const x = logits(T, n + 2, n + size);
        for (const log of [false, true]) {
          const what = `${name} ${log ? 'log' : ''}softmax [${outer}, ${size}, ${inner}]`;
          const expected = new T(n);
          refSoftmax.softmax(x, 2, expected, outer, size, inner, log);
          const got = acrossThreads(
            () => new T(n),
            (out) => C.softmax(x, 2, out, outer, size, inner, log),
            what,
          );
          // exp and log may differ from V8's by an ulp (in double): that is an ulp in each e_s and in Σ, so a few
          // relative ulps on softmax; on log-softmax an ulp of log(Σ) (<= log(size) + 1) besides
          expectWithinBound(
            got,
            expected,
            (i) => 4 * eps * Math.abs(expected[i]) + (log ? 2 * eps * (Math.log(size) + 1) : 0),
            what,
          );
        }
      }
    }
  });

  it('works in place', () => {
    for (const log of [false, true]) {
      const x = logits(Float32Array, 6000, 9);
      const expected = new Float32Array(6000);
      C.softmax(x, 0, expected, 20, 30, 10, log);
      C.softmax(x, 0, x, 20, 30, 10, log);
      expectSame(x, expected, `in place log ${log}`);
    }
  });

  it('backward: softmax bit for bit with TypeScript, logSoftmax within an ulp of its terms, same bits at any thread count', () => {
    for (const [name, T] of TYPES) {
      const eps = T === Float32Array ? 2 ** -23 : 2 ** -52;
      for (const [outer, size, inner] of SHAPES) {
        const n = outer * size * inner;
        for (const log of [false, true]) {
          const x = fill(new T(n), n + 3, false, 5);
          const y = new T(n);
          refSoftmax.softmax(x, 0, y, outer, size, inner, log);
          const gy = fill(new T(n), n + 4, n % 3 === 0);
          const what = `${name} backward log ${log} [${outer}, ${size}, ${inner}]`;
          const expected = new T(n);
          refSoftmax.softmaxBackward(y, gy, expected, outer, size, inner, log);
          const got = acrossThreads(
            () => new T(n),
            (gx) => C.softmaxBackward(y, gy, gx, outer, size, inner, log),
            what,
          );
          if (!log) expectSame(got, expected, what);
          else {
            const sums = new Float64Array(outer * inner);
            ref.sumDim(Float64Array.from(gy), 0, outer, size, inner, sums, 0);
            const col = (k: number): number => Math.floor(k / (size * inner)) * inner + (k % inner);
            expectWithinBound(
              got,
              expected,
              (k) => 2 * eps * (Math.abs(expected[k]) + Math.exp(y[k]) * Math.abs(sums[col(k)])),
              what,
            );
          }
        }
      }
    }
  });

  it('backward in place on gy', () => {
    const y = new Float64Array(500);
    refSoftmax.softmax(fill(new Float64Array(500), 1, false), 0, y, 10, 50, 1, false);
    const gy = fill(new Float64Array(500), 2, false);
    const expected = new Float64Array(500);
    C.softmaxBackward(y, gy, expected, 10, 50, 1, false);
    C.softmaxBackward(y, gy, gy, 10, 50, 1, false);
    expectSame(gy, expected, 'in place');
  });
});

describe.skipIf(!addon)('native sums', () => {
  const SHAPES: [number, number, number][] = [
    [1, 1, 1],
    [1, 0, 5],
    [5, 0, 1],
    [7, 13, 1],
    [4, 13, 1],
    [9, 1000, 1],
    [1, 100003, 1],
    [3, 5, 300],
    [2, 7, 3],
    [1000, 3, 40],
    [1, 40000, 2],
    [70000, 1, 1],
    [3, 70000, 1],
  ];

  it('sumDim: bit for bit with TypeScript (and so sumKernel) at any thread count', () => {
    for (const [name, T] of TYPES) {
      for (const [outer, size, inner] of SHAPES) {
        const n = outer * size * inner;
        const a = fill(new T(n + 3), n + inner, true, 1e3);
        const m = outer * inner;
        const what = `${name} sumDim [${outer}, ${size}, ${inner}]`;
        const expected = new T(m + 1).fill(2);
        ref.sumDim(a, 3, outer, size, inner, expected, 1);
        const got = acrossThreads(
          () => new T(m + 1).fill(2),
          (out) => C.sumDim(a, 3, outer, size, inner, out, 1),
          what,
        );
        expectSame(got, expected, what);
      }
    }
  });

  it('sumAll: the same double as TypeScript', () => {
    for (const [name, T] of TYPES) {
      for (const n of SIZES) {
        const a = fill(new T(n + 1), n, n % 2 === 0, 1e5);
        expectSame([C.sumAll(a, 1, n)], [ref.sumAll(a, 1, n)], `${name} sumAll n ${n}`);
      }
      expect(Object.is(C.sumAll(T.of(-0, -0), 0, 2), 0)).toBe(true);
      expect(C.sumAll(new T(0), 0, 0)).toBe(0);
    }
  });
});

describe.skipIf(!addon)('native argument checks', () => {
  const f32 = (n: number): Float32Array => new Float32Array(n).fill(5);
  const f64 = (n: number): Float64Array => new Float64Array(n).fill(5);
  const L = (shape: number[], as: number[], bs: number[]): Float64Array => layoutOf(shape, as, bs);
  type Call = [string, (k: typeof C) => unknown];
  const out8 = f32(8);
  const a8 = f32(8);
  const shared = f32(9);
  const cases: Call[] = [
    // binary
    [
      'binary: too few arguments',
      (k) => (k.binary as unknown as (...a: unknown[]) => void)(0, a8, 0, a8, 0, out8, 0, L([8], [1], [1])),
    ],
    ['unary: op 14', (k) => k.unary(14, a8, 0, out8, 0, 8)],
    ['binary: op 7', (k) => k.binary(7, a8, 0, a8, 0, out8, 0, L([8], [1], [1]), 1)],
    ['binary: op -1', (k) => k.binary(-1, a8, 0, a8, 0, out8, 0, L([8], [1], [1]), 1)],
    ['binary: op 1.5', (k) => k.binary(1.5, a8, 0, a8, 0, out8, 0, L([8], [1], [1]), 1)],
    [
      'binary: a not a typed array',
      (k) => k.binary(0, [1, 2] as unknown as Float32Array, 0, a8, 0, out8, 0, L([8], [1], [1]), 1),
    ],
    [
      'binary: a an Int32Array',
      (k) => k.binary(0, new Int32Array(8) as unknown as Float32Array, 0, a8, 0, out8, 0, L([8], [1], [1]), 1),
    ],
    ['binary: mixed dtypes', (k) => k.binary(0, a8, 0, f64(8), 0, out8, 0, L([8], [1], [1]), 1)],
    ['binary: out of another dtype', (k) => k.binary(0, a8, 0, a8, 0, f64(8), 0, L([8], [1], [1]), 1)],
    ['binary: negative offset', (k) => k.binary(0, a8, -1, a8, 0, out8, 0, L([8], [1], [1]), 1)],
    ['binary: fractional offset', (k) => k.binary(0, a8, 0.5, a8, 0, out8, 0, L([8], [1], [1]), 1)],
    ['binary: a past its end', (k) => k.binary(0, a8, 1, a8, 0, out8, 0, L([8], [1], [1]), 1)],
    ['binary: b past its end (strided)', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, L([2, 4], [4, 1], [4, 2]), 1)],
    ['binary: out past its end', (k) => k.binary(0, a8, 0, a8, 0, out8, 1, L([8], [1], [1]), 1)],
    ['binary: out too short', (k) => k.binary(0, f32(9), 0, f32(9), 0, out8, 0, L([9], [1], [1]), 1)],
    [
      'binary: layout a Float32Array',
      (k) => k.binary(0, a8, 0, a8, 0, out8, 0, new Float32Array(13) as unknown as Float64Array, 1),
    ],
    ['binary: layout too short', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, new Float64Array(12), 1)],
    ['binary: layout too long', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, new Float64Array(14), 1)],
    ['binary: ndim 0', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, new Float64Array(13), 1)],
    [
      'binary: ndim 5',
      (k) => k.binary(0, a8, 0, a8, 0, out8, 0, Float64Array.of(5, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0), 1),
    ],
    [
      'binary: ndim NaN',
      (k) => k.binary(0, a8, 0, a8, 0, out8, 0, Float64Array.of(NaN, 8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0), 1),
    ],
    [
      'binary: unused shape entry set',
      (k) => k.binary(0, a8, 0, a8, 0, out8, 0, Float64Array.of(1, 8, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0), 1),
    ],
    [
      'binary: unused stride entry set',
      (k) => k.binary(0, a8, 0, a8, 0, out8, 0, Float64Array.of(1, 8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 7), 1),
    ],
    ['binary: negative stride', (k) => k.binary(0, a8, 7, a8, 0, out8, 0, L([8], [-1], [1]), 1)],
    ['binary: fractional shape', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, L([7.5], [1], [1]), 1)],
    ['binary: infinite shape', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, L([Infinity], [1], [1]), 1)],
    ['binary: huge stride', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, L([2, 4], [2 ** 52, 1], [4, 1]), 1)],
    ['binary: too many elements', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, L([2 ** 27, 2 ** 27], [0, 0], [0, 0]), 1)],
    ['binary: alpha a string', (k) => k.binary(0, a8, 0, a8, 0, out8, 0, L([8], [1], [1]), '1' as unknown as number)],
    ['binary: out overlaps a shifted', (k) => k.binary(0, shared, 1, a8, 0, shared, 0, L([8], [1], [1]), 1)],
    ['binary: out overlaps a broadcast b', (k) => k.binary(0, a8, 0, shared, 0, shared, 0, L([8], [1], [0]), 1)],
    // unary
    ['unary: op NaN', (k) => k.unary(NaN, a8, 0, out8, 0, 8)],
    ['unary: x past its end', (k) => k.unary(0, a8, 1, out8, 0, 8)],
    ['unary: out past its end', (k) => k.unary(0, a8, 0, out8, 3, 6)],
    ['unary: negative n', (k) => k.unary(0, a8, 0, out8, 0, -1)],
    ['unary: mixed dtypes', (k) => k.unary(0, a8, 0, f64(8), 0, 8)],
    ['unary: overlap', (k) => k.unary(0, shared, 0, shared, 1, 8)],
    ['unary: x null', (k) => k.unary(0, null as unknown as Float32Array, 0, out8, 0, 8)],
    // softmax
    ['softmax: x past its end', (k) => k.softmax(a8, 1, out8, 2, 4, 1, false)],
    ['softmax: out too short', (k) => k.softmax(f32(12), 0, out8, 3, 4, 1, false)],
    ['softmax: mixed dtypes', (k) => k.softmax(a8, 0, f64(8), 2, 4, 1, false)],
    ['softmax: log not a boolean', (k) => k.softmax(a8, 0, out8, 2, 4, 1, 0 as unknown as boolean)],
    ['softmax: negative size', (k) => k.softmax(a8, 0, out8, 2, -4, -1, false)],
    ['softmax: product too large', (k) => k.softmax(a8, 0, out8, 2 ** 30, 2 ** 30, 2 ** 30, false)],
    ['softmax: out overlaps x shifted', (k) => k.softmax(shared, 1, shared, 2, 4, 1, false)],
    ['softmaxBackward: gy too short', (k) => k.softmaxBackward(a8, f32(7), out8, 2, 4, 1, false)],
    ['softmaxBackward: mixed dtypes', (k) => k.softmaxBackward(a8, f64(8), out8, 2, 4, 1, true)],
    [
      'softmaxBackward: gx overlaps y shifted',
      (k) => k.softmaxBackward(shared.subarray(1), a8, shared, 2, 4, 1, false),
    ],
    [
      'softmaxBackward: too few arguments',
      (k) => (k.softmaxBackward as unknown as (...a: unknown[]) => void)(a8, a8, out8, 2, 4, 1),
    ],
    // sums
    ['sumDim: a past its end', (k) => k.sumDim(a8, 1, 2, 4, 1, out8, 0)],
    ['sumDim: out past its end', (k) => k.sumDim(a8, 0, 2, 4, 1, out8, 7)],
    ['sumDim: mixed dtypes', (k) => k.sumDim(a8, 0, 2, 4, 1, f64(2), 0)],
    ['sumDim: out overlaps a', (k) => k.sumDim(shared, 0, 2, 4, 1, shared, 7)],
    ['sumDim: fractional inner', (k) => k.sumDim(a8, 0, 2, 4, 0.5, out8, 0)],
    ['sumAll: past the end', (k) => k.sumAll(a8, 4, 5)],
    ['sumAll: not an array', (k) => k.sumAll({} as Float32Array, 0, 0)],
    ['sumAll: n a string', (k) => k.sumAll(a8, 0, '3' as unknown as number)],
  ];

  it.each(cases)('%s throws, as the TypeScript kernel does, without writing', (_name, call) => {
    const before = [out8.slice(), shared.slice()];
    expect(() => call(C)).toThrow();
    expect(() => call({ ...ref, ...refSoftmax } as unknown as typeof C)).toThrow();
    expectSame(out8, before[0], 'out untouched');
    expectSame(shared, before[1], 'shared untouched');
  });

  it('zero-size calls are fine with any offsets inside the safe range', () => {
    expect(() => C.binary(0, f32(0), 10, f32(0), 10, f32(0), 10, L([0, 3], [3, 1], [0, 1]), 1)).not.toThrow();
    expect(() => C.unary(3, f64(0), 4, f64(0), 4, 0)).not.toThrow();
    expect(() => C.softmax(f64(0), 4, f64(0), 0, 3, 3, true)).not.toThrow();
    expect(() => C.sumDim(f64(0), 4, 3, 3, 0, f64(0), 4)).not.toThrow();
    expect(C.sumAll(f64(0), 9, 0)).toBe(0);
  });
});
