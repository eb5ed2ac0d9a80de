// The native batch and layer norm kernels (norm.c, layer-norm.c) against their TypeScript references, core's
// kernels/norm.ts and kernels/layer-norm.ts: forward and backward bit for bit on x86-64 (the same arithmetic in the
// same order) and within a few ulps elsewhere, over shapes, dtypes, thread counts, modes and affine options; the same bits for any thread count; and
// every bad argument throwing before memory is touched.
//
// The addon is @kindling/native's build (../index.cjs), or the file named by KINDLING_NATIVE_ADDON.
import { expect, it } from 'vitest';
import * as layerNorm from '../../core/src/kernels/layer-norm.js';
import * as norm from '../../core/src/kernels/norm.js';
import { rng } from '../../core/test/helpers/rng.js';
import { describeAddon, threadsRestoredAfterAll } from './built-addon.js';
import { copy, expectBits, expectNorm, fill, native, sweep, withArgument } from './fused-addon.js';

threadsRestoredAfterAll(native);

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

describeAddon(native, 'native batch norm: the TypeScript kernels', (addon) => {
  it('forward and backward over shapes, dtypes, thread counts, modes and affine/running options', () => {
    let seed = 5000;
    for (const combination of sweep(BN_SHAPES, {
      affine: [false, true],
      mode: [
        { running: false, training: true },
        { running: true, training: true },
        { running: true, training: false },
      ],
      specials: [false, true],
    })) {
      const { type, size: shape, threads, affine, mode, specials } = combination;
      const [name, T] = type;
      const [N, Ch, HW] = shape;
      const { running, training } = mode;
      if (specials && N * HW > 2000) continue;
      if (N * Ch * HW > 100000 && !affine) continue; // the big shapes: fewer combinations
      const rand = rng(seed++);
      addon.setNumThreads(threads);
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
      addon.batchNormForward(x, N, Ch, HW, w, b, rm, rv, training, 0.1, 1e-5, out, mean, inv);
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
      addon.batchNormBackward(gy, x, N, Ch, HW, w, mean, inv, training, gx, gw, gb);
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
      addon.setNumThreads(threads);
      const [out, mean, inv, gx, gw, gb] = [N * Ch * HW, Ch, Ch, N * Ch * HW, Ch, Ch].map((k) => new Float32Array(k));
      addon.batchNormForward(x, N, Ch, HW, null, null, null, null, true, 0.1, 1e-5, out, mean, inv);
      addon.batchNormBackward(gy, x, N, Ch, HW, null, mean, inv, true, gx, gw, gb);
      results.push([out, mean, inv, gx, gw, gb]);
    }
    for (const r of results.slice(1)) r.forEach((a, i) => expectBits(a, results[0][i], `result ${i}`));
  });

  it('refuses bad arguments before touching memory', () => {
    const f = (n: number) => new Float32Array(n).fill(1);
    const x = f(24);
    const out = f(24);
    const fwd = (...a: unknown[]) => (addon.batchNormForward as (...args: unknown[]) => void)(...a);
    const bwd = (...a: unknown[]) => (addon.batchNormBackward as (...args: unknown[]) => void)(...a);
    const ok = [x, 2, 3, 4, null, null, null, null, true, 0.1, 1e-5, out, f(3), f(3)];
    expect(() => fwd(...ok.slice(0, 13))).toThrow(/expected 14 arguments/);
    expect(() => fwd(...withArgument(ok, 1, -2))).toThrow(/'N'/);
    expect(() => fwd(...withArgument(ok, 2, 'three'))).toThrow(/'C' must be an integer/);
    expect(() => fwd(...withArgument(ok, 3, 5))).toThrow(/'x'.*do not fit/);
    expect(() => fwd(...withArgument(ok, 3, 2 ** 52))).toThrow(/2\^53|do not fit/);
    expect(() => fwd(...withArgument(ok, 4, f(2)))).toThrow(/'weight'/);
    expect(() => fwd(...withArgument(ok, 5, new Float64Array(3)))).toThrow(
      /'bias' and 'x' must have the same element type/,
    );
    expect(() => fwd(...withArgument(ok, 8, false))).toThrow(/'runningMean' must be given in evaluation mode/);
    expect(() => fwd(...withArgument(withArgument(ok, 8, false), 6, f(3)))).toThrow(
      /'runningVar' must be given in evaluation mode/,
    );
    expect(() => fwd(...withArgument(ok, 9, null))).toThrow(/'momentum' must be a number/);
    expect(() => fwd(...withArgument(ok, 11, f(23)))).toThrow(/'out'/);
    expect(() => fwd(...withArgument(ok, 11, x))).toThrow(/'x' and 'out' must not overlap/);
    expect(() => fwd(...withArgument(ok, 13, [0, 0, 0]))).toThrow(
      /'saveInvstd' must be a Float32Array or Float64Array/,
    );
    const okB = [x, x, 2, 3, 4, null, f(3), f(3), true, out, null, null];
    expect(() => bwd(...withArgument(okB, 0, f(20)))).toThrow(/'gy'/);
    expect(() => bwd(...withArgument(okB, 6, f(2)))).toThrow(/'saveMean'/);
    expect(() => bwd(...withArgument(okB, 4, -1))).toThrow(/'HW'/);
    expect(() => bwd(...withArgument(okB, 10, new Float64Array(3)))).toThrow(/'gWeight' and 'gy'/);
    expect(() => bwd(...withArgument(okB, 11, out.subarray(0, 3)))).toThrow(/must not overlap/);
    expect(() => bwd(...withArgument(okB, 8, 'yes'))).toThrow(/'training' must be a boolean/);
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

describeAddon(native, 'native layer norm: the TypeScript kernels', (addon) => {
  it('forward and backward over shapes, dtypes, thread counts and affine options', () => {
    let seed = 9000;
    for (const combination of sweep(LN_SHAPES, {
      affine: [
        { hasW: false, hasB: false },
        { hasW: true, hasB: false },
        { hasW: false, hasB: true },
        { hasW: true, hasB: true },
      ],
      specials: [false, true],
    })) {
      const { type, size: shape, threads, affine, specials } = combination;
      const [name, T] = type;
      const [rows, cols] = shape;
      const { hasW, hasB } = affine;
      if (rows * cols > 100000 && (specials || hasW !== hasB)) continue;
      const rand = rng(seed++);
      addon.setNumThreads(threads);
      const size = rows * cols;
      const what = `${name} [${rows}, ${cols}] threads=${threads} weight=${hasW} bias=${hasB} specials=${specials}`;
      const x = fill(T, size, rand, specials, 3, -1);
      const w = hasW ? fill(T, cols, rand, false, 1, 1) : null;
      const b = hasB ? fill(T, cols, rand) : null;
      const [out, mean, rstd] = [new T(size), new T(rows), new T(rows)];
      const [out2, mean2, rstd2] = [new T(size), new T(rows), new T(rows)];
      addon.layerNormForward(x, rows, cols, w, b, 1e-5, out, mean, rstd);
      layerNorm.layerNormForward(x, rows, cols, w, b, 1e-5, out2, mean2, rstd2);
      expectNorm(out, out2, `out, ${what}`);
      expectNorm(mean, mean2, `saveMean, ${what}`);
      expectNorm(rstd, rstd2, `saveRstd, ${what}`);
      const gy = fill(T, size, rand, specials);
      const [gx, gw, gb] = [new T(size), hasW ? new T(cols) : null, hasB ? new T(cols) : null];
      const [gx2, gw2, gb2] = [new T(size), copy(gw), copy(gb)];
      addon.layerNormBackward(gy, x, rows, cols, w, mean, rstd, gx, gw, gb);
      layerNorm.layerNormBackward(gy, x, rows, cols, w, mean, rstd, gx2, gw2, gb2);
      expectNorm(gx, gx2, `gx, ${what}`);
      if (gw && gw2) expectNorm(gw, gw2, `gWeight, ${what}`);
      if (gb && gb2) expectNorm(gb, gb2, `gBias, ${what}`);
    }
  });

  it('refuses bad arguments before touching memory', () => {
    const f = (n: number) => new Float64Array(n).fill(1);
    const x = f(12);
    const out = f(12);
    const fwd = (...a: unknown[]) => (addon.layerNormForward as (...args: unknown[]) => void)(...a);
    const bwd = (...a: unknown[]) => (addon.layerNormBackward as (...args: unknown[]) => void)(...a);
    const ok = [x, 3, 4, null, null, 1e-5, out, f(3), f(3)];
    expect(() => fwd(...ok.slice(0, 8))).toThrow(/expected 9 arguments/);
    expect(() => fwd(...withArgument(ok, 1, -3))).toThrow(/'rows'/);
    expect(() => fwd(...withArgument(ok, 2, NaN))).toThrow(/'cols' must be an integer/);
    expect(() => fwd(...withArgument(ok, 3, f(3)))).toThrow(/'weight'.*do not fit/);
    expect(() => fwd(...withArgument(ok, 4, new Float32Array(4)))).toThrow(/'bias' and 'x'/);
    expect(() => fwd(...withArgument(ok, 5, {}))).toThrow(/'eps' must be a number/);
    expect(() => fwd(...withArgument(ok, 6, f(11)))).toThrow(/'out'/);
    expect(() => fwd(...withArgument(ok, 8, f(2)))).toThrow(/'saveRstd'/);
    expect(() => fwd(...withArgument(ok, 7, out.subarray(9)))).toThrow(/must not overlap/);
    const okB = [x, x, 3, 4, null, f(3), f(3), out, null, null];
    expect(() => bwd(...okB.slice(0, 9))).toThrow(/expected 10 arguments/);
    expect(() => bwd(...withArgument(okB, 1, f(11)))).toThrow(/'x'/);
    expect(() => bwd(...withArgument(okB, 8, f(3)))).toThrow(/'gWeight'/);
    expect(() => bwd(...withArgument(okB, 9, new Float32Array(4)))).toThrow(/'gBias' and 'gy'/);
    expect(() => bwd(...withArgument(okB, 7, x))).toThrow(/must not overlap/);
    expect(Array.from(out)).toEqual(Array.from(f(12)));
  });
});
