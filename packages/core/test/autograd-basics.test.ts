import { describe, expect, it, vi } from 'vitest';
import * as torch from '@kindling/core';

describe('requires-grad propagation and leaves', () => {
  it('propagates requiresGrad and marks leaves (autograd mechanics notes)', () => {
    const x = torch.randn(3, 3);
    const y = torch.randn(3, 3);
    const z = torch.randn([3, 3], { requiresGrad: true });
    const a = x.add(y);
    expect(a.requiresGrad).toBe(false);
    const b = z.add(a);
    expect(b.requiresGrad).toBe(true);
    expect(z.isLeaf).toBe(true);
    expect(b.isLeaf).toBe(false);
    expect(b.gradFn?.name()).toBe('AddBackward0');
    expect(z.gradFn).toBeNull();
  });

  it('names nodes as PyTorch and links next functions to AccumulateGrad', () => {
    const x = torch.ones([2, 2], { requiresGrad: true });
    const y = x.add(2);
    const z = y.mul(y).mul(3);
    const out = z.mean();
    expect(y.gradFn?.name()).toBe('AddBackward0');
    expect(z.gradFn?.name()).toBe('MulBackward0');
    expect(out.gradFn?.name()).toBe('MeanBackward0');
    const [[acc, nr], [none, nr2]] = y.gradFn!.nextFunctions;
    expect(acc?.name()).toBe('AccumulateGrad');
    expect(nr).toBe(0);
    expect(none).toBeNull();
    expect(nr2).toBe(0);
    // The same leaf always gives the same AccumulateGrad node.
    expect(x.mul(2).gradFn!.nextFunctions[0][0]).toBe(acc);
  });
});

describe('backward', () => {
  it('computes the seed-004 gradients and accumulates across calls', () => {
    const x = torch.ones([2, 2], { requiresGrad: true });
    const out = x.add(2).pow(2).mul(3).mean();
    out.backward();
    expect(x.grad!.tolist()).toEqual([
      [4.5, 4.5],
      [4.5, 4.5],
    ]);
    const out2 = x.sum();
    out2.backward();
    expect(x.grad!.tolist()).toEqual([
      [5.5, 5.5],
      [5.5, 5.5],
    ]);
    x.grad!.zero_();
    x.sum().backward();
    expect(x.grad!.tolist()).toEqual([
      [1, 1],
      [1, 1],
    ]);
    x.grad = null;
    x.sum().mul(2).backward();
    expect(x.grad!.tolist()).toEqual([
      [2, 2],
      [2, 2],
    ]);
  });

  it('takes an explicit gradient for non-scalar outputs', () => {
    const x = torch.tensor([1.0, 2.0, 3.0, 4.0], { requiresGrad: true });
    const z = x.mul(2).view(2, 2);
    expect(z.gradFn?.name()).toBe('ViewBackward0');
    z.backward(
      torch.tensor([
        [1.0, 0.1],
        [0.01, 0.001],
      ]),
    );
    const g = Array.from(x.grad!.toArray());
    expect(g.map((v) => Math.fround(v))).toEqual([2, 0.2, 0.02, 0.002].map(Math.fround));
    expect(() => x.mul(2).backward()).toThrow('grad can be implicitly created only for scalar outputs');
  });

  it('frees saved values after backward unless retainGraph', () => {
    const x = torch.tensor([1.5], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward({ retainGraph: true } as never);
    y.backward(null, { retainGraph: true });
    expect(x.grad!.item()).toBeCloseTo(6);
    y.backward();
    expect(() => y.backward()).toThrow('Trying to backward through the graph a second time');
  });

  it("takes its options in PyTorch's positional order too, as y.backward(g, True) and autograd.grad(y, x, g, True, True)", () => {
    const x = torch.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(x);
    y.backward(torch.ones([3]), true); // retain_graph=True
    y.backward(torch.ones([3]));
    expect(x.grad?.tolist()).toEqual([4, 8, 12]);
    const [g] = torch.autograd.grad(x.mul(x), [x], torch.ones([3]), true, true) as torch.Tensor[];
    expect(g.tolist()).toEqual([2, 4, 6]);
    expect(g.gradFn?.name()).toBe('AddBackward0'); // create_graph=True
    const unused = torch.tensor([1], { requiresGrad: true });
    const both = torch.autograd.grad(x.sum(), [x, unused], null, false, false, false, true);
    expect(both[1]).toBeNull(); // allow_unused=True
    const z = x.mul(2);
    torch.autograd.backward([z], [torch.ones([3])], true);
    torch.autograd.backward([z], [torch.ones([3])]);
    expect(x.grad?.tolist()).toEqual([8, 12, 16]);
  });

  it('throws for tensors without history', () => {
    const a = torch.tensor([1.1], { requiresGrad: true });
    const b = a.mul(2);
    const c = torch.noGrad(() => b.mul(2));
    expect(c.requiresGrad).toBe(false);
    expect(() => c.backward()).toThrow('element 0 of tensors does not require grad and does not have a grad_fn');
  });

  it('keeps non-leaf .grad null with a warning unless retainGrad', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const y = torch.tensor([2.0], { requiresGrad: true });
    const z = y.add(1);
    const w = y.mul(3);
    w.retainGrad();
    z.add(w).sum().backward();
    expect(z.grad).toBeNull();
    expect(w.grad!.tolist()).toEqual([1]);
    expect(y.grad!.tolist()).toEqual([4]);
    warn.mockRestore();
  });

  it('runs a 100,000-node chain without overflowing the stack', () => {
    const x = torch.tensor([1.0], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1);
    y.sum().backward();
    expect(x.grad!.item()).toBe(1);
  });
});

describe('in-place ops and version counters', () => {
  it('rejects in-place on a leaf that requires grad, allows it under noGrad', () => {
    const w = torch.ones([2], { requiresGrad: true });
    expect(() => w.mul_(2)).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
    torch.noGrad(() => w.mul_(2));
    expect(w.tolist()).toEqual([2, 2]);
    expect(w.requiresGrad).toBe(true);
  });

  it('detects a saved tensor modified in place', () => {
    const a = torch.tensor([1.0, 2.0], { requiresGrad: true });
    const b = a.mul(1);
    const c = b.mul(b);
    b.add_(1);
    expect(b.version).toBe(1);
    expect(() => c.sum().backward()).toThrow(
      'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [2]], which is output 0 of AddBackward0, is at version 1; expected version 0 instead.',
    );
  });

  it('keeps history for in-place ops inside noGrad (seed 000)', () => {
    const a = torch.tensor([1.1], { requiresGrad: true });
    const b = a.mul(2);
    torch.noGrad(() => b.mul_(2));
    expect(b.gradFn?.name()).toBe('MulBackward0');
    expect(b.toString()).toBe('tensor([4.4000], grad_fn=<MulBackward0>)');
  });

  it('records in-place ops on non-leaves', () => {
    const x = torch.tensor([1.0, 2.0], { requiresGrad: true });
    const y = x.mul(3);
    y.mul_(2);
    expect(y.gradFn?.name()).toBe('MulBackward0');
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([6, 6]);
    // y.mul_(y) saves y itself, then changes it: PyTorch rejects the backward.
    const z = x.mul(3);
    z.mul_(z);
    expect(z.gradFn?.name()).toBe('MulBackward0');
    expect(() => z.sum().backward()).toThrow(
      'which is output 0 of MulBackward0, is at version 1; expected version 0 instead.',
    );
  });

  it('shares version counters with views and detach, not with .data', () => {
    const x = torch.ones([4], { requiresGrad: true });
    const y = x.mul(2);
    const v = y.view(2, 2);
    v.detach().zero_();
    expect(y.version).toBe(1);
    const d = x.data;
    d.mul_(100);
    expect(x.version).toBe(0);
    expect(x.tolist()).toEqual([100, 100, 100, 100]);
  });

  it('.data edits are invisible to autograd (seed 004)', () => {
    const x = torch.ones([1], { requiresGrad: true });
    expect(x.data.requiresGrad).toBe(false);
    const y = x.mul(2);
    x.data.mul_(100);
    y.backward();
    expect(x.toString()).toBe('tensor([100.], requires_grad=True)');
    expect(x.grad!.toString()).toBe('tensor([2.])');
  });
});

describe('hooks and autograd.grad', () => {
  it('lets a hook replace the gradient and be removed', () => {
    const x = torch.tensor([1.0, 2.0], { requiresGrad: true });
    const y = x.mul(2);
    const h = y.registerHook((g) => g.mul(10));
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([20, 20]);
    h.remove();
    x.grad = null;
    x.mul(2).sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
  });

  it('computes second derivatives with createGraph', () => {
    const x = torch.tensor(3.0, { requiresGrad: true });
    const y = x.pow(3);
    const [dy] = torch.autograd.grad(y, x, { createGraph: true });
    expect(dy!.item()).toBe(27);
    const [d2y] = torch.autograd.grad(dy!, x);
    expect(d2y!.item()).toBe(18);
  });
});
