/**
 * The native convolution entries on layers large enough that their work is shared among threads: a ResNet-sized
 * layer's forward and gradients close to the TypeScript reference on 1, 2 and 3 threads, and a single image's
 * forward, packed straight into the GEMM's panels on several threads, the same bits as on one.
 */
import { it } from 'vitest';
import { conv2dForward } from '../../core/src/kernels/conv.js';
import { assertClose } from '../../core/src/testing.js';
import { tolerance } from '../../core/test/helpers/close.js';
import { expectSame } from '../../core/test/helpers/same-values.js';
import { atThreadCounts, describeAddon } from './built-addon.js';
import { type NamedConvCase, convGeometry, convReference, convSizes } from './conv-cases.js';
import { DTYPES, intoGuarded, native, randomArray } from './conv-pool-addon.js';

// On several threads a single image's input is packed straight into the GEMM's panels; on one, through the
// column matrix. Same values, same sums: the same bits, across panel and block edges, strides and padding.
const SINGLE_IMAGE: NamedConvCase[] = [
  ['3x3 pad 1, rows not a multiple of a panel', { N: 1, C: 6, H: 37, W: 23, O: 40, k: [3, 3], pad: [1, 1, 1, 1] }],
  ['7x7 stride 2 pad 3', { N: 1, C: 3, H: 61, W: 58, O: 64, k: [7, 7], s: [2, 2], pad: [3, 3, 3, 3] }],
  ['stride 2x3, 2x3 kernel, uneven pads', { N: 1, C: 5, H: 61, W: 59, O: 70, k: [2, 3], s: [2, 3], pad: [1, 0, 2, 1] }],
  ['dilation 2, groups 2', { N: 1, C: 8, H: 37, W: 23, O: 96, k: [3, 5], d: [2, 1], pad: [2, 2, 1, 1], groups: 2 }],
  ['many output columns (several column blocks)', { N: 1, C: 4, H: 71, W: 66, O: 33, k: [3, 3], pad: [1, 1, 1, 1] }],
  ['5x5, no padding, deep input (several depth blocks)', { N: 1, C: 24, H: 28, W: 28, O: 40, k: [5, 5] }],
];

describeAddon(native, 'native conv2d against the TypeScript kernels', (addon) => {
  // The second is a weight too big to split the forward product by batch (more than 2^20 elements): parallel
  // GEMMs share its rows out instead, on the same 1x1 images that ResNet-18's last layers see at 32x32 inputs.
  it.each([
    ['3x3 pad 1 over 64 channels, chunked', { N: 3, C: 64, H: 8, W: 8, O: 64 }],
    ['3x3 pad 1 over 512 channels on 1x1 images', { N: 4, C: 512, H: 1, W: 1, O: 512 }],
  ])('a ResNet-sized layer, %s: threads 1, 2 and 3 agree with the reference', (_, size) => {
    const g = convGeometry({ ...size, k: [3, 3], pad: [1, 1, 1, 1] });
    const n = convSizes(g);
    const x = randomArray(Float32Array, n.x, 11);
    const w = randomArray(Float32Array, n.w, 12);
    const gy = randomArray(Float32Array, n.y, 13);
    const want = convReference(Float32Array, g, { x, w, bias: null, gy });
    atThreadCounts(addon, [1, 2, 3], (t) => {
      const out = new Float32Array(n.y);
      addon.conv2dForward(x, w, null, g, out);
      assertClose(out, want.y, tolerance(1e-4, 1e-4, `forward, ${t} threads`));
      const gx = new Float32Array(n.x);
      addon.conv2dBackwardInput(gy, w, g, gx);
      assertClose(gx, want.gx, tolerance(1e-4, 1e-4, `input gradient, ${t} threads`));
      const gw = new Float32Array(n.w);
      addon.conv2dBackwardWeight(x, gy, g, gw);
      assertClose(gw, want.gw, tolerance(1e-4, 5e-4, `weight gradient, ${t} threads`));
    });
  });

  for (const [name, c] of SINGLE_IMAGE) {
    for (const dt of DTYPES) {
      it(`one image, ${name} (${dt.name}): the same bits on 1, 2 and 3 threads, and the reference's values`, () => {
        const g = convGeometry(c);
        const n = convSizes(g);
        const x = randomArray(dt.ctor, n.x, 21);
        const w = randomArray(dt.ctor, n.w, 22);
        const bias = randomArray(dt.ctor, g.O, 23);
        const want = new dt.ctor(n.y);
        conv2dForward(x, w, bias, g, want);
        const one = new dt.ctor(n.y);
        atThreadCounts(addon, [1], () => addon.conv2dForward(x, w, bias, g, one));
        assertClose(one, want, tolerance(dt.rtol, dt.atol, 'forward, 1 thread'));
        atThreadCounts(addon, [2, 3], (t) => {
          const what = `forward, ${t} threads`;
          expectSame(
            intoGuarded(dt.ctor, n.y, (out) => addon.conv2dForward(x, w, bias, g, out), what),
            one,
            what,
          );
        });
      });
    }
  }
});
