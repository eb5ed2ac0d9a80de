// Every entry of the addon called with randomly broken arguments: each call either throws an Error or runs, and
// none of them writes outside the arrays it was given (every array is a window into a larger buffer whose guard
// regions are checked after each call). A shortened array must always throw. A crash would kill the test run.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { A, I, JUNK, S, V, build, type Spec } from '../../core/test/helpers/guarded-args.js';
import { rng } from '../../core/test/helpers/rng.js';

type Fn = (...args: unknown[]) => unknown;
const require = createRequire(import.meta.url);
const { addon, reason } = require('../index.cjs') as { addon: Record<string, Fn> | null; reason: string | null };

const conv = {
  N: 2,
  C: 4,
  H: 6,
  W: 5,
  O: 6,
  kh: 3,
  kw: 3,
  OH: 6,
  OW: 5,
  sh: 1,
  sw: 1,
  ph: 1,
  pw: 1,
  dh: 1,
  dw: 1,
  groups: 2,
};
const pool = { planes: 3, H: 6, W: 6, OH: 3, OW: 3, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1 };
const avgMode = { countIncludePad: true, divisorOverride: 0, integral: false };
const layout = new Float64Array([2, 4, 5, 0, 0, 5, 1, 0, 0, 0, 1, 0, 0]);

/** A valid call of each entry (the shapes above), from which broken calls are made. */
const VALID: Record<string, Spec[]> = {
  gemm: [V(false), V(true), V(5), V(7), V(3), V(1), A(15), V(0), V(3), A(21), V(0), V(3), V(0.5), A(35), V(0), V(7)],
  // three of gemm's products, 15, 21 and 35 elements apart
  gemmBatched: [
    ...[V(false), V(true), V(3), V(5), V(7), V(3), V(1)],
    ...[A(45), V(0), V(15), V(3), A(63), V(0), V(21), V(3), V(0.5), A(105), V(0), V(35), V(7)],
  ],
  conv2dForward: [A(240), A(6 * 2 * 9), A(6), V(conv), A(360)],
  conv2dBackwardInput: [A(360), A(6 * 2 * 9), V(conv), A(240)],
  conv2dBackwardWeight: [A(240), A(360), V(conv), A(108)],
  maxPool2dForward: [A(108), V(pool), A(27), I(27)],
  maxPool2dBackward: [A(27), I(27), V(3), V(36), V(9), A(108)],
  avgPool2dForward: [A(108), V(pool), V(avgMode), A(27)],
  avgPool2dBackward: [A(27), V(pool), V(avgMode), A(108)],
  adaptiveAvgPool2dForward: [A(108), V(3), V(6), V(6), V(4), V(4), A(48)],
  adaptiveAvgPool2dBackward: [A(48), V(3), V(6), V(6), V(4), V(4), A(108)],
  adaptiveMaxPool2dForward: [A(108), V(3), V(6), V(6), V(4), V(4), A(48), I(48)],
  binary: [V(0), A(20), V(0), A(5), V(0), A(20), V(0), V(layout), V(1)],
  unary: [V(3), A(17), V(0), A(17), V(0), V(17)],
  copy: [A(20), V(0), A(20), V(0), V(layout)],
  cast: [A(40), V(0), A(40), V(0), V(40)],
  fill: [A(40), V(0), V(40), V(1.5)],
  sumDim: [A(60), V(0), V(3), V(4), V(5), A(15), V(0)],
  sumAll: [A(60), V(0), V(60)],
  extremeDim: [A(60), V(0), V(3), V(4), V(5), V(true), A(15), I(15)],
  embeddingForward: [A(40), V(10), V(4), I(6), V(6), A(24)],
  embeddingBackward: [A(24), I(6), V(6), V(10), V(4), V(-1), A(40)],
  bernoulliFill: [S(130), A(40), V(40), V(2 ** 31), V(2)],
  softmax: [A(60), V(0), A(60), V(3), V(4), V(5), V(false)],
  softmaxBackward: [A(60), A(60), A(60), V(3), V(4), V(5), V(true)],
  batchNormForward: [A(80), V(2), V(4), V(10), A(4), A(4), A(4), A(4), V(true), V(0.1), V(1e-5), A(80), A(4), A(4)],
  batchNormBackward: [A(80), A(80), V(2), V(4), V(10), A(4), A(4), A(4), V(true), A(80), A(4), A(4)],
  layerNormForward: [A(40), V(4), V(10), A(10), A(10), V(1e-5), A(40), A(4), A(4)],
  layerNormBackward: [A(40), A(40), V(4), V(10), A(10), A(4), A(4), A(40), A(10), A(10)],
  sgdUpdate: [A(33), A(33), A(33), V(33), V(0.1), V(0.9), V(0), V(1e-4), V(true), V(false), V(false)],
  adamUpdate: [
    A(33),
    A(33),
    A(33),
    A(33),
    A(33),
    V(33),
    V(1e-3),
    V(0.9),
    V(0.999),
    V(1e-8),
    V(0.01),
    V(true),
    V(true),
    V(false),
    V(3),
  ],
  adadeltaUpdate: [A(33), A(33), A(33), A(33), V(33), V(1.0), V(0.9), V(1e-6), V(0.01), V(false)],
};

describe.skipIf(addon === null)(
  `native entries under bad arguments${addon === null ? ` (skipped: ${reason})` : ''}`,
  () => {
    const entries = Object.keys(VALID).filter((name) => typeof addon?.[name] === 'function');

    it('every valid template runs', () => {
      expect(entries.length).toBeGreaterThan(0);
      for (const name of entries) {
        const { args, guards } = build(VALID[name], Float32Array, rng(1));
        expect(() => addon?.[name](...args), name).not.toThrow();
        expect(
          guards.every((g) => g.intact()),
          name,
        ).toBe(true);
      }
    });

    it('a shortened array always throws, before writing anything', () => {
      for (const name of entries) {
        VALID[name].forEach((spec, i) => {
          if (!('array' in spec) || spec.array < 2) return;
          const specs = VALID[name].slice();
          specs[i] = { ...spec, array: spec.array - 1 };
          const { args, guards } = build(specs, Float32Array, rng(2));
          const before = guards.map((g) => g.full.slice());
          expect(() => addon?.[name](...args), `${name} argument ${i} shortened`).toThrow();
          guards.forEach((g, k) => expect(g.full, `${name} wrote before throwing`).toEqual(before[k]));
        });
      }
    });

    it('random junk in any argument throws an Error or runs, and never writes out of bounds', () => {
      const next = rng(3);
      for (let trial = 0; trial < 3000; trial++) {
        const name = entries[Math.floor(next() * entries.length)];
        const ctor = next() < 0.5 ? Float32Array : Float64Array;
        const { args, guards } = build(VALID[name], ctor, next);
        const broken = 1 + Math.floor(next() * 2);
        for (let b = 0; b < broken; b++)
          args[Math.floor(next() * args.length)] = JUNK[Math.floor(next() * JUNK.length)];
        try {
          addon?.[name](...args);
        } catch (e) {
          expect(e, `${name}: not an Error`).toBeInstanceOf(Error);
          expect((e as Error).message.length).toBeGreaterThan(0);
        }
        expect(
          guards.every((g) => g.intact()),
          `${name} wrote out of bounds with ${JSON.stringify(args.map((a) => (ArrayBuffer.isView(a) ? `array(${(a as Float32Array).length})` : String(a))))}`,
        ).toBe(true);
      }
    });

    it('thread counts outside [1, 256] are refused', () => {
      for (const bad of [0, -1, 1.5, NaN, 257, 'two']) expect(() => addon?.setNumThreads(bad)).toThrow();
    });
  },
);
