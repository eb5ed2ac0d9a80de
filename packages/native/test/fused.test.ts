// The native fused kernels (optim.c, norm.c) against their TypeScript references (core's kernels/optim.ts and
// kernels/norm.ts, same signatures): the optimizer updates bit for bit (including Adam's bias corrections, which
// the C entry takes from JavaScript's pow), batch and layer norm bit for bit on x86-64 (the same double
// arithmetic in the same order) and within a few ulps elsewhere; the same bits for 1 and 2 threads; and every bad
// argument throwing before memory is touched.
//
// The addon is @kindling/native's build (../index.cjs), or the file named by KINDLING_NATIVE_ADDON.
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import * as optim from '../../core/src/kernels/optim.js';
import * as norm from '../../core/src/kernels/norm.js';
import { rng } from '../../core/test/helpers/rng.js';
import { firstDifference } from '../../core/test/helpers/same-values.js';

type FloatArray = Float32Array | Float64Array;
type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

interface Addon {
  setNumThreads(n: number): void;
  getNumThreads(): number;
  sgdUpdate: typeof optim.sgdUpdate;
  adamUpdate: typeof optim.adamUpdate;
  adadeltaUpdate: typeof optim.adadeltaUpdate;
  batchNormForward: typeof norm.batchNormForward;
  batchNormBackward: typeof norm.batchNormBackward;
  layerNormForward: typeof norm.layerNormForward;
  layerNormBackward: typeof norm.layerNormBackward;
}

const require = createRequire(import.meta.url);
const ENTRIES = [
  'sgdUpdate',
  'adamUpdate',
  'adadeltaUpdate',
  'batchNormForward',
  'batchNormBackward',
  'layerNormForward',
  'layerNormBackward',
  'setNumThreads',
];

function loadAddon(): { addon: Addon | null; reason: string } {
  const path = process.env.KINDLING_NATIVE_ADDON;
  let candidate: unknown;
  let reason: string;
  if (path) {
    try {
      candidate = require(path);
      reason = `KINDLING_NATIVE_ADDON=${path} has no fused norm/optimizer entries`;
    } catch (e) {
      return { addon: null, reason: `KINDLING_NATIVE_ADDON=${path} did not load: ${(e as Error).message}` };
    }
  } else {
    const native = require('../index.cjs') as { addon: unknown; reason: string | null };
    candidate = native.addon;
    reason = native.reason ?? 'the addon was built without the norm and optim families';
  }
  const ok =
    typeof candidate === 'object' &&
    candidate !== null &&
    ENTRIES.every((k) => typeof (candidate as Record<string, unknown>)[k] === 'function');
  return ok ? { addon: candidate as Addon, reason: '' } : { addon: null, reason };
}

const { addon, reason } = loadAddon();
if (!addon) console.warn(`native fused kernel tests skipped: ${reason}`);
const C = addon as Addon;
const initialThreads = addon ? addon.getNumThreads() : 1;
afterAll(() => addon?.setNumThreads(initialThreads));

const TYPES: [string, Ctor][] = [
  ['float32', Float32Array],
  ['float64', Float64Array],
];
const THREADS = [1, 2];
/** Norm results are the same double arithmetic in the same order; exactness is asserted where the build is x86-64 SSE2. */
const EXACT_NORMS = process.arch === 'x64';

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-40, 3e38, -1e-310];

/** Values around `offset` of size `scale`, with a sprinkling of NaN, infinities, zeros and subnormals when `specials`. */
function fill(T: Ctor, n: number, rand: () => number, specials = false, scale = 1, offset = 0): FloatArray {
  const a = new T(n);
  for (let i = 0; i < n; i++) a[i] = offset + scale * (rand() + rand() + rand() - 1.5) * (rand() < 0.01 ? 100 : 1);
  if (specials) for (let i = 0; i < n; i++) if (rand() < 0.01) a[i] = SPECIALS[Math.floor(rand() * SPECIALS.length)];
  return a;
}

function expectBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(firstDifference(actual, expected), what).toBeNull();
}

/** Bit for bit where EXACT_NORMS, else within a few ulps of the larger magnitudes (NaN where NaN). */
function expectNorm(actual: FloatArray, expected: FloatArray, what: string): void {
  if (EXACT_NORMS) return expectBits(actual, expected, what);
  const eps = actual instanceof Float32Array ? 2 ** -23 : 2 ** -52;
  let scale = 0;
  for (let i = 0; i < expected.length; i++)
    if (Number.isFinite(expected[i])) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Number.isNaN(e)
      ? Number.isNaN(a)
      : !Number.isFinite(e)
        ? a === e
        : Math.abs(a - e) <= 64 * eps * (Math.abs(e) + scale * 1e-3);
    if (!ok) expect.fail(`${what}: index ${i}: ${a} vs ${e}`);
  }
}

function copy<T extends FloatArray | null>(a: T): T {
  return (a === null ? null : a.slice()) as T;
}

const SIZES = [0, 1, 2, 3, 7, 31, 97, 1009, 32771, 65537, 200003];

describe.skipIf(!addon)('native sgdUpdate / adamUpdate / adadeltaUpdate: bit for bit the TypeScript kernels', () => {
  it('sgdUpdate over sizes, dtypes, thread counts, every option, NaN and infinities', () => {
    let seed = 1;
    for (const [name, T] of TYPES)
      for (const n of SIZES)
        for (const threads of THREADS)
          for (const momentum of [0, 0.9])
            for (const dampening of [0, 0.3])
              for (const nesterov of [false, true])
                for (const weightDecay of [0, 0.02])
                  for (const maximize of [false, true]) {
                    if (nesterov && (momentum === 0 || dampening !== 0)) continue;
                    if (n > 1009 && (maximize || dampening !== 0)) continue; // the big sizes: fewer combinations
                    const rand = rng(seed++);
                    C.setNumThreads(threads);
                    const extra = 3; // elements past n stay untouched
                    const param = fill(T, n + extra, rand, true);
                    const buf = momentum !== 0 ? new T(n + extra).fill(7) : null;
                    const [p2, b2] = [copy(param), copy(buf)];
                    for (let step = 1; step <= 3; step++) {
                      const grad = fill(T, n + extra, rand, step === 2, 0.5);
                      const args = [n, 0.01, momentum, dampening, weightDecay, nesterov, maximize, step === 1] as const;
                      C.sgdUpdate(param, grad, buf, ...args);
                      optim.sgdUpdate(p2, grad, b2, ...args);
                      const what = `${name} n=${n} threads=${threads} momentum=${momentum} dampening=${dampening} nesterov=${nesterov} wd=${weightDecay} maximize=${maximize} step ${step}`;
                      expectBits(param, p2, `param, ${what}`);
                      if (buf && b2) expectBits(buf, b2, `buf, ${what}`);
                    }
                    if (buf) expect(Array.from(buf.subarray(n))).toEqual([7, 7, 7]);
                  }
  });

  it('adamUpdate over sizes, dtypes, thread counts, Adam/AdamW, amsgrad, maximize, NaN and infinities', () => {
    let seed = 1000;
    for (const [name, T] of TYPES)
      for (const n of SIZES)
        for (const threads of THREADS)
          for (const decoupled of [false, true])
            for (const amsgrad of [false, true])
              for (const maximize of [false, true])
                for (const weightDecay of [0, 0.05]) {
                  if (n > 1009 && (maximize || weightDecay === 0)) continue;
                  const rand = rng(seed++);
                  C.setNumThreads(threads);
                  const param = fill(T, n, rand, true);
                  const state = [new T(n), new T(n), amsgrad ? new T(n) : null] as const;
                  const ref = [copy(param), copy(state[0]), copy(state[1]), copy(state[2])] as const;
                  for (let step = 1; step <= 3; step++) {
                    const grad = fill(T, n, rand, step === 2);
                    const args = [n, 2e-3, 0.9, 0.999, 1e-8, weightDecay, decoupled, amsgrad, maximize, step] as const;
                    C.adamUpdate(param, grad, state[0], state[1], state[2], ...args);
                    optim.adamUpdate(ref[0], grad, ref[1], ref[2], ref[3], ...args);
                    const what = `${name} n=${n} threads=${threads} decoupled=${decoupled} amsgrad=${amsgrad} maximize=${maximize} wd=${weightDecay} step ${step}`;
                    expectBits(param, ref[0], `param, ${what}`);
                    expectBits(state[0], ref[1], `expAvg, ${what}`);
                    expectBits(state[1], ref[2], `expAvgSq, ${what}`);
                    if (state[2] && ref[3]) expectBits(state[2], ref[3], `maxExpAvgSq, ${what}`);
                  }
                }
  });

  it('adadeltaUpdate over sizes, dtypes, thread counts, rho, weight decay, maximize, NaN and infinities', () => {
    let seed = 3000;
    for (const [name, T] of TYPES)
      for (const n of SIZES)
        for (const threads of THREADS)
          for (const rho of [0.9, 0.3])
            for (const maximize of [false, true])
              for (const weightDecay of [0, 0.05]) {
                if (n > 1009 && (maximize || rho !== 0.9)) continue;
                const rand = rng(seed++);
                C.setNumThreads(threads);
                const extra = 3; // elements past n stay untouched
                const param = fill(T, n + extra, rand, true);
                const state = [new T(n + extra).fill(7), new T(n + extra).fill(7)] as const;
                const ref = [copy(param), copy(state[0]), copy(state[1])] as const;
                for (let step = 1; step <= 3; step++) {
                  const grad = fill(T, n + extra, rand, step === 2);
                  const args = [n, 1.0, rho, 1e-6, weightDecay, maximize] as const;
                  C.adadeltaUpdate(param, grad, state[0], state[1], ...args);
                  optim.adadeltaUpdate(ref[0], grad, ref[1], ref[2], ...args);
                  const what = `${name} n=${n} threads=${threads} rho=${rho} maximize=${maximize} wd=${weightDecay} step ${step}`;
                  expectBits(param, ref[0], `param, ${what}`);
                  expectBits(state[0], ref[1], `squareAvg, ${what}`);
                  expectBits(state[1], ref[2], `accDelta, ${what}`);
                }
                expect(Array.from(state[0].subarray(n))).toEqual([7, 7, 7]);
              }
  });

  it("adamUpdate's bias corrections are JavaScript's pow, also where the C library's pow differs in the last bit", () => {
    // beta ** step for these differs by one ulp between V8 and glibc; the step size and so the parameters would too.
    const cases: [number, number][] = [
      [0.99, 100],
      [0.95, 10],
      [0.8, 17],
      [0.98, 10],
      [0.9, 12345],
    ];
    for (const [T, lr] of [
      [Float64Array, 0.1],
      [Float32Array, 0.1],
    ] as const)
      for (const [beta, step] of cases) {
        const rand = rng(step);
        const n = 4096;
        const param = fill(T, n, rand);
        const grad = fill(T, n, rand);
        const [m, v] = [fill(T, n, rand, false, 0.1), fill(T, n, rand, false, 0.01, 0.02)];
        const ref = [copy(param), copy(m), copy(v)] as const;
        C.adamUpdate(param, grad, m, v, null, n, lr, beta, beta, 1e-8, 0, false, false, false, step);
        optim.adamUpdate(ref[0], grad, ref[1], ref[2], null, n, lr, beta, beta, 1e-8, 0, false, false, false, step);
        expectBits(param, ref[0], `param, ${T.name} beta=${beta} step=${step}`);
      }
  });

  it('refuses bad arguments before touching memory', () => {
    const f = (n: number) => new Float32Array(n).fill(1);
    const p = f(8);
    const g = f(8);
    const sgd = (...a: unknown[]) => (C.sgdUpdate as (...args: unknown[]) => void)(...a);
    const adam = (...a: unknown[]) => (C.adamUpdate as (...args: unknown[]) => void)(...a);
    const okSgd = [p, g, null, 8, 0.1, 0, 0, 0, false, false, true];
    const with_ = (base: unknown[], i: number, v: unknown) => base.map((x, j) => (j === i ? v : x));
    expect(() => sgd(...okSgd.slice(0, 10))).toThrow(/expected 11 arguments/);
    expect(() => sgd(...with_(okSgd, 0, [1, 2, 3]))).toThrow(/'param' must be a Float32Array or Float64Array/);
    expect(() => sgd(...with_(okSgd, 0, new Int32Array(8)))).toThrow(/'param'/);
    expect(() => sgd(...with_(okSgd, 1, f(7)))).toThrow(/'grad'.*do not fit/);
    expect(() => sgd(...with_(okSgd, 1, new Float64Array(8)))).toThrow(
      /'grad' and 'param' must have the same element type/,
    );
    expect(() => sgd(...with_(okSgd, 3, -1))).toThrow(/'n'/);
    expect(() => sgd(...with_(okSgd, 3, 2.5))).toThrow(/'n' must be an integer/);
    expect(() => sgd(...with_(okSgd, 3, '8'))).toThrow(/'n' must be an integer/);
    expect(() => sgd(...with_(okSgd, 4, '0.1'))).toThrow(/'lr' must be a number/);
    expect(() => sgd(...with_(okSgd, 8, 1))).toThrow(/'nesterov' must be a boolean/);
    expect(() => sgd(...with_(with_(okSgd, 5, 0.9), 2, null))).toThrow(/'buf'/);
    expect(() => sgd(...with_(with_(okSgd, 5, 0.9), 2, f(4)))).toThrow(/'buf'.*do not fit/);
    expect(() => sgd(...with_(okSgd, 1, p))).toThrow(/'param' and 'grad' must not overlap/);
    expect(Array.from(p)).toEqual(Array.from(f(8)));

    const okAdam = [p, g, f(8), f(8), null, 8, 1e-3, 0.9, 0.999, 1e-8, 0, false, false, false, 1];
    expect(() => adam(...okAdam.slice(0, 14))).toThrow(/expected 15 arguments/);
    expect(() => adam(...with_(okAdam, 2, f(3)))).toThrow(/'expAvg'/);
    expect(() => adam(...with_(okAdam, 3, new Float64Array(8)))).toThrow(/'expAvgSq' and 'param'/);
    expect(() => adam(...with_(okAdam, 12, true))).toThrow(/'maxExpAvgSq'/);
    expect(() => adam(...with_(with_(okAdam, 12, true), 4, f(2)))).toThrow(/'maxExpAvgSq'.*do not fit/);
    expect(() => adam(...with_(okAdam, 14, 0))).toThrow(/'step'/);
    expect(() => adam(...with_(okAdam, 14, 1.5))).toThrow(/'step' must be an integer/);
    expect(() => adam(...with_(okAdam, 5, -3))).toThrow(/'n'/);
    expect(() => adam(...with_(okAdam, 7, undefined))).toThrow(/'beta1' must be a number/);
    expect(() => adam(...with_(okAdam, 2, p.subarray(4)))).toThrow(/'expAvg'/);
    const shared = f(16);
    expect(() => adam(...with_(with_(okAdam, 2, shared.subarray(0, 8)), 3, shared.subarray(4, 12)))).toThrow(
      /'expAvg' and 'expAvgSq' must not overlap/,
    );
    expect(Array.from(p)).toEqual(Array.from(f(8)));

    const adadelta = (...a: unknown[]) => (C.adadeltaUpdate as (...args: unknown[]) => void)(...a);
    const okAdadelta = [p, g, f(8), f(8), 8, 1.0, 0.9, 1e-6, 0, false];
    expect(() => adadelta(...okAdadelta.slice(0, 9))).toThrow(/expected 10 arguments/);
    expect(() => adadelta(...with_(okAdadelta, 2, f(7)))).toThrow(/'squareAvg'.*do not fit/);
    expect(() => adadelta(...with_(okAdadelta, 3, new Float64Array(8)))).toThrow(
      /'accDelta' and 'param' must have the same element type/,
    );
    expect(() => adadelta(...with_(okAdadelta, 6, '0.9'))).toThrow(/'rho' must be a number/);
    expect(() => adadelta(...with_(okAdadelta, 9, 0))).toThrow(/'maximize' must be a boolean/);
    expect(() => adadelta(...with_(okAdadelta, 3, p))).toThrow(/'param' and 'accDelta' must not overlap/);
    expect(Array.from(p)).toEqual(Array.from(f(8)));
  });
});

const BN_SHAPES: [number, number, number][] = [
  [0, 3, 4],
  [2, 0, 5],
  [3, 4, 0],
  [1, 1, 1],
  [1, 3, 5],
  [7, 5, 1],
  [33, 300, 1],
  [4, 3, 13],
  [5, 7, 31],
  [2, 3, 1031],
  [16, 64, 64],
  [8, 4, 40000],
];

describe.skipIf(!addon)('native batch norm: the TypeScript kernels', () => {
  it('forward and backward over shapes, dtypes, thread counts, modes and affine/running options', () => {
    let seed = 5000;
    for (const [name, T] of TYPES)
      for (const [N, Ch, HW] of BN_SHAPES)
        for (const threads of THREADS)
          for (const affine of [false, true])
            for (const [running, training] of [
              [false, true],
              [true, true],
              [true, false],
            ] as const)
              for (const specials of [false, true]) {
                if (specials && N * HW > 2000) continue;
                if (N * Ch * HW > 100000 && !affine) continue; // the big shapes: fewer combinations
                const rand = rng(seed++);
                C.setNumThreads(threads);
                const size = N * Ch * HW;
                const what = `${name} [${N}, ${Ch}, ${HW}] threads=${threads} affine=${affine} running=${running} training=${training} specials=${specials}`;
                const x = fill(T, size, rand, specials, 2, 0.3);
                const w = affine ? fill(T, Ch, rand, false, 1, 1) : null;
                const b = affine ? fill(T, Ch, rand) : null;
                const rm = running ? fill(T, Ch, rand, false, 0.1) : null;
                const rv = running ? fill(T, Ch, rand, false, 0.1, 1) : null;
                const [rm2, rv2] = [copy(rm), copy(rv)];
                const [out, mean, inv] = [new T(size), new T(Ch), new T(Ch)];
                const [out2, mean2, inv2] = [new T(size), new T(Ch), new T(Ch)];
                C.batchNormForward(x, N, Ch, HW, w, b, rm, rv, training, 0.1, 1e-5, out, mean, inv);
                norm.batchNormForward(x, N, Ch, HW, w, b, rm2, rv2, training, 0.1, 1e-5, out2, mean2, inv2);
                expectNorm(out, out2, `out, ${what}`);
                expectNorm(mean, mean2, `saveMean, ${what}`);
                expectNorm(inv, inv2, `saveInvstd, ${what}`);
                if (rm && rm2 && rv && rv2) {
                  expectNorm(rm, rm2, `runningMean, ${what}`);
                  expectNorm(rv, rv2, `runningVar, ${what}`);
                }
                const gy = fill(T, size, rand, specials);
                const [gx, gw, gb] = [new T(size), affine ? new T(Ch) : null, affine ? new T(Ch) : null];
                const [gx2, gw2, gb2] = [new T(size), copy(gw), copy(gb)];
                C.batchNormBackward(gy, x, N, Ch, HW, w, mean, inv, training, gx, gw, gb);
                norm.batchNormBackward(gy, x, N, Ch, HW, w, mean, inv, training, gx2, gw2, gb2);
                expectNorm(gx, gx2, `gx, ${what}`);
                if (gw && gw2 && gb && gb2) {
                  expectNorm(gw, gw2, `gWeight, ${what}`);
                  expectNorm(gb, gb2, `gBias, ${what}`);
                }
              }
  });

  it('gives the same bits for any thread count', () => {
    const rand = rng(77);
    const [N, Ch, HW] = [8, 37, 300];
    const x = fill(Float32Array, N * Ch * HW, rand);
    const gy = fill(Float32Array, N * Ch * HW, rand);
    const results: Float32Array[][] = [];
    for (const threads of [1, 2, 3, 8]) {
      C.setNumThreads(threads);
      const [out, mean, inv, gx, gw, gb] = [N * Ch * HW, Ch, Ch, N * Ch * HW, Ch, Ch].map((k) => new Float32Array(k));
      C.batchNormForward(x, N, Ch, HW, null, null, null, null, true, 0.1, 1e-5, out, mean, inv);
      C.batchNormBackward(gy, x, N, Ch, HW, null, mean, inv, true, gx, gw, gb);
      results.push([out, mean, inv, gx, gw, gb]);
    }
    for (const r of results.slice(1)) r.forEach((a, i) => expectBits(a, results[0][i], `result ${i}`));
  });

  it('refuses bad arguments before touching memory', () => {
    const f = (n: number) => new Float32Array(n).fill(1);
    const x = f(24);
    const out = f(24);
    const fwd = (...a: unknown[]) => (C.batchNormForward as (...args: unknown[]) => void)(...a);
    const bwd = (...a: unknown[]) => (C.batchNormBackward as (...args: unknown[]) => void)(...a);
    const ok = [x, 2, 3, 4, null, null, null, null, true, 0.1, 1e-5, out, f(3), f(3)];
    const with_ = (base: unknown[], i: number, v: unknown) => base.map((y, j) => (j === i ? v : y));
    expect(() => fwd(...ok.slice(0, 13))).toThrow(/expected 14 arguments/);
    expect(() => fwd(...with_(ok, 1, -2))).toThrow(/'N'/);
    expect(() => fwd(...with_(ok, 2, 'three'))).toThrow(/'C' must be an integer/);
    expect(() => fwd(...with_(ok, 3, 5))).toThrow(/'x'.*do not fit/);
    expect(() => fwd(...with_(ok, 3, 2 ** 52))).toThrow(/2\^53|do not fit/);
    expect(() => fwd(...with_(ok, 4, f(2)))).toThrow(/'weight'/);
    expect(() => fwd(...with_(ok, 5, new Float64Array(3)))).toThrow(/'bias' and 'x' must have the same element type/);
    expect(() => fwd(...with_(ok, 8, false))).toThrow(/'runningMean' must be given in evaluation mode/);
    expect(() => fwd(...with_(with_(ok, 8, false), 6, f(3)))).toThrow(/'runningVar' must be given in evaluation mode/);
    expect(() => fwd(...with_(ok, 9, null))).toThrow(/'momentum' must be a number/);
    expect(() => fwd(...with_(ok, 11, f(23)))).toThrow(/'out'/);
    expect(() => fwd(...with_(ok, 11, x))).toThrow(/'x' and 'out' must not overlap/);
    expect(() => fwd(...with_(ok, 13, [0, 0, 0]))).toThrow(/'saveInvstd' must be a Float32Array or Float64Array/);
    const okB = [x, x, 2, 3, 4, null, f(3), f(3), true, out, null, null];
    expect(() => bwd(...with_(okB, 0, f(20)))).toThrow(/'gy'/);
    expect(() => bwd(...with_(okB, 6, f(2)))).toThrow(/'saveMean'/);
    expect(() => bwd(...with_(okB, 4, -1))).toThrow(/'HW'/);
    expect(() => bwd(...with_(okB, 10, new Float64Array(3)))).toThrow(/'gWeight' and 'gy'/);
    expect(() => bwd(...with_(okB, 11, out.subarray(0, 3)))).toThrow(/must not overlap/);
    expect(() => bwd(...with_(okB, 8, 'yes'))).toThrow(/'training' must be a boolean/);
    expect(Array.from(out)).toEqual(Array.from(f(24)));
  });
});

const LN_SHAPES: [number, number][] = [
  [0, 5],
  [5, 0],
  [1, 1],
  [3, 7],
  [17, 300],
  [4, 1031],
  [1000, 1031],
];

describe.skipIf(!addon)('native layer norm: the TypeScript kernels', () => {
  it('forward and backward over shapes, dtypes, thread counts and affine options', () => {
    let seed = 9000;
    for (const [name, T] of TYPES)
      for (const [rows, cols] of LN_SHAPES)
        for (const threads of THREADS)
          for (const [hasW, hasB] of [
            [false, false],
            [true, false],
            [false, true],
            [true, true],
          ] as const)
            for (const specials of [false, true]) {
              if (rows * cols > 100000 && (specials || hasW !== hasB)) continue;
              const rand = rng(seed++);
              C.setNumThreads(threads);
              const size = rows * cols;
              const what = `${name} [${rows}, ${cols}] threads=${threads} weight=${hasW} bias=${hasB} specials=${specials}`;
              const x = fill(T, size, rand, specials, 3, -1);
              const w = hasW ? fill(T, cols, rand, false, 1, 1) : null;
              const b = hasB ? fill(T, cols, rand) : null;
              const [out, mean, rstd] = [new T(size), new T(rows), new T(rows)];
              const [out2, mean2, rstd2] = [new T(size), new T(rows), new T(rows)];
              C.layerNormForward(x, rows, cols, w, b, 1e-5, out, mean, rstd);
              norm.layerNormForward(x, rows, cols, w, b, 1e-5, out2, mean2, rstd2);
              expectNorm(out, out2, `out, ${what}`);
              expectNorm(mean, mean2, `saveMean, ${what}`);
              expectNorm(rstd, rstd2, `saveRstd, ${what}`);
              const gy = fill(T, size, rand, specials);
              const [gx, gw, gb] = [new T(size), hasW ? new T(cols) : null, hasB ? new T(cols) : null];
              const [gx2, gw2, gb2] = [new T(size), copy(gw), copy(gb)];
              C.layerNormBackward(gy, x, rows, cols, w, mean, rstd, gx, gw, gb);
              norm.layerNormBackward(gy, x, rows, cols, w, mean, rstd, gx2, gw2, gb2);
              expectNorm(gx, gx2, `gx, ${what}`);
              if (gw && gw2) expectNorm(gw, gw2, `gWeight, ${what}`);
              if (gb && gb2) expectNorm(gb, gb2, `gBias, ${what}`);
            }
  });

  it('refuses bad arguments before touching memory', () => {
    const f = (n: number) => new Float64Array(n).fill(1);
    const x = f(12);
    const out = f(12);
    const fwd = (...a: unknown[]) => (C.layerNormForward as (...args: unknown[]) => void)(...a);
    const bwd = (...a: unknown[]) => (C.layerNormBackward as (...args: unknown[]) => void)(...a);
    const ok = [x, 3, 4, null, null, 1e-5, out, f(3), f(3)];
    const with_ = (base: unknown[], i: number, v: unknown) => base.map((y, j) => (j === i ? v : y));
    expect(() => fwd(...ok.slice(0, 8))).toThrow(/expected 9 arguments/);
    expect(() => fwd(...with_(ok, 1, -3))).toThrow(/'rows'/);
    expect(() => fwd(...with_(ok, 2, NaN))).toThrow(/'cols' must be an integer/);
    expect(() => fwd(...with_(ok, 3, f(3)))).toThrow(/'weight'.*do not fit/);
    expect(() => fwd(...with_(ok, 4, new Float32Array(4)))).toThrow(/'bias' and 'x'/);
    expect(() => fwd(...with_(ok, 5, {}))).toThrow(/'eps' must be a number/);
    expect(() => fwd(...with_(ok, 6, f(11)))).toThrow(/'out'/);
    expect(() => fwd(...with_(ok, 8, f(2)))).toThrow(/'saveRstd'/);
    expect(() => fwd(...with_(ok, 7, out.subarray(9)))).toThrow(/must not overlap/);
    const okB = [x, x, 3, 4, null, f(3), f(3), out, null, null];
    expect(() => bwd(...okB.slice(0, 9))).toThrow(/expected 10 arguments/);
    expect(() => bwd(...with_(okB, 1, f(11)))).toThrow(/'x'/);
    expect(() => bwd(...with_(okB, 8, f(3)))).toThrow(/'gWeight'/);
    expect(() => bwd(...with_(okB, 9, new Float32Array(4)))).toThrow(/'gBias' and 'gy'/);
    expect(() => bwd(...with_(okB, 7, x))).toThrow(/must not overlap/);
    expect(Array.from(out)).toEqual(Array.from(f(12)));
  });
});
