/**
 * nn.utils.weightNorm and removeWeightNorm against what PyTorch 1.13 printed for the same weights: parameters and
 * state-dict keys, the weight recomputed before each forward, outputs, the gradients of g and v (through
 * WeightNormInterfaceBackward0), the whole-tensor norm for dim null, and PyTorch's errors.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { INPUT, LOSS_WEIGHTS, closeTo as close, fixedLinear } from './helpers/reparametrized.js';

describe('nn.utils.weightNorm', () => {
  it('re-expresses the weight as g · v / ‖v‖, recomputed before each forward, with PyTorch values and gradients', () => {
    const linear = fixedLinear();
    const m = nn.utils.weightNorm(linear);
    expect(Object.keys(m.stateDict())).toEqual(['bias', 'weight_g', 'weight_v']);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['bias', 'weight_g', 'weight_v']);
    expect(m.weight_g.shape).toEqual([2, 1]);
    expect(m.weight.gradFn?.name()).toBe('WeightNormInterfaceBackward0');
    const x = INPUT();
    close(m.forward(x), [4.599999904632568, -0.44999998807907104, 3.0999999046325684, -3.075000047683716]);
    torch.noGrad(() => m.weight_g.mul_(2));
    const y = m.forward(x);
    close(y, [9.100000381469727, -0.699999988079071, 6.099999904632568, -5.949999809265137]);
    y.mul(LOSS_WEIGHTS()).sum().backward();
    close(m.weight_g.grad as torch.Tensor, [2.618614673614502, -4.791863441467285]);
    close(
      m.weight_v.grad as torch.Tensor,
      [
        -0.14285707473754883, 6.785714149475098, 3.4285717010498047, -1.5217397212982178, -3.58695650100708,
        -4.239130020141602,
      ],
    );
  });

  it('normalises the whole tensor for dim null, refuses a second hook and removes itself', () => {
    const conv = new nn.Conv1d(2, 2, 2);
    torch.noGrad(() => conv.weight.copy_(torch.arange(8, { dtype: 'float32' }).reshape([2, 2, 2]).sub(3)));
    const c = nn.utils.weightNorm(conv, 'weight', null);
    expect(c.weight_g.shape).toEqual([]);
    expect(c.weight_g.item()).toBeCloseTo(6.633249759674072, 5);
    expect(c.weight.gradFn?.name()).toBe('MulBackward0');
    expect(() => nn.utils.weightNorm(c)).toThrow(
      new torch.RuntimeError('Cannot register two weight_norm hooks on the same parameter weight'),
    );
    nn.utils.removeWeightNorm(c);
    expect(c.namedParameters().map(([n]) => n)).toEqual(['bias', 'weight']);
    torch.testing.assertClose(c.weight, torch.arange(8, { dtype: 'float32' }).reshape([2, 2, 2]).sub(3));
    expect(() => nn.utils.removeWeightNorm(c)).toThrow("weight_norm of 'weight' not found in Conv1d(");
  });
});
