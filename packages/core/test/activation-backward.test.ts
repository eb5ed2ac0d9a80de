import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { sigmoidBackward, tanhBackward } from '../src/ops/activation.js';

type Values = (number | string)[];
interface Case {
  grad: Values;
  tanh: number[];
  tanh_backward: Values;
  sigmoid: number[];
  sigmoid_backward: Values;
}
/** PyTorch 1.13's tanh_backward and sigmoid_backward on 2,053 (grad, output) pairs per dtype (tools/golden/activation_backward.py). */
const fixture = JSON.parse(readFileSync(new URL('./fixtures/activation_backward.json', import.meta.url), 'utf8')) as {
  cases: Record<'float32' | 'float64', Case>;
};
const num = (v: number | string): number => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity')));

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));

describe("tanh's and sigmoid's backward ops, bit for bit with PyTorch", () => {
  for (const backend of torch.availableKernelBackends()) {
    for (const dtype of ['float32', 'float64'] as const) {
      const c = fixture.cases[dtype];
      const grad = torch.tensor(c.grad.map(num), { dtype });
      for (const [name, op, output, expected] of [
        ['tanh', tanhBackward, c.tanh, c.tanh_backward],
        ['sigmoid', sigmoidBackward, c.sigmoid, c.sigmoid_backward],
      ] as const) {
        it(`${name} on ${dtype}, the ${backend} backend, whole tensor and a small slice`, () => {
          torch.setKernelBackend(backend);
          const y = torch.tensor(output, { dtype });
          const want = expected.map(num);
          expect(Array.from(op(grad, y).toArray())).toEqual(want);
          // 37 values stay in the ops' own loops, below the size worth a backend call.
          expect(Array.from(op(grad.narrow(0, 0, 37), y.narrow(0, 0, 37)).toArray())).toEqual(want.slice(0, 37));
          // A strided gradient takes the broadcast walker.
          const every2 = op(
            grad.narrow(0, 0, 2052).view(1026, 2).select(1, 0),
            y.narrow(0, 0, 2052).view(1026, 2).select(1, 0),
          );
          expect(Array.from(every2.toArray())).toEqual(want.filter((_, i) => i % 2 === 0 && i < 2052));
        });
      }
    }
  }

  it('records the backward ops for double backward, with PyTorch’s node names and values', () => {
    // PyTorch 1.13, float64 x = [0.3, -1.2]: grad of x.tanh().sum() with create_graph has grad_fn
    // TanhBackwardBackward0 (SigmoidBackwardBackward0 for sigmoid); the second derivatives are below.
    const x = torch.tensor([0.3, -1.2], { dtype: 'float64', requiresGrad: true });
    const g = torch.autograd.grad(x.tanh().sum(), x, { createGraph: true })[0] as torch.Tensor;
    expect(g.gradFn?.name()).toBe('TanhBackwardBackward0');
    expect(Array.from((torch.autograd.grad(g.sum(), x)[0] as torch.Tensor).toArray())).toEqual([
      -0.5331818782014544, 0.5085626501382733,
    ]);
    const s = torch.autograd.grad(x.sigmoid().sum(), x, { createGraph: true })[0] as torch.Tensor;
    expect(s.gradFn?.name()).toBe('SigmoidBackwardBackward0');
    expect(Array.from((torch.autograd.grad(s.sum(), x)[0] as torch.Tensor).toArray())).toEqual([
      -0.03639618395557626, 0.0955381323207247,
    ]);
  });
});
