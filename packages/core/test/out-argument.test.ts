/** PyTorch's `out=` as `{ out }`: expected values, messages and warnings are PyTorch 1.13's. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from '@kindling/core';

const a = () =>
  torch.tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { dtype: 'float32' },
  );

describe('out=', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes the result into out and returns out (the blitz tutorial: torch.matmul / torch.mul with out)', () => {
    const y3 = torch.randLike(torch.empty([2, 2]));
    expect(torch.matmul(a(), a().t(), { out: y3 })).toBe(y3);
    expect(y3.tolist()).toEqual([
      [14, 32],
      [32, 77],
    ]);
    const z3 = torch.empty([2, 3]);
    expect(torch.mul(a(), a(), { out: z3 })).toBe(z3);
    expect(z3.tolist()).toEqual([
      [1, 4, 9],
      [16, 25, 36],
    ]);
    const c = torch.empty([4, 3]);
    torch.cat([a(), a()], 0, { out: c });
    expect(c.sum().item()).toBe(42);
    const e = torch.empty([2, 3]);
    torch.exp(torch.zeros([2, 3]), { out: e });
    expect(e.tolist()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    const s = torch.empty([2, 3]);
    torch.add(a(), a(), { alpha: 2, out: s });
    expect(s.tolist()).toEqual([
      [3, 6, 9],
      [12, 15, 18],
    ]);
  });

  it('writes through a non-contiguous out into the storage it views, broadcasting the inputs as PyTorch does', () => {
    const base = torch.zeros([3, 2]);
    torch.add(a(), 1, { out: base.t() });
    expect(base.tolist()).toEqual([
      [2, 5],
      [3, 6],
      [4, 7],
    ]);
    const o = torch.zeros([2, 3]);
    torch.add(torch.tensor([[1, 2, 3]]), torch.tensor([[1], [2]]), { out: o });
    expect(o.tolist()).toEqual([
      [2, 3, 4],
      [3, 4, 5],
    ]);
    expect(o.dtype).toBe('float32');
  });

  it('resizes an out of another shape, warning unless it had no elements', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const empty = torch.empty([0]);
    torch.add(a(), a(), { out: empty });
    expect(empty.shape).toEqual([2, 3]);
    expect(warn).not.toHaveBeenCalled();
    const small = torch.empty([2]);
    torch.add(a(), a(), { out: small });
    expect(small.shape).toEqual([2, 3]);
    expect(small.tolist()).toEqual([
      [2, 4, 6],
      [8, 10, 12],
    ]);
    expect(warn).toHaveBeenCalledWith(
      'UserWarning: An output with one or more elements was resized since it had shape [2], which does not match the required output shape [2, 3]. ' +
        'This behavior is deprecated, and in a future PyTorch release outputs will not be resized unless they have zero elements. ' +
        'You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).',
    );
  });

  it("gives PyTorch's errors for a dtype out cannot hold, autograd, and a non-tensor out", () => {
    expect(() => torch.add(a(), a(), { out: torch.empty([2, 3], { dtype: 'int64' }) })).toThrow(
      "result type Float can't be cast to the desired output type Long",
    );
    expect(() => torch.mm(a(), a().t(), { out: torch.empty([2, 2], { dtype: 'float64' }) })).toThrow(
      'Expected out tensor to have dtype float, but got double instead',
    );
    expect(() => torch.matmul(a(), a().t(), { out: torch.empty([2, 2], { dtype: 'float64' }) })).toThrow(
      'Expected out tensor to have dtype float, but got double instead',
    );
    expect(() => torch.cat([a(), a()], 0, { out: torch.empty([4, 3], { dtype: 'int64' }) })).toThrow(
      "torch.cat(): input types can't be cast to the desired output type Long",
    );
    expect(() => torch.stack([a(), a()], 0, { out: torch.empty([2, 2, 3], { dtype: 'int64' }) })).toThrow(
      "torch.cat(): input types can't be cast to the desired output type Long",
    );
    const w = torch.ones([2, 3], { requiresGrad: true });
    expect(() => torch.add(a(), w, { out: torch.empty([2, 3]) })).toThrow(
      "add(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.",
    );
    expect(() => torch.exp(a(), { out: 3 as unknown as torch.Tensor })).toThrow(
      new torch.TorchTypeError("exp(): argument 'out' must be Tensor, not int"),
    );
  });

  it('works under noGrad with inputs that require grad, and widens to a dtype the result casts to', () => {
    const w = torch.ones([2, 3], { requiresGrad: true });
    const o = torch.empty([2, 3]);
    torch.noGrad(() => torch.add(a(), w, { out: o }));
    expect(o.tolist()).toEqual([
      [2, 3, 4],
      [5, 6, 7],
    ]);
    expect(o.requiresGrad).toBe(false);
    const d = torch.empty([4, 3], { dtype: 'float64' });
    torch.cat([a(), a()], 0, { out: d });
    expect(d.dtype).toBe('float64');
    const f = torch.empty([1], { dtype: 'float32' });
    torch.add(torch.tensor([1]), torch.tensor([2]), { out: f });
    expect(f.tolist()).toEqual([3]);
  });

  it('bumps the version of out, so a saved out is caught in backward', () => {
    const x = torch.ones([3], { requiresGrad: true });
    const saved = torch.ones([3]);
    const y = x.mul(saved).sum();
    torch.add(torch.ones([3]), torch.ones([3]), { out: saved });
    expect(() => y.backward()).toThrow(
      'one of the variables needed for gradient computation has been modified by an inplace operation',
    );
  });
});
