// The WebAssembly backend's storage (kernels/wasm-memory.ts), for the tests of tensors that live in its memory.
import * as torch from '@kindling/core';

/** Runs `f` with the named backend active, then restores the one before. */
export function onBackend<T>(name: 'wasm' | 'typescript', f: () => T): T {
  const previous = torch.setKernelBackend(name);
  try {
    return f();
  } finally {
    torch.setKernelBackend(previous);
  }
}

/**
 * The WebAssembly backend's storage; undefined where that backend is not built or has no shared memory to lend
 * (no threads: SharedArrayBuffer and workers), so that a test can skip.
 */
export function wasmStorage(): torch.BackendStorage | undefined {
  if (!torch.availableKernelBackends().includes('wasm')) return undefined;
  return onBackend('wasm', () => torch.getKernelBackend().storage);
}
