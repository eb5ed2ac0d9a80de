// The WebAssembly average pooling entries against the TypeScript kernels, bit for bit: fixed windows (stride,
// padding counted or not, a divisor override, outputs whose windows lie in the padding only) and adaptive ones
// (sizes that do not divide), forward and backward, NaN/Inf and signed zeros, float32 and float64, at one and two
// threads (planes split between them).
import { it } from 'vitest';
// Core's source by path (this package does not depend on core; vitest resolves @kindling/core to the same file).
import * as torch from '../../core/src/index.js';
import { squarePool } from '../../core/test/helpers/pool-geometry.js';
import {
  THREAD_COUNTS,
  awkward,
  describeAgainstTypescript,
  expectSameBits,
  wasmBackend,
} from './wasm-against-typescript.js';

const ts = torch.typescriptBackend;

/** [planes, H, W, kernel, stride, padding, ceil mode, count the padding, divisor override (0: none)]. */
const FIXED = [
  [64, 28, 28, 2, 2, 0, false, true, 0],
  [16, 31, 29, 3, 2, 1, false, false, 0],
  [16, 31, 29, 3, 2, 1, true, true, 0],
  [8, 17, 40, 3, 1, 1, false, true, 5],
  [3, 64, 64, 7, 3, 3, true, false, 0],
  [2, 1, 1, 1, 1, 0, false, true, 0],
] as const;

/** [planes, H, W, OH, OW]: global pooling, sizes that divide and sizes that do not. */
const ADAPTIVE = [
  [512, 7, 7, 1, 1],
  [64, 28, 28, 7, 7],
  [32, 30, 17, 7, 5],
  [8, 5, 5, 9, 9],
] as const;

describeAgainstTypescript(() => {
  it('average pooling forward and backward over fixed windows', () => {
    const b = wasmBackend();
    for (const ctor of [Float32Array, Float64Array]) {
      FIXED.forEach(([planes, H, W, k, s, p, ceil, countIncludePad, divisorOverride], i) => {
        const g = squarePool(planes, H, W, k, s, p, 1, ceil);
        const mode = { countIncludePad, divisorOverride, integral: false };
        const inSize = planes * H * W;
        const outSize = planes * g.OH * g.OW;
        const x = awkward(ctor, inSize, 90 + i);
        const gy = awkward(ctor, outSize, 95 + i);
        const wantOut = new ctor(outSize);
        const wantGx = new ctor(inSize);
        ts.avgPool2dForward(x, g, mode, wantOut);
        ts.avgPool2dBackward(gy, g, mode, wantGx);
        for (const t of THREAD_COUNTS) {
          b.setNumThreads(t);
          const what = `${ctor.name} ${JSON.stringify(FIXED[i])} threads ${t}`;
          const out = new ctor(outSize).fill(7);
          b.avgPool2dForward(x, g, mode, out);
          expectSameBits(out, wantOut, `forward ${what}`);
          const gx = new ctor(inSize).fill(7);
          b.avgPool2dBackward(gy, g, mode, gx);
          expectSameBits(gx, wantGx, `backward ${what}`);
        }
      });
    }
  });

  it('adaptive average pooling forward and backward', () => {
    const b = wasmBackend();
    for (const ctor of [Float32Array, Float64Array]) {
      ADAPTIVE.forEach(([planes, H, W, OH, OW], i) => {
        const x = awkward(ctor, planes * H * W, 110 + i);
        const gy = awkward(ctor, planes * OH * OW, 115 + i);
        const wantOut = new ctor(planes * OH * OW);
        const wantGx = new ctor(planes * H * W);
        ts.adaptiveAvgPool2dForward(x, planes, H, W, OH, OW, wantOut);
        ts.adaptiveAvgPool2dBackward(gy, planes, H, W, OH, OW, wantGx);
        for (const t of THREAD_COUNTS) {
          b.setNumThreads(t);
          const what = `${ctor.name} ${JSON.stringify(ADAPTIVE[i])} threads ${t}`;
          const out = new ctor(planes * OH * OW).fill(7);
          b.adaptiveAvgPool2dForward(x, planes, H, W, OH, OW, out);
          expectSameBits(out, wantOut, `forward ${what}`);
          const gx = new ctor(planes * H * W).fill(7);
          b.adaptiveAvgPool2dBackward(gy, planes, H, W, OH, OW, gx);
          expectSameBits(gx, wantGx, `backward ${what}`);
        }
      });
    }
  });
});
