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
