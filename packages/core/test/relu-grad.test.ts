import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));

describe("relu's backward (PyTorch's threshold_backward)", () => {
  for (const backend of torch.availableKernelBackends()) {
    it(`lets NaN and -0 through as PyTorch's clamp_min(0), short and long runs, on the ${backend} backend`, () => {
      torch.setKernelBackend(backend);
      for (const dtype of ['float32', 'float64'] as const) {
        // PyTorch 1.13: torch.relu(tensor([-0., nan, -inf, 3., -2., inf])) is tensor([-0., nan, 0., 3., 0., inf])
        for (const times of [1, 300]) {
          const y = torch.tensor([-0, NaN, -Infinity, 3, -2, Infinity], { dtype }).repeat(times).relu();
          const v = Array.from(y.toArray()).slice(-6);
          expect(Object.is(v[0], -0), `${dtype} x${times}`).toBe(true);
          expect(v.slice(1)).toEqual([NaN, 0, 3, 0, Infinity]);
          expect(Object.is(v[2], 0) && Object.is(v[4], 0)).toBe(true);
        }
      }
    });

    it(`passes the gradient where the output is positive or NaN, on the ${backend} backend`, () => {
      torch.setKernelBackend(backend);
      const x = torch.tensor([-1, 0, NaN, 2, -0.5], { dtype: 'float32', requiresGrad: true });
      x.relu()
        .mul(torch.tensor([1, 2, 3, 4, 5], { dtype: 'float32' }))
        .sum()
        .backward();
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
