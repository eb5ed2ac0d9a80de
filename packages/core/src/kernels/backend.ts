/**
 * The kernel backend: every hot loop of the framework behind one interface, so that faster implementations drop in
 * without touching ops or autograd. The pure-TypeScript kernels are the reference backend; `@kindling/native` (a C
 * addon) implements the same entries over the same typed arrays, zero-copy, and is tested against this one.
 *
 * Entries are pure: they receive every array and size they need (a convolution gets the GEMM it uses), know
 * nothing of tensors, and read no global state. Arrays are contiguous unless an entry takes offsets and strides;
 * every output (gradients included) is fully written, never accumulated into.
 */
import { type GemmBatchedKernel, type GemmKernel, gemm, gemmBatchedWith } from './gemm.js';
import type { TypedArray } from '../dtype.js';
import { type ConvGeometry, conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv.js';
import {
  adaptiveAvgPool2dBackward,
  adaptiveAvgPool2dForward,
  adaptiveMaxPool2dForward,
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
} from './pool.js';
import type { FloatArray } from './gemm.js';
import { binary, unary } from './contiguous.js';
import { sumDim } from './contiguous-sums.js';
import { extremeDim } from './dim-extremes.js';
import { embeddingBackward, embeddingForward } from './embedding.js';
import { bernoulliFill } from './random-bits.js';
import { cast, copy, fill } from './copy.js';
import { softmax, softmaxBackward } from './softmax.js';
import { batchNormBackward, batchNormForward } from './norm.js';
import { layerNormBackward, layerNormForward } from './layer-norm.js';
import { adadeltaUpdate, adamUpdate, sgdUpdate } from './optim.js';

/**
 * Memory that a backend's kernels read and write where it is (the WebAssembly module's own): large float storage
 * is taken from it while the backend is active, so that its kernels copy nothing in or out for it. Its arrays
 * stay valid whatever runs later (the module's shared memory never detaches).
 */
export interface BackendStorage {
  /**
   * `n` elements, values unspecified; null when it has none to give (the caller then allocates as usual).
   * `result`: an op's result, most often dropped within a step (a parameter or optimizer state is not).
   */
  allocate(float64: boolean, n: number, result: boolean): FloatArray | null;
  /** Whether `a` is an array `allocate` handed out. */
  owns(a: TypedArray): boolean;
  /** Takes back an array nothing will read or write again. */
  release(a: TypedArray): void;
  /** Something else (a `numpy()` subarray) may read the array's memory for ever: it is never reused. */
  escape(a: TypedArray): void;
}

export interface KernelBackend {
  readonly name: string;
  /** Where large storage comes from while this backend is active; absent: ordinary typed arrays. */
  readonly storage?: BackendStorage;
  /** Threads the backend's kernels use (the TypeScript kernels run on the calling thread: 1). */
  getNumThreads(): number;
  setNumThreads(n: number): void;

  /** Row-major GEMM: C = alpha * op(A) op(B) + beta * C (see kernels/gemm.ts). */
  gemm: GemmKernel;
  /** A batch of such products at fixed strides (bmm, batched matmul): kernels/gemm.ts's GemmBatchedKernel. */
  gemmBatched: GemmBatchedKernel;
  conv2dForward: (x: FloatArray, w: FloatArray, bias: FloatArray | null, g: ConvGeometry, out: FloatArray) => void;
  conv2dBackwardInput: (gy: FloatArray, w: FloatArray, g: ConvGeometry, gx: FloatArray) => void;
  conv2dBackwardWeight: (x: FloatArray, gy: FloatArray, g: ConvGeometry, gw: FloatArray) => void;

  maxPool2dForward: typeof maxPool2dForward;
  maxPool2dBackward: typeof maxPool2dBackward;
  avgPool2dForward: typeof avgPool2dForward;
  avgPool2dBackward: typeof avgPool2dBackward;
  adaptiveAvgPool2dForward: typeof adaptiveAvgPool2dForward;
  adaptiveAvgPool2dBackward: typeof adaptiveAvgPool2dBackward;
  adaptiveMaxPool2dForward: typeof adaptiveMaxPool2dForward;

  /** Elementwise a op b over a coalesced layout of up to four broadcast/strided dims (kernels/contiguous.ts). */
  binary: typeof binary;
  /** Elementwise op over a contiguous run (kernels/contiguous.ts: `UnaryOp` codes). */
  unary: typeof unary;
  /** A strided source of up to four coalesced dims gathered into a contiguous run (kernels/copy.ts). */
  copy: typeof copy;
  /** A contiguous run converted between float32 and float64 (kernels/copy.ts). */
  cast: typeof cast;
  /** A contiguous run set to one value (kernels/copy.ts). */
  fill: typeof fill;
  /** Sums along the middle dim of a contiguous [outer, size, inner] array. */
  sumDim: typeof sumDim;
  /** The max or min along the middle dim of a contiguous [outer, size, inner] array, and its index (kernels/dim-extremes.ts). */
  extremeDim: typeof extremeDim;
  softmax: typeof softmax;
  softmaxBackward: typeof softmaxBackward;
  /** Rows of a [num, dim] table picked by int64/int32 indices, and the table's gradient (kernels/embedding.ts). */
  embeddingForward: typeof embeddingForward;
  embeddingBackward: typeof embeddingBackward;
  /** Bernoulli samples (bernoulli_, dropout masks) drawn from a Generator's bit state, in place (kernels/random-bits.ts). */
  bernoulliFill: typeof bernoulliFill;
  batchNormForward: typeof batchNormForward;
  batchNormBackward: typeof batchNormBackward;
  layerNormForward: typeof layerNormForward;
  layerNormBackward: typeof layerNormBackward;
  /** The optimizers' per-parameter updates, in place, with PyTorch's float32 rounding (kernels/optim.ts). */
  sgdUpdate: typeof sgdUpdate;
  adamUpdate: typeof adamUpdate;
  adadeltaUpdate: typeof adadeltaUpdate;
}

/** The entries a backend must provide itself; the rest can come from the TypeScript kernels. */
export type BackendKernels = Omit<KernelBackend, 'name' | 'getNumThreads' | 'setNumThreads'>;

/** The TypeScript kernels, with the convolutions running on the given GEMM. */
function typescriptKernels(gemmKernel: GemmKernel): BackendKernels {
  return {
    gemm: gemmKernel,
    gemmBatched: gemmBatchedWith(gemmKernel),
    conv2dForward: (x, w, bias, g, out) => conv2dForward(x, w, bias, g, out, gemmKernel),
    conv2dBackwardInput: (gy, w, g, gx) => conv2dBackwardInput(gy, w, g, gx, gemmKernel),
    conv2dBackwardWeight: (x, gy, g, gw) => conv2dBackwardWeight(x, gy, g, gw, gemmKernel),
    maxPool2dForward,
    maxPool2dBackward,
    avgPool2dForward,
    avgPool2dBackward,
    adaptiveAvgPool2dForward,
    adaptiveAvgPool2dBackward,
    adaptiveMaxPool2dForward,
    binary,
    unary,
    copy,
    cast,
    fill,
    sumDim,
    extremeDim,
    softmax,
    softmaxBackward,
    embeddingForward,
    embeddingBackward,
    bernoulliFill,
    batchNormForward,
    batchNormBackward,
    layerNormForward,
    layerNormBackward,
    sgdUpdate,
    adamUpdate,
    adadeltaUpdate,
  };
}

export const typescriptBackend: KernelBackend = Object.freeze({
  name: 'typescript',
  getNumThreads: () => 1,
  setNumThreads: () => {},
  ...typescriptKernels(gemm),
});

/**
 * A complete backend from a partial one: entries it leaves out are the TypeScript kernels, with the convolutions
 * running on its GEMM when it has one.
 */
export function completeBackend(partial: Partial<KernelBackend> & { name: string }): KernelBackend {
  const base = typescriptKernels(partial.gemm ?? gemm);
  return Object.freeze({ getNumThreads: () => 1, setNumThreads: () => {}, ...base, ...partial });
}
