import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { decode, type Value } from '../../core/test/helpers/golden.js';
import { expectSameBits } from './helpers/aten-values.js';

/**
 * PyTorch 1.13's group norm forward (tools/golden/group_norm.py): layer norm's Welford moments over each group,
 * then its kernel's scale, bias and fused multiply-add, so every value is PyTorch's to the last bit.
 */
interface Case {
  dtype: 'float32' | 'float64';
  shape: number[];
  groups: number;
  x: Value[];
  y: Value[];
  weight?: Value[];
  bias?: Value[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/group_norm.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

describe('group norm against PyTorch, bit for bit', () => {
  it('values over [N, C] and [N, C, H, W], with and without weight and bias, float32 and float64', () => {
    for (const c of fixture.cases) {
      const tensor = (v: Value[], shape: number[]) => torch.tensor(v.map(decode), { dtype: c.dtype }).reshape(shape);
      const channels = [c.shape[1]];
      const weight = c.weight ? tensor(c.weight, channels) : null;
      const bias = c.bias ? tensor(c.bias, channels) : null;
      const y = nn.functional.groupNorm(tensor(c.x, c.shape), c.groups, weight, bias);
      const what = `${c.dtype} ${JSON.stringify(c.shape)} in ${c.groups} groups${weight ? ' weight' : ''}${bias ? ' bias' : ''}`;
      expectSameBits(y.toArray(), c.y, what);
    }
  });
});
