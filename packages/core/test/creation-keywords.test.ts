import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

/** Creation functions' keyword arguments as Python takes them: PyTorch 1.13's values and messages. */
describe('creation keywords', () => {
  it('arange takes its bounds and step by name after the positional ones, as Python does', () => {
    // torch.arange(0, 10, step=3), torch.arange(end=5), torch.arange(1, end=4), torch.arange(end=2.5)
    expect(torch.arange(0, 10, { step: 3 }).tolist()).toEqual([0, 3, 6, 9]);
    expect(torch.arange({ end: 5 }).tolist()).toEqual([0, 1, 2, 3, 4]);
    expect(torch.arange(1, { end: 4 }).tolist()).toEqual([1, 2, 3]);
    const f = torch.arange({ end: 2.5 });
    expect([f.dtype, f.tolist()]).toEqual(['float32', [0, 1, 2]]);
    // torch.arange(5, step=2) and torch.arange(0, 10, 3, step=2) match no overload
    const expected = (got: string) =>
      new torch.TorchTypeError(
        `arange() received an invalid combination of arguments - got (${got}), but expected (end), (start, end) or (start, end, step) numbers`,
      );
    expect(() => torch.arange(5, { step: 2 })).toThrow(expected('int, step=int'));
    expect(() => torch.arange(0, 10, 3, { step: 2 })).toThrow(expected('int, int, int, step=int'));
  });

  it("refuses an option in Python's spelling instead of ignoring it", () => {
    const untyped = torch.ones as unknown as (...args: unknown[]) => torch.Tensor;
    expect(() => untyped([2], { requires_grad: true })).toThrow(
      new torch.TorchTypeError("Unexpected keyword argument 'requires_grad': Kindling spells it 'requiresGrad'"),
    );
    expect(torch.ones([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });
});
