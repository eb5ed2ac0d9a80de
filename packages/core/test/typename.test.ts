import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

describe('torch.typename', () => {
  it('names values as PyTorch 1.13 does', () => {
    // [torch.typename(x) for x in (zeros(2), zeros(2, dtype=int64), zeros(2, dtype=bool), 3, 2.5, None, 'a', [1], True)]
    const values = [
      torch.zeros(2),
      torch.zeros([2], { dtype: 'int64' }),
      torch.zeros([2], { dtype: 'bool' }),
      3,
      2.5,
      null,
      'a',
      [1],
      true,
    ];
    expect(values.map((v) => torch.typename(v))).toEqual([
      'torch.FloatTensor',
      'torch.LongTensor',
      'torch.BoolTensor',
      'int',
      'float',
      'NoneType',
      'str',
      'list',
      'bool',
    ]);
  });

  it('names a plain object as dict where PyTorch names an argument’s type', () => {
    // torch.zeros(2, 2).mm({}) -> TypeError: mm(): argument 'mat2' (position 1) must be Tensor, not dict
    expect(() => torch.zeros(2, 2).mm({} as unknown as torch.Tensor)).toThrow(
      "mm(): argument 'mat2' (position 1) must be Tensor, not dict",
    );
  });
});
