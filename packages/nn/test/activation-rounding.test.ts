import { readFileSync } from 'node:fs';
import { afterAll, describe, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { decode, type Value } from '../../core/test/helpers/golden.js';
import { expectAtenValues } from './helpers/aten-values.js';

/**
 * PyTorch 1.13's activations whose float steps its kernels round one by one (tools/golden/activation_rounding.py):
 * their values and input gradients over a contiguous tensor, against PyTorch's.
 */
interface DTypeCases {
  x: Value[];
  dy: Value[];
  ops: Record<string, { y: Value[]; grad: Value[] }>;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/activation_rounding.json', import.meta.url), 'utf8'),
) as Record<'float32' | 'float64', DTypeCases>;

const F = nn.functional;
const OPS: Record<string, (x: torch.Tensor) => torch.Tensor> = {
  sigmoid: (x) => x.sigmoid(),
  elu: (x) => F.elu(x),
  selu: (x) => F.selu(x),
  celu: (x) => F.celu(x, { alpha: 0.5 }),
  silu: (x) => F.silu(x),
  softplus: (x) => F.softplus(x, { beta: 2, threshold: 10 }),
  mish: (x) => F.mish(x),
  hardsigmoid: (x) => F.hardsigmoid(x),
  hardswish: (x) => F.hardswish(x),
  logsigmoid: (x) => F.logsigmoid(x),
};

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));

describe("activations with ATen's float32 and float64 steps, against PyTorch", () => {
  for (const backend of torch.availableKernelBackends()) {
    it(`values and input gradients (${backend})`, () => {
      torch.setKernelBackend(backend);
      for (const dtype of ['float32', 'float64'] as const) {
        const c = fixture[dtype];
        const xs = c.x.map(decode);
        for (const [name, op] of Object.entries(OPS)) {
          const x = torch.tensor(xs, { dtype, requiresGrad: true });
          const y = op(x);
          y.backward(torch.tensor(c.dy.map(decode), { dtype }));
          const expected = c.ops[name];
          // float64 mish chains three library functions (exp, log1p, tanh), V8's against SLEEF's: a quarter of its
          // values differ in the last bits; the rest agree with more than nine values in ten.
          const share = name === 'mish' && dtype === 'float64' ? 0.7 : 0.9;
          expectAtenValues(y.toArray(), expected.y.map(decode), xs, dtype, `${name} ${dtype}`, share);
          expectAtenValues(
            (x.grad as torch.Tensor).toArray(),
            expected.grad.map(decode),
            xs,
            dtype,
            `${name}'s gradient ${dtype}`,
            share,
          );
        }
      }
    });
  }
});
