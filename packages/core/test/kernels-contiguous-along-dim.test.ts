// The flat kernels that run along one dim of a contiguous shape, kernels/softmax.ts and kernels/contiguous-sums.ts
// (the native addon's signatures): softmax and its backward against the tensor ops they fuse (within a few ulps:
// the composed ops round their intermediates) and against exact values, sums bit for bit with sumKernel.
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { reducePlan, sumKernel } from '../src/kernels/reduce.js';
import { sumAll, sumDim } from '../src/kernels/contiguous-sums.js';
import { softmax, softmaxBackward } from '../src/kernels/softmax.js';
import { expectWithinBound, tolerance } from './helpers/close.js';
import { TYPES, fillInput, referenceOpsOnTypescript, valuesOf } from './helpers/flat-kernels.js';
import { expectSame } from './helpers/same-values.js';

referenceOpsOnTypescript();

/** Contiguous strides of a shape. */
function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

/** outer, size, inner of a contiguous shape around dim d. */
function split(shape: number[], d: number): [number, number, number] {
  const prod = (s: number[]): number => s.reduce((x, y) => x * y, 1);
  return [prod(shape.slice(0, d)), shape[d], prod(shape.slice(d + 1))];
}

describe('softmax', () => {
  const shapes: [number[], number][] = [
    [[128, 10], 1],
    [[64, 1000], 1],
    [[4, 7, 5], 1],
    [[3, 4, 5], 0],
    [[2, 3, 300], 1],
    [[5], 0],
    [[2, 1, 3], 1],
  ];

  it('matches softmax and logSoftmax composed of tensor ops within a few ulps', () => {
    for (const [name, T] of TYPES) {
      const eps = T === Float32Array ? 2 ** -23 : 2 ** -52;
      for (const [shape, d] of shapes) {
        const n = shape.reduce((x, y) => x * y, 1);
        const x = fillInput(new T(n + 2), n, false, 10);
        const [outer, size, inner] = split(shape, d);
        const t = torch.fromArray(x.subarray(2), shape);
        for (const log of [false, true]) {
          const out = new T(n);
          softmax(x, 2, out, outer, size, inner, log);
          // what the ops computed before the fused kernels: shifted = x - amax, then exp / sum or shifted - log(sum)
          const shifted = t.sub(t.amax(d, { keepdim: true }));
          const e = shifted.exp();
          const ref = valuesOf(
            log ? shifted.sub(e.sum(d, { keepdim: true }).log()) : e.div(e.sum(d, { keepdim: true })),
          );
          // the composed ops round x - max to the dtype first: exp's relative error grows with |x - max| ~ |log p|
          const what = `${name} ${log ? 'log' : ''}softmax [${shape}] dim ${d}`;
          if (log) torch.testing.assertClose(out, ref, tolerance(8 * eps, 64 * eps, what));
          else expectWithinBound(out, ref, (_, p) => eps * (8 + 2 * Math.abs(Math.log(p))) * p + 1e-300, what);
        }
      }
    }
  });

  it("is exp(x - m) · (1 / Σ) over rows, as PyTorch's row kernel, and propagates NaN and infinities as PyTorch", () => {
    const x = Float64Array.of(1, 2, 3, NaN, 0, 1, Infinity, 0, -Infinity, -Infinity, 1000, -1000);
    const out = new Float64Array(12);
    softmax(x, 0, out, 4, 3, 1, false);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const s = e[0] + e[1] + e[2];
    // a NaN, or an infinity that makes inf - inf, turns its row to NaN
    expectSame(out, [e[0] * (1 / s), e[1] * (1 / s), 1 / s, NaN, NaN, NaN, NaN, NaN, NaN, 0, 1, 0], 'softmax');
    const lx = new Float64Array(12);
    softmax(x, 0, lx, 4, 3, 1, true);
    expectSame(lx.subarray(0, 3), [-2 - Math.log(s), -1 - Math.log(s), 0 - Math.log(s)], 'logSoftmax');
    expectSame(lx.subarray(3), [NaN, NaN, NaN, NaN, NaN, NaN, -Infinity, 0, -2000], 'logSoftmax special');
  });

  it('works in place', () => {
    const x = fillInput(new Float32Array(60), 4, false);
    const ref = new Float32Array(60);
    softmax(x, 0, ref, 3, 4, 5, false);
    softmax(x, 0, x, 3, 4, 5, false);
    expectSame(x, ref, 'in place');
  });

  it('backward matches the formulas composed of tensor ops', () => {
    for (const [name, T] of TYPES) {
      const eps = T === Float32Array ? 2 ** -23 : 2 ** -52;
      for (const [shape, d] of shapes) {
        const n = shape.reduce((x, y) => x * y, 1);
        const [outer, size, inner] = split(shape, d);
        for (const log of [false, true]) {
          const yv = new T(n);
          softmax(fillInput(new T(n), n + 1, false, 3), 0, yv, outer, size, inner, log);
          const g = fillInput(new T(n), n + 2, false);
          const yt = torch.fromArray(yv, shape);
          const gt = torch.fromArray(g, shape);
          const composed = log
            ? gt.sub(yt.exp().mul(gt.sum(d, { keepdim: true })))
            : yt.mul(gt.sub(gt.mul(yt).sum(d, { keepdim: true })));
          const gx = new T(n);
          softmaxBackward(yv, g, gx, outer, size, inner, log);
          // the composed ops round each intermediate: allow a few ulps of the terms' magnitudes
          const terms = Float64Array.from(g, (gi, k) => (log ? Math.abs(gi) : Math.abs(gi * yv[k])));
          const sums = new Float64Array(outer * inner);
          sumDim(
            Float64Array.from(g, (gi, k) => (log ? gi : gi * yv[k])),
            0,
            outer,
            size,
            inner,
            sums,
            0,
          );
          // Rows (inner == 1) sum in the type's arithmetic over PyTorch's vector lanes, each lane a chain of
          // size / 8 roundings: an error of that many ulps of the terms' absolute sum.
          const absSums = new Float64Array(outer * inner);
          sumDim(terms, 0, outer, size, inner, absSums, 0);
          const tol = Float64Array.from(terms, (t, k) => {
            const col = Math.floor(k / (size * inner)) * inner + (k % inner);
            const sumError = inner === 1 ? (size / 8 + 4) * absSums[col] : Math.abs(sums[col]);
            return 8 * eps * (t + (log ? Math.exp(yv[k]) : Math.abs(yv[k])) * sumError);
          });
          const ref = valuesOf(composed);
          let bad = -1;
          for (let k = 0; k < n && bad < 0; k++) if (!(Math.abs(gx[k] - ref[k]) <= tol[k] + 1e-300)) bad = k;
          expect(bad, `${name} log ${log} [${shape}] dim ${d} [${bad}]: ${gx[bad]} vs ${ref[bad]}`).toBe(-1);
        }
      }
    }
  });

  it('backward is the formula, in double, with gx in place of gy', () => {
    const y = Float64Array.of(0.2, 0.3, 0.5);
    const gy = Float64Array.of(1, -2, 0.5);
    const gx = new Float64Array(3);
    softmaxBackward(y, gy, gx, 1, 3, 1, false);
    const dot = 0.2 * 1 + 0.3 * -2 + 0.5 * 0.5;
    expectSame(gx, [0.2 * (1 - dot), 0.3 * (-2 - dot), 0.5 * (0.5 - dot)], 'softmax backward');
    softmaxBackward(y, gy, gy, 1, 3, 1, true);
    expectSame(
      gy,
      [1 - Math.exp(0.2) * -0.5, -2 - Math.exp(0.3) * -0.5, 0.5 - Math.exp(0.5) * -0.5],
      'log backward in place',
    );
  });

  it('checks its arguments', () => {
    const x = new Float32Array(12);
    expect(() => softmax(x, 1, new Float32Array(12), 3, 4, 1, false)).toThrow(/argument 'x'/);
    expect(() => softmax(x, 0, new Float32Array(11), 3, 4, 1, false)).toThrow(/argument 'out'/);
    expect(() => softmax(x, 0, new Float64Array(12), 3, 4, 1, false)).toThrow(/same element type/);
    expect(() => softmax(x, 0, x, 3, 4, 1, 1 as unknown as boolean)).toThrow(/'log' must be a boolean/);
    expect(() => softmaxBackward(x, x.subarray(1), new Float32Array(12), 1, 11, 1, false)).not.toThrow();
    expect(() => softmaxBackward(x, x, x.subarray(1), 1, 11, 1, false)).toThrow(/apart/);
    softmax(x, 0, x, 0, 4, 1, false);
  });
});

describe('sums', () => {
  it('sumDim matches sumKernel bit for bit, sumAll the sum of everything', () => {
    // Every dim of each shape: a single row, long inner runs, an empty dim, size-1 dims around a long one.
    const shapes = [
      [7, 13],
      [3, 5, 300],
      [4, 0, 3],
      [1, 1000, 1],
      [6, 9, 2, 3],
    ];
    for (const [name, T] of TYPES) {
      for (const shape of shapes) {
        const n = shape.reduce((x, y) => x * y, 1);
        const a = fillInput(new T(n + 1), n + 5, true, 1e3);
        const strides = contiguousStrides(shape);
        for (let d = 0; d < shape.length; d++) {
          const [outer, size, inner] = split(shape, d);
          const out = new T(outer * inner + 2).fill(4);
          sumDim(a, 1, outer, size, inner, out, 1);
          const ref = new T(outer * inner);
          sumKernel(a, reducePlan(shape, strides, 1, [d]), ref);
          expectSame(out.subarray(1, outer * inner + 1), ref, `${name} [${shape}] dim ${d}`);
          expect(out[0]).toBe(4);
        }
        const whole = new Float64Array(1);
        const everyDim = shape.map((_, k) => k);
        sumKernel(a, reducePlan(shape, strides, 1, everyDim), whole);
        expectSame([sumAll(a, 1, n)], whole, `${name} sumAll [${shape}]`);
      }
    }
  });

  it('sums -0 to 0 (from 0, as sumKernel) and returns the double sum of float32 data', () => {
    expect(Object.is(sumAll(Float32Array.of(-0, -0), 0, 2), 0)).toBe(true);
    const a = Float32Array.of(0.1, 0.2, 0.3);
    expect(sumAll(a, 0, 3)).toBe(a[0] + a[1] + a[2]);
    const out = new Float32Array(1);
    sumDim(Float32Array.of(-0, -0), 0, 1, 2, 1, out, 0);
    expect(Object.is(out[0], 0)).toBe(true);
  });

  it('checks its arguments', () => {
    const a = new Float64Array(6);
    expect(() => sumDim(a, 0, 2, 3, 1, new Float64Array(1), 0)).toThrow(/argument 'out'/);
    expect(() => sumDim(a, 1, 2, 3, 1, new Float64Array(2), 0)).toThrow(/argument 'a'/);
    expect(() => sumDim(a, 0, 2, 3, 1, a, 0)).toThrow(/overlap/);
    expect(() => sumAll(a, 0, 7)).toThrow(/argument 'a'/);
    expect(() => sumAll(a, -1, 1)).toThrow(/'aOff'/);
  });
});
