import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

/** Integer tensors hold integers: PyTorch 1.13's values (the errors are in errors.test.ts). */
describe('values written into integer tensors', () => {
  it('creation truncates toward zero', () => {
    // torch.full([2], 2.5, dtype=torch.int64) -> tensor([2, 2]); -2.5 -> tensor([-2, -2])
    expect(torch.full([2], 2.5, { dtype: 'int64' }).tolist()).toEqual([2, 2]);
    expect(torch.full([2], -2.5, { dtype: 'int64' }).tolist()).toEqual([-2, -2]);
    // torch.tensor([2.7, -2.7], dtype=torch.int32) -> tensor([ 2, -2], dtype=torch.int32)
    expect(torch.tensor([2.7, -2.7], { dtype: 'int32' }).tolist()).toEqual([2, -2]);
    expect(torch.zeros([2], { dtype: 'int64' }).fill_(-3.9).tolist()).toEqual([-3, -3]);
  });

  it('an integer arange steps by the truncated start and step', () => {
    // torch.arange(0.5, 3, 1, dtype=torch.int64) -> tensor([0, 1, 2])
    expect(torch.arange(0.5, 3, 1, { dtype: 'int64' }).tolist()).toEqual([0, 1, 2]);
  });

  it('a cast of what an integer type cannot hold gives its smallest value, as on x86', () => {
    const x = torch.tensor([NaN, Infinity, -Infinity, 1e10, -1e10, 1e19, 2.7, -2.7, 3e9], { dtype: 'float32' });
    // x.to(torch.int32).tolist()
    const m32 = -2147483648;
    expect(x.to('int32').tolist()).toEqual([m32, m32, m32, m32, m32, m32, 2, -2, m32]);
    // x.to(torch.int64).tolist()
    const m64 = -(2 ** 63);
    expect(x.to('int64').tolist()).toEqual([m64, m64, m64, 1e10, -1e10, m64, 2, -2, 3e9]);
  });
});
