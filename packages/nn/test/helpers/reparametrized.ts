/** What the weight- and spectral-norm tests share: a Linear with the weights PyTorch was given, and a close check. */
import * as torch from '@kindling/core';
import { nn, type Linear } from '@kindling/nn';

/** nn.Linear(3, 2) with the weight and bias the PyTorch scripts set. */
export function fixedLinear(): Linear {
  const linear = new nn.Linear(3, 2);
  torch.noGrad(() => {
    linear.weight.copy_(
      torch.tensor([
        [0.5, -1, 2],
        [1.5, 0.25, -0.75],
      ]),
    );
    linear.bias?.copy_(torch.tensor([0.1, -0.2]));
  });
  return linear;
}

/** The input both tests feed, and the weights of their loss. */
export const INPUT = (): torch.Tensor =>
  torch.tensor([
    [1, 2, 3],
    [-1, 0.5, 2],
  ]);
export const LOSS_WEIGHTS = (): torch.Tensor =>
  torch.tensor([
    [1, -2],
    [0.5, 3],
  ]);

/** `t`'s values within float32 rounding of PyTorch's. */
export function closeTo(t: torch.Tensor, expected: number[]): void {
  torch.testing.assertClose(t.flatten(), torch.tensor(expected, { dtype: 'float32' }), { rtol: 1e-5, atol: 1e-6 });
}
