import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

/**
 * Matrix products over operands whose layout BLAS cannot describe directly: expanded (stride 0) rows or
 * columns, and overlapping views. Each result is compared with the same product of contiguous copies, and the
 * cases PyTorch users met are checked against PyTorch's printed values.
 */
describe('matmul with expanded and other non-contiguous operands', () => {
  it('ones(1, 1).expand(1, 6).t().mm(...) gives six rows [1., 2.] as in PyTorch', () => {
    const a = torch.ones(1, 1).expand(1, 6).t();
    const out = a.mm(torch.tensor([[1, 2]], { dtype: 'float32' }));
    expect(out.tolist()).toEqual(Array.from({ length: 6 }, () => [1, 2]));
  });

  it('expand(6, 1) @ [1, 2] and [2, 6] @ expand(6, 1)', () => {
    const col = torch.tensor([[3]], { dtype: 'float32' }).expand(6, 1);
    expect(col.matmul(torch.tensor([[1, 2]], { dtype: 'float32' })).tolist()).toEqual(
      Array.from({ length: 6 }, () => [3, 6]),
    );
    const rows = torch.tensor(
      [
        [1, 2, 3, 4, 5, 6],
        [1, 1, 1, 1, 1, 1],
      ],
      { dtype: 'float32' },
    );
    // PyTorch: tensor([[63.], [18.]])
    expect(rows.matmul(col).tolist()).toEqual([[63], [18]]);
  });

  it('matches contiguous copies for every stride-0 and overlapping layout', () => {
    torch.manualSeed(3);
    const cases: [torch.Tensor, torch.Tensor][] = [
      [torch.randn(1, 5).expand(4, 5), torch.randn(5, 3)],
      [torch.randn(4, 1).expand(4, 5), torch.randn(5, 3)],
      [torch.randn(4, 5), torch.randn(1, 3).expand(5, 3)],
      [torch.randn(4, 5), torch.randn(5, 1).expand(5, 3)],
      [torch.randn(1, 1).expand(7, 9), torch.randn(1, 1).expand(9, 8)],
      [torch.randn(5, 1).expand(5, 4).t(), torch.randn(5, 2, { dtype: 'float32' })],
      [torch.randn(8, 1, { dtype: 'float64' }).expand(8, 16), torch.randn(16, 1, { dtype: 'float64' }).expand(16, 12)],
    ];
    for (const [a, b] of cases) {
      const expected = a.contiguous().mm(b.contiguous());
      const got = a.mm(b);
      expect(got.isnan().sum().item()).toBe(0);
      expect(got.sub(expected).abs().max().item()).toBeLessThan(1e-5);
    }
  });

  it('bmm and batched matmul over expanded batches and rows', () => {
    torch.manualSeed(4);
    const a = torch.randn(1, 1, 6).expand(3, 4, 6);
    const b = torch.randn(3, 6, 2);
    const expected = a.contiguous().bmm(b);
    expect(a.bmm(b).sub(expected).abs().max().item()).toBeLessThan(1e-5);
    const c = torch.randn(2, 1, 5, 1).expand(2, 3, 5, 4);
    const d = torch.randn(4, 1).expand(4, 3);
    expect(c.matmul(d).sub(c.contiguous().matmul(d.contiguous())).abs().max().item()).toBeLessThan(1e-5);
  });

  it('a Linear layer on a batch of 1 gets a finite weight gradient (the expanded gradient of sum())', () => {
    torch.manualSeed(5);
    const x = torch.randn(1, 784);
    const w = torch.randn(512, 784, { requiresGrad: true });
    x.matmul(w.t()).sum().backward();
    const g = w.grad as torch.Tensor;
    expect(g.isnan().sum().item()).toBe(0);
    // d/dW sum(x W^T) = ones(1, 512)^T x: every row equals x.
    expect(g.sub(x.expand(512, 784)).abs().max().item()).toBe(0);
  });

  it("gives a column-major operand's gradient in its own layout, as PyTorch's mm_mat1/mat2_backward do", () => {
    // PyTorch 1.13 hooks see strides (1, 2), (1, 4) and (2, 1): a transposed weight gets a transposed gradient,
    // so the transpose's backward hands the weight a contiguous one.
    const strides: Record<string, number[]> = {};
    const w = torch.randn(3, 2, { requiresGrad: true });
    const b = w.t();
    b.registerHook((g) => void (strides.mat2 = g.stride()));
    torch.randn(4, 2).mm(b).sum().backward();
    const a = torch.randn(2, 4, { requiresGrad: true });
    const at = a.t();
    at.registerHook((g) => void (strides.addmm = g.stride()));
    torch.addmm(torch.zeros(3), at, torch.randn(2, 3)).sum().backward();
    const c = torch.randn(4, 2, { requiresGrad: true });
    c.registerHook((g) => void (strides.rowMajor = g.stride()));
    torch.mm(c, torch.randn(2, 3)).sum().backward();
    expect(strides).toEqual({ mat2: [1, 2], addmm: [1, 4], rowMajor: [2, 1] });
    expect(w.grad?.isContiguous()).toBe(true);
  });
});
