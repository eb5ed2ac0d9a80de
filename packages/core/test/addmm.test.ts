import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

/**
 * torch.addmm (Linear's forward): beta * input + alpha * (mat1 @ mat2), input broadcast to the product. The values
 * are PyTorch 1.13's for the same integer-valued operands (exact in float32, so any summation order agrees).
 */
describe('addmm', () => {
  const mat1 = () =>
    torch.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float32' },
    );
  const mat2 = () =>
    torch.tensor(
      [
        [1, 0, 2],
        [0, 1, 3],
      ],
      { dtype: 'float32' },
    );
  const row = () => torch.tensor([1, 2, 3], { dtype: 'float32' });

  it('adds a row of bias, a column of bias or a whole matrix', () => {
    expect(torch.addmm(row(), mat1(), mat2()).tolist()).toEqual([
      [2, 4, 11],
      [4, 6, 21],
    ]);
    expect(torch.addmm(torch.tensor([[10], [20]], { dtype: 'float32' }), mat1(), mat2()).tolist()).toEqual([
      [11, 12, 18],
      [23, 24, 38],
    ]);
    const full = torch.tensor(
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
      { dtype: 'float32' },
    );
    expect(torch.addmm(full, mat1(), mat2()).tolist()).toEqual([
      [2, 3, 9],
      [5, 6, 20],
    ]);
  });

  it('scales by alpha and beta, and with beta = 0 ignores input, NaN included', () => {
    expect(torch.addmm(row(), mat1(), mat2(), { beta: 0.5, alpha: 2 }).tolist()).toEqual([
      [2.5, 5, 17.5],
      [6.5, 9, 37.5],
    ]);
    const nan = torch.full([3], NaN);
    expect(torch.addmm(nan, mat1(), mat2(), { beta: 0 }).tolist()).toEqual([
      [1, 2, 8],
      [3, 4, 18],
    ]);
  });

  it('leaves its input untouched and returns a tensor of its own', () => {
    const input = torch.tensor(
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
      { dtype: 'float32' },
    );
    const out = torch.addmm(input, mat1(), mat2(), { beta: 0 });
    out.add_(100);
    expect(input.tolist()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(torch.addmm(input, mat1(), mat2()).tolist()).toEqual([
      [2, 3, 9],
      [5, 6, 20],
    ]);
  });

  it('gives PyTorch gradients for input, mat1 and mat2', () => {
    const input = row().requiresGrad_();
    const a = mat1().requiresGrad_();
    const b = mat2().requiresGrad_();
    torch.addmm(input, a, b, { beta: 0.5, alpha: 2 }).pow(2).sum().backward();
    expect(input.grad?.tolist()).toEqual([9, 14, 55]);
    expect(a.grad?.tolist()).toEqual([
      [150, 230],
      [326, 486],
    ]);
    expect(b.grad?.tolist()).toEqual([
      [88, 128, 520],
      [124, 184, 740],
    ]);
  });

  it("throws PyTorch's errors for mixed dtypes", () => {
    const f64 = (t: torch.Tensor) => t.double();
    expect(() => torch.addmm(f64(row()), mat1(), mat2())).toThrow('self and mat2 must have the same dtype');
    expect(() => torch.addmm(row(), mat1(), f64(mat2()))).toThrow('self and mat2 must have the same dtype');
    expect(() => torch.addmm(row(), f64(mat1()), mat2())).toThrow('mat1 and mat2 must have the same dtype');
    expect(() => torch.addmm(row().long(), mat1(), mat2())).toThrow('self and mat2 must have the same dtype');
  });
});
