// Storage in the WebAssembly module's memory (kernels/wasm-memory.ts): while the wasm backend is active, large
// float tensors (parameters and optimizer state, and op results up to a budget) live in the module's shared
// memory, and its kernels read and write them where they are. Their blocks come back when the engine releases
// them or when their arrays are collected, never while a numpy() subarray may still read them.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { mayShareStorage } from '../src/storage-pool.js';
import { rng } from './helpers/rng.js';
import { onBackend, wasmStorage } from './helpers/wasm-storage.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));
/** A tensor of `shape` holding `values`, made while the current backend is active (zeros, then a copy). */
function filledWith(shape: number[], values: Float32Array): torch.Tensor {
  return torch.zeros(shape).copy_(torch.fromArray(values, shape));
}

function randomValues(n: number, seed: number): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length: n }, () => next() * 4 - 2);
}

// A shared memory needs threads (SharedArrayBuffer and workers): a single-core machine has none to hold tensors.
const storage = wasmStorage();

describe.skipIf(storage === undefined)("tensors in the WebAssembly module's memory", () => {
  it('tells tensors in the one memory apart: they share storage only where their bytes meet', () => {
    onBackend('wasm', () => {
      const a = torch.zeros(64, 64);
      const b = torch.zeros(64, 64);
      expect(a._array.buffer).toBe(b._array.buffer);
      expect(mayShareStorage(a._array, b._array)).toBe(false);
      expect(mayShareStorage(a._array, a._array)).toBe(true);
      const tail = new Float32Array(a._array.buffer, a._array.byteOffset + 4 * 4000, 4096);
      expect(mayShareStorage(a._array, tail)).toBe(true);
      const after = new Float32Array(a._array.buffer, a._array.byteOffset + a._array.byteLength, 4096);
      expect(mayShareStorage(a._array, after)).toBe(false);
    });
  });

  it('holds large float tensors: zeros, ones, full, empty and op results (not small ones or integer ones)', () => {
    onBackend('wasm', () => {
      expect(storage?.owns(torch.zeros(64, 64)._array)).toBe(true);
      expect(storage?.owns(torch.ones([4096], { dtype: 'float64' })._array)).toBe(true);
      expect(storage?.owns(torch.full([70, 70], 0.5)._array)).toBe(true);
      expect(storage?.owns(torch.empty(80, 80)._array)).toBe(true);
      expect(storage?.owns(torch.zeros(16)._array)).toBe(false);
      expect(storage?.owns(torch.zeros([64, 64], { dtype: 'int32' })._array)).toBe(false);
      expect(storage?.owns(torch.zeros(64, 64).add(1)._array)).toBe(true);
      const t = torch.full([70, 70], 0.5);
      expect(t._array.every((v) => v === 0.5)).toBe(true);
    });
    expect(onBackend('typescript', () => storage?.owns(torch.zeros(64, 64)._array))).toBe(false);
  });

  it('gives the same bits in place as through copies, whatever mix of operands lives in the module', () => {
    const [a, b] = [randomValues(128 * 96, 1), randomValues(96 * 130, 2)];
    const run = (resident: boolean): Float32Array[] =>
      onBackend('wasm', () => {
        const make = (shape: number[], values: Float32Array): torch.Tensor =>
          resident ? filledWith(shape, values) : torch.fromArray(values.slice(), shape);
        const x = make([128, 96], a);
        const w = make([96, 130], b);
        expect(storage?.owns(x._array)).toBe(resident);
        const y = x.matmul(w);
        const z = x.matmul(torch.fromArray(b.slice(), [96, 130])); // one operand in the module at most
        const c = torch.addmm(make([128, 130], randomValues(128 * 130, 3)), x, w, { beta: 0.5, alpha: 2 });
        const r = make([128, 96], a).relu_(); // unary in place
        const s = make([128, 96], a);
        s.mul_(x).add_(r, { alpha: 0.25 }); // binary in place
        return [y, z, c, r, s].map((t) => t.contiguous()._array.slice() as Float32Array);
      });
    const [copied, inPlace] = [run(false), run(true)];
    inPlace.forEach((g, i) => expect(Array.from(g), `result ${i}`).toEqual(Array.from(copied[i])));
  });

  it('runs a GEMM into C where it lives, reading C for beta and leaving the gaps between its rows alone', () => {
    const [M, N, K, ldc] = [70, 90, 80, 100];
    const A = randomValues(M * K, 4);
    const B = randomValues(K * N, 5);
    const C = storage?.allocate(false, M * ldc, false) as Float32Array;
    C.set(randomValues(M * ldc, 6));
    const want = C.slice();
    onBackend('wasm', () => {
      const gemm = torch.getKernelBackend().gemm;
      gemm(false, true, M, N, K, 1.5, A, 0, K, B, 0, K, 0.5, want, 0, ldc);
      gemm(false, true, M, N, K, 1.5, A, 0, K, B, 0, K, 0.5, C, 0, ldc);
    });
    expect(Array.from(C)).toEqual(Array.from(want));
    storage?.release(C);
  });

  it('reuses the block of a collected tensor, never one a numpy() array or subarray still reads', async () => {
    const n = 256 * 256;
    const address = (a: torch.TypedArray): number => a.byteOffset;
    // numpy() of a whole tensor is its storage array: while it is held, nothing is collected.
    const whole = onBackend('wasm', () => torch.zeros(n)).numpy();
    expect(storage?.owns(whole)).toBe(true);
    // A subarray outlives the storage array it came from: its block is never reused.
    let viewed: torch.Tensor | null = onBackend('wasm', () => torch.zeros(n));
    const part = viewed.narrow(0, 16, 1000).numpy();
    expect(storage?.owns(viewed._array)).toBe(false);
    const escaped = address(viewed._array);
    viewed = null;
    let dropped: torch.Tensor | null = onBackend('wasm', () => torch.zeros(n));
    const freed = address(dropped._array);
    dropped = null;
    let reused = false;
    const taken: torch.TypedArray[] = []; // held, so that only the dropped tensor's block can come back
    for (let round = 0; round < 20 && !reused; round++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 0));
      const next = onBackend('wasm', () => torch.full([n], 0.5))._array;
      taken.push(next);
      expect(address(next)).not.toBe(escaped);
      expect(address(next)).not.toBe(address(whole));
      reused = address(next) === freed;
    }
    expect(reused).toBe(true);
    expect(whole.every((v) => v === 0)).toBe(true);
    expect(part.every((v) => v === 0)).toBe(true);
  });
});
