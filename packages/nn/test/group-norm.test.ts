import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { decode, type Value } from '../../core/test/helpers/golden.js';
import { expectSameBits } from './helpers/aten-values.js';

/**
 * PyTorch 1.13's group norm, forward and backward (tools/golden/group_norm.py): layer norm's Welford moments over each
 * group, then its kernel's scale, bias and fused multiply-add; its backward's lane sums and contractions. Every value
 * is PyTorch's to the last bit.
 */
interface Case {
  dtype: 'float32' | 'float64';
  shape: number[];
  groups: number;
  x: Value[];
  y: Value[];
  /** Absent where PyTorch 1.13's backward fails (a bias without a weight). */
  dy?: Value[];
  grad?: Value[];
  weight?: Value[];
  bias?: Value[];
  gradWeight?: Value[];
  gradBias?: Value[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/group_norm.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

describe('group norm against PyTorch, bit for bit', () => {
  it('values and the gradients of input, weight and bias, [N, C] to [N, C, H, W], float32 and float64', () => {
    for (const c of fixture.cases) {
      const tensor = (v: Value[], shape: number[]) => torch.tensor(v.map(decode), { dtype: c.dtype }).reshape(shape);
      const channels = [c.shape[1]];
      const x = tensor(c.x, c.shape).requiresGrad_();
      const weight = c.weight ? tensor(c.weight, channels).requiresGrad_() : null;
      const bias = c.bias ? tensor(c.bias, channels).requiresGrad_() : null;
      const y = nn.functional.groupNorm(x, c.groups, weight, bias);
      const what = `${c.dtype} ${JSON.stringify(c.shape)} in ${c.groups} groups${weight ? ' weight' : ''}${bias ? ' bias' : ''}`;
      expectSameBits(y.toArray(), c.y, `${what}: output`);
      if (c.dy === undefined) continue;
      y.backward(tensor(c.dy, c.shape));
      expectSameBits((x.grad as torch.Tensor).toArray(), c.grad, `${what}: input's gradient`);
      if (weight) expectSameBits((weight.grad as torch.Tensor).toArray(), c.gradWeight, `${what}: weight's gradient`);
      if (bias) expectSameBits((bias.grad as torch.Tensor).toArray(), c.gradBias, `${what}: bias's gradient`);
    }
  });
});
