/**
 * Channel dropout (`F.dropout1d`, `F.dropout2d`, `nn.Dropout1d`, `nn.Dropout2d`): each (batch, channel) plane is
 * zeroed whole or kept and scaled by 1 / (1 - p), the gradient is the same mask (PyTorch's `MulBackward0`), eval mode
 * is the identity; PyTorch's reprs, messages and warnings.
 */
import { describe, expect, it, vi } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';

const F = nn.functional;

/** The distinct values of each (batch, channel) plane of y (flattened after the first two dims). */
function planeValues(y: torch.Tensor): number[][] {
  const [n, c] = y.shape;
  const flat = y.reshape(n * c, -1).tolist() as number[][];
  return flat.map((row) => [...new Set(row)]);
}

describe('channel dropout', () => {
  it('zeroes whole channels of (N, C, H, W) and scales the rest, with the mask as the gradient', () => {
    torch.manualSeed(3);
    const x = torch.ones([4, 8, 3, 3], { requiresGrad: true });
    const y = F.dropout2d(x, 0.25);
    expect(y.gradFn?.name()).toBe('MulBackward0');
    const planes = planeValues(y);
    for (const values of planes)
      expect(values.length === 1 && (values[0] === 0 || values[0] === Math.fround(1 / 0.75))).toBe(true);
    const dropped = planes.filter((v) => v[0] === 0).length;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(planes.length);
    y.sum().backward();
    torch.testing.assertClose(x.grad as torch.Tensor, y.detach());
  });

  it('drops channels of (N, C, L) and of unbatched (C, L) for dropout1d, in place when asked', () => {
    torch.manualSeed(5);
    for (const values of planeValues(F.dropout1d(torch.ones(3, 6, 5), 0.5))) expect(values.length).toBe(1);
    const x = torch.ones(6, 5);
    const y = F.dropout1d(x, { p: 0.5, inplace: true });
    expect(y).toBe(x);
    for (const row of x.tolist() as number[][]) expect(new Set(row).size).toBe(1);
  });

  it('is the identity in eval mode and prints as PyTorch', () => {
    const layer = new nn.Dropout2d(0.3);
    expect(String(layer)).toBe('Dropout2d(p=0.3, inplace=False)');
    expect(String(new nn.Dropout1d())).toBe('Dropout1d(p=0.5, inplace=False)');
    layer.eval();
    const x = torch.randn(2, 3, 4, 4);
    expect(layer.forward(x)).toBe(x);
  });

  it('refuses and warns as PyTorch 1.13', () => {
    expect(() => F.dropout1d(torch.ones(2, 3, 4, 5))).toThrow(
      'dropout1d: Expected 2D or 3D input, but received a 4D input.',
    );
    expect(() => F.dropout2d(torch.ones(2))).toThrow('Feature dropout requires at least 2 dimensions in the input');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    F.dropout2d(torch.ones(2, 3, 4));
    expect(warn.mock.calls.flat().join('\n')).toContain('dropout2d: Received a 3D input to dropout2d');
    warn.mockRestore();
  });
});

describe('alpha dropout', () => {
  it('keeps a SELU network standard normal in training, is the identity in eval, and prints as Dropout', () => {
    torch.manualSeed(0);
    const layer = new nn.AlphaDropout(0.2);
    expect(String(layer)).toBe('AlphaDropout(p=0.2, inplace=False)');
    const x = torch.randn(200000, { requiresGrad: true });
    const y = layer.forward(x);
    expect(y.gradFn?.name()).toBe('AddBackward0');
    expect(Math.abs(y.mean().item())).toBeLessThan(0.01);
    expect(Math.abs(y.std().item() - 1)).toBeLessThan(0.01);
    // PyTorch's constants: a = 1 / sqrt((α² p + 1)(1 - p)); a dropped value becomes α a (p - 1).
    const alpha = 1.7580993408473766;
    const a = 1 / Math.sqrt((alpha * alpha * 0.2 + 1) * 0.8);
    y.sum().backward();
    const grads = new Set((x.grad as torch.Tensor).tolist() as number[]);
    expect([...grads].sort()).toEqual([0, Math.fround(a)].sort());
    const dropped = y.detach().maskedSelect((x.grad as torch.Tensor).eq(0));
    expect(
      dropped
        .sub(Math.fround(alpha * a * (0.2 - 1)))
        .abs()
        .max()
        .item(),
    ).toBeLessThan(1e-6);
    layer.eval();
    expect(layer.forward(x)).toBe(x);
    expect(nn.functional.alphaDropout(x, 0.5)).toBe(x);
    const channels = nn.functional.featureAlphaDropout(torch.ones(4, 8, 3), { p: 0.5, training: true });
    expect(channels.sub(channels.select(2, 0).unsqueeze(2)).abs().max().item()).toBe(0);
  });
});
