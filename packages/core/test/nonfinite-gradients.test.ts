/**
 * Where a derivative is zero, PyTorch's backward gives zeros (`zeros_like(grad)`), not the incoming gradient times 0:
 * an infinite or NaN gradient arriving there (from a `log` of 0 further on, say) stops, and does not turn the
 * gradients before it into NaN. The expected values are PyTorch 1.13's.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';

const NONFINITE = torch.tensor([Infinity, NaN]);

describe('a zero derivative stops an infinite or NaN gradient', () => {
  const cases: [string, (x: Tensor) => Tensor][] = [
    ['floor', (x) => x.floor()],
    ['ceil', (x) => x.ceil()],
    ['trunc', (x) => x.trunc()],
    ['round', (x) => x.round()],
    ['round to one decimal', (x) => x.round({ decimals: 1 })],
    ['sign', (x) => x.sign()],
    ['div with floor rounding', (x) => x.div(2, { roundingMode: 'floor' })],
    ['div with trunc rounding, the divisor', (x) => torch.tensor([3, 5]).div(x, { roundingMode: 'trunc' })],
    ['copysign, the sign', (x) => torch.copysign(torch.tensor([2, 0], { dtype: 'float32' }), x)],
    ['copy_, the overwritten tensor', (x) => x.mul(1).copy_(torch.tensor([3, 4]))],
  ];
  for (const [name, f] of cases) {
    it(name, () => {
      const x = torch.tensor([1.5, -2], { requiresGrad: true });
      f(x).mul(NONFINITE).sum().backward();
      expect(Array.from((x.grad as Tensor).toArray())).toEqual([0, 0]);
    });
  }

  it('in the activations that are flat somewhere, and only there', () => {
    const expected: [string, (x: Tensor) => Tensor, number[]][] = [
      ['hardtanh', (x) => torch._nn.hardtanh(x), [0, NaN, 0]],
      ['hardsigmoid', (x) => torch._nn.hardsigmoid(x), [0, NaN, 0]],
      ['threshold', (x) => torch._nn.threshold(x, 0.5, 2), [0, 0, -Infinity]],
      ['hardshrink', (x) => torch._nn.hardshrink(x), [Infinity, 0, -Infinity]],
      ['softshrink', (x) => torch._nn.softshrink(x), [Infinity, 0, -Infinity]],
      ['hardswish', (x) => torch._nn.hardswish(x), [0, NaN, -Infinity]],
      ['leakyRelu (never flat)', (x) => torch._nn.leakyRelu(x, 0.1), [Infinity, NaN, -Infinity]],
    ];
    for (const [name, f, grad] of expected) {
      const x = torch.tensor([-5, 0.25, 7], { requiresGrad: true });
      f(x)
        .mul(torch.tensor([Infinity, NaN, -Infinity]))
        .sum()
        .backward();
      expect(Array.from((x.grad as Tensor).toArray()), name).toEqual(grad);
    }
    // hardswish's slope is 0 at -1.5 too, but there PyTorch multiplies: inf · 0 is NaN.
    const x = torch.tensor([-1.5], { requiresGrad: true });
    torch._nn.hardswish(x).mul(Infinity).sum().backward();
    expect((x.grad as Tensor).item()).toBeNaN();
  });

  it('the 0-norm gives no gradient at all, as PyTorch', () => {
    const x = torch.tensor([1.5, -2], { requiresGrad: true });
    x.norm(0).backward(torch.tensor(Infinity));
    expect(x.grad).toBeNull();
  });

  it('in the second derivative of the piecewise-linear activations', () => {
    const activations: [string, (x: Tensor) => Tensor][] = [
      ['leakyRelu', (x) => torch._nn.leakyRelu(x, 0.1)],
      ['hardtanh', (x) => torch._nn.hardtanh(x)],
      ['threshold', (x) => torch._nn.threshold(x, 0.5, 2)],
      ['hardshrink', (x) => torch._nn.hardshrink(x)],
      ['softshrink', (x) => torch._nn.softshrink(x)],
    ];
    for (const [name, f] of activations) {
      const x = torch.tensor([1.5, -2, 0.25], { dtype: 'float64', requiresGrad: true });
      const [g] = torch.autograd.grad(
        f(x)
          .mul(torch.tensor([1, 2, 3], { dtype: 'float64' }))
          .sum(),
        [x],
        {
          createGraph: true,
        },
      ) as Tensor[];
      g.mul(torch.tensor([Infinity, NaN, 1], { dtype: 'float64' }))
        .sum()
        .backward();
      expect(Array.from((x.grad as Tensor).toArray()), name).toEqual([0, 0, 0]);
    }
  });
});
