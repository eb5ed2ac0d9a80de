import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';

/** PyTorch 1.13's gelu on 4,096 float32 values in [-8, 8] (tools/golden/gelu_large.py): large enough for the kernels. */
const fixture = JSON.parse(readFileSync(new URL('./fixtures/gelu_large.json', import.meta.url), 'utf8')) as {
  x: number[];
  w: number[];
  out: number[];
  grad: number[];
};

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));

describe('gelu on a large tensor, against PyTorch', () => {
  for (const backend of torch.availableKernelBackends()) {
    it(`matches PyTorch's output and input gradient on the ${backend} backend`, () => {
      torch.setKernelBackend(backend);
      const x = torch.tensor(fixture.x, { dtype: 'float32', requiresGrad: true });
      const y = nn.functional.gelu(x);
      y.mul(torch.tensor(fixture.w, { dtype: 'float32' }))
        .sum()
        .backward();
      const out = y.toArray();
      const grad = (x.grad as torch.Tensor).toArray();
      for (let i = 0; i < out.length; i++) {
        expect(Math.abs(out[i] - fixture.out[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fixture.out[i])));
        expect(Math.abs(grad[i] - fixture.grad[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fixture.grad[i])));
      }
    });
  }
});

/** x Φ(x) and Φ(x) + x φ(x) far in the negative tail, from erfc (Python's math.erfc, the C library's). */
const TAIL = {
  x: [-9, -8, -7],
  out: [-1.015729565358458e-18, -4.9767684594174555e-15, -8.958687807200846e-12],
  grad: [-9.13893737390664e-18, -3.979607261086796e-14, -6.266323031466633e-11],
};

describe("gelu's negative tail, where x (1 + erf(x/√2)) / 2 cancels", () => {
  for (const backend of torch.availableKernelBackends()) {
    it(`keeps its digits on the ${backend} backend (float64)`, () => {
      torch.setKernelBackend(backend);
      // 128 copies: large enough for the backends' kernels, not only the scalar path.
      const x = torch.tensor(TAIL.x, { dtype: 'float64' }).repeat(128).requiresGrad_();
      const y = nn.functional.gelu(x);
      y.sum().backward();
      const out = y.toArray();
      const grad = (x.grad as torch.Tensor).toArray();
      for (let i = 0; i < out.length; i++) {
        const k = i % TAIL.x.length;
        expect(Math.abs(out[i] / TAIL.out[k] - 1)).toBeLessThan(1e-12);
        expect(Math.abs(grad[i] / TAIL.grad[k] - 1)).toBeLessThan(1e-12);
      }
    });
  }
});
