import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));

describe("relu's backward (PyTorch's threshold_backward)", () => {
  for (const backend of torch.availableKernelBackends()) {
    it(`passes the gradient where the output is positive or NaN, on the ${backend} backend`, () => {
      torch.setKernelBackend(backend);
      const x = torch.tensor([-1, 0, NaN, 2, -0.5], { dtype: 'float32', requiresGrad: true });
      x.relu().mul(torch.tensor([1, 2, 3, 4, 5], { dtype: 'float32' })).sum().backward();
      // PyTorch 1.13: tensor([0., 0., 3., 4., 0.])
      expect(x.grad?.tolist()).toEqual([0, 0, 3, 4, 0]);
    });

    it(`gives the same on a tensor large enough for the backend kernel, on the ${backend} backend`, () => {
      torch.setKernelBackend(backend);
      torch.manualSeed(8);
      const base = torch.randn(5000);
      base.narrow(0, 0, 10).fill_(NaN);
      const x = base.clone().requiresGrad_();
      const w = torch.randn(5000);
      x.relu().mul(w).sum().backward();
      const xs = base.toArray();
      const ws = w.toArray();
      const want = Array.from(xs, (v, i) => (v <= 0 ? 0 : ws[i]));
      expect(Array.from((x.grad as torch.Tensor).toArray())).toEqual(want);
    });

    it(`is differentiable again under createGraph, on the ${backend} backend`, () => {
      torch.setKernelBackend(backend);
      const x = torch.tensor([-1, 0.5, 2], { dtype: 'float64', requiresGrad: true });
      const w = torch.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
      const gx = torch.autograd.grad(x.relu().mul(w).sum(), [x], { createGraph: true })[0] as torch.Tensor;
      expect(gx.tolist()).toEqual([0, 2, 3]);
      gx.sum().backward();
      expect(w.grad?.tolist()).toEqual([0, 1, 1]);
    });
  }
});
