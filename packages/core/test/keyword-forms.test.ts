/**
 * The options-object spellings of PyTorch's keyword arguments for ops whose golden cases call them positionally:
 * the same results, the values PyTorch 1.13 printed.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

describe('keyword forms', () => {
  it("searchsorted's side, and its conflict with right", () => {
    const seq = torch.tensor([1, 3, 5, 7], { dtype: 'float32' });
    const values = torch.tensor([3, 6, 9, 0], { dtype: 'float32' });
    // torch.searchsorted(seq, values, side='right') → tensor([2, 3, 4, 0])
    expect(torch.searchsorted(seq, values, { side: 'right' }).tolist()).toEqual([2, 3, 4, 0]);
    expect(torch.searchsorted(seq, values, { side: 'left' }).tolist()).toEqual([1, 3, 4, 0]);
    expect(() => torch.searchsorted(seq, values, { side: 'left', right: true })).toThrow(
      "torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True",
    );
  });

  it('diagonal({ offset, dim1, dim2 }) is diagonal(offset, dim1, dim2)', () => {
    const x = torch.arange(24).reshape(2, 3, 4);
    // x.diagonal(offset=1, dim1=2, dim2=1) → tensor([[ 4,  9], [16, 21]])
    expect(x.diagonal({ offset: 1, dim1: 2, dim2: 1 }).tolist()).toEqual([
      [4, 9],
      [16, 21],
    ]);
    expect(torch.equal(x.diagonal({ offset: 1, dim1: 2, dim2: 1 }), x.diagonal(1, 2, 1))).toBe(true);
  });
});
