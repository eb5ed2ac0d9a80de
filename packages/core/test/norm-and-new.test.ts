// Tensor.norm / torch.norm and the new_* constructors, against PyTorch 1.13's values and gradients.
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

/** PyTorch's values are printed to 10-13 digits. */
const PRINTED_DIGITS = { rtol: 0, atol: 1e-9 };

describe('norm', () => {
  // x.norm(p, dim, keepdim) and the gradient of its sum, in float64, from PyTorch 1.13.
  const cases: [torch.NormOrder, number | null, boolean, number[], number[]][] = [
    [
      2,
      null,
      false,
      [5.590169943749],
      [0.1788854382, -0.3577708764, 0.5366563146, 0.0894427191, 0.7155417528, -0.1788854382],
    ],
    [1, 1, false, [6, 5.5], [1, -1, 1, 1, 1, -1]],
    [Infinity, 0, true, [1, 4, 3], [1, 0, 1, 0, 1, 0]],
    [
      3,
      1,
      true,
      [3.301927248895, 4.023301496487],
      [0.091720201358, -0.366880805433, 0.825481812224, 0.015444535495, 0.98845027169, -0.061778141981],
    ],
    [
      'fro',
      null,
      false,
      [5.590169943749],
      [0.1788854382, -0.3577708764, 0.5366563146, 0.0894427191, 0.7155417528, -0.1788854382],
    ],
  ];
  for (const [p, dim, keepdim, value, grad] of cases) {
    it(`p=${String(p)} dim=${String(dim)} keepdim=${keepdim}: PyTorch's values and gradient (NormBackward1)`, () => {
      const x = torch.tensor(
        [
          [1, -2, 3],
          [0.5, 4, -1],
        ],
        { dtype: 'float64', requiresGrad: true },
      );
      const n = dim === null ? x.norm(p) : x.norm(p, dim, keepdim);
      expect(n.gradFn?.name()).toBe('NormBackward1');
      torch.testing.assertClose(n.flatten(), Float64Array.from(value), PRINTED_DIGITS);
      n.sum().backward();
      torch.testing.assertClose((x.grad as torch.Tensor).flatten(), Float64Array.from(grad), PRINTED_DIGITS);
    });
  }

  it('has a zero gradient at the zero vector, as PyTorch (not NaN), and refuses integer tensors', () => {
    const z = torch.zeros(3, { requiresGrad: true });
    z.norm().backward();
    expect(z.grad?.tolist()).toEqual([0, 0, 0]);
    expect(
      torch
        .norm(
          torch.tensor(
            [
              [3, 4],
              [0, 0],
            ],
            { dtype: 'float32' },
          ),
          { p: 2, dim: 1 },
        )
        .tolist(),
    ).toEqual([5, 0]);
    expect(() => torch.tensor([1, 2]).norm()).toThrow(
      new torch.RuntimeError('norm(): input dtype should be either floating point or complex. Got Long instead.'),
    );
  });

  it('passes gradcheck for p = 2, 1.5 and 3 along a dim', () => {
    for (const p of [2, 1.5, 3]) {
      const x = torch.tensor(
        [
          [1, -2, 3],
          [0.5, 4, -1],
        ],
        { dtype: 'float64', requiresGrad: true },
      );
      expect(torch.autograd.gradcheck((t: torch.Tensor) => t.norm(p, 1), [x])).toBe(true);
    }
  });
});

describe('new_* constructors', () => {
  it("take the tensor's dtype unless told", () => {
    // PyTorch: tensor([1, 2]).new_ones(2, 3) is int64; tensor([1., 2]).new_zeros((2,)) float32.
    expect(torch.tensor([1, 2]).newOnes(2, 3).dtype).toBe('int64');
    expect(torch.tensor([1, 2]).newOnes(2, 3).tolist()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(torch.tensor([1.5, 2]).newZeros([2]).dtype).toBe('float32');
    expect(torch.tensor([1, 2], { dtype: 'float64' }).newTensor([1, 2]).dtype).toBe('float64');
    expect(torch.tensor([1.5]).newFull([2, 2], 7).tolist()).toEqual([
      [7, 7],
      [7, 7],
    ]);
    expect(torch.tensor([1.5]).newEmpty(3, { dtype: 'int32' }).dtype).toBe('int32');
    expect(torch.tensor([1.5]).newOnes(2, { requiresGrad: true }).requiresGrad).toBe(true);
  });
});
