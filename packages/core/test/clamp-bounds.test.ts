/**
 * `clampMin` and `clampMax` (torch.clamp_min, torch.clamp_max) against what PyTorch 1.13 printed: values, NaN kept,
 * PyTorch's nodes, and gradients that pass at the bound itself but not at NaN.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

describe('clampMin and clampMax', () => {
  it('clamp one side, keep NaN, and record PyTorch nodes and gradients', () => {
    const x = torch.tensor([-1, 0, 0.5, 2, NaN], { requiresGrad: true });
    const low = x.clampMin(0);
    expect(low.gradFn?.name()).toBe('ClampMinBackward0');
    expect(low.tolist()).toEqual([0, 0, 0.5, 2, NaN]);
    low.sum().backward();
    expect(x.grad?.tolist()).toEqual([0, 1, 1, 1, 0]);
    const y = torch.tensor([-1, 0, 0.5, 2, NaN], { requiresGrad: true });
    const high = torch.clampMax(y, 0.5);
    expect(high.gradFn?.name()).toBe('ClampMaxBackward0');
    expect(high.tolist()).toEqual([-1, 0, 0.5, 0.5, NaN]);
    high.sum().backward();
    expect(y.grad?.tolist()).toEqual([1, 1, 1, 0, 0]);
    const ints = torch.clampMin(torch.tensor([1, 5]), 3);
    expect(ints.tolist()).toEqual([3, 5]);
  });
});
