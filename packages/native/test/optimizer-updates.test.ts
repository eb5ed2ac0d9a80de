// The native optimizer updates (optim.c) against their TypeScript references, core's kernels/optim.ts: sgdUpdate,
// adamUpdate and adadeltaUpdate bit for bit (Adam's bias corrections included, which the C entry takes from
// JavaScript's pow) over sizes, dtypes, thread counts, every option, NaN and infinities; elements past n left
// alone; and every bad argument throwing before memory is touched.
//
// The addon is @kindling/native's build (../index.cjs), or the file named by KINDLING_NATIVE_ADDON.
import { expect, it } from 'vitest';
import * as optim from '../../core/src/kernels/optim.js';
import { rng } from '../../core/test/helpers/rng.js';
import { describeAddon, threadsRestoredAfterAll } from './built-addon.js';
import { copy, expectBits, fill, native, sweep, withArgument } from './fused-addon.js';

threadsRestoredAfterAll(native);

const SIZES = [0, 1, 2, 3, 7, 31, 97, 1009, 32771, 65537, 200003];

describeAddon(native, 'native sgdUpdate / adamUpdate / adadeltaUpdate: bit for bit the TypeScript kernels', (addon) => {
  it('sgdUpdate over sizes, dtypes, thread counts, every option, NaN and infinities', () => {
    let seed = 1;
    for (const combination of sweep(SIZES, {
      momentum: [0, 0.9],
      dampening: [0, 0.3],
      nesterov: [false, true],
      weightDecay: [0, 0.02],
      maximize: [false, true],
    })) {
      const { type, size: n, threads, momentum, dampening, nesterov, weightDecay, maximize } = combination;
      const [name, T] = type;
      if (nesterov && (momentum === 0 || dampening !== 0)) continue;
      if (n > 1009 && (maximize || dampening !== 0)) continue; // the big sizes: fewer combinations
      const rand = rng(seed++);
      addon.setNumThreads(threads);
      const extra = 3; // elements past n stay untouched
      const param = fill(T, n + extra, rand, true);
      const buf = momentum !== 0 ? new T(n + extra).fill(7) : null;
      const [p2, b2] = [copy(param), copy(buf)];
      for (let step = 1; step <= 3; step++) {
        const grad = fill(T, n + extra, rand, step === 2, 0.5);
        const args = [n, 0.01, momentum, dampening, weightDecay, nesterov, maximize, step === 1] as const;
        addon.sgdUpdate(param, grad, buf, ...args);
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
    for (const combination of sweep(SIZES, {
      decoupled: [false, true],
      amsgrad: [false, true],
      maximize: [false, true],
      weightDecay: [0, 0.05],
    })) {
      const { type, size: n, threads, decoupled, amsgrad, maximize, weightDecay } = combination;
      const [name, T] = type;
      if (n > 1009 && (maximize || weightDecay === 0)) continue;
      const rand = rng(seed++);
      addon.setNumThreads(threads);
      const param = fill(T, n, rand, true);
      const state = [new T(n), new T(n), amsgrad ? new T(n) : null] as const;
      const ref = [copy(param), copy(state[0]), copy(state[1]), copy(state[2])] as const;
      for (let step = 1; step <= 3; step++) {
        const grad = fill(T, n, rand, step === 2);
        const args = [n, 2e-3, 0.9, 0.999, 1e-8, weightDecay, decoupled, amsgrad, maximize, step] as const;
        addon.adamUpdate(param, grad, state[0], state[1], state[2], ...args);
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
    for (const combination of sweep(SIZES, {
      rho: [0.9, 0.3],
      maximize: [false, true],
      weightDecay: [0, 0.05],
    })) {
      const { type, size: n, threads, rho, maximize, weightDecay } = combination;
      const [name, T] = type;
      if (n > 1009 && (maximize || rho !== 0.9)) continue;
      const rand = rng(seed++);
      addon.setNumThreads(threads);
      const extra = 3; // elements past n stay untouched
      const param = fill(T, n + extra, rand, true);
      const state = [new T(n + extra).fill(7), new T(n + extra).fill(7)] as const;
      const ref = [copy(param), copy(state[0]), copy(state[1])] as const;
      for (let step = 1; step <= 3; step++) {
        const grad = fill(T, n + extra, rand, step === 2);
        const args = [n, 1.0, rho, 1e-6, weightDecay, maximize] as const;
        addon.adadeltaUpdate(param, grad, state[0], state[1], ...args);
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
        addon.adamUpdate(param, grad, m, v, null, n, lr, beta, beta, 1e-8, 0, false, false, false, step);
        optim.adamUpdate(ref[0], grad, ref[1], ref[2], null, n, lr, beta, beta, 1e-8, 0, false, false, false, step);
        expectBits(param, ref[0], `param, ${T.name} beta=${beta} step=${step}`);
      }
  });

  it('refuses bad arguments before touching memory', () => {
    const f = (n: number) => new Float32Array(n).fill(1);
    const p = f(8);
    const g = f(8);
    const sgd = (...a: unknown[]) => (addon.sgdUpdate as (...args: unknown[]) => void)(...a);
    const adam = (...a: unknown[]) => (addon.adamUpdate as (...args: unknown[]) => void)(...a);
    const okSgd = [p, g, null, 8, 0.1, 0, 0, 0, false, false, true];
    expect(() => sgd(...okSgd.slice(0, 10))).toThrow(/expected 11 arguments/);
    expect(() => sgd(...withArgument(okSgd, 0, [1, 2, 3]))).toThrow(/'param' must be a Float32Array or Float64Array/);
    expect(() => sgd(...withArgument(okSgd, 0, new Int32Array(8)))).toThrow(/'param'/);
    expect(() => sgd(...withArgument(okSgd, 1, f(7)))).toThrow(/'grad'.*do not fit/);
    expect(() => sgd(...withArgument(okSgd, 1, new Float64Array(8)))).toThrow(
      /'grad' and 'param' must have the same element type/,
    );
    expect(() => sgd(...withArgument(okSgd, 3, -1))).toThrow(/'n'/);
    expect(() => sgd(...withArgument(okSgd, 3, 2.5))).toThrow(/'n' must be an integer/);
    expect(() => sgd(...withArgument(okSgd, 3, '8'))).toThrow(/'n' must be an integer/);
    expect(() => sgd(...withArgument(okSgd, 4, '0.1'))).toThrow(/'lr' must be a number/);
    expect(() => sgd(...withArgument(okSgd, 8, 1))).toThrow(/'nesterov' must be a boolean/);
    expect(() => sgd(...withArgument(withArgument(okSgd, 5, 0.9), 2, null))).toThrow(/'buf'/);
    expect(() => sgd(...withArgument(withArgument(okSgd, 5, 0.9), 2, f(4)))).toThrow(/'buf'.*do not fit/);
    expect(() => sgd(...withArgument(okSgd, 1, p))).toThrow(/'param' and 'grad' must not overlap/);
    expect(Array.from(p)).toEqual(Array.from(f(8)));

    const okAdam = [p, g, f(8), f(8), null, 8, 1e-3, 0.9, 0.999, 1e-8, 0, false, false, false, 1];
    expect(() => adam(...okAdam.slice(0, 14))).toThrow(/expected 15 arguments/);
    expect(() => adam(...withArgument(okAdam, 2, f(3)))).toThrow(/'expAvg'/);
    expect(() => adam(...withArgument(okAdam, 3, new Float64Array(8)))).toThrow(/'expAvgSq' and 'param'/);
    expect(() => adam(...withArgument(okAdam, 12, true))).toThrow(/'maxExpAvgSq'/);
    expect(() => adam(...withArgument(withArgument(okAdam, 12, true), 4, f(2)))).toThrow(/'maxExpAvgSq'.*do not fit/);
    expect(() => adam(...withArgument(okAdam, 14, 0))).toThrow(/'step'/);
    expect(() => adam(...withArgument(okAdam, 14, 1.5))).toThrow(/'step' must be an integer/);
    expect(() => adam(...withArgument(okAdam, 5, -3))).toThrow(/'n'/);
    expect(() => adam(...withArgument(okAdam, 7, undefined))).toThrow(/'beta1' must be a number/);
    expect(() => adam(...withArgument(okAdam, 2, p.subarray(4)))).toThrow(/'expAvg'/);
    const shared = f(16);
    expect(() =>
      adam(...withArgument(withArgument(okAdam, 2, shared.subarray(0, 8)), 3, shared.subarray(4, 12))),
    ).toThrow(/'expAvg' and 'expAvgSq' must not overlap/);
    expect(Array.from(p)).toEqual(Array.from(f(8)));

    const adadelta = (...a: unknown[]) => (addon.adadeltaUpdate as (...args: unknown[]) => void)(...a);
    const okAdadelta = [p, g, f(8), f(8), 8, 1.0, 0.9, 1e-6, 0, false];
    expect(() => adadelta(...okAdadelta.slice(0, 9))).toThrow(/expected 10 arguments/);
    expect(() => adadelta(...withArgument(okAdadelta, 2, f(7)))).toThrow(/'squareAvg'.*do not fit/);
    expect(() => adadelta(...withArgument(okAdadelta, 3, new Float64Array(8)))).toThrow(
      /'accDelta' and 'param' must have the same element type/,
    );
    expect(() => adadelta(...withArgument(okAdadelta, 6, '0.9'))).toThrow(/'rho' must be a number/);
    expect(() => adadelta(...withArgument(okAdadelta, 9, 0))).toThrow(/'maximize' must be a boolean/);
    expect(() => adadelta(...withArgument(okAdadelta, 3, p))).toThrow(/'param' and 'accDelta' must not overlap/);
    expect(Array.from(p)).toEqual(Array.from(f(8)));
  });
});
