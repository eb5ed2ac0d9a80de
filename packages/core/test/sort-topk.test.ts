import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

/** sort, argsort, topk and max/min along a dim: PyTorch's call forms and PyTorch 1.13's values. */
describe('sort, argsort and topk in positional order', () => {
  const x = torch.tensor([
    [0.5, -1.25, 2.0, 0.75],
    [-0.5, 1.5, -2.5, 3.0],
    [1.0, 0.25, -0.75, -1.5],
  ]);

  it('reads descending, largest and sorted where PyTorch does', () => {
    // x.argsort(1, True), x.sort(0, True).indices, x.topk(2, 0, False, True).values
    expect(x.argsort(1, true).tolist()).toEqual([
      [2, 3, 0, 1],
      [3, 1, 0, 2],
      [0, 1, 2, 3],
    ]);
    expect(x.sort(0, true).indices.tolist()).toEqual([
      [2, 1, 0, 1],
      [0, 2, 2, 0],
      [1, 0, 1, 2],
    ]);
    expect(x.topk(2, 0, false, true).values.tolist()).toEqual([
      [-0.5, -1.25, -2.5, -1.5],
      [0.5, 0.25, -0.75, 0.75],
    ]);
    expect(torch.argsort(x, 1, true).tolist()).toEqual(x.argsort(1, { descending: true }).tolist());
    expect(x.sort({ dim: 0, descending: true }).values.tolist()).toEqual(x.sort(0, true).values.tolist());
  });

  it('refuses a null dim and one more argument than PyTorch takes', () => {
    expect(() => x.sort(null as unknown as number)).toThrow();
    const untyped = x.sort.bind(x) as unknown as (...args: unknown[]) => unknown;
    expect(() => untyped(0, true, 1)).toThrow(
      new torch.TorchTypeError('sort() takes from 1 to 3 positional arguments but 4 were given'),
    );
  });

  it("return { values, indices } that also unpack and index as PyTorch's named tuple", () => {
    // values, indices = x.max(1); x.max(1)[1]; x.sort(1, True)[0][0]
    const [values, indices] = x.max(1);
    expect(values.tolist()).toEqual([2, 3, 1]);
    expect(indices.tolist()).toEqual([2, 3, 0]);
    expect(x.max(1)[1].tolist()).toEqual([2, 3, 0]);
    expect(x.sort(1, true)[0].select(0, 0).tolist()).toEqual([2, 0.75, 0.5, -1.25]);
    const [top] = x.topk(1, 0);
    expect(top.tolist()).toEqual([[1, 1.5, 2, 3]]);
    // the tuple view is not enumerable: the result prints as the plain object
    expect(Object.keys(x.min(0))).toEqual(['values', 'indices']);
  });
});
