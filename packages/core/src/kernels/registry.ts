/**
 * Which backend the ops call: chosen once, on first use — in Node the native one when `@kindling/native` is built
 * for this platform, else the WebAssembly one when `@kindling/wasm` is, else TypeScript (with a one-line note).
 * In a browser, TypeScript until `loadWasmBackend` has loaded the WebAssembly kernels. `KINDLING_BACKEND=native`,
 * `wasm` or `typescript` in the environment decides instead; `setKernelBackend` switches at run time.
 */
import { RuntimeError } from '../errors.js';
import { type KernelBackend, completeBackend, typescriptBackend } from './backend.js';
import { createNativeBackend, loadNativeAddon } from './native.js';
import { type WasmModules, createWasmBackend, fetchWasmModules, loadWasmModulesInNode } from './wasm.js';

export type BackendName = 'native' | 'wasm' | 'typescript';

let active: KernelBackend | null = null;
let native: { backend: KernelBackend | null; reason: string } | null = null;
let wasm: { backend: KernelBackend | null; reason: string } | null = null;
let threads: number | null = null;

function wasmBackend(): { backend: KernelBackend | null; reason: string } {
  if (wasm === null) {
    const { modules, reason } = loadWasmModulesInNode();
    wasm = modules === null ? { backend: null, reason } : fromModules(modules);
  }
  return wasm;
}

function fromModules(modules: WasmModules): { backend: KernelBackend | null; reason: string } {
  try {
    return { backend: createWasmBackend(modules), reason: '' };
  } catch (e) {
    return { backend: null, reason: (e as Error).message };
  }
}

/**
 * Makes compiled WebAssembly kernels the 'wasm' backend (what `loadWasmBackend` does after fetching them in a
 * browser); it becomes the active one when `activate` is true.
 */
export function registerWasmModules(modules: WasmModules, activate: boolean): KernelBackend {
  const made = fromModules(modules);
  if (made.backend === null) throw new RuntimeError(`the WebAssembly kernels could not start: ${made.reason}`);
  wasm = made;
  if (activate) setKernelBackend('wasm');
  return made.backend;
}

function nativeBackend(): { backend: KernelBackend | null; reason: string } {
  if (native === null) {
    const { addon, reason } = loadNativeAddon();
    native = { backend: addon === null ? null : createNativeBackend(addon), reason };
  }
  return native;
}

function environmentChoice(): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.KINDLING_BACKEND;
}

function chooseAtStart(): KernelBackend {
  const wanted = environmentChoice();
  if (wanted === 'typescript') return typescriptBackend;
  if (wanted !== undefined && wanted !== '' && wanted !== 'native' && wanted !== 'wasm') {
    throw new RuntimeError(`KINDLING_BACKEND must be 'native', 'wasm' or 'typescript', but got '${wanted}'`);
  }
  if (wanted === 'wasm') {
    const { backend, reason } = wasmBackend();
    if (backend === null)
      throw new RuntimeError(`KINDLING_BACKEND=wasm, but the WebAssembly kernels are unavailable: ${reason}`);
    return backend;
  }
  const { backend, reason } = nativeBackend();
  if (backend !== null) return backend;
  if (wanted === 'native')
    throw new RuntimeError(`KINDLING_BACKEND=native, but the native kernels are unavailable: ${reason}`);
  if (reason === 'not running in Node.js') return typescriptBackend;
  const fallback = wasmBackend();
  if (fallback.backend !== null) {
    console.warn(`note: Kindling's native kernels are unavailable (${reason}); using the WebAssembly kernels`);
    return fallback.backend;
  }
  console.warn(`note: Kindling's native kernels are unavailable (${reason}); using the TypeScript kernels`);
  return typescriptBackend;
}

/**
 * `torch.loadWasmBackend(baseUrl)`: fetches and compiles the WebAssembly kernels served under `baseUrl` (the
 * contents of `@kindling/wasm/build/`), makes them the active backend and returns it. For browsers, where the
 * modules cannot be loaded synchronously on first use; in Node `setKernelBackend('wasm')` is enough.
 */
export async function loadWasmBackend(baseUrl: string | URL): Promise<KernelBackend> {
  let modules: WasmModules;
  try {
    modules = await fetchWasmModules(baseUrl);
  } catch (e) {
    throw new RuntimeError(`the WebAssembly kernels could not be loaded: ${(e as Error).message}`);
  }
  return registerWasmModules(modules, true);
}

/** The backend the ops call now. */
export function getKernelBackend(): KernelBackend {
  if (active === null) {
    active = chooseAtStart();
    if (threads !== null) active.setNumThreads(threads);
  }
  return active;
}

/** The backends that can run here, the default first. */
export function availableKernelBackends(): BackendName[] {
  const names: BackendName[] = [];
  if (nativeBackend().backend !== null) names.push('native');
  if (wasm?.backend || (nodeRuntime() && wasmBackend().backend !== null)) names.push('wasm');
  names.push('typescript');
  return names;
}

function nodeRuntime(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
}

/**
 * Switches backend: `'native'`, `'typescript'`, a backend object (entries it leaves out are the TypeScript ones),
 * or `null` for the TypeScript backend. Returns the previous backend, so a caller can put it back.
 */
export function setKernelBackend(
  backend: BackendName | (Partial<KernelBackend> & { name: string }) | null,
): KernelBackend {
  const previous = getKernelBackend();
  const next = resolve(backend);
  if (threads !== null) next.setNumThreads(threads);
  active = next;
  return previous;
}

function resolve(backend: BackendName | (Partial<KernelBackend> & { name: string }) | null): KernelBackend {
  if (backend === null || backend === 'typescript') return typescriptBackend;
  if (backend === 'native') {
    const { backend: nb, reason } = nativeBackend();
    if (nb === null) throw new RuntimeError(`the native kernel backend is unavailable: ${reason}`);
    return nb;
  }
  if (backend === 'wasm') {
    const { backend: wb, reason } = wasm?.backend
      ? wasm
      : nodeRuntime()
        ? wasmBackend()
        : { backend: null, reason: 'in a browser, load it first with torch.loadWasmBackend()' };
    if (wb === null) throw new RuntimeError(`the WebAssembly kernel backend is unavailable: ${reason}`);
    return wb;
  }
  if (typeof backend === 'string')
    throw new RuntimeError(`unknown kernel backend '${String(backend)}': expected 'native', 'wasm' or 'typescript'`);
  if (backend === typescriptBackend || backend === native?.backend || backend === wasm?.backend)
    return backend as KernelBackend;
  return completeBackend(backend);
}

/** torch.set_num_threads: the threads the kernels use (the native backend's pool; default: every core). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n <= 0)
    throw new RuntimeError(`set_num_threads expects a positive integer, but got ${String(n)}`);
  threads = n;
  getKernelBackend().setNumThreads(n);
}

/** torch.get_num_threads. */
export function getNumThreads(): number {
  return threads ?? getKernelBackend().getNumThreads();
}
