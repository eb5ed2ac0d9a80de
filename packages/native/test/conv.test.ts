/**
 * The native convolution entries (forward, input gradient, weight gradient) against the TypeScript reference
 * kernels (core/src/kernels/conv.ts) over awkward geometries, float32 and float64, at the default thread count and
 * at 1, 2 and 3 threads: close to the reference, the same bits when run twice, nothing written past the output.
 *
 * The addon is the one in KINDLING_NATIVE_ADDON when set (a build elsewhere: build.mjs --out DIR), else the
 * package's own (index.cjs); the suite is skipped, saying why, when there is none.
 */
import { describe, expect, it } from 'vitest';
import { conv2dForward } from '../../core/src/kernels/conv.js';
import { assertClose } from '../../core/src/testing.js';
import { tolerance } from '../../core/test/helpers/close.js';
import { expectSame } from '../../core/test/helpers/same-values.js';
import { atThreadCounts, describeAddon } from './built-addon.js';
import { type NamedConvCase, convGeometry, convReference, convSizes } from './conv-cases.js';
import { DTYPES, intoGuarded, native, randomArray, whyNot } from './conv-pool-addon.js';

const CONV_CASES: NamedConvCase[] = [
  ['3x3 pad 1, one channel, one image', { N: 1, C: 1, H: 5, W: 5, O: 1, k: [3, 3], pad: [1, 1, 1, 1] }],
  ['prime sizes, 3x2 kernel, bottom pad only', { N: 1, C: 3, H: 7, W: 11, O: 5, k: [3, 2], pad: [0, 1, 0, 0] }],
  ['stride 2, batch 5 in one chunk', { N: 5, C: 3, H: 13, W: 17, O: 4, k: [3, 3], s: [2, 2], pad: [1, 1, 1, 1] }],
  [
    'chunks of several images with a remainder (6 + 1)',
    { N: 7, C: 3, H: 20, W: 20, O: 8, k: [3, 3], pad: [1, 1, 1, 1] },
  ],
  ['5x5 stride 3x2 asymmetric pads', { N: 5, C: 2, H: 31, W: 29, O: 3, k: [5, 5], s: [3, 2], pad: [2, 1, 0, 3] }],
  ['dilation 2', { N: 2, C: 3, H: 11, W: 13, O: 4, k: [3, 3], d: [2, 2], pad: [2, 2, 2, 2] }],
  [
    'dilation 2x1, stride 1x3, asymmetric',
    { N: 3, C: 1, H: 12, W: 17, O: 2, k: [2, 3], s: [1, 3], d: [2, 1], pad: [1, 0, 2, 1] },
  ],
  ['groups 2', { N: 3, C: 4, H: 9, W: 8, O: 6, k: [3, 3], pad: [1, 1, 1, 1], groups: 2 }],
  [
    'groups 3, stride 2, dilation 2',
    { N: 5, C: 3, H: 17, W: 12, O: 6, k: [2, 3], s: [2, 1], d: [2, 2], pad: [0, 1, 1, 0], groups: 3 },
  ],
  ['depthwise', { N: 2, C: 6, H: 10, W: 10, O: 6, k: [3, 3], pad: [1, 1, 1, 1], groups: 6 }],
  [
    'depthwise, channel multiplier 2, stride 2',
    { N: 5, C: 3, H: 9, W: 11, O: 6, k: [3, 3], s: [2, 2], pad: [1, 1, 1, 1], groups: 3 },
  ],
  ['1x1, input read directly', { N: 2, C: 5, H: 47, W: 45, O: 7, k: [1, 1] }],
  ['1x1, one image', { N: 1, C: 3, H: 5, W: 7, O: 4, k: [1, 1] }],
  ['large images, one per GEMM', { N: 2, C: 2, H: 50, W: 45, O: 3, k: [3, 3], pad: [1, 1, 1, 1] }],
  ['1x1 on small images (chunked)', { N: 5, C: 5, H: 4, W: 4, O: 3, k: [1, 1] }],
  ['1x1 stride 2 (downsample)', { N: 3, C: 4, H: 9, W: 9, O: 5, k: [1, 1], s: [2, 2] }],
  ['1x1 with padding', { N: 1, C: 2, H: 3, W: 4, O: 3, k: [1, 1], pad: [1, 0, 0, 2] }],
  ['7x7 stride 2 pad 3', { N: 2, C: 3, H: 19, W: 19, O: 4, k: [7, 7], s: [2, 2], pad: [3, 3, 3, 3] }],
  ['kernel larger than input', { N: 2, C: 2, H: 2, W: 3, O: 3, k: [5, 5], pad: [2, 2, 2, 2] }],
  ['pads wider than the kernel', { N: 1, C: 2, H: 4, W: 3, O: 2, k: [3, 2], s: [2, 1], pad: [4, 3, 3, 2] }],
  ['one channel, larger image', { N: 1, C: 1, H: 40, W: 44, O: 2, k: [3, 3], pad: [1, 1, 1, 1] }],
  // one larger image on several threads: im2col and the GEMM each shared among them
  [
    'one larger image, 7x7 stride 2 pad 3',
    { N: 1, C: 3, H: 61, W: 58, O: 64, k: [7, 7], s: [2, 2], pad: [3, 3, 3, 3] },
  ],
  [
    'one larger image, groups 2, dilation 2',
    { N: 1, C: 8, H: 37, W: 23, O: 96, k: [3, 3], d: [2, 2], pad: [2, 1, 2, 1], groups: 2 },
  ],
  // outputs of at most 16 pixels go through the offset table
  [
    'small output: stride 2, dilation 2, groups 2, asymmetric',
    { N: 3, C: 4, H: 7, W: 8, O: 4, k: [3, 2], s: [2, 2], d: [2, 2], pad: [1, 2, 0, 1], groups: 2 },
  ],
  [
    'small output: pads wider than the kernel, stride 3',
    { N: 2, C: 2, H: 2, W: 2, O: 2, k: [2, 2], s: [3, 3], pad: [3, 2, 2, 3] },
  ],
  ['small output: 1x1 output of a 3x3 kernel', { N: 5, C: 3, H: 3, W: 3, O: 4, k: [3, 3] }],
  ['many channels, small images', { N: 5, C: 32, H: 3, W: 3, O: 16, k: [3, 3], pad: [1, 1, 1, 1] }],
  ['empty: batch 0', { N: 0, C: 3, H: 5, W: 5, O: 2, k: [3, 3] }],
  ['empty: no output channels', { N: 2, C: 3, H: 5, W: 5, O: 0, k: [3, 3] }],
  ['empty: kernel taller than the input', { N: 2, C: 3, H: 2, W: 5, O: 2, k: [3, 3] }],
  ['no input channels', { N: 2, C: 0, H: 4, W: 4, O: 3, k: [3, 3], pad: [1, 1, 1, 1] }],
  ['an input of height 0, all padding', { N: 2, C: 2, H: 0, W: 3, O: 2, k: [1, 2], pad: [1, 1, 0, 1] }],
];

describeAddon(native, 'native conv2d against the TypeScript kernels', (addon) => {
  for (const [name, c] of CONV_CASES) {
    for (const dt of DTYPES) {
      it(`${name} (${dt.name})`, () => {
        const g = convGeometry(c);
        const n = convSizes(g);
        const seed = c.N * 1000 + c.C * 100 + c.H * 10 + c.W;
        const x = randomArray(dt.ctor, n.x, seed + 1);
        const w = randomArray(dt.ctor, n.w, seed + 2);
        const bias = randomArray(dt.ctor, g.O, seed + 3);
        const gy = randomArray(dt.ctor, n.y, seed + 4);
        const want = convReference(dt.ctor, g, { x, w, bias, gy });
        const wantNoBias = new dt.ctor(n.y);
        conv2dForward(x, w, null, g, wantNoBias);

        // The kernels choose chunkings (and the weight gradient its batch split) by the thread count, so each
        // count must agree with the reference: the default first, then 1, 2 and 3.
        atThreadCounts(addon, [addon.getNumThreads(), 1, 2, 3], (t) => {
          const at = `, ${t} threads`;
          for (const [b, ref] of [
            [bias, want.y],
            [null, wantNoBias],
          ] as const) {
            const what = `forward${b === null ? ' without bias' : ''}${at}`;
            const out = intoGuarded(dt.ctor, n.y, (o) => addon.conv2dForward(x, w, b, g, o), what);
            assertClose(out, ref, tolerance(dt.rtol, dt.atol, what));
          }
          const gx = intoGuarded(dt.ctor, n.x, (o) => addon.conv2dBackwardInput(gy, w, g, o), `input gradient${at}`);
          assertClose(gx, want.gx, tolerance(dt.rtol, dt.atol, `input gradient${at}`));
          const gw = intoGuarded(dt.ctor, n.w, (o) => addon.conv2dBackwardWeight(x, gy, g, o), `weight gradient${at}`);
          assertClose(gw, want.gw, tolerance(dt.rtol * 4, dt.atol * 4, `weight gradient${at}`));

          // run to run: bit-identical
          const again = new dt.ctor(n.y);
          addon.conv2dForward(x, w, bias, g, again);
          const first = new dt.ctor(n.y);
          addon.conv2dForward(x, w, bias, g, first);
          expectSame(again, first, `forward twice${at}`);
          const gw2 = new dt.ctor(n.w);
          addon.conv2dBackwardWeight(x, gy, g, gw2);
          expectSame(gw2, gw, `weight gradient twice${at}`);
          const gx2 = new dt.ctor(n.x);
          addon.conv2dBackwardInput(gy, w, g, gx2);
          expectSame(gx2, gx, `input gradient twice${at}`);
        });
      });
    }
  }
});

describe.skipIf(native !== null)('native conv/pool (skipped)', () => {
  it(`is skipped: ${whyNot}`, () => {
    expect(native).toBeNull();
  });
});
