import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

describe('torch.cloneStateDict (copy.deepcopy of a state dict)', () => {
  it('copies every tensor into storage of its own, detached, through nested objects and arrays', () => {
    const w = torch.ones(2, 2, { requiresGrad: true });
    const sd = {
      weight: w.detach(),
      nested: { state: { 0: { momentum_buffer: torch.zeros(3), step: 4 } }, groups: [{ lr: 0.1, params: [0] }] },
    };
    const copy = torch.cloneStateDict(sd);
    torch.noGrad(() => w.add_(1));
    sd.nested.state[0].momentum_buffer.fill_(9);
    sd.nested.groups[0].lr = 0.5;
    expect(copy.weight.tolist()).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(copy.weight.requiresGrad).toBe(false);
    expect(copy.nested.state[0].momentum_buffer.tolist()).toEqual([0, 0, 0]);
    expect(copy.nested.state[0].step).toBe(4);
    expect(copy.nested.groups[0]).toEqual({ lr: 0.1, params: [0] });
  });

  it('refuses what a state dict cannot hold, saying where', () => {
    expect(() => torch.cloneStateDict({ a: { f: new Map() } })).toThrow(/cannot copy a Map at a\.f/);
  });
});
