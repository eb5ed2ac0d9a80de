/**
 * The losses' functional forms against real PyTorch: reductions, class weights, ignoreIndex, label smoothing,
 * probability targets, (N, C, d1, ...) inputs, posWeight, beta/delta, large logits; and PyTorch's errors.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import * as F from '../src/functional/index.js';
import { nn } from '@kindling/nn';
import { byOp } from '../../core/test/helpers/golden-cases.js';
import { fixture, LOSS_OPS, runCase, runErrorCase } from './functional-ops.js';

describe(`losses against PyTorch ${fixture.torch}`, () => {
  for (const [op, cases] of byOp(fixture.cases.filter((x) => LOSS_OPS.has(x.op)))) {
    describe(op, () => {
      for (const c of cases) it(c.name, () => runCase(c));
    });
  }
  describe('errors', () => {
    for (const c of fixture.errors.filter((x) => LOSS_OPS.has(x.op))) it(c.name, () => runErrorCase(c));
  });
});

describe('losses: behaviour', () => {
  it('gradcheck and gradgradcheck in float64', () => {
    torch.manualSeed(0);
    const f64 = (...shape: number[]): torch.Tensor => torch.randn(shape, { dtype: 'float64' }).requiresGrad_();
    const probs = (...shape: number[]): torch.Tensor =>
      torch.rand(shape, { dtype: 'float64' }).mul(0.9).add(0.05).requiresGrad_();
    const t = torch.tensor([1, -100, 3, 0]);
    const w = torch.tensor([0.5, 2, 1, 1.5], { dtype: 'float64' });
    const gradOf =
      (f: (...xs: torch.Tensor[]) => torch.Tensor) =>
      (...xs: torch.Tensor[]): torch.Tensor[] =>
        torch.enableGrad(() =>
          torch.autograd.grad(f(...xs), xs, { createGraph: true }).map((g, i) => g ?? torch.zerosLike(xs[i])),
        );
    const cases: [string, (...xs: torch.Tensor[]) => torch.Tensor, torch.Tensor[]][] = [
      ['crossEntropy weight ignore', (x) => F.crossEntropy(x, t, { weight: w }), [f64(4, 4)]],
      [
        'crossEntropy smoothing',
        (x) => F.crossEntropy(x, t, { weight: w, labelSmoothing: 0.2, reduction: 'sum' }),
        [f64(4, 4)],
      ],
      [
        'crossEntropy probs',
        (x, p) => F.crossEntropy(x, p.softmax(1), { labelSmoothing: 0.1 }),
        [f64(4, 4), f64(4, 4)],
      ],
      [
        'crossEntropy (N, C, H, W)',
        (x) =>
          F.crossEntropy(
            x,
            torch.tensor([
              [
                [0, 2],
                [1, 1],
              ],
            ]),
            { reduction: 'sum' },
          ),
        [f64(1, 3, 2, 2)],
      ],
      ['nllLoss', (x) => F.nllLoss(x, t, { weight: w }), [f64(4, 4)]],
      ['mseLoss', (x, y) => F.mseLoss(x, y), [f64(3, 4), f64(3, 4)]],
      ['l1Loss', (x, y) => F.l1Loss(x, y, { reduction: 'sum' }), [f64(3, 4), f64(3, 4)]],
      ['smoothL1Loss', (x, y) => F.smoothL1Loss(x, y, { beta: 0.5 }), [f64(3, 4), f64(3, 4)]],
      ['huberLoss', (x, y) => F.huberLoss(x, y, { delta: 0.7, reduction: 'sum' }), [f64(3, 4), f64(3, 4)]],
      [
        'binaryCrossEntropy',
        (x, y) => F.binaryCrossEntropy(x, y, { weight: w.slice(0, 0, 3) }),
        [probs(2, 3), probs(2, 3)],
      ],
      [
        'binaryCrossEntropyWithLogits',
        (x, y) => F.binaryCrossEntropyWithLogits(x, y, { weight: w.slice(0, 0, 3), posWeight: w.slice(0, 1, 4) }),
        [f64(2, 3), probs(2, 3)],
      ],
    ];
    for (const [name, f, inputs] of cases) {
      for (const [what, fn] of [
        ['', f],
        [' double backward', gradOf(f)],
      ] as const) {
        try {
          expect(torch.autograd.gradcheck(fn, inputs)).toBe(true);
        } catch (e) {
          throw new Error(`${name}${what}: ${(e as Error).message}`);
        }
      }
    }
  });

  it("the node on top is PyTorch's", () => {
    const x = torch.randn([3, 5], { requiresGrad: true });
    const t = torch.tensor([1, 0, 4]);
    expect(F.crossEntropy(x, t).gradFn?.name()).toBe('NllLossBackward0');
    expect(F.crossEntropy(x, t, { labelSmoothing: 0.1 }).gradFn?.name()).toBe('AddBackward0');
    expect(F.mseLoss(x, torch.zeros(3, 5)).gradFn?.name()).toBe('MseLossBackward0');
    expect(F.l1Loss(x, torch.zeros(3, 5)).gradFn?.name()).toBe('MeanBackward0');
    expect(F.binaryCrossEntropyWithLogits(x, torch.zeros(3, 5)).gradFn?.name()).toBe(
      'BinaryCrossEntropyWithLogitsBackward0',
    );
    expect(F.crossEntropy(x, t).toString()).toMatch(/grad_fn=<NllLossBackward0>\)$/);
  });

  it("differing input and target sizes warn once, as Python's default filter does, and broadcast", () => {
    const messages: string[] = [];
    const original = console.warn;
    console.warn = (m: string): void => void messages.push(m);
    try {
      const x = torch.zeros([7, 1], { requiresGrad: true });
      for (let i = 0; i < 3; i++) F.mseLoss(x, torch.ones(7));
      expect(F.mseLoss(x, torch.ones(7)).item()).toBe(1);
    } finally {
      console.warn = original;
    }
    const expected = 'Using a target size (torch.Size([7])) that is different to the input size (torch.Size([7, 1])).';
    expect(messages.filter((m) => m.includes(expected))).toHaveLength(1);
  });

  it('a weight that requires grad is refused only while grad mode is on', () => {
    const x = torch.randn(3, 5);
    const w = torch.ones([5], { requiresGrad: true });
    const t = torch.tensor([1, 0, 4]);
    expect(() => F.crossEntropy(x, t, { weight: w })).toThrow(
      "The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'.",
    );
    expect(torch.noGrad(() => F.crossEntropy(x, t, { weight: w })).requiresGrad).toBe(false);
  });

  it('stays finite for logits of 1000', () => {
    const x = torch.tensor(
      [
        [1000, -1000, 0],
        [-1000, 1000, 999],
      ],
      { dtype: 'float32', requiresGrad: true },
    );
    const loss = F.crossEntropy(x, torch.tensor([0, 2]));
    expect(loss.item()).toBeCloseTo(0.5 + Math.log1p(Math.exp(-1)) / 2, 5);
    loss.backward();
    expect((x.grad as torch.Tensor).isfinite().all().item()).toBeTruthy();
  });
});

describe('the ranking, embedding and likelihood loss modules', () => {
  it('print, keep their options in PyTorch order and call their functional forms', () => {
    expect(String(new nn.MarginRankingLoss(0.5))).toBe('MarginRankingLoss()');
    expect(String(new nn.TripletMarginLoss())).toBe('TripletMarginLoss()');
    const weighted = new nn.MultiLabelSoftMarginLoss(torch.ones(3));
    expect(Object.keys(weighted.stateDict())).toEqual(['weight']);
    expect(new nn.PoissonNLLLoss(false, true, null, 1e-3).eps).toBe(1e-3);
    expect(() => new (nn.GaussianNLLLoss as unknown as new (...a: unknown[]) => object)(true)).toThrow(
      'GaussianNLLLoss.__init__() takes 1 positional argument but 2 were given',
    );
    const [x1, x2, y] = [torch.randn(5), torch.randn(5), torch.tensor([1, -1, 1, -1, 1])];
    expect(
      torch.equal(
        new nn.MarginRankingLoss({ margin: 0.2, reduction: 'none' }).forward(x1, x2, y),
        nn.functional.marginRankingLoss(x1, x2, y, { margin: 0.2, reduction: 'none' }),
      ),
    ).toBe(true);
    const [a, p, n] = [torch.randn(4, 3), torch.randn(4, 3), torch.randn(4, 3)];
    expect(
      torch.equal(
        new nn.TripletMarginLoss(0.5, 1, 1e-6, true).forward(a, p, n),
        nn.functional.tripletMarginLoss(a, p, n, { margin: 0.5, p: 1, swap: true }),
      ),
    ).toBe(true);
    const variance = torch.rand(4, 3).add(0.1);
    expect(
      torch.equal(
        new nn.GaussianNLLLoss({ full: true }).forward(a, p, variance),
        nn.functional.gaussianNllLoss(a, p, variance, { full: true }),
      ),
    ).toBe(true);
  });

  it('SoftMarginLoss and MultiMarginLoss print and call their functional forms', () => {
    expect(String(new nn.SoftMarginLoss())).toBe('SoftMarginLoss()');
    expect(String(new nn.MultiMarginLoss())).toBe('MultiMarginLoss()');
    const [x, t] = [torch.randn(3, 4), torch.tensor([0, 3, 1])];
    const weight = torch.rand(4);
    expect(
      torch.equal(
        new nn.MultiMarginLoss(2, 0.5, weight).forward(x, t),
        F.multiMarginLoss(x, t, { p: 2, margin: 0.5, weight }),
      ),
    ).toBe(true);
    expect(Object.keys(new nn.MultiMarginLoss({ weight }).stateDict())).toEqual(['weight']);
    const y = torch.tensor([
      [1, -1, 1, 1],
      [-1, -1, 1, -1],
      [1, 1, 1, -1],
    ]);
    expect(
      torch.equal(
        new nn.SoftMarginLoss({ reduction: 'sum' }).forward(x, y),
        F.softMarginLoss(x, y, { reduction: 'sum' }),
      ),
    ).toBe(true);
    expect(() => new nn.MultiMarginLoss({ p: 3 })).toThrow(new torch.ValueError('only p == 1 and p == 2 supported'));
  });
});
