import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

const initial = torch.getKernelBackend();
afterEach(() => void torch.setKernelBackend(initial));

describe('kernel backends', () => {
  it('chooses the native backend when it is built, else WebAssembly, else TypeScript; KINDLING_BACKEND decides when set', () => {
    const available = torch.availableKernelBackends();
    expect(available).toContain('typescript');
    const forced = process.env.KINDLING_BACKEND;
    expect(initial.name).toBe(forced === 'typescript' || forced === 'wasm' ? forced : available[0]);
  });

  it('switches by name and rejects unknown names', () => {
    const previous = torch.setKernelBackend('typescript');
    expect(previous).toBe(initial);
    expect(torch.getKernelBackend()).toBe(torch.typescriptBackend);
    if (torch.availableKernelBackends().includes('native')) {
      torch.setKernelBackend('native');
      expect(torch.getKernelBackend().name).toBe('native');
    } else {
      expect(() => torch.setKernelBackend('native')).toThrow(/native kernel backend is unavailable/);
    }
    if (torch.availableKernelBackends().includes('wasm')) {
      torch.setKernelBackend('wasm');
      expect(torch.getKernelBackend().name).toBe('wasm');
    }
    expect(() => torch.setKernelBackend('cuda' as torch.BackendName)).toThrow(
      "unknown kernel backend 'cuda': expected 'native', 'wasm' or 'typescript'",
    );
  });

  it('a partial backend gets the TypeScript kernels for the rest, its convolutions running on its GEMM', () => {
    torch.setKernelBackend('typescript');
    torch.manualSeed(0);
    const a = torch.randn(5, 7);
    const b = torch.randn(7, 3);
    const x = torch.randn(2, 3, 8, 8);
    const w = torch.randn(4, 3, 3, 3);
    const expectedMm = a.matmul(b).tolist();
    const expectedConv = torch.conv2d(x, w, null, { padding: 1 }).tolist();
    const calls: string[] = [];
    const ts = torch.typescriptBackend;
    torch.setKernelBackend({
      name: 'counting',
      gemm: (...args: Parameters<typeof ts.gemm>) => {
        calls.push('gemm');
        ts.gemm(...args);
      },
    });
    expect(torch.getKernelBackend().name).toBe('counting');
    expect(a.matmul(b).tolist()).toEqual(expectedMm);
    expect(calls.length).toBe(1);
    expect(torch.conv2d(x, w, null, { padding: 1 }).tolist()).toEqual(expectedConv);
    expect(calls.length).toBeGreaterThan(1);
    torch.setKernelBackend(null);
    expect(torch.getKernelBackend()).toBe(torch.typescriptBackend);
  });

  it('setNumThreads / getNumThreads as PyTorch spells them, with its check', () => {
    const before = torch.getNumThreads();
    expect(before).toBeGreaterThanOrEqual(1);
    try {
      torch.setNumThreads(1);
      expect(torch.getNumThreads()).toBe(1);
      for (const bad of [0, -2, 1.5, NaN])
        expect(() => torch.setNumThreads(bad)).toThrow('set_num_threads expects a positive integer');
    } finally {
      torch.setNumThreads(before);
    }
  });
});
