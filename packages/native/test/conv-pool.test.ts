/**
 * The native convolution and pooling entries against the TypeScript reference kernels (core/src/kernels/conv.ts
 * and pool.ts) over awkward geometries, float32 and float64; then bad arguments, each of which must throw before
 * anything is written. Outputs are views into larger buffers with guard elements on both sides, prefilled with
 * garbage, so a test also sees an output that is not fully written or a write past either end.
 *
 * The addon is the one in KINDLING_NATIVE_ADDON when set (a build elsewhere: build.mjs --out DIR), else the
 * package's own (index.cjs); the suite is skipped, saying why, when there is none.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  type ConvGeometry,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
} from '../../core/src/kernels/conv.js';
import {
  type PoolGeometry,
  adaptiveAvgPool2dBackward,
  adaptiveAvgPool2dForward,
  adaptiveMaxPool2dForward,
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
  poolOutputSize,
} from '../../core/src/kernels/pool.js';
import { assertClose } from '../../core/src/testing.js';
import { tolerance } from '../../core/test/helpers/close.js';
import { rng } from '../../core/test/helpers/rng.js';
import { expectSame } from '../../core/test/helpers/same-values.js';
import { type ConvCase, convGeometry } from './conv-cases.js';

type FloatArray = Float32Array | Float64Array;
type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;
interface AvgMode {
  countIncludePad: boolean;
  divisorOverride: number;
}

interface ConvPoolAddon {
  setNumThreads(n: number): void;
  getNumThreads(): number;
  conv2dForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, g: ConvGeometry, out: FloatArray): void;
  conv2dBackwardInput(gy: FloatArray, w: FloatArray, g: ConvGeometry, gx: FloatArray): void;
  conv2dBackwardWeight(x: FloatArray, gy: FloatArray, g: ConvGeometry, gw: FloatArray): void;
  maxPool2dForward(x: FloatArray, g: PoolGeometry, out: FloatArray, indices: Float64Array | null): void;
  maxPool2dBackward(
    gy: FloatArray,
    indices: Float64Array,
    planes: number,
    HW: number,
    OHW: number,
    gx: FloatArray,
  ): void;
  avgPool2dForward(x: FloatArray, g: PoolGeometry, mode: AvgMode, out: FloatArray): void;
  avgPool2dBackward(gy: FloatArray, g: PoolGeometry, mode: AvgMode, gx: FloatArray): void;
  adaptiveAvgPool2dForward(
    x: FloatArray,
    planes: number,
    H: number,
    W: number,
    OH: number,
    OW: number,
    out: FloatArray,
  ): void;
  adaptiveAvgPool2dBackward(
    gy: FloatArray,
    planes: number,
    H: number,
    W: number,
    OH: number,
    OW: number,
    gx: FloatArray,
  ): void;
  adaptiveMaxPool2dForward(
    x: FloatArray,
    planes: number,
    H: number,
    W: number,
    OH: number,
    OW: number,
    out: FloatArray,
    indices: Float64Array | null,
  ): void;
}

const require = createRequire(import.meta.url);

function loadAddon(): { addon: ConvPoolAddon | null; reason: string } {
  const path = process.env.KINDLING_NATIVE_ADDON;
  try {
    if (path) return { addon: require(path) as ConvPoolAddon, reason: '' };
    const loaded = require('../index.cjs') as { addon: ConvPoolAddon | null; reason: string | null };
    return { addon: loaded.addon, reason: loaded.reason ?? 'the addon is not built' };
  } catch (e) {
    return { addon: null, reason: `the addon did not load: ${(e as Error).message.split('\n')[0]}` };
  }
}

const { addon: loaded, reason } = loadAddon();
const native: ConvPoolAddon | null = loaded && typeof loaded.conv2dForward === 'function' ? loaded : null;
const whyNot = loaded === null ? reason : 'the addon was built without the conv/pool families';
if (native === null) console.warn(`@kindling/native conv/pool tests skipped: ${whyNot}`);

// ---- data ----

function randomArray(ctor: FloatCtor, n: number, seed: number): FloatArray {
  const r = rng(seed);
  const a = new ctor(n);
  for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
  return a;
}

const GUARD = 7;
const SENTINEL = -12345.5;

/** An n-element view with GUARD sentinel elements before and after it, the view prefilled with `fill`. */
function guarded(ctor: FloatCtor, n: number, fill = Number.NaN): { a: FloatArray; intact: () => boolean } {
  const whole = new ctor(n + 2 * GUARD).fill(SENTINEL);
  const a = new ctor(whole.buffer, GUARD * ctor.BYTES_PER_ELEMENT, n).fill(fill);
  const intact = (): boolean => {
    for (let i = 0; i < GUARD; i++) if (whole[i] !== SENTINEL || whole[n + GUARD + i] !== SENTINEL) return false;
    return true;
  };
  return { a, intact };
}

function guardedIndices(n: number): { a: Float64Array; intact: () => boolean } {
  return guarded(Float64Array, n) as { a: Float64Array; intact: () => boolean };
}

const DTYPES: { name: string; ctor: FloatCtor; rtol: number; atol: number }[] = [
  { name: 'float32', ctor: Float32Array, rtol: 2e-5, atol: 2e-5 },
  { name: 'float64', ctor: Float64Array, rtol: 1e-12, atol: 1e-12 },
];

// ---- convolution ----

const CONV_CASES: ConvCase[] = [
  { name: '3x3 pad 1, one channel, one image', N: 1, C: 1, H: 5, W: 5, O: 1, k: [3, 3], pad: [1, 1, 1, 1] },
  { name: 'prime sizes, 3x2 kernel, bottom pad only', N: 1, C: 3, H: 7, W: 11, O: 5, k: [3, 2], pad: [0, 1, 0, 0] },
  { name: 'stride 2, batch 5 in one chunk', N: 5, C: 3, H: 13, W: 17, O: 4, k: [3, 3], s: [2, 2], pad: [1, 1, 1, 1] },
  {
    name: 'chunks of several images with a remainder (6 + 1)',
    N: 7,
    C: 3,
    H: 20,
    W: 20,
    O: 8,
    k: [3, 3],
    pad: [1, 1, 1, 1],
  },
  { name: '5x5 stride 3x2 asymmetric pads', N: 5, C: 2, H: 31, W: 29, O: 3, k: [5, 5], s: [3, 2], pad: [2, 1, 0, 3] },
  { name: 'dilation 2', N: 2, C: 3, H: 11, W: 13, O: 4, k: [3, 3], d: [2, 2], pad: [2, 2, 2, 2] },
  {
    name: 'dilation 2x1, stride 1x3, asymmetric',
    N: 3,
    C: 1,
    H: 12,
    W: 17,
    O: 2,
    k: [2, 3],
    s: [1, 3],
    d: [2, 1],
    pad: [1, 0, 2, 1],
  },
  { name: 'groups 2', N: 3, C: 4, H: 9, W: 8, O: 6, k: [3, 3], pad: [1, 1, 1, 1], groups: 2 },
  {
    name: 'groups 3, stride 2, dilation 2',
    N: 5,
    C: 3,
    H: 17,
    W: 12,
    O: 6,
    k: [2, 3],
    s: [2, 1],
    d: [2, 2],
    pad: [0, 1, 1, 0],
    groups: 3,
  },
  { name: 'depthwise', N: 2, C: 6, H: 10, W: 10, O: 6, k: [3, 3], pad: [1, 1, 1, 1], groups: 6 },
  {
    name: 'depthwise, channel multiplier 2, stride 2',
    N: 5,
    C: 3,
    H: 9,
    W: 11,
    O: 6,
    k: [3, 3],
    s: [2, 2],
    pad: [1, 1, 1, 1],
    groups: 3,
  },
  { name: '1x1, input read directly', N: 2, C: 5, H: 47, W: 45, O: 7, k: [1, 1] },
  { name: '1x1, one image', N: 1, C: 3, H: 5, W: 7, O: 4, k: [1, 1] },
  { name: 'large images, one per GEMM', N: 2, C: 2, H: 50, W: 45, O: 3, k: [3, 3], pad: [1, 1, 1, 1] },
  { name: '1x1 on small images (chunked)', N: 5, C: 5, H: 4, W: 4, O: 3, k: [1, 1] },
  { name: '1x1 stride 2 (downsample)', N: 3, C: 4, H: 9, W: 9, O: 5, k: [1, 1], s: [2, 2] },
  { name: '1x1 with padding', N: 1, C: 2, H: 3, W: 4, O: 3, k: [1, 1], pad: [1, 0, 0, 2] },
  { name: '7x7 stride 2 pad 3', N: 2, C: 3, H: 19, W: 19, O: 4, k: [7, 7], s: [2, 2], pad: [3, 3, 3, 3] },
  { name: 'kernel larger than input', N: 2, C: 2, H: 2, W: 3, O: 3, k: [5, 5], pad: [2, 2, 2, 2] },
  { name: 'pads wider than the kernel', N: 1, C: 2, H: 4, W: 3, O: 2, k: [3, 2], s: [2, 1], pad: [4, 3, 3, 2] },
  { name: 'one channel, larger image', N: 1, C: 1, H: 40, W: 44, O: 2, k: [3, 3], pad: [1, 1, 1, 1] },
  // one larger image on several threads: im2col and the GEMM each shared among them
  {
    name: 'one larger image, 7x7 stride 2 pad 3',
    N: 1,
    C: 3,
    H: 61,
    W: 58,
    O: 64,
    k: [7, 7],
    s: [2, 2],
    pad: [3, 3, 3, 3],
  },
  {
    name: 'one larger image, groups 2, dilation 2',
    N: 1,
    C: 8,
    H: 37,
    W: 23,
    O: 96,
    k: [3, 3],
    d: [2, 2],
    pad: [2, 1, 2, 1],
    groups: 2,
  },
  // outputs of at most 16 pixels go through the offset table
  {
    name: 'small output: stride 2, dilation 2, groups 2, asymmetric',
    N: 3,
    C: 4,
    H: 7,
    W: 8,
    O: 4,
    k: [3, 2],
    s: [2, 2],
    d: [2, 2],
    pad: [1, 2, 0, 1],
    groups: 2,
  },
  {
    name: 'small output: pads wider than the kernel, stride 3',
    N: 2,
    C: 2,
    H: 2,
    W: 2,
    O: 2,
    k: [2, 2],
    s: [3, 3],
    pad: [3, 2, 2, 3],
  },
  { name: 'small output: 1x1 output of a 3x3 kernel', N: 5, C: 3, H: 3, W: 3, O: 4, k: [3, 3] },
  { name: 'many channels, small images', N: 5, C: 32, H: 3, W: 3, O: 16, k: [3, 3], pad: [1, 1, 1, 1] },
  { name: 'empty: batch 0', N: 0, C: 3, H: 5, W: 5, O: 2, k: [3, 3] },
  { name: 'empty: no output channels', N: 2, C: 3, H: 5, W: 5, O: 0, k: [3, 3] },
  { name: 'empty: kernel taller than the input', N: 2, C: 3, H: 2, W: 5, O: 2, k: [3, 3] },
  { name: 'no input channels', N: 2, C: 0, H: 4, W: 4, O: 3, k: [3, 3], pad: [1, 1, 1, 1] },
  { name: 'an input of height 0, all padding', N: 2, C: 2, H: 0, W: 3, O: 2, k: [1, 2], pad: [1, 1, 0, 1] },
];

function convSizes(g: ConvGeometry): { x: number; w: number; y: number } {
  return { x: g.N * g.C * g.H * g.W, w: g.O * (g.C / g.groups) * g.kh * g.kw, y: g.N * g.O * g.OH * g.OW };
}

describe.skipIf(native === null)('native conv2d against the TypeScript kernels', () => {
  const addon = native as ConvPoolAddon;
  // The default thread count, then 1 and 3: the kernels choose chunkings (and the weight gradient its batch split)
  // by the thread count, so each must agree with the reference.
  const THREADS = [0, 1, 2, 3];
  for (const c of CONV_CASES) {
    for (const dt of DTYPES) {
      it(`${c.name} (${dt.name})`, () => {
        const g = convGeometry(c);
        const n = convSizes(g);
        const seed = c.N * 1000 + c.C * 100 + c.H * 10 + c.W;
        const x = randomArray(dt.ctor, n.x, seed + 1);
        const w = randomArray(dt.ctor, n.w, seed + 2);
        const bias = randomArray(dt.ctor, g.O, seed + 3);
        const gy = randomArray(dt.ctor, n.y, seed + 4);
        const want = new dt.ctor(n.y);
        conv2dForward(x, w, bias, g, want);
        const wantNoBias = new dt.ctor(n.y);
        conv2dForward(x, w, null, g, wantNoBias);
        const gxWant = new dt.ctor(n.x);
        conv2dBackwardInput(gy, w, g, gxWant);
        const gwWant = new dt.ctor(n.w);
        conv2dBackwardWeight(x, gy, g, gwWant);

        const threads = addon.getNumThreads();
        try {
          for (const t of THREADS) {
            addon.setNumThreads(t === 0 ? threads : t);
            const at = t === 0 ? '' : `, ${t} threads`;
            for (const [b, ref] of [
              [bias, want],
              [null, wantNoBias],
            ] as const) {
              const out = guarded(dt.ctor, n.y);
              addon.conv2dForward(x, w, b, g, out.a);
              assertClose(out.a, ref, tolerance(dt.rtol, dt.atol, `forward${b === null ? ' without bias' : ''}${at}`));
              expect(out.intact(), 'forward: guards').toBe(true);
            }

            const gx = guarded(dt.ctor, n.x);
            addon.conv2dBackwardInput(gy, w, g, gx.a);
            assertClose(gx.a, gxWant, tolerance(dt.rtol, dt.atol, `input gradient${at}`));
            expect(gx.intact(), 'input gradient: guards').toBe(true);

            const gw = guarded(dt.ctor, n.w);
            addon.conv2dBackwardWeight(x, gy, g, gw.a);
            assertClose(gw.a, gwWant, tolerance(dt.rtol * 4, dt.atol * 4, `weight gradient${at}`));
            expect(gw.intact(), 'weight gradient: guards').toBe(true);

            // run to run: bit-identical
            const again = new dt.ctor(n.y);
            addon.conv2dForward(x, w, bias, g, again);
            const first = new dt.ctor(n.y);
            addon.conv2dForward(x, w, bias, g, first);
            expectSame(again, first, `forward twice${at}`);
            const gw2 = new dt.ctor(n.w);
            addon.conv2dBackwardWeight(x, gy, g, gw2);
            expectSame(gw2, gw.a, `weight gradient twice${at}`);
            const gx2 = new dt.ctor(n.x);
            addon.conv2dBackwardInput(gy, w, g, gx2);
            expectSame(gx2, gx.a, `input gradient twice${at}`);
          }
        } finally {
          addon.setNumThreads(threads);
        }
      });
    }
  }

  // The second is a weight too big to split the forward product by batch (more than 2^20 elements): parallel
  // GEMMs share its rows out instead, on the same 1x1 images that ResNet-18's last layers see at 32x32 inputs.
  it.each([
    ['3x3 pad 1 over 64 channels, chunked', { N: 3, C: 64, H: 8, W: 8, O: 64 }],
    ['3x3 pad 1 over 512 channels on 1x1 images', { N: 4, C: 512, H: 1, W: 1, O: 512 }],
  ])('a ResNet-sized layer, %s: threads 1, 2 and 3 agree with the reference', (_, size) => {
    const g = convGeometry({ name: '', ...size, k: [3, 3], pad: [1, 1, 1, 1] });
    const n = convSizes(g);
    const x = randomArray(Float32Array, n.x, 11);
    const w = randomArray(Float32Array, n.w, 12);
    const gy = randomArray(Float32Array, n.y, 13);
    const want = new Float32Array(n.y);
    conv2dForward(x, w, null, g, want);
    const gxWant = new Float32Array(n.x);
    conv2dBackwardInput(gy, w, g, gxWant);
    const gwWant = new Float32Array(n.w);
    conv2dBackwardWeight(x, gy, g, gwWant);
    const threads = addon.getNumThreads();
    try {
      for (const t of [1, 2, 3]) {
        addon.setNumThreads(t);
        const out = new Float32Array(n.y);
        addon.conv2dForward(x, w, null, g, out);
        assertClose(out, want, tolerance(1e-4, 1e-4, `forward, ${t} threads`));
        const gx = new Float32Array(n.x);
        addon.conv2dBackwardInput(gy, w, g, gx);
        assertClose(gx, gxWant, tolerance(1e-4, 1e-4, `input gradient, ${t} threads`));
        const gw = new Float32Array(n.w);
        addon.conv2dBackwardWeight(x, gy, g, gw);
        assertClose(gw, gwWant, tolerance(1e-4, 5e-4, `weight gradient, ${t} threads`));
      }
    } finally {
      addon.setNumThreads(threads);
    }
  });

  // On several threads a single image's input is packed straight into the GEMM's panels; on one, through the
  // column matrix. Same values, same sums: the same bits, across panel and block edges, strides and padding.
  const SINGLE_IMAGE: ConvCase[] = [
    {
      name: '3x3 pad 1, rows not a multiple of a panel',
      N: 1,
      C: 6,
      H: 37,
      W: 23,
      O: 40,
      k: [3, 3],
      pad: [1, 1, 1, 1],
    },
    { name: '7x7 stride 2 pad 3', N: 1, C: 3, H: 61, W: 58, O: 64, k: [7, 7], s: [2, 2], pad: [3, 3, 3, 3] },
    {
      name: 'stride 2x3, 2x3 kernel, uneven pads',
      N: 1,
      C: 5,
      H: 61,
      W: 59,
      O: 70,
      k: [2, 3],
      s: [2, 3],
      pad: [1, 0, 2, 1],
    },
    {
      name: 'dilation 2, groups 2',
      N: 1,
      C: 8,
      H: 37,
      W: 23,
      O: 96,
      k: [3, 5],
      d: [2, 1],
      pad: [2, 2, 1, 1],
      groups: 2,
    },
    {
      name: 'many output columns (several column blocks)',
      N: 1,
      C: 4,
      H: 71,
      W: 66,
      O: 33,
      k: [3, 3],
      pad: [1, 1, 1, 1],
    },
    { name: '5x5, no padding, deep input (several depth blocks)', N: 1, C: 24, H: 28, W: 28, O: 40, k: [5, 5] },
  ];
  for (const c of SINGLE_IMAGE) {
    for (const dt of DTYPES) {
      it(`one image, ${c.name} (${dt.name}): the same bits on 1, 2 and 3 threads, and the reference's values`, () => {
        const g = convGeometry(c);
        const n = convSizes(g);
        const x = randomArray(dt.ctor, n.x, 21);
        const w = randomArray(dt.ctor, n.w, 22);
        const bias = randomArray(dt.ctor, g.O, 23);
        const want = new dt.ctor(n.y);
        conv2dForward(x, w, bias, g, want);
        const threads = addon.getNumThreads();
        try {
          addon.setNumThreads(1);
          const one = new dt.ctor(n.y);
          addon.conv2dForward(x, w, bias, g, one);
          assertClose(one, want, tolerance(dt.rtol, dt.atol, 'forward, 1 thread'));
          for (const t of [2, 3]) {
            addon.setNumThreads(t);
            const many = guarded(dt.ctor, n.y);
            addon.conv2dForward(x, w, bias, g, many.a);
            expectSame(many.a, one, `forward, ${t} threads`);
            expect(many.intact(), `forward, ${t} threads: guards`).toBe(true);
          }
        } finally {
          addon.setNumThreads(threads);
        }
      });
    }
  }
});

// ---- pooling ----

interface PoolCase {
  name: string;
  planes: number;
  H: number;
  W: number;
  k: [number, number];
  s?: [number, number];
  p?: [number, number];
  d?: [number, number];
  ceil?: boolean;
}

function poolGeometry(c: PoolCase): PoolGeometry {
  const [kh, kw] = c.k;
  const [sh, sw] = c.s ?? c.k;
  const [ph, pw] = c.p ?? [0, 0];
  const [dh, dw] = c.d ?? [1, 1];
  const ceil = c.ceil ?? false;
  const OH = Math.max(0, poolOutputSize(c.H, kh, ph, sh, dh, ceil));
  const OW = Math.max(0, poolOutputSize(c.W, kw, pw, sw, dw, ceil));
  return { planes: c.planes, H: c.H, W: c.W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw };
}

const POOL_CASES: PoolCase[] = [
  { name: '3x3 stride 2 pad 1 (ResNet)', planes: 3, H: 7, W: 9, k: [3, 3], s: [2, 2], p: [1, 1] },
  { name: '3x3 stride 2 pad 1, ceil mode', planes: 3, H: 8, W: 10, k: [3, 3], s: [2, 2], p: [1, 1], ceil: true },
  { name: '2x2 on odd sizes', planes: 4, H: 7, W: 7, k: [2, 2] },
  { name: '2x2 on odd sizes, ceil mode', planes: 4, H: 7, W: 9, k: [2, 2], ceil: true },
  { name: '3x2 stride 3 (gaps)', planes: 2, H: 11, W: 13, k: [3, 2], s: [3, 3] },
  { name: 'stride 1 (overlapping windows), pad 1', planes: 2, H: 6, W: 5, k: [3, 3], s: [1, 1], p: [1, 1] },
  { name: 'dilation 2, pad 1', planes: 2, H: 11, W: 10, k: [3, 3], s: [1, 2], p: [1, 1], d: [2, 2] },
  { name: 'dilation 3x1, ceil mode', planes: 3, H: 13, W: 9, k: [2, 3], s: [2, 2], p: [1, 1], d: [3, 1], ceil: true },
  { name: '1x1', planes: 2, H: 3, W: 5, k: [1, 1], s: [1, 1] },
  { name: '5x3 stride 2x3 pad 2x1, ceil mode', planes: 5, H: 17, W: 19, k: [5, 3], s: [2, 3], p: [2, 1], ceil: true },
  { name: 'many planes (parallel)', planes: 64, H: 33, W: 35, k: [3, 3], s: [2, 2], p: [1, 1] },
  { name: 'one large plane', planes: 1, H: 120, W: 97, k: [2, 2] },
  { name: 'empty: no planes', planes: 0, H: 5, W: 5, k: [2, 2] },
  { name: 'empty: kernel taller than the input', planes: 2, H: 2, W: 5, k: [3, 3], s: [1, 1] },
  { name: 'an input of height 0, windows in the padding', planes: 2, H: 0, W: 3, k: [2, 2], s: [1, 1], p: [1, 1] },
];

/** Values on a coarse grid (many ties, zeros of both signs, a few infinities), with NaNs sprinkled in when `nans`. */
function poolInput(ctor: FloatCtor, n: number, seed: number, nans: boolean): FloatArray {
  const r = rng(seed);
  const a = new ctor(n);
  for (let i = 0; i < n; i++) {
    const v = Math.round(r() * 8) - 4;
    const u = r();
    a[i] = v === 0 && u < 0.5 ? -0 : u < 0.02 ? Number.NEGATIVE_INFINITY : u > 0.99 ? Number.POSITIVE_INFINITY : v;
  }
  if (nans) for (let i = 0; i < n; i++) if (r() < 0.08) a[i] = Number.NaN;
  return a;
}

describe.skipIf(native === null)('native pooling against the TypeScript kernels', () => {
  const addon = native as ConvPoolAddon;
  for (const c of POOL_CASES) {
    for (const dt of DTYPES) {
      it(`${c.name} (${dt.name})`, () => {
        const g = poolGeometry(c);
        const inN = g.planes * g.H * g.W;
        const outN = g.planes * g.OH * g.OW;
        const seed = c.planes * 1000 + c.H * 10 + c.W;

        for (const nans of [false, true]) {
          const x = poolInput(dt.ctor, inN, seed, nans);
          const want = new dt.ctor(outN);
          const wantIdx = new Float64Array(outN);
          maxPool2dForward(x, g, want, wantIdx);
          const out = guarded(dt.ctor, outN);
          const idx = guardedIndices(outN);
          addon.maxPool2dForward(x, g, out.a, idx.a);
          expectSame(out.a, want, `max${nans ? ' with NaNs' : ''}`);
          expectSame(idx.a, wantIdx, `max indices${nans ? ' with NaNs' : ''}`);
          expect(out.intact() && idx.intact(), 'max: guards').toBe(true);
          const outOnly = guarded(dt.ctor, outN);
          addon.maxPool2dForward(x, g, outOnly.a, null);
          expectSame(outOnly.a, want, 'max without indices');

          // the gradient, through the indices (which repeat where windows overlap)
          const gy = randomArray(dt.ctor, outN, seed + 7);
          if (inN === 0) {
            // windows in the padding only point at position 0 of an empty plane: refused
            if (outN > 0)
              expect(() => addon.maxPool2dBackward(gy, idx.a, g.planes, 0, g.OH * g.OW, new dt.ctor(0))).toThrow(
                /'indices'/,
              );
            continue;
          }
          const gxWant = new dt.ctor(inN);
          maxPool2dBackward(gy, wantIdx, g.planes, g.H * g.W, g.OH * g.OW, gxWant);
          const gx = guarded(dt.ctor, inN);
          addon.maxPool2dBackward(gy, idx.a, g.planes, g.H * g.W, g.OH * g.OW, gx.a);
          expectSame(gx.a, gxWant, 'max backward');
          expect(gx.intact(), 'max backward: guards').toBe(true);
        }

        const x = randomArray(dt.ctor, inN, seed + 3);
        const gy = randomArray(dt.ctor, outN, seed + 5);
        for (const mode of [
          { countIncludePad: true, divisorOverride: 0 },
          { countIncludePad: false, divisorOverride: 0 },
          { countIncludePad: false, divisorOverride: 5 },
        ]) {
          const what = `avg (countIncludePad ${mode.countIncludePad}, divisorOverride ${mode.divisorOverride})`;
          const want = new dt.ctor(outN);
          avgPool2dForward(x, g, { ...mode, integral: false }, want);
          const out = guarded(dt.ctor, outN);
          addon.avgPool2dForward(x, g, mode, out.a);
          expectSame(out.a, want, what);
          expect(out.intact(), `${what}: guards`).toBe(true);
          const gxWant = new dt.ctor(inN);
          avgPool2dBackward(gy, g, { ...mode, integral: false }, gxWant);
          const gx = guarded(dt.ctor, inN);
          addon.avgPool2dBackward(gy, g, mode, gx.a);
          expectSame(gx.a, gxWant, `${what} backward`);
          expect(gx.intact(), `${what} backward: guards`).toBe(true);
        }
      });
    }
  }

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
  for (const [planes, H, W, OH, OW] of ADAPTIVE) {
    for (const dt of DTYPES) {
      it(`adaptive ${planes}x${H}x${W} -> ${OH}x${OW} (${dt.name})`, () => {
        const inN = planes * H * W;
        const outN = planes * OH * OW;
        const seed = planes * 100 + H * 10 + W;
        const x = randomArray(dt.ctor, inN, seed);
        const gy = randomArray(dt.ctor, outN, seed + 1);

        const want = new dt.ctor(outN);
        adaptiveAvgPool2dForward(x, planes, H, W, OH, OW, want);
        const out = guarded(dt.ctor, outN);
        addon.adaptiveAvgPool2dForward(x, planes, H, W, OH, OW, out.a);
        expectSame(out.a, want, 'adaptive avg');
        expect(out.intact(), 'adaptive avg: guards').toBe(true);

        const gxWant = new dt.ctor(inN);
        adaptiveAvgPool2dBackward(gy, planes, H, W, OH, OW, gxWant);
        const gx = guarded(dt.ctor, inN);
        addon.adaptiveAvgPool2dBackward(gy, planes, H, W, OH, OW, gx.a);
        expectSame(gx.a, gxWant, 'adaptive avg backward');
        expect(gx.intact(), 'adaptive avg backward: guards').toBe(true);

        for (const nans of [false, true]) {
          const xm = poolInput(dt.ctor, inN, seed + 2, nans);
          const maxWant = new dt.ctor(outN);
          const idxWant = new Float64Array(outN);
          adaptiveMaxPool2dForward(xm, planes, H, W, OH, OW, maxWant, idxWant);
          const mo = guarded(dt.ctor, outN);
          const mi = guardedIndices(outN);
          addon.adaptiveMaxPool2dForward(xm, planes, H, W, OH, OW, mo.a, mi.a);
          expectSame(mo.a, maxWant, `adaptive max${nans ? ' with NaNs' : ''}`);
          expectSame(mi.a, idxWant, `adaptive max indices${nans ? ' with NaNs' : ''}`);
          expect(mo.intact() && mi.intact(), 'adaptive max: guards').toBe(true);
          const mo2 = new dt.ctor(outN);
          addon.adaptiveMaxPool2dForward(xm, planes, H, W, OH, OW, mo2, null);
          expectSame(mo2, maxWant, 'adaptive max without indices');
        }
      });
    }
  }

  it('pooling results do not depend on the thread count', () => {
    const g = poolGeometry({ name: '', planes: 37, H: 29, W: 31, k: [3, 3], s: [1, 1], p: [1, 1] });
    const inN = g.planes * g.H * g.W;
    const outN = g.planes * g.OH * g.OW;
    const x = randomArray(Float32Array, inN, 5);
    const gy = randomArray(Float32Array, outN, 6);
    const mode = { countIncludePad: false, divisorOverride: 0 };
    const run = (): Float32Array[] => {
      const out = new Float32Array(outN);
      const idx = new Float64Array(outN);
      addon.maxPool2dForward(x, g, out, idx);
      const gx = new Float32Array(inN);
      addon.maxPool2dBackward(gy, idx, g.planes, g.H * g.W, g.OH * g.OW, gx);
      const avg = new Float32Array(outN);
      addon.avgPool2dForward(x, g, mode, avg);
      const gxa = new Float32Array(inN);
      addon.avgPool2dBackward(gy, g, mode, gxa);
      return [out, gx, avg, gxa];
    };
    const threads = addon.getNumThreads();
    try {
      addon.setNumThreads(1);
      const one = run();
      for (const t of [2, 3]) {
        addon.setNumThreads(t);
        const many = run();
        for (let i = 0; i < one.length; i++) expectSame(many[i], one[i], `result ${i}, ${t} threads`);
      }
    } finally {
      addon.setNumThreads(threads);
    }
  });
});

// ---- bad arguments: each throws, and nothing is written ----

describe.skipIf(native === null)('native conv/pool argument checks', () => {
  const addon = native as ConvPoolAddon;
  const g = convGeometry({ name: '', N: 2, C: 4, H: 6, W: 5, O: 6, k: [3, 3], pad: [1, 1, 1, 1], groups: 2 });
  const n = convSizes(g);
  const x = randomArray(Float32Array, n.x, 1);
  const w = randomArray(Float32Array, n.w, 2);
  const bias = randomArray(Float32Array, g.O, 3);
  const gy = randomArray(Float32Array, n.y, 4);

  /** Calls `call` with a fresh sentinel-filled output of `size` elements; it must throw `pattern` and leave it untouched. */
  function rejects(size: number, call: (out: Float32Array) => void, pattern: RegExp): void {
    const out = guarded(Float32Array, size, SENTINEL);
    expect(() => call(out.a as Float32Array)).toThrow(pattern);
    expect(
      (out.a as Float32Array).every((v) => v === SENTINEL),
      'output untouched',
    ).toBe(true);
    expect(out.intact(), 'guards untouched').toBe(true);
  }

  it('conv2dForward: arrays too short for the geometry', () => {
    rejects(n.y, (out) => addon.conv2dForward(x.subarray(0, n.x - 1), w, bias, g, out), /'x'/);
    rejects(n.y, (out) => addon.conv2dForward(x, w.subarray(0, n.w - 1), bias, g, out), /'w'/);
    rejects(n.y, (out) => addon.conv2dForward(x, w, bias.subarray(0, g.O - 1), g, out), /'bias'/);
    rejects(n.y - 1, (out) => addon.conv2dForward(x, w, bias, g, out), /'out'/);
    rejects(n.y, (out) => addon.conv2dForward(x, w, bias, { ...g, N: 3 }, out), /'x'/);
    rejects(n.y, (out) => addon.conv2dForward(x, w, bias, { ...g, OH: g.OH + 1 }, out), /'out'/);
  });

  it('conv2dForward: mismatched dtypes and wrong types', () => {
    rejects(n.y, (out) => addon.conv2dForward(x, Float64Array.from(w), bias, g, out), /'w' and 'x'/);
    rejects(n.y, (out) => addon.conv2dForward(x, w, Float64Array.from(bias), g, out), /'bias' and 'x'/);
    rejects(
      n.y,
      (out) => addon.conv2dForward(Float64Array.from(x), Float64Array.from(w), null, g, out),
      /'out' and 'x'/,
    );
    rejects(
      n.y,
      (out) => addon.conv2dForward(Array.from(x) as unknown as Float32Array, w, bias, g, out),
      /'x'.*Float32Array/,
    );
    rejects(n.y, (out) => addon.conv2dForward(new Int32Array(n.x) as unknown as Float32Array, w, bias, g, out), /'x'/);
    rejects(n.y, (out) => addon.conv2dForward(x, w, bias, null as unknown as ConvGeometry, out), /'g'/);
    rejects(n.y, (_out) => (addon.conv2dForward as unknown as (...a: unknown[]) => void)(x, w, bias, g), /5 arguments/);
  });

  it('conv2dForward: bad geometry fields', () => {
    const bad: [Partial<Record<keyof ConvGeometry, unknown>>, RegExp][] = [
      [{ kh: 1.5 }, /g\.kh.*integer/],
      [{ ph: -1 }, /g\.ph/],
      [{ N: -2 }, /g\.N/],
      [{ sw: 0 }, /g\.sw/],
      [{ dh: 0 }, /g\.dh/],
      [{ groups: 0 }, /g\.groups/],
      [{ groups: 3 }, /g\.groups.*divide/],
      [{ OW: Number.NaN }, /g\.OW/],
      [{ H: Number.POSITIVE_INFINITY }, /g\.H/],
      [{ C: '4' }, /g\.C/],
      [{ dw: undefined }, /g\.dw/],
      [{ W: 2 ** 40 }, /g\.W/],
    ];
    for (const [patch, pattern] of bad) {
      rejects(n.y, (out) => addon.conv2dForward(x, w, bias, { ...g, ...patch } as ConvGeometry, out), pattern);
    }
    // sizes whose products overflow
    const huge = { ...g, N: 2 ** 31 - 1, C: 2 ** 31 - 1, H: 2 ** 31 - 1, W: 2 ** 31 - 1, groups: 1 };
    rejects(n.y, (out) => addon.conv2dForward(x, w, bias, huge, out), /too large/);
  });

  it('conv2dForward: an output overlapping an input', () => {
    const shared = new Float32Array(n.x + n.y);
    shared.set(x);
    const before = Float32Array.from(shared);
    expect(() =>
      addon.conv2dForward(shared.subarray(0, n.x), w, bias, g, shared.subarray(n.x - 1, n.x - 1 + n.y)),
    ).toThrow(/overlap/);
    expect(shared).toEqual(before);
  });

  it('conv2dBackwardInput and conv2dBackwardWeight: sizes, dtypes, geometry', () => {
    rejects(n.x, (gx) => addon.conv2dBackwardInput(gy.subarray(1), w, g, gx), /'gy'/);
    rejects(n.x, (gx) => addon.conv2dBackwardInput(gy, w.subarray(1), g, gx), /'w'/);
    rejects(n.x - 1, (gx) => addon.conv2dBackwardInput(gy, w, g, gx), /'gx'/);
    rejects(
      n.x,
      (gx) => addon.conv2dBackwardInput(Float64Array.from(gy), Float64Array.from(w), g, gx),
      /'gx' and 'gy'/,
    );
    rejects(n.x, (gx) => addon.conv2dBackwardInput(gy, w, { ...g, pw: 0.5 }, gx), /g\.pw/);
    rejects(n.w, (gw) => addon.conv2dBackwardWeight(x.subarray(1), gy, g, gw), /'x'/);
    rejects(n.w, (gw) => addon.conv2dBackwardWeight(x, gy.subarray(1), g, gw), /'gy'/);
    rejects(n.w - 1, (gw) => addon.conv2dBackwardWeight(x, gy, g, gw), /'gw'/);
    rejects(n.w, (gw) => addon.conv2dBackwardWeight(x, Float64Array.from(gy), g, gw), /'gy' and 'x'/);
    rejects(n.w, (gw) => addon.conv2dBackwardWeight(x, gy, { ...g, O: 7 }, gw), /g\.groups/);
  });

  const pg = poolGeometry({ name: '', planes: 3, H: 7, W: 6, k: [3, 3], s: [2, 2], p: [1, 1] });
  const pin = pg.planes * pg.H * pg.W;
  const pout = pg.planes * pg.OH * pg.OW;
  const px = randomArray(Float32Array, pin, 9);
  const pgy = randomArray(Float32Array, pout, 10);
  const mode = { countIncludePad: true, divisorOverride: 0 };

  it('maxPool2dForward: sizes, dtypes, geometry, indices', () => {
    rejects(pout, (out) => addon.maxPool2dForward(px.subarray(1), pg, out, null), /'x'/);
    rejects(pout - 1, (out) => addon.maxPool2dForward(px, pg, out, null), /'out'/);
    rejects(pout, (out) => addon.maxPool2dForward(px, pg, out, new Float64Array(pout - 1)), /'indices'/);
    rejects(
      pout,
      (out) => addon.maxPool2dForward(px, pg, out, new Float32Array(pout) as unknown as Float64Array),
      /'indices'.*Float64Array/,
    );
    rejects(pout, (out) => addon.maxPool2dForward(Float64Array.from(px), pg, out, null), /'out' and 'x'/);
    rejects(pout, (out) => addon.maxPool2dForward(px, { ...pg, kw: 0 }, out, null), /g\.kw/);
    rejects(pout, (out) => addon.maxPool2dForward(px, { ...pg, dh: 2.5 }, out, null), /g\.dh/);
    rejects(pout, (out) => addon.maxPool2dForward(px, { ...pg, pw: -1 }, out, null), /g\.pw/);
    rejects(pout, (out) => addon.maxPool2dForward(px, { ...pg, planes: 4 }, out, null), /'x'/);
    const indices = new Float64Array(pout + 2 * GUARD).fill(SENTINEL);
    expect(() =>
      addon.maxPool2dForward(px, pg, new Float32Array(pout - 1), indices.subarray(GUARD, GUARD + pout)),
    ).toThrow(/'out'/);
    expect(indices.every((v) => v === SENTINEL)).toBe(true);
  });

  it('maxPool2dBackward: out-of-range, negative, fractional and NaN indices', () => {
    const idx = new Float64Array(pout);
    addon.maxPool2dForward(px, pg, new Float32Array(pout), idx);
    const HW = pg.H * pg.W;
    const OHW = pg.OH * pg.OW;
    for (const v of [HW, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e300]) {
      const bad = Float64Array.from(idx);
      bad[pout - 1] = v;
      rejects(pin, (gx) => addon.maxPool2dBackward(pgy, bad, pg.planes, HW, OHW, gx), /'indices'.*element/);
    }
    rejects(pin, (gx) => addon.maxPool2dBackward(pgy, idx, pg.planes, 1, OHW, gx), /'indices'/);
    rejects(pin, (gx) => addon.maxPool2dBackward(pgy.subarray(1), idx, pg.planes, HW, OHW, gx), /'gy'/);
    rejects(pin, (gx) => addon.maxPool2dBackward(pgy, idx.subarray(1), pg.planes, HW, OHW, gx), /'indices'/);
    rejects(pin - 1, (gx) => addon.maxPool2dBackward(pgy, idx, pg.planes, HW, OHW, gx), /'gx'/);
    rejects(
      pin,
      (gx) => addon.maxPool2dBackward(pgy, Float32Array.from(idx) as unknown as Float64Array, pg.planes, HW, OHW, gx),
      /'indices'/,
    );
    rejects(pin, (gx) => addon.maxPool2dBackward(pgy, idx, -1, HW, OHW, gx), /'planes'/);
    rejects(pin, (gx) => addon.maxPool2dBackward(pgy, idx, pg.planes, 2.5, OHW, gx), /'HW'/);
    rejects(pin, (gx) => addon.maxPool2dBackward(Float64Array.from(pgy), idx, pg.planes, HW, OHW, gx), /'gx' and 'gy'/);
  });

  it('avgPool2dForward / avgPool2dBackward: sizes, mode, geometry', () => {
    rejects(pout, (out) => addon.avgPool2dForward(px.subarray(1), pg, mode, out), /'x'/);
    rejects(pout - 1, (out) => addon.avgPool2dForward(px, pg, mode, out), /'out'/);
    rejects(
      pout,
      (out) => addon.avgPool2dForward(px, pg, { countIncludePad: 1 as unknown as boolean, divisorOverride: 0 }, out),
      /mode\.countIncludePad/,
    );
    rejects(
      pout,
      (out) => addon.avgPool2dForward(px, pg, { countIncludePad: true, divisorOverride: 1.5 }, out),
      /mode\.divisorOverride/,
    );
    rejects(pout, (out) => addon.avgPool2dForward(px, pg, null as unknown as AvgMode, out), /'mode'/);
    rejects(pout, (out) => addon.avgPool2dForward(px, { ...pg, sh: -2 }, mode, out), /g\.sh/);
    rejects(pin, (gx) => addon.avgPool2dBackward(pgy.subarray(1), pg, mode, gx), /'gy'/);
    rejects(pin - 1, (gx) => addon.avgPool2dBackward(pgy, pg, mode, gx), /'gx'/);
    rejects(pin, (gx) => addon.avgPool2dBackward(Float64Array.from(pgy), pg, mode, gx), /'gx' and 'gy'/);
  });

  it('adaptive pooling: sizes and dimensions', () => {
    const [P, H, W, OH, OW] = [3, 7, 6, 3, 2];
    const ax = randomArray(Float32Array, P * H * W, 3);
    const agy = randomArray(Float32Array, P * OH * OW, 4);
    rejects(P * OH * OW, (out) => addon.adaptiveAvgPool2dForward(ax.subarray(1), P, H, W, OH, OW, out), /'x'/);
    rejects(P * OH * OW - 1, (out) => addon.adaptiveAvgPool2dForward(ax, P, H, W, OH, OW, out), /'out'/);
    rejects(P * OH * OW, (out) => addon.adaptiveAvgPool2dForward(ax, P, H, W, -1, OW, out), /'OH'/);
    rejects(P * OH * OW, (out) => addon.adaptiveAvgPool2dForward(ax, P, H, 6.5, OH, OW, out), /'W'/);
    rejects(P * H * W - 1, (gx) => addon.adaptiveAvgPool2dBackward(agy, P, H, W, OH, OW, gx), /'gx'/);
    rejects(P * H * W, (gx) => addon.adaptiveAvgPool2dBackward(agy.subarray(1), P, H, W, OH, OW, gx), /'gy'/);
    rejects(
      P * OH * OW,
      (out) => addon.adaptiveMaxPool2dForward(ax, P, H, W, OH, OW, out, new Float64Array(1)),
      /'indices'/,
    );
    rejects(P * OH * OW, (out) => addon.adaptiveMaxPool2dForward(ax, P + 1, H, W, OH, OW, out, null), /'x'/);
    rejects(
      P * OH * OW,
      (out) => addon.adaptiveMaxPool2dForward(Float64Array.from(ax), P, H, W, OH, OW, out, null),
      /'out' and 'x'/,
    );
  });
});

describe.skipIf(native !== null)('native conv/pool (skipped)', () => {
  it(`is skipped: ${whyNot}`, () => {
    expect(native).toBeNull();
  });
});
