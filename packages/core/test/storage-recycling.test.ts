// Where no unzeroed allocator exists (a browser), the storage of a collected tensor comes back to the storage pool
// (storage-pool.ts). Node has one, so these tests switch the browser's behaviour on, and force collections with
// V8's `gc` (exposed at run time). With poisoning on, a reused buffer is filled with NaN when handed out: a
// storage recycled while something still read it would show NaN here.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import {
  clearStoragePool,
  pooledStorageBytes,
  setPoisonUninitialized,
  setStorageRecycling,
} from '../src/storage-pool.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Elements of the results below: 256 KiB of float32, large enough to be watched. */
const N = 65536;
const BYTES = N * 4;

// The pool holds ordinary arrays: a backend that lends memory of its own (the WebAssembly one) gives results its
// blocks instead, so these tests run on the TypeScript kernels whatever KINDLING_BACKEND says.
let previousBackend: torch.KernelBackend;
beforeAll(() => {
  setPoisonUninitialized(true);
  setStorageRecycling(true);
  previousBackend = torch.setKernelBackend('typescript');
});
afterAll(() => {
  torch.setKernelBackend(previousBackend);
  setStorageRecycling(false);
  setPoisonUninitialized(false);
  clearStoragePool();
});

/** Collects garbage and lets the FinalizationRegistry's callbacks run, until `done()` or 20 rounds. */
async function collectUntil(done: () => boolean): Promise<void> {
  for (let round = 0; round < 20 && !done(); round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** Lets every collected storage come back (what earlier tests dropped), then empties the pool. */
async function settle(): Promise<void> {
  await collectUntil(() => false);
  clearStoragePool();
}

const ones = torch.ones(N);

/** A float32 result of N elements, all `value` (mul writes every element), held only by the caller. */
function result(value: number): torch.Tensor {
  return ones.mul(value);
}

describe('storage of collected tensors', () => {
  it('comes back to the pool, and the next result of its size reuses it', async () => {
    await settle();
    let t: torch.Tensor | null = result(3);
    expect(t.sum().item()).toBe(3 * N);
    t = null;
    await collectUntil(() => pooledStorageBytes() >= BYTES);
    expect(pooledStorageBytes()).toBe(BYTES);
    const next = result(5);
    expect(pooledStorageBytes()).toBe(0);
    torch.testing.assertClose(next, ones.mul(5));
  });

  it('is never reused while a view of the tensor lives', async () => {
    await settle();
    // The base tensor is unreachable once this returns; the view shares its storage array, so nothing may come back.
    const view = ((): torch.Tensor => result(2).narrow(0, 100, 1000))();
    await collectUntil(() => pooledStorageBytes() > 0);
    expect(pooledStorageBytes()).toBe(0);
    for (let i = 0; i < 4; i++) result(7);
    torch.testing.assertClose(view, torch.full([1000], 2, { dtype: 'float32' }));
  });

  it('is never reused once numpy() has shared it, even after the tensor is collected', async () => {
    await settle();
    let t: torch.Tensor | null = result(4);
    const shared = t.narrow(0, 10, 100).numpy();
    t = null;
    await collectUntil(() => pooledStorageBytes() > 0);
    expect(pooledStorageBytes()).toBe(0);
    for (let i = 0; i < 4; i++) result(9);
    expect(Array.from(shared.subarray(0, 3))).toEqual([4, 4, 4]);
    expect(shared.every((v) => v === 4)).toBe(true);
  });

  it('skips a buffer that was transferred away (detached)', async () => {
    await settle();
    let t: torch.Tensor | null = result(6);
    const moved = structuredClone(t._array.buffer, { transfer: [t._array.buffer] });
    expect(moved.byteLength).toBe(BYTES);
    t = null;
    await collectUntil(() => false);
    expect(pooledStorageBytes()).toBe(0);
    torch.testing.assertClose(result(1), ones);
  });

  it('keeps a training loop exact while its results are recycled between steps', async () => {
    await settle();
    const run = async (recycle: boolean): Promise<number[]> => {
      setStorageRecycling(recycle);
      torch.manualSeed(0);
      const w = torch.randn(256, 256, { requiresGrad: true });
      const x = torch.randn(256, 256);
      const losses: number[] = [];
      for (let step = 0; step < 6; step++) {
        const loss = x.matmul(w).tanh().mul(x).sum();
        loss.backward();
        torch.noGrad(() => w.sub_((w.grad as torch.Tensor).mul(1e-4)));
        w.grad = null;
        losses.push(loss.item());
        gc();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      return losses;
    };
    const plain = await run(false);
    const recycled = await run(true);
    expect(recycled).toEqual(plain);
  });
});
