/**
 * `repeat` and `tile` return a tensor of their own, as PyTorch's do, even when every dim is repeated once: writing
 * into the result leaves the input alone, and a view that starts inside its storage is read from where it starts.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

describe('repeat and tile copy', () => {
  it('repeating every dim once gives a copy, not an alias', () => {
    const x = torch.tensor([1, 2, 3], { dtype: 'float32' });
    for (const y of [x.repeat(1), x.repeat([1]), x.tile([1]), x.repeat(1, 1)]) {
      y.add_(10);
      expect(x.toArray()).toEqual(Float32Array.from([1, 2, 3]));
    }
  });

  it('reads a view that starts inside its storage from its first element', () => {
    const base = torch.arange(12, { dtype: 'float32' });
    const view = base.narrow(0, 4, 3);
    expect(Array.from(view.repeat(1).toArray())).toEqual([4, 5, 6]);
    expect(Array.from(view.repeat(2).toArray())).toEqual([4, 5, 6, 4, 5, 6]);
    expect(Array.from(base.view(3, 4).narrow(0, 1, 1).repeat(1, 1).toArray())).toEqual([4, 5, 6, 7]);
    const y = view.repeat(1);
    y.zero_();
    expect(Array.from(view.toArray())).toEqual([4, 5, 6]);
  });
});
