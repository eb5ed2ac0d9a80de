/**
 * What the backend conformance files share: one `describe` per backend that can run here, each backend's thread
 * counts, the active backend and thread count put back afterwards, and the random float arrays the cases fill.
 */
import { afterAll, describe } from 'vitest';
import * as torch from '@kindling/core';
import type { KernelBackend } from '@kindling/core';

export type FloatArray = Float32Array | Float64Array;
export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

/** n values uniform in [-1, 1) from `next`. */
export function randomArray(ctor: FloatCtor, n: number, next: () => number): FloatArray {
  const a = new ctor(n);
  for (let i = 0; i < n; i++) a[i] = next() * 2 - 1;
  return a;
}

/** The backend active now; it and the thread count now are put back after the file's tests. */
export function restoreBackendAfterAll(): KernelBackend {
  const initial = torch.getKernelBackend();
  const threadsBefore = torch.getNumThreads();
  afterAll(() => {
    torch.setKernelBackend(initial);
    torch.setNumThreads(threadsBefore);
  });
  return initial;
}

function backendNamed(name: torch.BackendName): KernelBackend {
  const previous = torch.setKernelBackend(name);
  const backend = torch.getKernelBackend();
  torch.setKernelBackend(previous);
  return backend;
}

export interface BackendUnderTest {
  name: torch.BackendName;
  backend: KernelBackend;
  threadCounts: readonly number[];
}

/**
 * `describe('the <name> backend')` for every backend available here (native and wasm where built, typescript
 * always), `body` given the backend's object and the thread counts to run it at: 1 and 2 for the multi-threaded
 * ones, whose results must not depend on it.
 */
export function describeEachBackend(body: (each: BackendUnderTest) => void): void {
  for (const name of torch.availableKernelBackends()) {
    describe(`the ${name} backend`, () => {
      body({ name, backend: backendNamed(name), threadCounts: name === 'typescript' ? [1] : [1, 2] });
    });
  }
}
