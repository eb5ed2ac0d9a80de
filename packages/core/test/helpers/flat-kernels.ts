/**
 * What the tests of the flat kernels (kernels/contiguous.ts, contiguous-sums.ts, softmax.ts, strided.ts) share:
 * both float types, inputs salted with special values, a tensor's values as one flat array, and the TypeScript
 * backend for the tensor ops they are checked against.
 */
import { afterAll, beforeAll } from 'vitest';
import * as torch from '@kindling/core';
import type { FloatArray } from '../../src/kernels/contiguous.js';
import { fillSalted } from './same-values.js';

export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

export const TYPES: [string, FloatCtor][] = [
  ['float32', Float32Array],
  ['float64', Float64Array],
];

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-310, 3e38, -1, 1, 0.5];

/** `a` filled with values in (-scale, scale) from `seed`, an eighth of them special values unless `special` is false. */
export function fillInput<T extends FloatArray>(a: T, seed: number, special = true, scale = 4): T {
  return fillSalted(a, seed, special ? SPECIAL : null, 0.125, scale);
}

/** The values of `t` in row-major order. */
export function valuesOf(t: torch.Tensor): Float32Array | Float64Array {
  const c = t.contiguous();
  const n = c._shape.reduce((x, y) => x * y, 1);
  return (c._array as FloatArray).subarray(c._offset, c._offset + n);
}

/**
 * Runs the file's tensor ops on the TypeScript backend: an op may call the kernel under test through the active
 * backend, and the references must be compositions of other ops, or strided views that take the per-element path.
 */
export function referenceOpsOnTypescript(): void {
  let previousBackend: torch.KernelBackend | null = null;
  beforeAll(() => void (previousBackend = torch.setKernelBackend(null)));
  afterAll(() => void (previousBackend && torch.setKernelBackend(previousBackend)));
}
