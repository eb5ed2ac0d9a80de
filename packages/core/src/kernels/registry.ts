/**
 * Which backend the ops call: chosen once, on first use — the native one when `@kindling/native` is built for this
 * platform, else TypeScript (with a one-line note in Node). `KINDLING_BACKEND=typescript` (or `native`) in the
 * environment decides instead; `setKernelBackend` switches at run time.
 */
import { RuntimeError } from '../errors.js';
import { type KernelBackend, completeBackend, typescriptBackend } from './backend.js';
import { createNativeBackend, loadNativeAddon } from './native.js';

export type BackendName = 'native' | 'typescript';

let active: KernelBackend | null = null;
let native: { backend: KernelBackend | null; reason: string } | null = null;
let threads: number | null = null;

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
  if (wanted !== undefined && wanted !== '' && wanted !== 'native') {
    throw new RuntimeError(`KINDLING_BACKEND must be 'native' or 'typescript', but got '${wanted}'`);
  }
  const { backend, reason } = nativeBackend();
  if (backend !== null) return backend;
  if (wanted === 'native') throw new RuntimeError(`KINDLING_BACKEND=native, but the native kernels are unavailable: ${reason}`);
  if (reason !== 'not running in Node.js') console.warn(`note: Kindling's native kernels are unavailable (${reason}); using the TypeScript kernels`);
  return typescriptBackend;
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
  return nativeBackend().backend === null ? ['typescript'] : ['native', 'typescript'];
}

/**
 * Switches backend: `'native'`, `'typescript'`, a backend object (entries it leaves out are the TypeScript ones),
 * or `null` for the TypeScript backend. Returns the previous backend, so a caller can put it back.
 */
export function setKernelBackend(backend: BackendName | (Partial<KernelBackend> & { name: string }) | null): KernelBackend {
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
  if (typeof backend === 'string') throw new RuntimeError(`unknown kernel backend '${String(backend)}': expected 'native' or 'typescript'`);
  if (backend === typescriptBackend || backend === native?.backend) return backend as KernelBackend;
  return completeBackend(backend);
}

/** torch.set_num_threads: the threads the kernels use (the native backend's pool; default: every core). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new RuntimeError(`set_num_threads expects a positive integer, but got ${String(n)}`);
  threads = n;
  getKernelBackend().setNumThreads(n);
}

/** torch.get_num_threads. */
export function getNumThreads(): number {
  return threads ?? getKernelBackend().getNumThreads();
}
