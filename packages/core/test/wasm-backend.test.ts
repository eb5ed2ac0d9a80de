// The WebAssembly backend in Node: available once @kindling/wasm is built (the install builds it), its GEMM and
// convolution entries refuse bad arguments before touching memory, and a training step on it matches the
// TypeScript kernels. packages/wasm/test/ has the bits of every other entry against the TypeScript kernels and the
// randomized bad-argument test of every entry.
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { rng } from './helpers/rng.js';

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));

function wasmBackend(): torch.KernelBackend & { isa?: string } {
  const previous = torch.setKernelBackend('wasm');
  const backend = torch.getKernelBackend();
  torch.setKernelBackend(previous);
  return backend;
}

describe('the WebAssembly backend', () => {
  it('is available in Node, reports its instruction set and threads', () => {
    expect(torch.availableKernelBackends()).toContain('wasm');
    const backend = wasmBackend();
    expect(backend.name).toBe('wasm');
    expect(['wasm-simd', 'wasm-relaxed-simd']).toContain(backend.isa);
    expect(backend.getNumThreads()).toBeGreaterThanOrEqual(1);
  });

  it('refuses bad GEMM arguments, naming them, and leaves C untouched', () => {
    const gemm = wasmBackend().gemm as (...args: unknown[]) => void;
    const A = new Float32Array(64 * 64);
    const B = new Float32Array(64 * 64);
    const C = new Float32Array(64 * 64).fill(7);
    const good: unknown[] = [false, false, 64, 64, 64, 1, A, 0, 64, B, 0, 64, 0, C, 0, 64];
    const broken: [number, unknown, RegExp][] = [
      [0, 1, /transA/],
      [2, -1, /'M'/],
      [3, 1.5, /'N'/],
      [4, 65, /lda/], // K past A's row length
      [5, '1', /alpha/],
      [6, [1, 2], /'A' must be a Float32Array/],
      [7, 1, /'A'/],
      [8, 63, /lda/],
      [9, new Float64Array(64 * 64), /same element type/],
      [10, -1, /B offset/],
      [11, 10, /ldb/],
      [13, new Float32Array(100), /'C'/],
      [14, 4096, /'C'/],
      [15, 64.5, /ldc/],
    ];
    for (const [index, value, message] of broken) {
      const args = good.slice();
      args[index] = value;
      expect(() => gemm(...args), `argument ${index} = ${String(value)}`).toThrow(message);
      expect(C.every((v) => v === 7)).toBe(true);
    }
    const next = rng(1);
    for (let trial = 0; trial < 200; trial++) {
      // Random sizes, offsets and leading dimensions: a call either fits its arrays or throws a RangeError.
      const pick = (n: number): number => Math.floor(next() * n);
      const [M, N, K] = [pick(80), pick(80), pick(80)];
      const args = [
        next() < 0.5,
        next() < 0.5,
        M,
        N,
        K,
        1,
        A,
        pick(50),
        pick(90),
        B,
        pick(50),
        pick(90),
        0,
        C,
        pick(50),
        pick(90),
      ];
      try {
        gemm(...args);
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
      }
    }
  });

  it('refuses bad convolution arguments, naming them, and leaves the output untouched', () => {
    const b = wasmBackend();
    const g = {
      N: 2,
      C: 4,
      H: 6,
      W: 6,
      O: 6,
      kh: 3,
      kw: 3,
      OH: 4,
      OW: 4,
      sh: 1,
      sw: 1,
      ph: 0,
      pw: 0,
      dh: 1,
      dw: 1,
      groups: 2,
    };
    const x = new Float32Array(2 * 4 * 36);
    const w = new Float32Array(6 * 2 * 9);
    const out = new Float32Array(2 * 6 * 16).fill(7);
    b.conv2dForward(x, w, null, g, out); // the good call works
    out.fill(7);
    const bad: [() => void, RegExp][] = [
      [() => b.conv2dForward(x.subarray(1), w, null, g, out), /'x'/],
      [() => b.conv2dForward(x, w.subarray(5), null, g, out), /'w'/],
      [() => b.conv2dForward(x, w, new Float32Array(3), g, out), /'bias'/],
      [() => b.conv2dForward(x, w, null, g, out.subarray(2)), /'out'/],
      [() => b.conv2dForward(x, new Float64Array(w.length), null, g, out), /same element type/],
      [() => b.conv2dForward(x, w, null, { ...g, groups: 3 }, out), /'g\.groups'/],
      [() => b.conv2dForward(x, w, null, { ...g, kh: 2.5 }, out), /'g\.kh'/],
      [() => b.conv2dBackwardInput(out, w, g, x.subarray(3)), /'gx'/],
      [() => b.conv2dBackwardWeight(x, out.subarray(1), g, w), /'gy'/],
    ];
    for (const [call, message] of bad) {
      expect(call).toThrow(message);
      expect(out.every((v) => v === 7)).toBe(true);
    }
  });

  it('trains a small CNN step for step with the TypeScript kernels', () => {
    const run = (name: torch.BackendName): number[] => {
      torch.setKernelBackend(name);
      torch.manualSeed(0);
      const w1 = torch.randn(8, 1, 3, 3).mul(0.3).requiresGrad_();
      const w2 = torch
        .randn(8 * 14 * 14, 10)
        .mul(0.02)
        .requiresGrad_();
      const x = torch.randn(16, 1, 28, 28);
      const y = torch.randint(0, 10, [16]);
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        for (const p of [w1, w2]) p.grad = null;
        const h = torch.maxPool2d(torch.conv2d(x, w1, null, { padding: 1 }).relu(), 2).reshape(16, -1);
        const loss = torch._nn.nllLoss(torch.logSoftmax(h.mm(w2), 1), y);
        loss.backward();
        torch.noGrad(() => {
          for (const p of [w1, w2]) p.sub_((p.grad as torch.Tensor).mul(0.01));
        });
        losses.push(loss.item());
      }
      return losses;
    };
    const wasm = run('wasm');
    const ts = run('typescript');
    expect(wasm[2]).toBeLessThan(wasm[0]);
    for (let i = 0; i < 3; i++) expect(Math.abs(wasm[i] - ts[i])).toBeLessThan(1e-4);
  });

  it('loads from a URL as a browser page does (loadWasmBackend), and says what failed when it cannot', async () => {
    const dir = fileURLToPath(new URL('../../wasm/build/', import.meta.url));
    const server = createServer((req, res) => {
      readFile(dir + (req.url ?? '/').slice(1)).then(
        (body) => res.writeHead(200, { 'content-type': 'application/wasm' }).end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const backend = await torch.loadWasmBackend(base);
      expect(torch.getKernelBackend()).toBe(backend);
      expect(backend.name).toBe('wasm');
      const a = torch.randn(40, 50);
      const b = torch.randn(50, 30);
      const got = a.mm(b);
      torch.setKernelBackend('typescript');
      expect(got.sub(a.mm(b)).abs().max().item()).toBeLessThan(1e-4);
      await expect(torch.loadWasmBackend(`${base}missing/`)).rejects.toThrow(
        /WebAssembly kernels could not be loaded: could not fetch .*404/,
      );
    } finally {
      server.close();
    }
  });
});
