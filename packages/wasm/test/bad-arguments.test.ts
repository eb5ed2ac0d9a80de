// Every WebAssembly entry called with randomly broken arguments: each call either throws an Error or runs, and
// none of them writes outside the arrays it was given (every array is a window into a larger buffer whose guard
// regions are checked after each call), nor leaves the module unusable for the next call. A shortened array must
// always throw, before anything is written. The templates are large enough that each entry takes its WebAssembly
// path (small elementwise calls stay in TypeScript).
import { afterAll, describe, expect, it } from 'vitest';
// Core's source by path (this package does not depend on core; vitest resolves @kindling/core to the same file).
import * as torch from '../../core/src/index.js';
import { A, I, JUNK, V, build, type Spec } from '../../core/test/helpers/guarded-args.js';
import { rng } from '../../core/test/helpers/rng.js';

type Fn = (...args: unknown[]) => unknown;

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));
const available = torch.availableKernelBackends().includes('wasm');

function wasmEntries(): Record<string, Fn> {
  const previous = torch.setKernelBackend('wasm');
  const backend = torch.getKernelBackend() as unknown as Record<string, Fn>;
  torch.setKernelBackend(previous);
  return backend;
}

const conv = {
  N: 2,
  C: 4,
  H: 16,
  W: 15,
  O: 6,
  kh: 3,
  kw: 3,
  OH: 16,
  OW: 15,
  sh: 1,
  sw: 1,
  ph: 1,
  pw: 1,
  dh: 1,
  dw: 1,
  groups: 2,
};
const convOne = { ...conv, N: 1, C: 8, O: 32, groups: 1 }; // one image, split by rows between threads
const pool = { planes: 8, H: 30, W: 30, OH: 15, OW: 15, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1 };
const layout = new Float64Array([2, 80, 64, 0, 0, 64, 1, 0, 0, 0, 1, 0, 0]);

/** A valid call of each entry (the shapes above), from which broken calls are made. */
const VALID: Record<string, Spec[]> = {
  gemm: [
    V(false),
    V(true),
    V(50),
    V(70),
    V(30),
    V(1),
    A(1500),
    V(0),
    V(30),
    A(2100),
    V(0),
    V(30),
    V(0.5),
    A(3500),
    V(0),
    V(70),
  ],
  conv2dForward: [A(1920), A(6 * 2 * 9), A(6), V(conv), A(2880)],
  conv2dBackwardInput: [A(2880), A(6 * 2 * 9), V(conv), A(1920)],
  conv2dBackwardWeight: [A(1920), A(2880), V(conv), A(108)],
  convOneImage: [A(1920), A(32 * 8 * 9), A(32), V(convOne), A(32 * 240)],
  maxPool2dForward: [A(7200), V(pool), A(1800), I(1800)],
  maxPool2dBackward: [A(1800), I(1800), V(8), V(900), V(225), A(7200)],
  avgPool2dForward: [A(7200), V(pool), V({ countIncludePad: true, divisorOverride: 0, integral: false }), A(1800)],
  avgPool2dBackward: [A(1800), V(pool), V({ countIncludePad: false, divisorOverride: 3, integral: false }), A(7200)],
  adaptiveAvgPool2dForward: [A(7200), V(8), V(30), V(30), V(7), V(7), A(392)],
  adaptiveAvgPool2dBackward: [A(392), V(8), V(30), V(30), V(7), V(7), A(7200)],
  batchNormForward: [
    A(5120),
    V(2),
    V(4),
    V(640),
    A(4),
    A(4),
    A(4),
    A(4),
    V(true),
    V(0.1),
    V(1e-5),
    A(5120),
    A(4),
    A(4),
  ],
  batchNormBackward: [A(5120), A(5120), V(2), V(4), V(640), A(4), A(4), A(4), V(true), A(5120), A(4), A(4)],
  layerNormForward: [A(5120), V(80), V(64), A(64), A(64), V(1e-5), A(5120), A(80), A(80)],
  layerNormBackward: [A(5120), A(5120), V(80), V(64), A(64), A(80), A(80), A(5120), A(64), A(64)],
  softmax: [A(8200), V(8), A(8192), V(128), V(64), V(1), V(false)],
  softmaxColumns: [A(8192), V(0), A(8192), V(8), V(64), V(16), V(true)],
  softmaxBackward: [A(8192), A(8192), A(8192), V(128), V(64), V(1), V(false)],
  unary: [V(0), A(5000), V(0), A(5000), V(0), V(5000)],
  binary: [V(0), A(5120), V(0), A(64), V(0), A(5120), V(0), V(layout), V(1)],
  sumDim: [A(6000), V(0), V(3), V(40), V(50), A(150), V(0)],
  sgdUpdate: [A(5001), A(5001), A(5001), V(5001), V(0.1), V(0.9), V(0), V(1e-4), V(true), V(false), V(false)],
  adamUpdate: [
    A(5001),
    A(5001),
    A(5001),
    A(5001),
    A(5001),
    V(5001),
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
};
const ENTRY: Record<string, string> = { convOneImage: 'conv2dForward', softmaxColumns: 'softmax' };

describe.skipIf(!available)('WebAssembly entries under bad arguments', () => {
  const entries = wasmEntries();
  const names = Object.keys(VALID);
  const call = (name: string, args: unknown[]): unknown => entries[ENTRY[name] ?? name](...args);

  it('every valid template runs, on one and two threads', () => {
    for (const threads of [1, 2]) {
      entries.setNumThreads(threads);
      for (const name of names) {
        const { args, guards } = build(VALID[name], Float32Array, rng(1));
        expect(() => call(name, args), name).not.toThrow();
        expect(
          guards.every((g) => g.intact()),
          name,
        ).toBe(true);
      }
    }
  });

  it('a shortened array always throws, before writing anything', () => {
    for (const name of names) {
      VALID[name].forEach((spec, i) => {
        if (!('array' in spec) || spec.array < 2) return;
        const specs = VALID[name].slice();
        specs[i] = { ...spec, array: spec.array - 1 };
        const { args, guards } = build(specs, Float32Array, rng(2));
        const before = guards.map((g) => g.full.slice());
        expect(() => call(name, args), `${name} argument ${i} shortened`).toThrow();
        guards.forEach((g, k) => expect(g.full, `${name} wrote before throwing`).toEqual(before[k]));
      });
    }
  });

  it('random junk in any argument throws an Error or runs, never writes out of bounds, and the next good call still works', () => {
    const next = rng(3);
    for (let trial = 0; trial < 1500; trial++) {
      const name = names[Math.floor(next() * names.length)];
      const ctor = next() < 0.5 ? Float32Array : Float64Array;
      entries.setNumThreads(next() < 0.5 ? 1 : 2);
      const { args, guards } = build(VALID[name], ctor, next);
      const broken = 1 + Math.floor(next() * 2);
      for (let b = 0; b < broken; b++) args[Math.floor(next() * args.length)] = JUNK[Math.floor(next() * JUNK.length)];
      try {
        call(name, args);
      } catch (e) {
        expect(e, `${name}: not an Error`).toBeInstanceOf(Error);
        expect((e as Error).message.length).toBeGreaterThan(0);
      }
      const shown = JSON.stringify(
        args.map((a) => (ArrayBuffer.isView(a) ? `array(${(a as Float32Array).length})` : String(a))),
      );
      expect(
        guards.every((g) => g.intact()),
        `${name} wrote out of bounds with ${shown}`,
      ).toBe(true);
    }
    // The module still computes: a good product after all that.
    const a = new Float32Array(64 * 64).fill(1);
    const c = new Float32Array(64 * 64);
    entries.gemm(false, false, 64, 64, 64, 1, a, 0, 64, a, 0, 64, 0, c, 0, 64);
    expect(c.every((v) => v === 64)).toBe(true);
  });
});
