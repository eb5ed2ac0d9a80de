/**
 * nn.ConvTranspose2d and nn.ConvTranspose1d as PyTorch 1.13 builds them: reprs, parameter shapes, the positional
 * order, the initialisation's bounds, and `outputSize` with PyTorch's ValueErrors. (The transposed convolution's
 * values and gradients are checked against PyTorch in functional.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';

describe('nn.ConvTranspose2d and nn.ConvTranspose1d', () => {
  it('print, shape and order their parameters as PyTorch does', () => {
    const up = new nn.ConvTranspose2d(16, 33, 3, { stride: 2, outputPadding: 1 });
    expect(String(up)).toBe('ConvTranspose2d(16, 33, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))');
    expect(up.weight.shape).toEqual([16, 33, 3, 3]);
    expect(up.bias?.shape).toEqual([33]);
    const grouped = new nn.ConvTranspose2d(16, 32, [3, 5], [2, 1], [4, 2], 0, 2, false, [1, 2]);
    expect(String(grouped)).toBe(
      'ConvTranspose2d(16, 32, kernel_size=(3, 5), stride=(2, 1), padding=(4, 2), dilation=(1, 2), groups=2, bias=False)',
    );
    expect(grouped.weight.shape).toEqual([16, 16, 3, 5]);
    expect(Object.keys(grouped.stateDict())).toEqual(['weight']);
    expect(String(new nn.ConvTranspose1d(4, 6, 3, { stride: 2 }))).toBe(
      'ConvTranspose1d(4, 6, kernel_size=(3,), stride=(2,))',
    );
  });

  it('start from kaiming-uniform (a = √5) over the fan-in of the weight, as PyTorch', () => {
    torch.manualSeed(0);
    const up = new nn.ConvTranspose2d(8, 6, 3, { groups: 2 });
    // fan_in = weight.size(1) · kH · kW = 3 · 9 for a [8, 3, 3, 3] weight
    const bound = 1 / Math.sqrt(27);
    const w = up.weight.abs().max().item();
    expect(w).toBeLessThanOrEqual(bound);
    expect(w).toBeGreaterThan(0.9 * bound);
    expect((up.bias as torch.Tensor).abs().max().item()).toBeLessThanOrEqual(bound);
  });

  it('pick the output size a stride leaves open, or say which sizes are possible', () => {
    const up = new nn.ConvTranspose2d(4, 6, 3, 2);
    const x = torch.randn(1, 4, 5, 5);
    expect(up.forward(x).shape).toEqual([1, 6, 11, 11]);
    expect(up.forward(x, [12, 12]).shape).toEqual([1, 6, 12, 12]);
    expect(up.forward(x, [1, 6, 11, 12]).shape).toEqual([1, 6, 11, 12]);
    expect(() => up.forward(x, [14, 12])).toThrow(
      new torch.ValueError(
        'requested an output size of [14, 12], but valid sizes range from [11, 11] to [12, 12] (for an input of torch.Size([5, 5]))',
      ),
    );
    expect(() => up.forward(x, [12])).toThrow(
      'ConvTranspose2D: for 4D input, output_size must have 2 or 4 elements (got 1)',
    );
    const up1 = new nn.ConvTranspose1d(2, 3, 4, { stride: 3 });
    expect(up1.forward(torch.randn(2, 5), [17]).shape).toEqual([3, 17]);
  });

  it('trains: a decoder learns to reproduce its target', () => {
    torch.manualSeed(0);
    const decoder = new nn.Sequential(
      new nn.ConvTranspose2d(4, 8, 4, 2, 1),
      new nn.ReLU(),
      new nn.ConvTranspose2d(8, 1, 4, 2, 1),
    );
    const z = torch.randn(8, 4, 2, 2);
    const target = torch.rand(8, 1, 8, 8);
    const loss = (): torch.Tensor => nn.functional.mseLoss(decoder.forward(z), target);
    const first = loss().item();
    const params = decoder.parameters();
    for (let step = 0; step < 60; step++) {
      for (const p of params) p.grad = null;
      loss().backward();
      torch.noGrad(() => {
        for (const p of params) p.sub_((p.grad as torch.Tensor).mul(0.5));
      });
    }
    expect(loss().item()).toBeLessThan(0.5 * first);
  });
});
