/**
 * nn.Unfold and nn.Fold as PyTorch 1.13 prints and runs them (F.unfold's and F.fold's values and gradients are
 * checked against PyTorch in functional.test.ts): reprs, the positional order, and fold as unfold's adjoint.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';

describe('nn.Unfold and nn.Fold', () => {
  it('print as PyTorch prints them, the sizes as given', () => {
    expect(String(new nn.Unfold([2, 3]))).toBe('Unfold(kernel_size=(2, 3), dilation=1, padding=0, stride=1)');
    expect(String(new nn.Unfold(2, 1, 0, 1))).toBe('Unfold(kernel_size=2, dilation=1, padding=0, stride=1)');
    expect(String(new nn.Fold([4, 5], 2, { dilation: 2, stride: [1, 2] }))).toBe(
      'Fold(output_size=(4, 5), kernel_size=2, dilation=2, padding=0, stride=(1, 2))',
    );
  });

  it('fold is the adjoint of unfold: <unfold(x), y> = <x, fold(y)>', () => {
    torch.manualSeed(0);
    const x = torch.randn(2, 3, 5, 6, { dtype: 'float64' });
    const unfold = new nn.Unfold([2, 3], { dilation: [1, 2], padding: 1, stride: [2, 1] });
    const cols = unfold.forward(x);
    const y = torch.randn(cols.shape, { dtype: 'float64' });
    const back = new nn.Fold([5, 6], [2, 3], [1, 2], 1, [2, 1]).forward(y);
    torch.testing.assertClose(cols.mul(y).sum(), x.mul(back).sum());
  });
});
