/**
 * The WebAssembly backend's entries beyond GEMM, convolution (wasm-conv.ts), the elementwise ops
 * (wasm-elementwise.ts), pooling (wasm-pool.ts), the normalisations (wasm-norm.ts) and softmax (wasm-softmax.ts):
 * the sum along a dim and the SGD and Adam updates, and what the entries of those files share. Each checks its arguments as the TypeScript kernel does, before anything is copied, then
 * copies the spans it reads into the module's memory, runs, and copies the result out. Cases the module does not
 * compute (integer arrays, small calls, float64 optimizer updates) run the TypeScript kernels, so every entry gives the TypeScript kernel's
 * bits.
 */
import { checkBool, checkCount, checkNumber } from './argument-checks.js';
import type { BackendKernels } from './backend.js';
import { checkSumDim, sumDim as tsSumDim } from './contiguous-sums.js';
import {
  adamScalars,
  adamUpdate as tsAdamUpdate,
  checkAdamArrays,
  checkAdamCounts,
  checkSgdArrays,
  sgdScalars,
  sgdUpdate as tsSgdUpdate,
} from './optim.js';
import type { FloatArray } from './gemm.js';
import type { WasmTask } from './wasm-threads.js';

/** Elements [off, off + n) of an array. */
export type Span = readonly [a: FloatArray, off: number, n: number];

/**
 * Work the calling thread does around the first task of a split call, which it then runs itself: copying in what
 * only that task reads, and copying out what only it writes, while the workers compute the other tasks.
 */
export interface CallerTask {
  before(): void;
  after(): void;
}

/** What the entries need of the backend's state: scratch in the module's memory, copies, calls, threads. */
export interface WasmHost {
  /** Lays out regions of `counts` elements of `bytes` each after the argument block; returns their addresses. */
  regions(counts: readonly number[], bytes: number): number[];
  /** The argument block: `n` i32s at a fixed address, for geometry and layouts. */
  argumentBlock(values: readonly number[]): number;
  /** Small argument blocks (at most 16 i32s), one per part of a split call (as many as `parts` gives). */
  argumentBlocks(blocks: readonly (readonly number[])[]): number[];
  /**
   * Where a kernel reads elements [off, off + n) of `a`: where they are when `a` lives in the module's memory
   * (wasm-memory.ts) and the call writes none of them (`writes`), else copied to `at`.
   */
  source(a: FloatArray, off: number, n: number, at: number, writes?: readonly Span[]): number;
  /** Where a kernel writes `a` from element `off` on: where it is when `a` lives in the module's memory, else `at`. */
  target(a: FloatArray, off: number, at: number): number;
  /** Copies `n` elements of `a` from `off` to address `at` (nothing when they are there already). */
  copyIn(a: FloatArray, off: number, at: number, n: number): void;
  /** Copies an array of i32s (a table a kernel reads, such as pooling windows) to address `at`. */
  copyIntsIn(a: Int32Array, at: number): void;
  /** Copies `n` elements at address `at` to `to` from `off` on (nothing when they are there already). */
  copyOut(like: FloatArray, at: number, n: number, to: FloatArray, off: number): void;
  call(fn: string, ...args: number[]): number;
  /** [a, b) ranges of n items, one per thread that takes part (enough work each), and runs a task per range. */
  parallel(n: number, work: number, task: (a: number, b: number) => WasmTask): void;
  /**
   * The ranges `parallel` would use, for a caller that lays out per-thread scratch first; then `runParts`. Up to
   * `perThread` ranges a thread (default: several, so that a slowed thread takes fewer); 1 where every range
   * repeats work of its own (packing the whole weight, writing a whole image's columns).
   */
  parts(n: number, work: number, perThread?: number): [number, number][];
  runParts(tasks: WasmTask[], first?: CallerTask): void;
  /** GEMM scratch private to part p of a split call. */
  workOf(part: number): number;
  getNumThreads(): number;
}

/** Entries on fewer elements than this stay in TypeScript: the copies would cost more. */
export const SMALL = 4096;
export const INT32_MAX = 0x7fffffff;

/**
 * Where an optimizer kernel (two elements at a time) reads and updates `a`'s first n elements: where they are when
 * `a` lives in the module's memory and n is even (an odd n has the kernel touch one element past the end, which may
 * be another tensor's), else in `region` (copied in when `read`).
 */
function pairs(host: WasmHost, a: FloatArray, n: number, region: number, read: boolean): number {
  const own = n % 2 === 0 ? host.target(a, 0, region) : region;
  if (own === region && read) host.copyIn(a, 0, region, n);
  return own;
}

function sgdUpdate(host: WasmHost, ...args: Parameters<BackendKernels['sgdUpdate']>): void {
  const [param, grad, buf, n, lr, momentum, dampening, weightDecay, nesterov, maximize, firstStep] = args;
  checkCount(n, 'n');
  [lr, momentum, dampening, weightDecay].forEach((v, i) =>
    checkNumber(v, ['lr', 'momentum', 'dampening', 'weightDecay'][i]),
  );
  [nesterov, maximize, firstStep].forEach((v, i) => checkBool(v, ['nesterov', 'maximize', 'firstStep'][i]));
  const b = checkSgdArrays(param, grad, buf, n, momentum);
  // Float64 parameters: the update's fused multiply-adds in double are the TypeScript kernel's (fma.ts).
  if (n < SMALL || n > INT32_MAX / 2 || !(param instanceof Float32Array)) return tsSgdUpdate(...args);
  // The scalars rounded to float32 first, as the TypeScript loop rounds them; arrays padded to pairs.
  const padded = n + 2;
  const [pRegion, gRegion, bRegion] = host.regions([padded, padded, b === null ? 0 : padded], param.BYTES_PER_ELEMENT);
  const pPtr = pairs(host, param, n, pRegion, true);
  const gPtr = pairs(host, grad, n, gRegion, true);
  const bPtr = b === null ? 0 : pairs(host, b, n, bRegion, !firstStep);
  const flags = [+(weightDecay !== 0), +nesterov, +maximize, +firstStep];
  const scalars = [...sgdScalars(lr, momentum, dampening, weightDecay, Math.fround), ...flags];
  host.parallel(Math.ceil(n / 2), n * 8, (k0, k1) => ({
    fn: 'sgdUpdate32',
    args: [pPtr, gPtr, bPtr, k0, k1, ...scalars],
  }));
  host.copyOut(param, pPtr, n, param, 0);
  if (b !== null) host.copyOut(param, bPtr, n, b, 0);
}

function adamUpdate(host: WasmHost, ...args: Parameters<BackendKernels['adamUpdate']>): void {
  const [
    param,
    grad,
    expAvg,
    expAvgSq,
    maxExpAvgSq,
    n,
    lr,
    beta1,
    beta2,
    eps,
    weightDecay,
    decoupled,
    amsgrad,
    maximize,
    step,
  ] = args;
  checkAdamCounts(n, step);
  [lr, beta1, beta2, eps, weightDecay].forEach((v, i) =>
    checkNumber(v, ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'][i]),
  );
  [decoupled, amsgrad, maximize].forEach((v, i) => checkBool(v, ['decoupled', 'amsgrad', 'maximize'][i]));
  const mx = checkAdamArrays({ param, grad, expAvg, expAvgSq, maxExpAvgSq, n, amsgrad });
  // Float64 parameters: as sgdUpdate's.
  if (n < SMALL || n > INT32_MAX / 2 || !(param instanceof Float32Array)) return tsAdamUpdate(...args);
  const arrays = [param, grad, expAvg, expAvgSq, mx];
  const ptrs = host.regions(
    arrays.map((a) => (a === null ? 0 : n + 2)),
    param.BYTES_PER_ELEMENT,
  );
  const at = arrays.map((a, i) => (a === null ? 0 : pairs(host, a, n, ptrs[i], true)));
  const scalars = adamScalars(lr, beta1, beta2, eps, weightDecay, step, Math.fround);
  const flags =
    (decoupled ? 1 : 0) | (!decoupled && weightDecay !== 0 ? 2 : 0) | (amsgrad ? 4 : 0) | (maximize ? 8 : 0);
  host.parallel(Math.ceil(n / 2), n * 16, (k0, k1) => ({
    fn: 'adamUpdate32',
    args: [at[0], at[1], at[2], at[3], at[4], k0, k1, ...scalars, flags],
  }));
  [0, 2, 3, 4].forEach((i) => {
    const a = arrays[i];
    if (a !== null) host.copyOut(param, at[i], n, a, 0);
  });
}

function sumDim(host: WasmHost, ...args: Parameters<BackendKernels['sumDim']>): void {
  const [a, aOff, outer, size, inner, out, outOff] = args;
  const { inN, outN } = checkSumDim(a, aOff, outer, size, inner, out, outOff);
  if (outN === 0) return;
  if (inN < SMALL || inN > INT32_MAX) return tsSumDim(...args);
  // Padded by one element: a pair of inner positions may read one past the last row's end.
  const [aPtr, outPtr] = host.regions([inN + 2, outN + 2], a.BYTES_PER_ELEMENT);
  host.copyIn(a, aOff, aPtr, inN);
  const fn = a instanceof Float32Array ? 'sumDim32' : 'sumDim64';
  host.parallel(outer, inN * 2, (o0, o1) => ({ fn, args: [aPtr, size, inner, outPtr, o0, o1] }));
  host.copyOut(a, outPtr, outN, out, outOff);
}

/** The entries above, bound to a backend's state. */
export function wasmEntries(host: WasmHost): Pick<BackendKernels, 'sgdUpdate' | 'adamUpdate' | 'sumDim'> {
  return {
    sgdUpdate: (...args) => sgdUpdate(host, ...args),
    adamUpdate: (...args) => adamUpdate(host, ...args),
    sumDim: (...args) => sumDim(host, ...args),
  };
}
