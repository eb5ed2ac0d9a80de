import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

/**
 * A leaf's first gradient is kept as it is when nothing else holds it (PyTorch's AccumulateGrad steals it); these
 * are the cases where something does, and where keeping it would let a later in-place accumulation or a user's
 * edit change another tensor.
 */
describe('AccumulateGrad keeps only gradients nobody else holds', () => {
  it('a + b: both leaves get the same gradient object from AddBackward, and each keeps its own copy', () => {
    const a = torch.zeros([3], { requiresGrad: true });
    const b = torch.zeros([3], { requiresGrad: true });
    const ones = torch.ones([3]);
    a.add(b).mul(ones).sum().backward();
    a.add(b).mul(ones).mul(2).sum().backward();
    expect(a.grad?.tolist()).toEqual([3, 3, 3]);
    expect(b.grad?.tolist()).toEqual([3, 3, 3]);
    (a.grad as torch.Tensor).add_(1);
    expect(b.grad?.tolist()).toEqual([3, 3, 3]);
  });

  it('a gradient given to backward() and passed through a view is copied, so editing it later changes nothing', () => {
    const x = torch.zeros([2, 2], { requiresGrad: true });
    const g = torch.ones([4]);
    x.view(4).backward(g);
    g.fill_(5);
    expect(x.grad?.tolist()).toEqual([
      [1, 1],
      [1, 1],
    ]);
    x.view(4).backward(torch.ones([4]));
    expect(g.tolist()).toEqual([5, 5, 5, 5]);
  });

  it('a gradient given to backward() and passed through as it is (AddBackward) is copied', () => {
    const x = torch.zeros([2], { requiresGrad: true });
    const g = torch.ones([2]);
    x.add(1).backward(g);
    x.add(1).backward(g);
    expect(g.tolist()).toEqual([1, 1]);
    expect(x.grad?.tolist()).toEqual([2, 2]);
  });

  it('a gradient a hook saw stays the hook’s: later accumulation does not write into it', () => {
    const x = torch.zeros([2], { requiresGrad: true });
    const seen: torch.Tensor[] = [];
    x.registerHook((grad) => void seen.push(grad));
    x.mul(torch.tensor([2, 3]))
      .sum()
      .backward();
    x.mul(torch.tensor([2, 3]))
      .sum()
      .backward();
    expect(seen[0].tolist()).toEqual([2, 3]);
    expect(x.grad?.tolist()).toEqual([4, 6]);
  });

  it('a custom Function’s gradient may be kept by the Function: it is copied', () => {
    const kept: torch.Tensor[] = [];
    class Double extends torch.autograd.Function {
      static override forward(_ctx: torch.FunctionCtx, x: torch.Tensor): torch.Tensor {
        return x.mul(2);
      }
      static override backward(_ctx: torch.FunctionCtx, g: torch.Tensor): torch.Tensor {
        const out = g.mul(2);
        kept.push(out);
        return out;
      }
    }
    const x = torch.zeros([2], { requiresGrad: true });
    Double.apply<torch.Tensor>(x).sum().backward();
    Double.apply<torch.Tensor>(x).sum().backward();
    expect(kept[0].tolist()).toEqual([2, 2]);
    expect(x.grad?.tolist()).toEqual([4, 4]);
  });

  it('fresh gradients are kept and then accumulated in place, with the same values as copying', () => {
    torch.manualSeed(0);
    const lin = torch.randn([8, 4], { requiresGrad: true });
    const x = torch.randn([5, 8]);
    x.matmul(lin).tanh().sum().backward();
    const first = (lin.grad as torch.Tensor).clone();
    x.matmul(lin).tanh().sum().backward();
    expect((lin.grad as torch.Tensor).toArray()).toEqual(first.mul(2).toArray());
  });

  it('a weight used transposed (Linear’s x @ w.t()) keeps the transpose of its fresh product, as its own tensor', () => {
    torch.manualSeed(0);
    const w = torch.randn([3, 4], { requiresGrad: true });
    const other = torch.randn([3, 4], { requiresGrad: true });
    const x = torch.randn([5, 4]);
    const g = torch.randn([5, 3]);
    x.matmul(w.t()).add(x.matmul(other.t())).backward(g);
    const grad = w.grad as torch.Tensor;
    expect(grad.isContiguous()).toBe(true);
    torch.testing.assertClose(grad, g.t().matmul(x));
    // Accumulates in place like any kept gradient, and writing into it reaches no other tensor.
    x.matmul(w.t()).add(x.matmul(other.t())).backward(g);
    torch.testing.assertClose(w.grad as torch.Tensor, g.t().matmul(x).mul(2));
    (w.grad as torch.Tensor).zero_();
    torch.testing.assertClose(other.grad as torch.Tensor, g.t().matmul(x).mul(2));
    expect(g.t().matmul(x).abs().sum().item()).toBeGreaterThan(0);
  });

  it('a gradient given to backward() and passed through a transpose is copied', () => {
    const w = torch.zeros([2, 3], { requiresGrad: true });
    const g = torch
      .tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ])
      .float();
    w.t().backward(g);
    g.fill_(0);
    expect(w.grad?.tolist()).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
    w.t().backward(torch.ones([3, 2]));
    expect(g.tolist()).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });
});
