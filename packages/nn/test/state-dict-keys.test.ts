import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';

describe('loadStateDict with keys named like Object members', () => {
  it('strict mode reports `constructor` and `toString` as unexpected keys, as PyTorch reports any unknown key', () => {
    const model = new nn.Linear(2, 1);
    const sd = { ...model.stateDict(), constructor: torch.ones(1), toString: torch.ones(1) } as unknown as Record<
      string,
      torch.Tensor
    >;
    expect(() => model.loadStateDict(sd)).toThrow('Unexpected key(s) in state_dict: "constructor", "toString".');
    expect(model.loadStateDict(sd, { strict: false }).unexpectedKeys).toEqual(['constructor', 'toString']);
  });
});
