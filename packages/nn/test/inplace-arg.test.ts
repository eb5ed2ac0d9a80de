// The inplace argument both ways, as README's porting table spells it: positional (PyTorch's) or in options.
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';

describe('layers with an inplace argument', () => {
  it('take it positionally or in an options object, and print as PyTorch does', () => {
    expect(String(new nn.ReLU({ inplace: true }))).toBe('ReLU(inplace=True)');
    expect(String(new nn.ReLU(true))).toBe('ReLU(inplace=True)');
    expect(String(new nn.ReLU())).toBe('ReLU()');
    expect(String(new nn.Dropout(0.5, { inplace: true }))).toBe('Dropout(p=0.5, inplace=True)');
    expect(String(new nn.Dropout(0.25))).toBe('Dropout(p=0.25, inplace=False)');
    expect(String(new nn.LeakyReLU(0.1, { inplace: true }))).toBe('LeakyReLU(negative_slope=0.1, inplace=True)');
  });

  it('modify the input when inplace, LeakyReLU included', () => {
    const x = torch.tensor([-2, 1], { dtype: 'float32' });
    const y = new nn.LeakyReLU(0.5, { inplace: true }).forward(x);
    expect(y).toBe(x);
    expect(x.tolist()).toEqual([-1, 1]);
    const z = torch.tensor([-2, 1], { dtype: 'float32' });
    new nn.ReLU({ inplace: true }).forward(z);
    expect(z.tolist()).toEqual([0, 1]);
  });
});
