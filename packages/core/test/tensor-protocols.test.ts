// Tensors where JavaScript expects numbers, strings and iterables, as PyTorch users write `float(t)`, f'{t}',
// `for row in t` and `a, b = t`. Expected values are PyTorch 1.13's.
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

describe('a tensor as a number or a string', () => {
  it("reads a one-element tensor as its value (Python's float(t))", () => {
    expect(Number(torch.tensor([[7]], { dtype: 'float32' }))).toBe(7);
    expect(+torch.tensor(2.5)).toBe(2.5);
    expect((torch.tensor(0.7) as unknown as number) > 0.5).toBe(true);
    expect(Math.max(torch.tensor(3) as unknown as number, 1)).toBe(3);
  });

  it("refuses more than one element with PyTorch's ValueError", () => {
    expect(() => Number(torch.tensor([1, 2]))).toThrow(
      new torch.ValueError('only one element tensors can be converted to Python scalars'),
    );
  });

  it("writes a 0-d tensor in a template as Python's f-string does, any other as its repr", () => {
    // f'{t}' in PyTorch 1.13: '2.5', '3', 'True', '9.999999747378752e-06', '0.10000000149011612', '-0.0', 'tensor([1., 2.])'
    expect(`${torch.tensor(2.5)}`).toBe('2.5');
    expect(`${torch.tensor(3)}`).toBe('3');
    expect(`${torch.tensor(true)}`).toBe('True');
    expect(`${torch.tensor(1e-5, { dtype: 'float32' })}`).toBe('9.999999747378752e-06');
    expect(`${torch.tensor(0.1, { dtype: 'float32' })}`).toBe('0.10000000149011612');
    expect(`${torch.tensor(-0, { dtype: 'float32' })}`).toBe('-0.0');
    expect(`${torch.tensor([1, 2], { dtype: 'float32' })}`).toBe('tensor([1., 2.])');
    expect(String(torch.tensor([1, 2], { dtype: 'float32' }))).toBe('tensor([1., 2.])');
  });
});

describe('a tensor as an iterable', () => {
  it('yields the sub-tensors along dim 0, as unbind(0)', () => {
    const t = torch.tensor([
      [1, 2],
      [3, 4],
    ]);
    const [a, b] = t;
    expect(a.tolist()).toEqual([1, 2]);
    expect(b.tolist()).toEqual([3, 4]);
    expect([...t].map((r) => r.tolist())).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const rows: number[] = [];
    for (const row of t) rows.push(row.sum().item());
    expect(rows).toEqual([3, 7]);
  });

  it('gives each row the gradient history PyTorch gives it (UnbindBackward0)', () => {
    const x = torch.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const [first, second] = x;
    expect(first.gradFn?.name()).toBe('UnbindBackward0');
    first.mul(3).add(second).backward();
    expect(x.grad?.tolist()).toEqual([3, 1]);
  });

  it("refuses a 0-d tensor with PyTorch's TypeError", () => {
    expect(() => [...torch.tensor(1)]).toThrow(new torch.TorchTypeError('iteration over a 0-d tensor'));
  });
});

describe('torch.max and torch.min function forms', () => {
  it('type and return (values, indices) along a dim, a tensor otherwise', () => {
    const t = torch.tensor(
      [
        [1, 5],
        [7, 2],
      ],
      { dtype: 'float32' },
    );
    const { values, indices } = torch.max(t, 1);
    expect(values.tolist()).toEqual([5, 7]);
    expect(indices.tolist()).toEqual([1, 0]);
    const m: torch.Tensor = torch.min(t);
    expect(m.item()).toBe(1);
    expect(torch.max(t, torch.zeros(2, 2).add(3)).tolist()).toEqual([
      [3, 5],
      [7, 3],
    ]);
  });
});

describe('the typed-array bridge', () => {
  it('fromArray and numpy() share storage both ways; toArray copies', () => {
    const data = new Float32Array([1, 2, 3, 4]);
    const t = torch.fromArray(data, [2, 2]);
    data[0] = 10;
    expect(t.tolist()).toEqual([
      [10, 2],
      [3, 4],
    ]);
    const view = t.numpy();
    expect(view.buffer).toBe(data.buffer);
    t.mul_(2);
    expect(Array.from(view)).toEqual([20, 4, 6, 8]);
    const copy = t.toArray();
    t.zero_();
    expect(Array.from(copy)).toEqual([20, 4, 6, 8]);
    // A contiguous view shares its part of the storage.
    const row = t.select(0, 1).numpy();
    row[0] = 5;
    expect(t.tolist()).toEqual([
      [0, 0],
      [5, 0],
    ]);
  });

  it("refuses what cannot share: PyTorch's error for a tensor that requires grad, a clear one for strides", () => {
    expect(() => torch.ones(2, { requiresGrad: true }).numpy()).toThrow(
      new torch.RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."),
    );
    expect(() => torch.ones(2, 3).t().numpy()).toThrow(/contiguous tensor .*t\.contiguous\(\)\.numpy\(\)/);
  });
});

describe("reductions take PyTorch's positional keepdim", () => {
  it('x.sum(1, true) keeps the dim, as x.sum(1, True); var/std take (dim, unbiased, keepdim)', () => {
    const x = torch.tensor(
      [
        [1, 2, 4],
        [3, 5, 9],
      ],
      { dtype: 'float32' },
    );
    expect(x.sum(1, true).shape).toEqual([2, 1]);
    expect(torch.sum(x, 1, true).tolist()).toEqual([[7], [17]]);
    expect(x.mean(0, true).shape).toEqual([1, 3]);
    expect(x.max(1, true).values.shape).toEqual([2, 1]);
    expect(x.argmax(1, true).tolist()).toEqual([[2], [2]]);
    // torch.var(x, 1, False, True) in PyTorch 1.13: [[1.5556], [6.2222]]
    expect(
      x
        .var(1, false, true)
        .sub(torch.tensor([[14 / 9], [56 / 9]]))
        .abs()
        .max()
        .item(),
    ).toBeLessThan(1e-5);
    expect(x.std(1, true).shape).toEqual([2]);
    expect(() => x.sum(1, 3 as unknown as boolean)).toThrow(/keepdim must be a boolean or an options object/);
  });
});

describe('torch.Size', () => {
  it("is an array of numbers that prints as PyTorch's shape does", () => {
    const x = torch.zeros(2, 3);
    // print(x.shape), f'{x.shape}' in PyTorch 1.13: torch.Size([2, 3]); torch.Size([0]); torch.Size([])
    expect(`${x.shape}`).toBe('torch.Size([2, 3])');
    expect(String(x.size())).toBe('torch.Size([2, 3])');
    expect(`${torch.zeros(0).shape}`).toBe('torch.Size([0])');
    expect(`${torch.tensor(1).shape}`).toBe('torch.Size([])');
    expect(x.shape).toBeInstanceOf(torch.Size);
    expect(Array.isArray(x.shape)).toBe(true);
    expect(JSON.stringify(x.shape)).toBe('[2,3]');
    const [rows, cols] = x.shape;
    expect(rows * cols).toBe(6);
    // Array methods that build arrays give plain arrays.
    expect(x.shape.map((d) => d * 2)).toEqual([4, 6]);
    expect(x.shape.slice(1)).not.toBeInstanceOf(torch.Size);
  });
});
