/**
 * The WebAssembly backend: `@kindling/wasm`'s SIMD kernels (AssemblyScript) behind the KernelBackend interface.
 * An operand in JavaScript memory is copied into the module's memory (the span the call reads) and a result back
 * out; one that lives in the module's memory (large zeros/ones/full/empty made while this backend is active, and
 * so parameters and optimizer state: wasm-memory.ts) is read and written where it is. Large calls are split over a
 * pool of workers sharing that memory (wasm-threads.ts). This file holds the module's state and the GEMM;
 * wasm-conv.ts the convolutions, wasm-entries.ts pooling, batch norm and the elementwise ops. Entries it does not
 * provide are the TypeScript kernels.
 *
 * Loading: in Node, synchronously from the files `@kindling/wasm` built at install; in a browser,
 * `loadWasmBackend(baseUrl)` fetches and compiles them. Relaxed SIMD (fused multiply-adds) is used where the
 * engine validates it; threads where SharedArrayBuffer and workers are available.
 */
import { checkGemmArguments } from './argument-checks.js';
import { type KernelBackend, completeBackend } from './backend.js';
import { type FloatArray, type GemmKernel, gemm as typescriptGemm } from './gemm.js';
import { MAX_TASKS, type WasmTask, WasmThreadPool, threadsAvailable } from './wasm-threads.js';
import { wasmElementwise } from './wasm-elementwise.js';
import { type CallerTask, type Span, wasmEntries } from './wasm-entries.js';
import { MAX_PAGES, ModuleHeap, align } from './wasm-memory.js';
import { wasmConvolutions } from './wasm-conv.js';
import { wasmNorms } from './wasm-norm.js';
import { wasmPooling } from './wasm-pool.js';
import { wasmSoftmax } from './wasm-softmax.js';

/** The four builds of the kernels (see packages/wasm/build.mjs). */
export type WasmVariant = 'simd' | 'simd-threads' | 'relaxed' | 'relaxed-threads';

/** The module's exports: two that size the heap, the rest kernels taking numbers (pointers, sizes, scalars). */
type WasmExports = { heapBase(): number; gemmWorkBytes(): number } & Record<string, (...args: number[]) => number>;
/** The kernels a worker may be asked to run: every function the module exports but the two that size the heap. */
function kernelNames(module: WebAssembly.Module): string[] {
  return WebAssembly.Module.exports(module)
    .filter((e) => e.kind === 'function' && e.name !== 'heapBase' && e.name !== 'gemmWorkBytes')
    .map((e) => e.name);
}

/** Below this many multiply-adds a product stays in the TypeScript kernel: copying in and out costs more. */
const SMALL_GEMM = 4096;
/** Per thread, at least this many multiply-adds before a product is split. */
const WORK_PER_THREAD = 1 << 18;
/** A call split between threads has up to this many parts a thread, taken in turn. */
const TASKS_PER_THREAD = 4;
/** Columns of C per part are a multiple of the float32 micro-kernel's width. */
const COLUMN_QUANTUM = 8;

/**
 * The start of a call's scratch holds its argument block (i32s: a geometry, a layout), or several small ones, one
 * per part of a split call (at most MAX_TASKS), ARGUMENT_SLOT_BYTES apart.
 */
const ARGUMENT_SLOT_BYTES = 64;
const ARGUMENT_BYTES = MAX_TASKS * ARGUMENT_SLOT_BYTES;

/** Whether `bytes` at `address` meet the span `w` of an array (where it lives in the module's memory). */
function meets(address: number, bytes: number, heap: ModuleHeap, [a, off, n]: Span): boolean {
  const w = heap.addressOf(a, off);
  return w !== null && n > 0 && address < w + n * a.BYTES_PER_ELEMENT && w < address + bytes;
}

/** The span of a row-major strided matrix (rows x cols, leading dimension ld) in elements. */
function span(rows: number, cols: number, ld: number): number {
  return rows <= 0 || cols <= 0 ? 0 : (rows - 1) * ld + cols;
}

/** Every core: Node's availableParallelism, a browser's hardwareConcurrency. */
function defaultThreads(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  const hc =
    os?.availableParallelism?.() ??
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof hc === 'number' && hc > 0 ? hc : 1;
}

export interface WasmModules {
  /** Plain SIMD with a private memory: runs everywhere WebAssembly SIMD does. */
  simd: WebAssembly.Module;
  /** The same with a shared memory, for threads; null where SharedArrayBuffer is unavailable. */
  simdThreads: WebAssembly.Module | null;
  /** Relaxed SIMD builds, where the engine validates them. */
  relaxed: WebAssembly.Module | null;
  relaxedThreads: WebAssembly.Module | null;
}

class WasmBackendState {
  private readonly memory: WebAssembly.Memory;
  private readonly exports: WasmExports;
  private readonly pool: WasmThreadPool | null;
  private readonly workBytes: number;
  readonly heap: ModuleHeap;
  /** The most parts a call is split into (each with GEMM scratch of its own). */
  private readonly maxParts: number;
  private threads: number;
  readonly isa: string;

  constructor(modules: WasmModules, threads: number) {
    const shared = threads > 1 && threadsAvailable();
    const module = shared ? (modules.relaxedThreads ?? modules.simdThreads) : (modules.relaxed ?? modules.simd);
    if (module === null) throw new Error('no WebAssembly module for this configuration');
    const relaxed = module === modules.relaxed || module === modules.relaxedThreads;
    this.isa = relaxed ? 'wasm-relaxed-simd' : 'wasm-simd';
    this.memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared } as WebAssembly.MemoryDescriptor);
    const instance = new WebAssembly.Instance(module, {
      env: {
        memory: this.memory,
        abort: () => {
          throw new Error('WebAssembly kernel aborted');
        },
      },
    });
    this.exports = instance.exports as unknown as WasmExports;
    this.workBytes = align(this.exports.gemmWorkBytes());
    const maxThreads = shared ? threads : 1;
    this.maxParts = maxThreads === 1 ? 1 : Math.min(MAX_TASKS, maxThreads * TASKS_PER_THREAD);
    this.heap = new ModuleHeap(this.memory, align(this.exports.heapBase()) + this.maxParts * this.workBytes, shared);
    this.pool = shared ? new WasmThreadPool(module, this.memory, maxThreads - 1, kernelNames(module)) : null;
    this.threads = maxThreads;
  }

  getNumThreads(): number {
    return this.threads;
  }

  /** Threads beyond the workers started with the backend run as one: the pool is sized once. */
  setNumThreads(n: number): void {
    this.threads = Math.max(1, Math.min(n, (this.pool?.size ?? 0) + 1));
  }

  workOf(part: number): number {
    return align(this.exports.heapBase()) + part * this.workBytes;
  }

  gemm(...args: Parameters<GemmKernel>): void {
    const [transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc] = args;
    checkGemmArguments(...args);
    if (M === 0 || N === 0) return;
    if (M * N * K < SMALL_GEMM) {
      typescriptGemm(...args);
      return;
    }
    const size = C.BYTES_PER_ELEMENT;
    const aLen = transA ? span(K, M, lda) : span(M, K, lda);
    const bLen = transB ? span(N, K, ldb) : span(K, N, ldb);
    const cLen = span(M, N, ldc);
    const [aAt, bAt, cAt] = this.regions([aLen, bLen, cLen], size);
    // C is read when beta asks for it, and copied in when its rows have gaps (written back whole, unchanged).
    const cPtr = this.target(C, cOff, cAt);
    if (cPtr === cAt && (beta !== 0 || ldc !== N)) this.copyIn(C, cOff, cAt, cLen);
    const c: Span = [C, cOff, cLen];
    const aPtr = this.source(A, aOff, aLen, aAt, [c]);
    const bPtr = this.source(B, bOff, bLen, bAt, [c]);
    const fn = size === 4 ? 'sgemm' : 'dgemm';
    const tasks = this.split(N, M * N * K).map(
      ([j0, n], part): WasmTask => ({
        fn,
        args: [
          +transA,
          +transB,
          M,
          n,
          K,
          alpha,
          aPtr,
          lda,
          bPtr + (transB ? j0 * ldb : j0) * size,
          ldb,
          beta,
          cPtr + j0 * size,
          ldc,
          this.workOf(part),
        ],
      }),
    );
    this.runParts(tasks);
    this.copyOut(C, cPtr, cLen, C, cOff);
  }

  private slots: number[] = [];

  /**
   * Lays out `counts` elements of `bytes` each in this call's scratch, after the argument block, one region per
   * count (64-byte aligned), and returns their addresses.
   */
  regions(counts: readonly number[], bytes: number): number[] {
    const sizes = counts.map((n) => align(n * bytes));
    const base = this.heap.scratch(ARGUMENT_BYTES + sizes.reduce((a, b) => a + b, 0));
    let at = base + ARGUMENT_BYTES;
    return sizes.map((size) => {
      const region = at;
      at += size;
      return region;
    });
  }

  source(a: FloatArray, off: number, n: number, at: number, writes: readonly Span[] = []): number {
    const own = this.heap.addressOf(a, off);
    if (own !== null && !writes.some((w) => meets(own, n * a.BYTES_PER_ELEMENT, this.heap, w))) return own;
    this.copyIn(a, off, at, n);
    return at;
  }

  target(a: FloatArray, off: number, at: number): number {
    return this.heap.addressOf(a, off) ?? at;
  }

  copyIn(a: FloatArray, off: number, at: number, n: number): void {
    if (n > 0 && this.heap.addressOf(a, off) !== at) this.heap.view(a, at, n).set(a.subarray(off, off + n));
  }

  copyIntsIn(a: Int32Array, at: number): void {
    this.heap.ints(at, a.length).set(a);
  }

  copyOut(like: FloatArray, at: number, n: number, to: FloatArray, off: number): void {
    if (n > 0 && this.heap.addressOf(to, off) !== at) to.set(this.heap.view(like, at, n), off);
  }

  /** Writes i32 arguments (a geometry, a layout) at the start of this call's scratch; returns their address. */
  argumentBlock(values: readonly number[]): number {
    return this.argumentBlocks([values], ARGUMENT_BYTES)[0];
  }

  argumentBlocks(blocks: readonly (readonly number[])[], slotBytes = ARGUMENT_SLOT_BYTES): number[] {
    if (blocks.length * slotBytes > ARGUMENT_BYTES || blocks.some((b) => b.length * 4 > slotBytes))
      throw new RangeError(`argument blocks take at most ${ARGUMENT_BYTES} bytes, ${slotBytes} each`);
    const base = this.heap.scratch(ARGUMENT_BYTES);
    return blocks.map((values, k) => {
      const at = base + k * slotBytes;
      this.heap.ints(at, values.length).set(values);
      return at;
    });
  }

  call(fn: string, ...args: number[]): number {
    return this.exports[fn](...args);
  }

  parallel(n: number, work: number, task: (a: number, b: number) => WasmTask): void {
    this.runParts(this.parts(n, work).map(([a, b]) => task(a, b)));
  }

  /**
   * [a, b) runs of n items for the threads that take part (ready workers, enough work each): one run alone, else
   * up to `perThread` runs a thread, which the threads take in turn (a slowed thread takes fewer).
   */
  parts(n: number, work: number, perThread = TASKS_PER_THREAD): [number, number][] {
    const wanted = Math.max(1, Math.min(this.threads, n, Math.floor(work / WORK_PER_THREAD)));
    this.slots = wanted > 1 && this.pool !== null ? this.pool.readyWorkers(wanted - 1) : [];
    const threads = 1 + this.slots.length;
    const parts = threads === 1 ? 1 : Math.min(n, threads * perThread, this.maxParts);
    const out: [number, number][] = [];
    for (let p = 0; p < parts; p++) out.push([Math.floor((p * n) / parts), Math.floor(((p + 1) * n) / parts)]);
    return out;
  }

  /**
   * Runs the tasks here and on the workers `parts` picked. With `first`, this thread takes the first task itself,
   * calling `first.before()` just before it and `first.after()` just after, while the workers run the others.
   */
  runParts(tasks: WasmTask[], first?: CallerTask): void {
    const run = (t: WasmTask): void => void this.call(t.fn, ...t.args);
    const own =
      first === undefined || tasks.length === 0
        ? undefined
        : (): void => {
            first.before();
            run(tasks[0]);
            first.after();
          };
    if (this.pool === null || this.slots.length === 0) {
      own?.();
      (own === undefined ? tasks : tasks.slice(1)).forEach(run);
    } else this.pool.fork(tasks, this.slots, run, own);
  }

  /** Column ranges [j0, n) of C in multiples of the micro-kernel's width: one a thread (each part repacks A). */
  private split(N: number, work: number): [number, number][] {
    return this.parts(Math.ceil(N / COLUMN_QUANTUM), work, 1)
      .map(([q0, q1]): [number, number] => [
        q0 * COLUMN_QUANTUM,
        Math.min(q1 * COLUMN_QUANTUM, N) - q0 * COLUMN_QUANTUM,
      ])
      .filter(([, n]) => n > 0);
  }
}

/** A KernelBackend named 'wasm' over compiled modules, with up to `threads` threads (default: every core). */
export function createWasmBackend(
  modules: WasmModules,
  threads = defaultThreads(),
): KernelBackend & { readonly isa: string } {
  const state = new WasmBackendState(modules, threads);
  const backend = completeBackend({
    name: 'wasm',
    gemm: (...args) => state.gemm(...args),
    ...wasmConvolutions(state),
    ...wasmEntries(state),
    ...wasmPooling(state),
    ...wasmNorms(state),
    ...wasmSoftmax(state),
    ...wasmElementwise(state),
    getNumThreads: () => state.getNumThreads(),
    setNumThreads: (n) => state.setNumThreads(n),
    ...(state.heap.holdsTensors ? { storage: state.heap } : {}),
  });
  return Object.freeze({ ...backend, isa: state.isa });
}

/** Compiles the four builds' bytes, leaving out what this engine cannot run. */
export function compileWasmModules(bytes: Record<WasmVariant, BufferSource>): WasmModules {
  const compile = (b: BufferSource): WebAssembly.Module | null =>
    WebAssembly.validate(b) ? new WebAssembly.Module(b) : null;
  const simd = compile(bytes.simd);
  if (simd === null) throw new Error('this WebAssembly engine has no SIMD support');
  const shared = typeof SharedArrayBuffer !== 'undefined';
  return {
    simd,
    simdThreads: shared ? compile(bytes['simd-threads']) : null,
    relaxed: compile(bytes.relaxed),
    relaxedThreads: shared ? compile(bytes['relaxed-threads']) : null,
  };
}

const VARIANTS: readonly WasmVariant[] = ['simd', 'simd-threads', 'relaxed', 'relaxed-threads'];

/**
 * Fetches and compiles the modules served under `baseUrl` (the contents of `@kindling/wasm/build/`),
 * asynchronously, as a browser's main thread must. Modules this engine cannot run are left out.
 */
export async function fetchWasmModules(baseUrl: string | URL): Promise<WasmModules> {
  const base = String(baseUrl).endsWith('/') ? String(baseUrl) : `${String(baseUrl)}/`;
  const bytes = await Promise.all(
    VARIANTS.map(async (v) => {
      const url = `${base}kindling-${v}.wasm`;
      const response = await fetch(url);
      if (!response.ok) throw new Error(`could not fetch ${url}: ${response.status} ${response.statusText}`);
      return new Uint8Array(await response.arrayBuffer());
    }),
  );
  const shared = typeof SharedArrayBuffer !== 'undefined';
  const compile = async (b: Uint8Array<ArrayBuffer>): Promise<WebAssembly.Module | null> =>
    WebAssembly.validate(b) ? WebAssembly.compile(b) : null;
  const [simd, simdThreads, relaxed, relaxedThreads] = await Promise.all(
    bytes.map((b, i) => (shared || i % 2 === 0 ? compile(b) : Promise.resolve(null))),
  );
  if (simd === null) throw new Error('this browser has no WebAssembly SIMD support');
  return { simd, simdThreads, relaxed, relaxedThreads };
}

interface NodeModuleApi {
  createRequire(from: string): (id: string) => unknown;
}
interface NodeFsApi {
  readFileSync(path: string): Uint8Array<ArrayBuffer>;
}

/** In Node: the modules `@kindling/wasm` built at install, compiled; null with the reason where there are none. */
export function loadWasmModulesInNode(): { modules: WasmModules | null; reason: string } {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const moduleApi = proc?.getBuiltinModule?.('node:module') as NodeModuleApi | undefined;
  const fs = proc?.getBuiltinModule?.('node:fs') as NodeFsApi | undefined;
  if (moduleApi === undefined || fs === undefined) return { modules: null, reason: 'not running in Node.js' };
  let pkg: { files: Record<WasmVariant, string> | null; reason: string | null };
  try {
    pkg = moduleApi.createRequire(import.meta.url)('@kindling/wasm') as typeof pkg;
  } catch (e) {
    return { modules: null, reason: `@kindling/wasm could not be loaded (${(e as Error).message.split('\n')[0]})` };
  }
  if (pkg.files === null) return { modules: null, reason: pkg.reason ?? 'the WebAssembly kernels are not built' };
  const files = pkg.files;
  try {
    const read = (v: WasmVariant): Uint8Array<ArrayBuffer> => fs.readFileSync(files[v]);
    return {
      modules: compileWasmModules({
        simd: read('simd'),
        'simd-threads': read('simd-threads'),
        relaxed: read('relaxed'),
        'relaxed-threads': read('relaxed-threads'),
      }),
      reason: '',
    };
  } catch (e) {
    return { modules: null, reason: (e as Error).message };
  }
}
