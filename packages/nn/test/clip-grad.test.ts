import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';

/** nn.utils.clip_grad_norm_ and clip_grad_value_: PyTorch 1.13's norms, clipped gradients and messages. */
function parameters(): torch.Tensor[] {
  const a = torch.zeros([2, 3], { requiresGrad: true });
  const b = torch.zeros([3], { requiresGrad: true });
  a.grad = torch.tensor([
    [0.5, -1.5, 2.0],
    [1.0, 0.25, -3.0],
  ]);
  b.grad = torch.tensor([4.0, -0.5, 0.75]);
  return [a, b];
}

const grads = (ps: torch.Tensor[]): unknown[] => ps.map((p) => p.grad?.tolist());

describe('nn.utils gradient clipping', () => {
  it('scales the gradients to the norm asked for, and returns the norm before', () => {
    // torch.nn.utils.clip_grad_norm_(p, 1.0), (p, 1.0, 1), (p, 2.0, inf), (p, 100.0)
    const cases: [unknown[], number, unknown[]][] = [
      [
        [1.0],
        5.7771100997924805,
        [
          [
            [0.08654844760894775, -0.25964534282684326, 0.346193790435791],
            [0.1730968952178955, 0.04327422380447388, -0.5192906856536865],
          ],
          [0.692387580871582, -0.08654844760894775, 0.12982267141342163],
        ],
      ],
      [
        [1.0, 1],
        13.5,
        [
          [
            [0.03703703358769417, -0.1111111044883728, 0.14814813435077667],
            [0.07407406717538834, 0.018518516793847084, -0.2222222089767456],
          ],
          [0.29629626870155334, -0.03703703358769417, 0.0555555522441864],
        ],
      ],
      [
        [2.0, Infinity],
        4.0,
        [
          [
            [0.24999994039535522, -0.7499998211860657, 0.9999997615814209],
            [0.49999988079071045, 0.12499997019767761, -1.4999996423721313],
          ],
          [1.9999995231628418, -0.24999994039535522, 0.37499991059303284],
        ],
      ],
      [[100.0], 5.7771100997924805, grads(parameters())],
    ];
    const clip = nn.utils.clipGradNorm_ as (p: torch.Tensor[], ...args: unknown[]) => torch.Tensor;
    for (const [args, norm, clipped] of cases) {
      const ps = parameters();
      expect(clip(ps, ...args).item(), JSON.stringify(args)).toBe(norm);
      expect(grads(ps), JSON.stringify(args)).toEqual(clipped);
    }
    const ps = parameters();
    nn.utils.clipGradNorm_(ps, 1.0, { normType: 1 });
    expect(grads(ps)).toEqual(cases[1][2]);
  });

  it('refuses a non-finite norm when asked to, and clips values', () => {
    const ps = parameters();
    (ps[1].grad as torch.Tensor).fill_(NaN);
    expect(() => nn.utils.clipGradNorm_(ps, 1.0, 2, true)).toThrow(
      new torch.RuntimeError(
        'The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`',
      ),
    );
    const qs = parameters();
    nn.utils.clipGradValue_(qs, 0.6);
    expect(grads(qs)).toEqual([
      [
        [0.5, -0.6000000238418579, 0.6000000238418579],
        [0.6000000238418579, 0.25, -0.6000000238418579],
      ],
      [0.6000000238418579, -0.5, 0.6000000238418579],
    ]);
  });
});
