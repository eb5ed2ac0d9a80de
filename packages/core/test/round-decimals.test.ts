import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

/** `round(x, decimals=d)`: PyTorch 1.13's values (float32 and float64), node and errors. */
describe('round with decimals', () => {
  const x = torch.tensor([0.125, -1.25, 2.675, 1234.5678, -0.0005], { requiresGrad: true });

  it('rounds in the input precision, halves to even, as PyTorch does', () => {
    // torch.round(x, decimals=d).tolist() for x = [0.125, -1.25, 2.675, 1234.5678, -0.0005] (float32)
    const expected: [number, number[]][] = [
      [1, [0.10000000149011612, -1.2000000476837158, 2.700000047683716, 1234.5999755859375, -0]],
      [2, [0.11999999731779099, -1.25, 2.680000066757202, 1234.5699462890625, -0]],
      [-1, [0, -0, 0, 1230, -0]],
      [-2, [0, -0, 0, 1200, -0]],
      [0, [0, -1, 3, 1235, -0]],
    ];
    for (const [decimals, values] of expected) {
      const y = x.round({ decimals });
      expect(Array.from(y.detach().toArray(), Number), `decimals=${decimals}`).toEqual(values);
      expect(y.gradFn?.name()).toBe('RoundBackward1');
    }
    expect(x.round().gradFn?.name()).toBe('RoundBackward0');
    // float64: [0.125, 2.675] -> [0.12, 2.68]
    expect(torch.round(torch.tensor([0.125, 2.675], { dtype: 'float64' }), { decimals: 2 }).tolist()).toEqual([
      0.12, 2.68,
    ]);
  });

  it('has a zero gradient, writes into out=, and refuses what PyTorch refuses', () => {
    torch.round(x, { decimals: 2 }).sum().backward();
    expect(x.grad?.tolist()).toEqual([0, 0, 0, 0, 0]);
    const out = torch.empty([2]);
    torch.round(torch.tensor([1.25, 2.5]), { decimals: 1, out });
    expect(out.tolist()).toEqual([1.2000000476837158, 2.5]);
    expect(() => torch.round(torch.tensor([15, 24]), { decimals: -1 })).toThrow(
      new torch.RuntimeError(`"round_cpu" not implemented for 'Long'`),
    );
    // decimals is keyword-only: torch.round(x, 1) is a TypeError
    expect(() => (torch.round as unknown as (t: torch.Tensor, d: number) => torch.Tensor)(x, 1)).toThrow(
      new torch.TorchTypeError('round() takes 1 positional argument but 2 were given'),
    );
  });
});
