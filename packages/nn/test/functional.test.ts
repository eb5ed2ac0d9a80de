/**
 * nn.functional against real PyTorch: every function over option combinations (values, grad_fn names and the
 * gradients of every tensor input), PyTorch's errors for bad arguments, and dropout's statistics.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import * as F from '../src/functional/index.js';
import { byOp } from '../../core/test/helpers/golden-cases.js';
import { fixture, LOSS_OPS, runCase, runErrorCase } from './functional-ops.js';

describe(`nn.functional against PyTorch ${fixture.torch}`, () => {
  for (const [op, cases] of byOp(fixture.cases.filter((x) => !LOSS_OPS.has(x.op)))) {
    describe(op, () => {
      for (const c of cases) it(c.name, () => runCase(c));
    });
  }
  describe('errors', () => {
    for (const c of fixture.errors.filter((x) => !LOSS_OPS.has(x.op))) it(c.name, () => runErrorCase(c));
  });
});

describe("F.dropout (statistically: its random stream is not PyTorch's)", () => {
  const p = 0.3;
  const scale = torch
    .ones([])
    .div(1 - p)
    .item();

  it('zeroes a fraction p and scales the kept values by exactly 1 / (1 - p)', () => {
    torch.manualSeed(0);
    const x = torch.randn(200, 500);
    const out = F.dropout(x, { p });
    const xs = x.toArray();
    const os = out.toArray();
    let zeros = 0;
    for (let i = 0; i < os.length; i++) {
      if (os[i] === 0) zeros++;
      else expect(os[i]).toBe(Math.fround(xs[i] * scale));
    }
    // 100k draws: the standard error of the fraction is 0.0014.
    expect(Math.abs(zeros / os.length - p)).toBeLessThan(0.007);
  });

  it('masks the gradient exactly as the forward pass', () => {
    torch.manualSeed(1);
    const x = torch.rand([50, 40], { requiresGrad: true });
    const out = F.dropout(x.add(1), p);
    expect(out.gradFn?.name()).toBe('MulBackward0');
    out.sum().backward();
    const o = out.toArray();
    const g = (x.grad as torch.Tensor).toArray();
    for (let i = 0; i < o.length; i++) expect(g[i]).toBe(o[i] === 0 ? 0 : Math.fround(scale));
  });

  it('is reproducible per seed and per generator; a generator leaves the default one alone', () => {
    const x = torch.ones(1000);
    torch.manualSeed(7);
    const a = F.dropout(x, 0.5).tolist();
    torch.manualSeed(7);
    expect(F.dropout(x, 0.5).tolist()).toEqual(a);
    torch.manualSeed(8);
    expect(F.dropout(x, 0.5).tolist()).not.toEqual(a);
    const state = torch.getRngState();
    const g1 = F.dropout(x, { p: 0.5, generator: new torch.Generator().manualSeed(3) });
    const g2 = F.dropout(x, { p: 0.5, generator: new torch.Generator().manualSeed(3) });
    expect(g1.tolist()).toEqual(g2.tolist());
    expect(torch.getRngState()).toEqual(state);
  });

  it('returns the input itself when not training or when p is 0', () => {
    const x = torch.randn(3, 4);
    expect(F.dropout(x, { p: 0.5, training: false })).toBe(x);
    expect(F.dropout(x, 0)).toBe(x);
  });

  it('p = 1 zeroes everything, gradient included', () => {
    const x = torch.randn([3, 4], { requiresGrad: true });
    const out = F.dropout(x, 1);
    expect(out.abs().sum().item()).toBe(0);
    out.sum().backward();
    expect((x.grad as torch.Tensor).abs().sum().item()).toBe(0);
  });

  it('inplace writes into the input', () => {
    torch.manualSeed(2);
    const x = torch.ones(100);
    const out = F.dropout(x, { p: 0.5, inplace: true });
    expect(out).toBe(x);
    expect(new Set(x.toArray())).toEqual(new Set([0, 2]));
  });

  it("rejects p outside [0, 1] with PyTorch's message", () => {
    expect(() => F.dropout(torch.ones(3), 1.5)).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
    expect(() => F.dropout(torch.ones(3), { p: -1 })).toThrow(
      'dropout probability has to be between 0 and 1, but got -1',
    );
  });
});

describe('nn.functional behaviour', () => {
  it('batchNorm updates the running statistics in place, without history', () => {
    const x = torch.randn([8, 3], { requiresGrad: true });
    const rm = torch.zeros(3);
    const rv = torch.ones(3);
    const w = torch.ones([3], { requiresGrad: true });
    const out = F.batchNorm(x, rm, rv, w, null, { training: true, momentum: 0.5 });
    expect(out.gradFn?.name()).toBe('NativeBatchNormBackward0');
    expect(rm.requiresGrad).toBe(false);
    expect(rm.gradFn).toBe(null);
    const mean = x.detach().mean(0).mul(0.5);
    expect(rm.sub(mean).abs().max().item()).toBeLessThan(1e-6);
    const unbiased = x.detach().var(0).mul(0.5).add(0.5);
    expect(rv.sub(unbiased).abs().max().item()).toBeLessThan(1e-6);
  });

  it('batchNorm takes its optional arguments positionally or in the options', () => {
    const x = torch.randn(4, 3, 2);
    const [w, b] = [torch.rand(3), torch.rand(3)];
    const a = F.batchNorm(x, null, null, w, b, { training: true, eps: 1e-3 });
    const c = F.batchNorm(x, null, null, { weight: w, bias: b, training: true, eps: 1e-3 });
    expect(a.tolist()).toEqual(c.tolist());
  });

  it('activations take inplace: the input is overwritten and the graph stays correct', () => {
    const base = torch.randn([5], { requiresGrad: true });
    const y = base.mul(1);
    const out = F.leakyRelu(y, { negativeSlope: 0.2, inplace: true });
    expect(out).toBe(y);
    out.sum().backward();
    const expected = base.detach().gt(0).to('float32').mul(0.8).add(0.2);
    expect((base.grad as torch.Tensor).tolist()).toEqual(expected.tolist());
    const leaf = torch.randn([3], { requiresGrad: true });
    expect(() => F.silu(leaf, { inplace: true })).toThrow(
      'a leaf Variable that requires grad is being used in an in-place operation.',
    );
    expect(F.relu(torch.tensor([-1, 2], { dtype: 'float32' }), { inplace: true }).tolist()).toEqual([0, 2]);
  });

  // An embedding's gradient is itself differentiable (createGraph): PyTorch 1.13 records it as
  // EmbeddingDenseBackwardBackward0, and these are the values it printed (loss = sum(out ** 3), then the gradient
  // weighted by arange(8) differentiated again), with and without a padding row and frequency scaling.
  it.each([
    [-1, false, [6, 24, 0, 0, 75, 108, 147, 192], [0, 24, 0, 0, 120, 180, 252, 336]],
    [3, true, [3, 12, 0, 0, 75, 108, 0, 0], [0, 12, 0, 0, 120, 180, 0, 0]],
  ])('embedding double backward, paddingIdx %s, scaleGradByFreq %s', (paddingIdx, scaleGradByFreq, grad, gradGrad) => {
    const w = torch.tensor([1, 2, 3, 4, 5, 6, 7, 8], { dtype: 'float64' }).reshape(4, 2).requiresGrad_();
    const idx = torch.tensor([
      [0, 2],
      [0, 3],
    ]);
    const out = F.embedding(idx, w, { paddingIdx: paddingIdx < 0 ? null : paddingIdx, scaleGradByFreq });
    const g = torch.autograd.grad(out.pow(3).sum(), [w], { createGraph: true })[0] as torch.Tensor;
    expect(g.gradFn?.name()).toBe('EmbeddingDenseBackwardBackward0');
    expect(Array.from(g.toArray())).toEqual(grad);
    const c = torch.arange(8, { dtype: 'float64' }).reshape(4, 2);
    const gg = torch.autograd.grad(g.mul(c).sum(), [w])[0] as torch.Tensor;
    expect(Array.from(gg.toArray())).toEqual(gradGrad);
  });

  it('gradcheck (and gradgradcheck) of the nn ops in float64', () => {
    const f64 = (...shape: number[]): torch.Tensor => torch.randn(shape, { dtype: 'float64' }).requiresGrad_();
    // The first derivatives as a function of the inputs (grad mode on even where gradcheck evaluates under noGrad).
    const gradOf =
      (f: (...xs: torch.Tensor[]) => torch.Tensor) =>
      (...xs: torch.Tensor[]): torch.Tensor[] =>
        torch.enableGrad(() => {
          const out = f(...xs);
          const w = torch.randn(out.shape, { dtype: 'float64', generator: new torch.Generator().manualSeed(42) });
          return torch.autograd
            .grad(out.mul(w).sum(), xs, { createGraph: true })
            .map((g, i) => g ?? torch.zerosLike(xs[i]));
        });
    torch.manualSeed(0);
    const cases: [string, (...xs: torch.Tensor[]) => torch.Tensor, torch.Tensor[]][] = [
      ['gelu', (x) => F.gelu(x), [f64(5)]],
      ['gelu tanh', (x) => F.gelu(x, { approximate: 'tanh' }), [f64(5)]],
      ['elu', (x) => F.elu(x, 0.7), [f64(5)]],
      ['silu', (x) => F.silu(x), [f64(5)]],
      ['softplus', (x) => F.softplus(x, 2, 3), [f64(5)]],
      ['linear', (x, w, b) => F.linear(x, w, b), [f64(2, 3, 4), f64(5, 4), f64(5)]],
      [
        'batchNorm train',
        (x, w, b) => F.batchNorm(x, null, null, w, b, { training: true }),
        [f64(4, 3, 2), f64(3), f64(3)],
      ],
      ['layerNorm', (x, w, b) => F.layerNorm(x, [2, 3], w, b), [f64(4, 2, 3), f64(2, 3), f64(2, 3)]],
      [
        'embedding',
        (w) =>
          F.embedding(
            torch.tensor([
              [0, 2],
              [2, 1],
            ]),
            w,
          ),
        [f64(3, 2)],
      ],
      ['pad', (x) => F.pad(x, [1, -1, 0, 2]), [f64(2, 3)]],
    ];
    const check = (
      name: string,
      f: (...xs: torch.Tensor[]) => torch.Tensor | torch.Tensor[],
      inputs: torch.Tensor[],
    ): void => {
      try {
        expect(torch.autograd.gradcheck(f, inputs)).toBe(true);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    };
    for (const [name, f, inputs] of cases) {
      check(name, f, inputs);
      check(`${name} double backward`, gradOf(f), inputs);
    }
  });
});
