/**
 * nn.utils.rnn.padSequence against what PyTorch 1.13's pad_sequence printed for the same sequences: values
 * (sequence-first and batch-first, a padding value), the CopySlices graph and the gradient of every sequence.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';

describe('nn.utils.rnn.padSequence', () => {
  it('pads and stacks as PyTorch, and sends each gradient back to its sequence', () => {
    const a = torch.tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { dtype: 'float32', requiresGrad: true },
    );
    const b = torch.tensor([[7, 8]], { dtype: 'float32', requiresGrad: true });
    const c = torch.tensor(
      [
        [9, 10],
        [11, 12],
      ],
      { dtype: 'float32', requiresGrad: true },
    );
    const y = nn.utils.rnn.padSequence([a, b, c], { paddingValue: -1 });
    expect(y.shape).toEqual([3, 3, 2]);
    expect(y.gradFn?.name()).toBe('CopySlices');
    expect(y.flatten().tolist()).toEqual([1, 2, 7, 8, 9, 10, 3, 4, -1, -1, 11, 12, 5, 6, -1, -1, -1, -1]);
    y.mul(torch.arange(18, { dtype: 'float32' }).reshape([3, 3, 2]))
      .sum()
      .backward();
    expect(a.grad?.flatten().tolist()).toEqual([0, 1, 6, 7, 12, 13]);
    expect(b.grad?.flatten().tolist()).toEqual([2, 3]);
    expect(c.grad?.flatten().tolist()).toEqual([4, 5, 10, 11]);
    const z = nn.utils.rnn.padSequence([a, b, c], { batchFirst: true });
    expect(z.flatten().tolist()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 9, 10, 11, 12, 0, 0]);
    expect(() => nn.utils.rnn.padSequence([])).toThrow(new torch.RuntimeError('received an empty list of sequences'));
  });
});
