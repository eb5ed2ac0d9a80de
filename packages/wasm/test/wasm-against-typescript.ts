/**
 * What the tests of the WebAssembly entries against the TypeScript kernels share: whether the WebAssembly backend
 * is built here and its kernels, the thread counts they run at, awkward inputs, and the bit-for-bit check.
 */
import { afterAll, describe, expect } from 'vitest';
// Core's source by path (this package does not depend on core; vitest resolves @kindling/core to the same file).
import * as torch from '../../core/src/index.js';
import { rng } from '../../core/test/helpers/rng.js';

export type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
export type FloatArray = Float32Array | Float64Array;

/** One thread, and two, between which a split call must not change a bit. */
export const THREAD_COUNTS = [1, 2];

/**
 * The file's tests in `describe("the WebAssembly entries give the TypeScript kernels' bits")`, skipped where the
 * WebAssembly backend is not built; the backend active before is put back after them.
 */
export function describeAgainstTypescript(body: () => void): void {
  const initial = torch.getKernelBackend();
  afterAll(() => void torch.setKernelBackend(initial));
  describe.skipIf(!torch.availableKernelBackends().includes('wasm'))(
    "the WebAssembly entries give the TypeScript kernels' bits",
    body,
  );
}

/** The WebAssembly backend's kernels, called directly (the active backend is left as it was). */
export function wasmBackend(): torch.KernelBackend {
  const previous = torch.setKernelBackend('wasm');
  const backend = torch.getKernelBackend();
  torch.setKernelBackend(previous);
  return backend;
}

/** Random values in [-2, 2) with NaN, ±Infinity, ±0 and ties sprinkled in. */
export function awkward(ctor: Ctor, n: number, seed: number): FloatArray {
  const next = rng(seed);
  const a = new ctor(n);
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-39, 3e38];
  for (let i = 0; i < n; i++)
    a[i] =
      next() < 0.02
        ? specials[Math.floor(next() * specials.length)]
        : next() < 0.05 && i > 0
          ? a[i - 1]
          : next() * 4 - 2;
  return a;
}

/**
 * Same values bit for bit, the sign of zero included; a NaN matches any NaN (JavaScript engines do not keep a
 * NaN's sign or payload through arithmetic, so neither kernel can promise them).
 */
export function expectSameBits(got: FloatArray, want: FloatArray, label: string): void {
  expect(got.constructor, label).toBe(want.constructor);
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) expect(`${label} [${i}]: ${got[i]}`).toBe(`${label} [${i}]: ${want[i]}`);
  }
}

/** expectSameBits for each array a kernel wrote against the array at the same place in `want`. */
export function expectSameArrays(got: readonly FloatArray[], want: readonly FloatArray[], label: string): void {
  got.forEach((a, i) => expectSameBits(a, want[i], `${label} array ${i}`));
}
