/**
 * nn.init against PyTorch: the gain table and fans exactly, the bounds and standard deviations of the random
 * initialisations statistically (the random streams differ from PyTorch's), PyTorch's errors, and the in-place,
 * no-graph, seeded behaviour.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import * as init from '../src/init.js';
import { fixture } from './functional-ops.js';

interface Spread {
  fn:
    | 'kaimingUniform_'
    | 'kaimingNormal_'
    | 'xavierUniform_'
    | 'xavierNormal_'
    | 'uniform_'
    | 'normal_'
    | 'truncNormal_';
  shape: number[];
  kwargs: Record<string, number | string>;
  bound: number | null;
  std: number | null;
  sampleMean: number;
  sampleStd: number;
  sampleMin: number;
  sampleMax: number;
}

const data = (
  fixture as unknown as {
    init: {
      gains: { nonlinearity: init.Nonlinearity; param: number | null; gain: number }[];
      fans: { shape: number[]; fans: [number, number] }[];
      spreads: Spread[];
      errors: { name: string; error: string; message: string }[];
    };
  }
).init;

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = t.toArray();
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    sum += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = sum / v.length;
  let sq = 0;
  for (const x of v) sq += (x - mean) ** 2;
  return { mean, std: Math.sqrt(sq / (v.length - 1)), min, max };
}

function run(s: Spread, t: Tensor, options: init.GeneratorOptions = {}): Tensor {
  const o = { ...s.kwargs, ...options };
  switch (s.fn) {
    case 'kaimingUniform_':
      return init.kaimingUniform_(t, o as init.KaimingOptions);
    case 'kaimingNormal_':
      return init.kaimingNormal_(t, o as init.KaimingOptions);
    case 'xavierUniform_':
      return init.xavierUniform_(t, o as init.GainOptions);
    case 'xavierNormal_':
      return init.xavierNormal_(t, o as init.GainOptions);
    case 'uniform_':
      return init.uniform_(t, o as init.UniformOptions);
    case 'normal_':
      return init.normal_(t, o as init.NormalOptions);
    case 'truncNormal_':
      return init.truncNormal_(t, o as init.TruncNormalOptions);
  }
}

describe(`nn.init against PyTorch ${fixture.torch}`, () => {
  it('calculateGain matches PyTorch for every nonlinearity', () => {
    for (const { nonlinearity, param, gain } of data.gains) {
      expect(init.calculateGain(nonlinearity, param), `${nonlinearity} ${param}`).toBeCloseTo(gain, 15);
    }
  });

  it('calculateFanInAndFanOut matches PyTorch', () => {
    for (const { shape, fans } of data.fans) expect(init.calculateFanInAndFanOut(torch.empty(shape))).toEqual(fans);
  });

  describe("random initialisations have PyTorch's bounds and spreads", () => {
    for (const s of data.spreads) {
      it(`${s.fn} ${JSON.stringify(s.shape)} ${JSON.stringify(s.kwargs)}`, () => {
        torch.manualSeed(1234);
        const t = torch.empty(s.shape);
        expect(run(s, t)).toBe(t);
        const { mean, std, min, max } = stats(t);
        const n = t.numel();
        if (s.bound !== null) {
          // Every value within [-bound, bound), and the extremes close to it (so the bound is not smaller either).
          expect(min).toBeGreaterThanOrEqual(-s.bound);
          expect(max).toBeLessThan(s.bound);
          expect(Math.min(-min, max)).toBeGreaterThan(s.bound * (1 - 1e-3));
          expect(std).toBeCloseTo(s.bound / Math.sqrt(3), 3);
          expect(Math.abs(mean)).toBeLessThan((5 * s.bound) / Math.sqrt(3 * n));
        } else if (s.std !== null) {
          expect(Math.abs(std / s.std - 1)).toBeLessThan(0.015);
          expect(Math.abs(mean)).toBeLessThan((5 * s.std) / Math.sqrt(n));
        } else {
          // uniform_, normal_, truncNormal_: PyTorch's own sample gives the expected statistics.
          expect(Math.abs(mean - s.sampleMean)).toBeLessThan((6 * s.sampleStd) / Math.sqrt(n));
          expect(Math.abs(std / s.sampleStd - 1)).toBeLessThan(0.015);
          if (s.fn !== 'normal_') {
            expect(min).toBeGreaterThanOrEqual(Number(s.kwargs.a));
            expect(max).toBeLessThanOrEqual(Number(s.kwargs.b));
            expect(min - s.sampleMin).toBeLessThan(0.01);
            expect(s.sampleMax - max).toBeLessThan(0.01);
          }
        }
      });
    }
  });

  describe('errors', () => {
    const calls: Record<string, () => unknown> = {
      'fan of a 1-D tensor': () => init.calculateFanInAndFanOut(torch.empty(3)),
      'unsupported nonlinearity': () => init.calculateGain('softmax' as init.Nonlinearity),
      'unsupported mode': () => init.kaimingUniform_(torch.empty(3, 4), { mode: 'fan_avg' as init.FanMode }),
      'eye_ of a 3-D tensor': () => init.eye_(torch.empty(2, 2, 2)),
      'orthogonal_ of a 1-D tensor': () => init.orthogonal_(torch.empty(3)),
      'kaiming of a 1-D tensor': () => init.kaimingNormal_(torch.empty(3)),
    };
    for (const e of data.errors) {
      it(e.name, () => {
        const call = calls[e.name];
        expect(call).toBeDefined();
        let thrown: unknown = null;
        try {
          call();
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(Error);
        expect((thrown as Error).name).toBe(e.error);
        expect((thrown as Error).message).toContain(e.message);
      });
    }
  });
});

describe('nn.init behaviour', () => {
  it('fills in place under noGrad: a parameter keeps requiresGrad, gains no history, and is returned', () => {
    const w = torch.empty([4, 3], { requiresGrad: true });
    expect(init.kaimingUniform_(w, Math.sqrt(5))).toBe(w);
    expect(w.requiresGrad).toBe(true);
    expect(w.gradFn).toBe(null);
    expect(w.isLeaf).toBe(true);
    expect(init.constant_(w, 0.5)).toBe(w);
    expect(w.tolist()).toEqual([
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ]);
    expect(init.zeros_(w).sum().item()).toBe(0);
    expect(init.ones_(w).sum().item()).toBe(12);
  });

  it('positional and options forms agree (PyTorch order: a, mode, nonlinearity)', () => {
    const a = torch.empty(30, 20);
    const b = torch.empty(30, 20);
    torch.manualSeed(5);
    init.kaimingNormal_(a, 0, 'fan_out', 'relu');
    torch.manualSeed(5);
    init.kaimingNormal_(b, { mode: 'fan_out', nonlinearity: 'relu' });
    expect(a.tolist()).toEqual(b.tolist());
    torch.manualSeed(6);
    init.uniform_(a, -0.1, 0.2);
    torch.manualSeed(6);
    init.uniform_(b, { a: -0.1, b: 0.2 });
    expect(a.tolist()).toEqual(b.tolist());
  });

  it('is reproducible per seed and with a generator, which leaves the default generator alone', () => {
    const draw = (seed: number): number[] => {
      torch.manualSeed(seed);
      return Array.from(init.xavierUniform_(torch.empty(8, 8)).toArray());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    const state = torch.getRngState();
    const g1 = init.kaimingUniform_(torch.empty(8, 8), { generator: new torch.Generator().manualSeed(9) });
    const g2 = init.kaimingUniform_(torch.empty(8, 8), { generator: new torch.Generator().manualSeed(9) });
    expect(g1.tolist()).toEqual(g2.tolist());
    expect(torch.getRngState()).toEqual(state);
  });

  it('eye_ writes the identity, also for non-square matrices', () => {
    expect(init.eye_(torch.empty(2, 3)).tolist()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  it('orthogonal_ gives orthonormal rows or columns, scaled by gain', () => {
    for (const shape of [
      [6, 4],
      [4, 6],
      [5, 2, 3],
    ]) {
      const t = init.orthogonal_(torch.empty(shape, { dtype: 'float64' }), 2);
      const m = t.reshape(shape[0], -1);
      const gram = m.shape[0] >= m.shape[1] ? m.t().matmul(m) : m.matmul(m.t());
      const k = gram.shape[0];
      const expected = torch.eye(k, { dtype: 'float64' }).mul(4);
      expect(gram.sub(expected).abs().max().item()).toBeLessThan(1e-12);
    }
  });

  it('kaiming on a zero-element tensor is a no-op', () => {
    const t = torch.empty(0, 3);
    expect(init.kaimingUniform_(t)).toBe(t);
  });

  it('truncNormal_ respects its bounds even far in a tail', () => {
    torch.manualSeed(0);
    const t = init.truncNormal_(torch.empty(2000), { mean: 0, std: 1, a: 3, b: 4 });
    const { min, max } = stats(t);
    expect(min).toBeGreaterThanOrEqual(3);
    expect(max).toBeLessThanOrEqual(4);
  });
});

describe('init.dirac_', () => {
  it('puts ones where PyTorch does (the positions it printed), per group, and refuses what it refuses', () => {
    const nonzero = (t: Tensor): number[] => (t.flatten().tolist() as number[]).flatMap((v, i) => (v !== 0 ? [i] : []));
    expect(nonzero(init.dirac_(torch.empty(4, 2, 3), 2))).toEqual([1, 10, 13, 22]);
    expect(nonzero(init.dirac_(torch.randn(3, 2, 3, 3)))).toEqual([4, 31]);
    const x = torch.randn(1, 2, 5, 5);
    torch.testing.assertClose(torch.conv2d(x, init.dirac_(torch.empty(2, 2, 3, 3)), null, { padding: 1 }), x);
    expect(() => init.dirac_(torch.empty(3, 3))).toThrow(
      new torch.ValueError('Only tensors with 3, 4, or 5 dimensions are supported'),
    );
    expect(() => init.dirac_(torch.empty(3, 3, 3), 2)).toThrow('dim 0 must be divisible by groups');
  });
});
