/**
 * The kernel backend: the seam where faster implementations of the hot kernels drop in without touching ops
 * or autograd. The pure-TypeScript kernels are the reference backend; a native addon or a WASM-SIMD module can
 * implement any subset of this interface over the same typed arrays (zero-copy) and be tested against it.
 */
import { gemm } from './gemm.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv.js';

export interface KernelBackend {
  readonly name: string;
  /** Row-major GEMM: C = alpha * op(A) op(B) + beta * C (see kernels/gemm.ts). */
  gemm: typeof gemm;
  conv2dForward: typeof conv2dForward;
  conv2dBackwardInput: typeof conv2dBackwardInput;
  conv2dBackwardWeight: typeof conv2dBackwardWeight;
}

export const typescriptBackend: KernelBackend = Object.freeze({
  name: 'typescript',
  gemm,
  conv2dForward,
  conv2dBackwardInput,
  conv2dBackwardWeight,
});

let active: KernelBackend = typescriptBackend;

/** The backend the ops call now. */
export function getKernelBackend(): KernelBackend {
  return active;
}

/**
 * Installs a backend; kernels it leaves out stay the TypeScript ones. `null` restores the TypeScript backend.
 * Returns the previous backend, so a caller can put it back.
 */
export function setKernelBackend(backend: (Partial<KernelBackend> & { name: string }) | null): KernelBackend {
  const previous = active;
  active = backend === null ? typescriptBackend : Object.freeze({ ...typescriptBackend, ...backend });
  return previous;
}
