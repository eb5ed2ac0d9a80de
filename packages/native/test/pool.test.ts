/**
 * The native pooling entries (max, average, adaptive; forward and backward) against the TypeScript reference
 * kernels (core/src/kernels/pool.ts) over awkward windows, float32 and float64: the same bits, indices included,
 * NaNs, ties and signed zeros among the inputs, and nothing written past the outputs; the same bits on any
 * thread count.
 */
import { expect, it } from 'vitest';
import * as reference from '../../core/src/kernels/pool.js';
import { expectSame } from '../../core/test/helpers/same-values.js';
import { atThreadCounts, describeAddon } from './built-addon.js';
import {
  type FloatArray,
  type FloatCtor,
  DTYPES,
  guarded,
  intoGuarded,
  native,
  randomArray,
} from './conv-pool-addon.js';
import { type NamedPoolCase, poolGeometry, poolInput, poolSizes } from './pool-cases.js';

const POOL_CASES: NamedPoolCase[] = [
  ['3x3 stride 2 pad 1 (ResNet)', { planes: 3, H: 7, W: 9, k: [3, 3], s: [2, 2], p: [1, 1] }],
  ['3x3 stride 2 pad 1, ceil mode', { planes: 3, H: 8, W: 10, k: [3, 3], s: [2, 2], p: [1, 1], ceil: true }],
  ['2x2 on odd sizes', { planes: 4, H: 7, W: 7, k: [2, 2] }],
  ['2x2 on odd sizes, ceil mode', { planes: 4, H: 7, W: 9, k: [2, 2], ceil: true }],
  ['3x2 stride 3 (gaps)', { planes: 2, H: 11, W: 13, k: [3, 2], s: [3, 3] }],
  ['stride 1 (overlapping windows), pad 1', { planes: 2, H: 6, W: 5, k: [3, 3], s: [1, 1], p: [1, 1] }],
  ['dilation 2, pad 1', { planes: 2, H: 11, W: 10, k: [3, 3], s: [1, 2], p: [1, 1], d: [2, 2] }],
  ['dilation 3x1, ceil mode', { planes: 3, H: 13, W: 9, k: [2, 3], s: [2, 2], p: [1, 1], d: [3, 1], ceil: true }],
  ['1x1', { planes: 2, H: 3, W: 5, k: [1, 1], s: [1, 1] }],
  ['5x3 stride 2x3 pad 2x1, ceil mode', { planes: 5, H: 17, W: 19, k: [5, 3], s: [2, 3], p: [2, 1], ceil: true }],
  ['many planes (parallel)', { planes: 64, H: 33, W: 35, k: [3, 3], s: [2, 2], p: [1, 1] }],
  ['one large plane', { planes: 1, H: 120, W: 97, k: [2, 2] }],
  ['empty: no planes', { planes: 0, H: 5, W: 5, k: [2, 2] }],
  ['empty: kernel taller than the input', { planes: 2, H: 2, W: 5, k: [3, 3], s: [1, 1] }],
  ['an input of height 0, windows in the padding', { planes: 2, H: 0, W: 3, k: [2, 2], s: [1, 1], p: [1, 1] }],
];

const ADAPTIVE: [number, number, number, number, number][] = [
  // planes, H, W, OH, OW
  [3, 7, 9, 3, 4],
  [2, 5, 5, 5, 5],
  [4, 10, 7, 4, 3],
  [2, 3, 3, 5, 7], // more outputs than inputs: overlapping windows
  [64, 7, 7, 1, 1], // global pooling (ResNet's head)
  [1, 13, 11, 6, 2],
  [0, 4, 4, 2, 2],
  [2, 4, 4, 0, 3],
  [2, 0, 4, 2, 2], // empty windows: NaN averages, -Infinity maxima
];

const AVG_MODES = [
  { countIncludePad: true, divisorOverride: 0 },
  { countIncludePad: false, divisorOverride: 0 },
  { countIncludePad: false, divisorOverride: 5 },
];

/** The reference's output, and the entry's in a guarded output of as many elements: the same bits. */
function expectReferenceBits(
  ctor: FloatCtor,
  n: number,
  reference: (out: FloatArray) => void,
  entry: (out: FloatArray) => void,
  what: string,
): void {
  const want = new ctor(n);
  reference(want);
  expectSame(intoGuarded(ctor, n, entry, what), want, what);
}

/**
 * A max pooling entry, given guarded outputs, writes the reference's maxima and indices; given no indices, the
 * same maxima. Returns the indices it wrote.
 */
function expectMaxima(
  ctor: FloatCtor,
  n: number,
  reference: (out: FloatArray, indices: Float64Array) => void,
  entry: (out: FloatArray, indices: Float64Array | null) => void,
  what: string,
): { indices: Float64Array; wantIndices: Float64Array } {
  const want = new ctor(n);
  const wantIndices = new Float64Array(n);
  reference(want, wantIndices);
  const out = guarded(ctor, n);
  const indices = guarded(Float64Array, n);
  entry(out.a, indices.a);
  expectSame(out.a, want, what);
  expectSame(indices.a, wantIndices, `${what}: indices`);
  expect(out.intact() && indices.intact(), `${what}: guards`).toBe(true);
  const outOnly = guarded(ctor, n);
  entry(outOnly.a, null);
  expectSame(outOnly.a, want, `${what} without indices`);
  return { indices: indices.a, wantIndices };
}

describeAddon(native, 'native pooling against the TypeScript kernels', (addon) => {
  for (const [name, c] of POOL_CASES) {
    for (const dt of DTYPES) {
      it(`${name} (${dt.name})`, () => {
        const g = poolGeometry(c);
        const n = poolSizes(g);
        const HW = g.H * g.W;
        const OHW = g.OH * g.OW;
        const seed = c.planes * 1000 + c.H * 10 + c.W;

        for (const nans of [false, true]) {
          const x = poolInput(dt.ctor, n.x, seed, nans);
          const { indices, wantIndices } = expectMaxima(
            dt.ctor,
            n.y,
            (out, idx) => reference.maxPool2dForward(x, g, out, idx),
            (out, idx) => addon.maxPool2dForward(x, g, out, idx),
            `max${nans ? ' with NaNs' : ''}`,
          );

          // the gradient, through the indices (which repeat where windows overlap)
          const gy = randomArray(dt.ctor, n.y, seed + 7);
          if (n.x === 0) {
            // windows in the padding only point at position 0 of an empty plane: refused
            if (n.y > 0)
              expect(() => addon.maxPool2dBackward(gy, indices, g.planes, 0, OHW, new dt.ctor(0))).toThrow(/'indices'/);
            continue;
          }
          expectReferenceBits(
            dt.ctor,
            n.x,
            (gx) => reference.maxPool2dBackward(gy, wantIndices, g.planes, HW, OHW, gx),
            (gx) => addon.maxPool2dBackward(gy, indices, g.planes, HW, OHW, gx),
            'max backward',
          );
        }

        const x = randomArray(dt.ctor, n.x, seed + 3);
        const gy = randomArray(dt.ctor, n.y, seed + 5);
        for (const mode of AVG_MODES) {
          const what = `avg (countIncludePad ${mode.countIncludePad}, divisorOverride ${mode.divisorOverride})`;
          const referenceMode = { ...mode, integral: false };
          expectReferenceBits(
            dt.ctor,
            n.y,
            (out) => reference.avgPool2dForward(x, g, referenceMode, out),
            (out) => addon.avgPool2dForward(x, g, mode, out),
            what,
          );
          expectReferenceBits(
            dt.ctor,
            n.x,
            (gx) => reference.avgPool2dBackward(gy, g, referenceMode, gx),
            (gx) => addon.avgPool2dBackward(gy, g, mode, gx),
            `${what} backward`,
          );
        }
      });
    }
  }

  for (const [planes, H, W, OH, OW] of ADAPTIVE) {
    for (const dt of DTYPES) {
      it(`adaptive ${planes}x${H}x${W} -> ${OH}x${OW} (${dt.name})`, () => {
        const inN = planes * H * W;
        const outN = planes * OH * OW;
        const seed = planes * 100 + H * 10 + W;
        const x = randomArray(dt.ctor, inN, seed);
        const gy = randomArray(dt.ctor, outN, seed + 1);
        // forward and backward take the same arguments: x into out, gy into gx
        for (const [entry, from, n, what] of [
          ['adaptiveAvgPool2dForward', x, outN, 'adaptive avg'],
          ['adaptiveAvgPool2dBackward', gy, inN, 'adaptive avg backward'],
        ] as const)
          expectReferenceBits(
            dt.ctor,
            n,
            (to) => reference[entry](from, planes, H, W, OH, OW, to),
            (to) => addon[entry](from, planes, H, W, OH, OW, to),
            what,
          );
        for (const nans of [false, true]) {
          const xm = poolInput(dt.ctor, inN, seed + 2, nans);
          expectMaxima(
            dt.ctor,
            outN,
            (out, idx) => reference.adaptiveMaxPool2dForward(xm, planes, H, W, OH, OW, out, idx),
            (out, idx) => addon.adaptiveMaxPool2dForward(xm, planes, H, W, OH, OW, out, idx),
            `adaptive max${nans ? ' with NaNs' : ''}`,
          );
        }
      });
    }
  }

  it('pooling results do not depend on the thread count', () => {
    const g = poolGeometry({ planes: 37, H: 29, W: 31, k: [3, 3], s: [1, 1], p: [1, 1] });
    const n = poolSizes(g);
    const x = randomArray(Float32Array, n.x, 5);
    const gy = randomArray(Float32Array, n.y, 6);
    const mode = { countIncludePad: false, divisorOverride: 0 };
    const results: [number, Float32Array[]][] = [];
    atThreadCounts(addon, [1, 2, 3], (t) => {
      const out = new Float32Array(n.y);
      const idx = new Float64Array(n.y);
      addon.maxPool2dForward(x, g, out, idx);
      const gx = new Float32Array(n.x);
      addon.maxPool2dBackward(gy, idx, g.planes, g.H * g.W, g.OH * g.OW, gx);
      const avg = new Float32Array(n.y);
      addon.avgPool2dForward(x, g, mode, avg);
      const gxa = new Float32Array(n.x);
      addon.avgPool2dBackward(gy, g, mode, gxa);
      results.push([t, [out, gx, avg, gxa]]);
    });
    const [[, one], ...others] = results;
    for (const [t, many] of others) many.forEach((a, i) => expectSame(a, one[i], `result ${i}, ${t} threads`));
  });
});
