import { describe, expect, it, vi } from 'vitest';
import * as torch from '@kindling/core';

describe('grad mode and async callbacks', () => {
  it('warns once when a noGrad callback returns a promise, whose code after await runs with recording on', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const x = torch.ones([2], { requiresGrad: true });
    const seen: boolean[] = [];
    await torch.noGrad(async () => {
      seen.push(torch.isGradEnabled());
      await Promise.resolve();
      seen.push(torch.isGradEnabled());
      return x.mul(2);
    });
    await torch.noGrad(() => Promise.resolve(undefined));
    expect(seen).toEqual([false, true]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('returned a Promise');
    warn.mockRestore();
  });

  it('a synchronous callback gets no warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(torch.noGrad(() => torch.ones(2).mul(2).requiresGrad)).toBe(false);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
