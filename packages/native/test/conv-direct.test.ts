/**
 * The native convolution forward's direct path (src/conv-taps.h: a padded, stride-phased copy of the input and
 * the GEMM's tile over each kernel tap's rows, no column matrix), taken by kernels larger than 1x1 with 32 to 256
 * taps per output channel on rows at least one vector wide. Inputs, weights and bias are small integers, so every
 * product and sum is exact in either float type: any tap read from the wrong place, a phase or pad off by one, a
 * missed edge of a tile, panel, group or chunk of images shows as a different value, and the result must equal
 * the TypeScript reference's to the bit, on every thread count.
 */
import { describe, expect, it } from 'vitest';
import { type ConvGeometry, conv2dForward } from '../../core/src/kernels/conv.js';
import { rng } from '../../core/test/helpers/rng.js';
import { expectSame } from '../../core/test/helpers/same-values.js';
import { FLOAT_TYPES, THREAD_COUNTS, addonWith, atThreadCounts, describeAddon } from './built-addon.js';
import { type NamedConvCase, convGeometry } from './conv-cases.js';

type FloatArray = Float32Array | Float64Array;
interface ConvEntries {
  conv2dForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, g: ConvGeometry, out: FloatArray): void;
}
const { addon, reason } = addonWith<ConvEntries>(['conv2dForward'], 'conv family');

const CASES: NamedConvCase[] = [
  // an ImageNet stem on a smaller image; 20 output channels leave a short panel of the tile's rows
  [
    '3 -> 20 channels, 7x7 stride 2 pad 3',
    { N: 2, C: 3, H: 45, W: 47, O: 20, k: [7, 7], s: [2, 2], pad: [3, 3, 3, 3] },
  ],
  // three column phases, a dilated kernel whose taps cross between them, pads on one side only
  [
    'stride 1x3, dilation 1x2, asymmetric pads',
    { N: 2, C: 4, H: 13, W: 71, O: 9, k: [3, 3], s: [1, 3], d: [1, 2], pad: [1, 2, 0, 3] },
  ],
  ['groups 2, 15 channels each', { N: 3, C: 8, H: 9, W: 40, O: 30, k: [3, 3], pad: [1, 1, 1, 1], groups: 2 }],
  [
    '5x5 stride 2x1, pads wider than the stride',
    { N: 2, C: 2, H: 20, W: 33, O: 17, k: [5, 5], s: [2, 1], pad: [4, 0, 2, 4] },
  ],
  // 256 taps, the most the direct path takes: every one must land
  ['16 channels under 4x4: 256 taps', { N: 1, C: 16, H: 10, W: 35, O: 5, k: [4, 4], pad: [0, 1, 1, 0] }],
  // images too large for one chunk of the phased copy: a few at a time, then the rest
  ['five 6-channel 200x200 images, chunked', { N: 5, C: 6, H: 200, W: 200, O: 3, k: [3, 3], pad: [1, 1, 1, 1] }],
  // rows of exactly one float32 vector (16 on AVX-512) and one less, where the column matrix takes over
  ['rows 16 wide', { N: 2, C: 4, H: 6, W: 18, O: 7, k: [3, 3] }],
  ['rows 15 wide', { N: 2, C: 4, H: 6, W: 17, O: 7, k: [3, 3] }],
];

/** Integers in [-range, range], as floats: their products and sums stay exact. */
function integers(ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number, range: number, seed: number) {
  const r = rng(seed);
  const a = new ctor(n);
  for (let i = 0; i < n; i++) a[i] = Math.floor(r() * (2 * range + 1)) - range;
  return a;
}

describeAddon(addon, 'native conv2d forward, direct path: exact sums', (entries) => {
  for (const [name, c] of CASES) {
    for (const [dtype, ctor] of FLOAT_TYPES) {
      it(`${name} (${dtype}): the reference's bits on ${THREAD_COUNTS.join(', ')} threads`, () => {
        const g = convGeometry(c);
        const K = (c.C / g.groups) * g.kh * g.kw;
        expect(K, 'taps per output channel').toBeLessThanOrEqual(256);
        const x = integers(ctor, g.N * g.C * g.H * g.W, 3, 1);
        const w = integers(ctor, g.O * K, 3, 2);
        const bias = integers(ctor, g.O, 50, 3);
        const want = new ctor(g.N * g.O * g.OH * g.OW);
        conv2dForward(x, w, bias, g, want);
        atThreadCounts(entries, THREAD_COUNTS, (t) => {
          const out = new ctor(want.length).fill(Number.NaN);
          entries.conv2dForward(x, w, bias, g, out);
          expectSame(out, want, `${t} threads`);
        });
      });
    }
  }
});

describe.skipIf(addon !== null)('native conv2d forward, direct path', () => {
  it(`is skipped: ${reason}`, () => {});
});
