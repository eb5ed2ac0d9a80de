import { readFileSync } from 'node:fs';
import { afterAll, describe, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { decode, type Value } from '../../core/test/helpers/golden.js';
import { expectSameBits } from './helpers/aten-values.js';

/**
 * PyTorch 1.13's layer norm on one thread, forward and backward (tools/golden/layer_norm.py): the row moments of its
 * Welford cascade, its fused multiply-adds and its vector lanes, so every value is PyTorch's to the last bit.
 */
interface Case {
  dtype: 'float32' | 'float64';
  shape: number[];
  normalized: number[];
  x: Value[];
  dy: Value[];
  y: Value[];
  grad: Value[];
  weight?: Value[];
  bias?: Value[];
  gradWeight?: Value[];
  gradBias?: Value[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/layer_norm.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));

describe('layer norm against PyTorch, bit for bit', () => {
  for (const backend of torch.availableKernelBackends()) {
    it(`values and the gradients of input, weight and bias, rows of 1 to 4,500, float32 and float64 (${backend})`, () => {
      torch.setKernelBackend(backend);
      for (const c of fixture.cases) {
        const what = `${c.dtype} ${JSON.stringify(c.shape)} over ${JSON.stringify(c.normalized)}`;
        const tensor = (v: Value[], shape: number[]) =>
          torch.tensor(v.map(decode), { dtype: c.dtype }).reshape(shape).requiresGrad_();
        const x = tensor(c.x, c.shape);
        const weight = c.weight === undefined ? null : tensor(c.weight, c.normalized);
        const bias = c.bias === undefined ? null : tensor(c.bias, c.normalized);
        const y = nn.functional.layerNorm(x, c.normalized, weight, bias);
        y.backward(torch.tensor(c.dy.map(decode), { dtype: c.dtype }).reshape(c.shape));
        expectSameBits(y.toArray(), c.y, `${what}: output`);
        expectSameBits((x.grad as torch.Tensor).toArray(), c.grad, `${what}: input's gradient`);
        if (weight !== null)
          expectSameBits((weight.grad as torch.Tensor).toArray(), c.gradWeight, `${what}: weight's gradient`);
        if (bias !== null)
          expectSameBits((bias.grad as torch.Tensor).toArray(), c.gradBias, `${what}: bias's gradient`);
      }
    });
  }
});
