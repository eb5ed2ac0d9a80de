import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

describe('torch.equal', () => {
  it("gives PyTorch 1.13's answers", () => {
    // torch.equal(...) in PyTorch 1.13: True, False, False, True, False, True.
    expect(torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2], { dtype: 'float32' }))).toBe(true);
    expect(torch.equal(torch.tensor([1.5, 2]), torch.tensor([1.5, 2, 3]))).toBe(false);
    expect(torch.tensor([NaN]).equal(torch.tensor([NaN]))).toBe(false);
    expect(torch.tensor([0.0]).equal(torch.tensor([-0.0]))).toBe(true);
    expect(torch.ones(2, 1).equal(torch.ones(2))).toBe(false);
    expect(torch.ones(2).equal(torch.ones(1).expand(2))).toBe(true);
  });

  it("refuses a non-tensor with PyTorch's TypeError", () => {
    expect(() => torch.equal(torch.ones(2), 3 as unknown as torch.Tensor)).toThrow(
      new torch.TorchTypeError("equal(): argument 'other' (position 2) must be Tensor, not int"),
    );
  });
});
