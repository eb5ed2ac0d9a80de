/**
 * F.gumbelSoftmax and core's exponential_: the samples' distribution (their noise is Kindling's generator, so not
 * PyTorch's numbers), the graphs PyTorch builds (SoftmaxBackward0; AddBackward0 for the straight-through form), the
 * hard sample's one-hot rows with the soft sample's gradient, and PyTorch's error for a negative rate.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';

const F = nn.functional;

describe('F.gumbelSoftmax', () => {
  it('samples the categories in proportion to softmax(logits), soft or one-hot', () => {
    torch.manualSeed(0);
    const logits = torch
      .tensor([Math.log(0.2), Math.log(0.5), Math.log(0.3)])
      .expand([20000, 3])
      .contiguous();
    const hard = F.gumbelSoftmax(logits, { hard: true });
    expect(hard.sum(1).eq(1).all().item()).toBeTruthy();
    const freq = hard.mean(0).tolist() as number[];
    [0.2, 0.5, 0.3].forEach((p, i) => expect(Math.abs(freq[i] - p)).toBeLessThan(0.015));
    const soft = F.gumbelSoftmax(logits.requiresGrad_(), { tau: 0.5 });
    expect(soft.gradFn?.name()).toBe('SoftmaxBackward0');
    torch.testing.assertClose(soft.sum(1), torch.ones(20000));
  });

  it("carries the soft sample's gradient through the hard one (straight-through)", () => {
    const logits = torch.randn(4, 5, { requiresGrad: true });
    torch.manualSeed(1);
    const hard = F.gumbelSoftmax(logits, { hard: true, dim: 1 });
    expect(hard.gradFn?.name()).toBe('AddBackward0');
    const w = torch.randn(4, 5);
    hard.mul(w).sum().backward();
    const viaHard = (logits.grad as torch.Tensor).clone();
    logits.grad = null;
    torch.manualSeed(1);
    F.gumbelSoftmax(logits, { dim: 1 }).mul(w).sum().backward();
    torch.testing.assertClose(viaHard, logits.grad as unknown as torch.Tensor);
  });

  it("draws exponential samples of mean 1 / λ, and refuses a negative rate with PyTorch's message", () => {
    torch.manualSeed(0);
    expect(torch.empty(100000).exponential_(4).mean().item()).toBeCloseTo(0.25, 2);
    expect(() => torch.empty(3).exponential_(-1.5)).toThrow(
      new torch.RuntimeError('exponential_ expects lambda >= 0.0, but found lambda=-1.5'),
    );
  });
});
