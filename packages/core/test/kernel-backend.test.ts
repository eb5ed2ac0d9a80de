import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

afterEach(() => void torch.setKernelBackend(null));

describe('kernel backends', () => {
  it('routes matmul and conv2d through the installed backend, falling back to TypeScript for the rest', () => {
    torch.manualSeed(0);
    const a = torch.randn(5, 7);
    const b = torch.randn(7, 3);
    const x = torch.randn(2, 3, 8, 8);
    const w = torch.randn(4, 3, 3, 3);
    const expectedMm = a.matmul(b).tolist();
    const expectedConv = torch.conv2d(x, w, null, { padding: 1 }).tolist();
    const calls: string[] = [];
    const ts = torch.typescriptBackend;
    const previous = torch.setKernelBackend({
      name: 'counting',
      gemm: (...args: Parameters<typeof ts.gemm>) => {
        calls.push('gemm');
        ts.gemm(...args);
      },
    });
    expect(previous.name).toBe('typescript');
    expect(torch.getKernelBackend().name).toBe('counting');
    expect(a.matmul(b).tolist()).toEqual(expectedMm);
    expect(calls.length).toBe(1);
    // conv2d's TypeScript kernel takes its GEMM from the backend too.
    expect(torch.conv2d(x, w, null, { padding: 1 }).tolist()).toEqual(expectedConv);
    expect(calls.length).toBeGreaterThan(1);
    torch.setKernelBackend(null);
    expect(torch.getKernelBackend()).toBe(torch.typescriptBackend);
  });
});
