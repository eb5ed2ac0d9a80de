// The WebAssembly layer entries against the TypeScript kernels: max pooling (forward and backward) and batch norm bit for bit (NaN/Inf,
// ties and signed zeros, float32 and float64, one and two threads), and the convolutions, whose GEMM sums in
// float32, the same bits at one and two threads and within a bound of TypeScript's.
import { expect, it } from 'vitest';
// Core's source by path (this package does not depend on core; vitest resolves @kindling/core to the same file).
import * as torch from '../../core/src/index.js';
import { squarePool } from '../../core/test/helpers/pool-geometry.js';
import {
  THREAD_COUNTS,
  awkward,
  type Ctor,
  type FloatArray,
  describeAgainstTypescript,
  expectSameArrays,
  expectSameBits,
  wasmBackend,
} from './wasm-against-typescript.js';

const ts = torch.typescriptBackend;

/** [N, C, HW]: one element, an empty plane, odd sizes, planes and channels on both sides of 4,096 elements. */
const BATCH_NORM_SHAPES = [
  [1, 1, 1],
  [2, 3, 0],
  [16, 13, 67],
  [1, 64, 4099],
  [5, 1, 5000],
  [3, 7, 1],
];

function batchNormLabel(ctor: Ctor, shape: number[], training: boolean, affine: boolean): string {
  return `${ctor.name} [${shape.join(', ')}] training ${training} affine ${affine}`;
}

describeAgainstTypescript(() => {
  it('max pooling forward, with and without indices, NaN, ties (within and across rows) and signed zeros included', () => {
    const b = wasmBackend();
    const cases = [
      [1, 1, 1, 1, 1, 0, 1, false],
      [64, 28, 28, 2, 2, 0, 1, false],
      [64, 112, 112, 3, 2, 1, 1, false],
      [7, 13, 29, 3, 1, 1, 1, false],
      [5, 31, 23, 3, 2, 1, 2, true],
      [3, 9, 40, 2, 1, 0, 1, true],
      [11, 17, 64, 5, 2, 2, 1, false],
      [0, 8, 8, 2, 2, 0, 1, false],
    ] as const;
    for (const ctor of [Float32Array, Float64Array]) {
      cases.forEach(([planes, H, W, k, s, p, d, ceil], i) => {
        const g = squarePool(planes, H, W, k, s, p, d, ceil);
        const n = planes * g.OH * g.OW;
        const fine = awkward(ctor, planes * H * W, 70 + i);
        // Rounded to integers, most windows hold ties, within a row and across rows.
        for (const x of [fine, fine.map(Math.round)]) {
          const want = new ctor(n).fill(7);
          const idxWant = new Float64Array(n).fill(-1);
          ts.maxPool2dForward(x, g, want, idxWant);
          for (const t of THREAD_COUNTS) {
            b.setNumThreads(t);
            const got = new ctor(n).fill(7);
            const idx = new Float64Array(n).fill(-1);
            b.maxPool2dForward(x, g, got, idx);
            expectSameBits(got, want, `${ctor.name} ${JSON.stringify(g)}`);
            expectSameBits(idx, idxWant, `indices ${ctor.name} ${JSON.stringify(g)}`);
            got.fill(7);
            b.maxPool2dForward(x, g, got, null);
            expectSameBits(got, want, `${ctor.name} without indices ${JSON.stringify(g)}`);
          }
        }
      });
    }
  });

  it("max pooling backward, its arrays in the module's memory or not, and its indices checked first", () => {
    const b = wasmBackend();
    const storage = b.storage;
    /** `a`'s values in the module's memory where it lends storage (else `a` itself: the TypeScript path). */
    const resident = <T extends FloatArray>(a: T): T => {
      const r = storage?.allocate(a instanceof Float64Array, a.length, false) as T | null | undefined;
      r?.set(a);
      return r ?? a;
    };
    const cases = [
      [64, 28, 28, 2, 2, 0, 1],
      [64, 14, 14, 2, 2, 0, 1],
      [7, 13, 29, 3, 1, 1, 1],
      [5, 31, 23, 3, 2, 1, 2],
      [3, 1, 1, 1, 1, 0, 1],
    ] as const;
    for (const ctor of [Float32Array, Float64Array]) {
      cases.forEach(([planes, H, W, k, s, p, d], i) => {
        const g = squarePool(planes, H, W, k, s, p, d, false);
        const [HW, OHW] = [H * W, g.OH * g.OW];
        // Overlapping windows (stride 1) send several gradients to one element: their adds keep output order.
        const indices = new Float64Array(planes * OHW);
        ts.maxPool2dForward(awkward(ctor, planes * HW, 90 + i), g, new ctor(planes * OHW), indices);
        const gy = awkward(ctor, planes * OHW, 95 + i);
        const want = new ctor(planes * HW).fill(7);
        ts.maxPool2dBackward(gy, indices, planes, HW, OHW, want);
        for (const t of THREAD_COUNTS) {
          b.setNumThreads(t);
          for (const place of [resident, <T extends FloatArray>(a: T): T => a]) {
            const got = place(new ctor(planes * HW).fill(7));
            b.maxPool2dBackward(place(gy), place(indices), planes, HW, OHW, got);
            expectSameBits(got, want, `${ctor.name} ${JSON.stringify(g)} threads ${t} ${place.name}`);
          }
        }
      });
    }
    // A bad index throws before anything is written: out of range, negative, fractional, NaN; in the module's
    // memory or in JavaScript's (copied in first).
    const HW = 30 * 30;
    for (const place of [resident, <T extends FloatArray>(a: T): T => a]) {
      const gy = place(awkward(Float32Array, 8 * 225, 3));
      for (const bad of [HW, -1, 2.5, NaN]) {
        const indices = place(new Float64Array(8 * 225).map((_, j) => (j % 225) * 4));
        indices[8 * 225 - 3] = bad;
        const gx = place(new Float32Array(8 * HW).fill(7));
        expect(() => b.maxPool2dBackward(gy, indices, 8, HW, 225, gx)).toThrow(
          new RangeError(
            `argument 'indices': element ${8 * 225 - 3} (${bad}) is not an integer position in [0, ${HW})`,
          ),
        );
        expect(gx.every((v) => v === 7)).toBe(true);
      }
    }
  });

  it('batch norm forward, training (running statistics updated) and evaluation, with and without affine', () => {
    const b = wasmBackend();
    for (const ctor of [Float32Array, Float64Array]) {
      for (const [N, C, HW] of BATCH_NORM_SHAPES) {
        for (const training of [true, false]) {
          for (const affine of [true, false]) {
            const size = N * C * HW;
            const x = awkward(ctor, size, N + C + HW);
            if (size > 100) x[size - 3] = NaN; // one channel's statistics become NaN
            const stats = () =>
              [awkward(ctor, C, 5).map(Math.abs), awkward(ctor, C, 6).map((v) => Math.abs(v) + 0.5)] as const;
            const [w, bias] = affine ? [awkward(ctor, C, 7), awkward(ctor, C, 8)] : [null, null];
            const runs = THREAD_COUNTS.map((t) => {
              b.setNumThreads(t);
              const [rm, rv] = stats();
              const out = new ctor(size).fill(7);
              const mean = new ctor(C);
              const invstd = new ctor(C);
              b.batchNormForward(x, N, C, HW, w, bias, rm, rv, training, 0.1, 1e-5, out, mean, invstd);
              return [out, mean, invstd, rm, rv];
            });
            const [rm, rv] = stats();
            const want = [new ctor(size).fill(7), new ctor(C), new ctor(C), rm, rv];
            ts.batchNormForward(x, N, C, HW, w, bias, rm, rv, training, 0.1, 1e-5, want[0], want[1], want[2]);
            for (const got of runs) expectSameArrays(got, want, batchNormLabel(ctor, [N, C, HW], training, affine));
          }
        }
      }
    }
  });

  it('batch norm backward, training and evaluation, with and without weight and parameter gradients', () => {
    const b = wasmBackend();
    for (const ctor of [Float32Array, Float64Array]) {
      for (const [N, C, HW] of [...BATCH_NORM_SHAPES, [64, 16, 6]]) {
        const size = N * C * HW;
        const x = awkward(ctor, size, 700 + N + C + HW);
        const gy = awkward(ctor, size, 800 + N + C + HW);
        if (size > 100) gy[7] = -0;
        const mean = awkward(ctor, C, 9);
        const invstd = awkward(ctor, C, 10).map((v) => Math.abs(v) + 0.25);
        for (const training of [true, false]) {
          for (const affine of [true, false]) {
            const w = affine ? awkward(ctor, C, 11) : null;
            const run = (backend: torch.KernelBackend) => {
              const out = [new ctor(size).fill(7), new ctor(C).fill(7), new ctor(C).fill(7)];
              backend.batchNormBackward(
                gy,
                x,
                N,
                C,
                HW,
                w,
                mean,
                invstd,
                training,
                out[0],
                affine ? out[1] : null,
                affine ? out[2] : null,
              );
              return out;
            };
            const want = run(ts);
            for (const t of THREAD_COUNTS) {
              b.setNumThreads(t);
              expectSameArrays(run(b), want, batchNormLabel(ctor, [N, C, HW], training, affine));
            }
          }
        }
      }
    }
  });

  it('convolutions give the same bits at one and two threads (batch split, one image split by rows or by output channels, weight-gradient split)', () => {
    const b = wasmBackend();
    const cases = [
      { N: 1, C: 8, H: 31, W: 29, O: 16, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1 },
      { N: 1, C: 3, H: 45, W: 45, O: 16, kh: 7, kw: 7, sh: 2, sw: 2, ph: 3, pw: 3, dh: 1, dw: 1, groups: 1 },
      { N: 1, C: 32, H: 17, W: 17, O: 24, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, groups: 1 },
      { N: 1, C: 32, H: 9, W: 7, O: 30, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1 }, // split by output channels
      { N: 1, C: 64, H: 8, W: 8, O: 18, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, groups: 1 },
      { N: 3, C: 1, H: 28, W: 28, O: 32, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1 },
      { N: 2, C: 12, H: 15, W: 14, O: 12, kh: 3, kw: 3, sh: 2, sw: 1, ph: 2, pw: 1, dh: 2, dw: 1, groups: 3 },
      // Two images of two row chunks each, over two blocks of the GEMM's depth with rows that are not whole
      // panels: the forward's 30 x 360 weight, the input gradient's 27 x 260 transpose.
      { N: 2, C: 40, H: 12, W: 12, O: 30, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1 },
      { N: 2, C: 3, H: 10, W: 10, O: 260, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1 },
    ].map((g) => ({
      ...g,
      OH: Math.floor((g.H + 2 * g.ph - g.dh * (g.kh - 1) - 1) / g.sh) + 1,
      OW: Math.floor((g.W + 2 * g.pw - g.dw * (g.kw - 1) - 1) / g.sw) + 1,
    }));
    for (const ctor of [Float32Array, Float64Array]) {
      cases.forEach((g, i) => {
        // Finite and small: the bound below scales with the number of terms, not with their size.
        const tame = (a: Float32Array | Float64Array) => a.map((v) => (Math.abs(v) <= 2 ? v : 0.5));
        const x = tame(awkward(ctor, g.N * g.C * g.H * g.W, 90 + i));
        const w = tame(awkward(ctor, (g.O * g.C * g.kh * g.kw) / g.groups, 91 + i));
        const bias = tame(awkward(ctor, g.O, 92 + i));
        const gy = tame(awkward(ctor, g.N * g.O * g.OH * g.OW, 93 + i));
        const runs = THREAD_COUNTS.map((t) => {
          b.setNumThreads(t);
          const out = new ctor(gy.length).fill(NaN);
          const gx = new ctor(x.length).fill(NaN);
          const gw = new ctor(w.length).fill(NaN);
          b.conv2dForward(x, w, bias, g, out);
          b.conv2dBackwardInput(gy, w, g, gx);
          b.conv2dBackwardWeight(x, gy, g, gw);
          return [out, gx, gw];
        });
        const want = [new ctor(gy.length), new ctor(x.length), new ctor(w.length)];
        ts.conv2dForward(x, w, bias, g, want[0]);
        ts.conv2dBackwardInput(gy, w, g, want[1]);
        ts.conv2dBackwardWeight(x, gy, g, want[2]);
        const K = (g.C / g.groups) * g.kh * g.kw;
        const bounds = [K, g.O * g.kh * g.kw, g.N * g.OH * g.OW].map(
          (terms) => (ctor === Float32Array ? 1e-6 : 1e-14) * terms * 8,
        );
        runs[0].forEach((a, k) => {
          expectSameBits(runs[1][k], a, `${ctor.name} case ${i} result ${k}: 2 threads vs 1`);
          for (let j = 0; j < a.length; j++)
            expect(Math.abs(a[j] - want[k][j]), `${ctor.name} case ${i} result ${k} [${j}]`).toBeLessThan(bounds[k]);
        });
      });
    }
  });
});
