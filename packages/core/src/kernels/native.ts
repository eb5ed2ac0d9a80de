/**
 * The native backend: `@kindling/native`'s C addon behind the KernelBackend interface. The addon's entries take
 * the same arrays as the TypeScript kernels and check every argument before touching memory; this file only
 * loads it (in Node, without importing a Node module, so the core still loads in browsers) and routes the cases
 * the addon does not cover (integer dtypes) to the TypeScript kernels.
 */
import type { TypedArray } from '../dtype.js';
import { type BackendKernels, type KernelBackend, completeBackend, typescriptBackend } from './backend.js';
import type { FloatArray } from './gemm.js';

/** What the compiled addon exports; a family of kernels missing from a build is simply absent. */
export interface NativeAddon extends Partial<BackendKernels> {
  isa(): string;
  getNumThreads(): number;
  setNumThreads(n: number): void;
}

interface NodeProcessLike {
  getBuiltinModule?: (id: string) => unknown;
}

interface NodeModuleApi {
  createRequire(from: string): (id: string) => unknown;
}

/** Loads the addon through Node's `require`; null with the reason where there is none. */
export function loadNativeAddon(): { addon: NativeAddon | null; reason: string } {
  const proc = (globalThis as { process?: NodeProcessLike }).process;
  const moduleApi = proc?.getBuiltinModule?.('node:module') as NodeModuleApi | undefined;
  if (moduleApi === undefined) return { addon: null, reason: 'not running in Node.js' };
  let loaded: { addon: unknown; reason: string | null };
  try {
    loaded = moduleApi.createRequire(import.meta.url)('@kindling/native') as typeof loaded;
  } catch (e) {
    return { addon: null, reason: `@kindling/native could not be loaded (${(e as Error).message.split('\n')[0]})` };
  }
  if (loaded.addon === null) return { addon: null, reason: loaded.reason ?? 'the addon is not built' };
  return { addon: loaded.addon as NativeAddon, reason: '' };
}

function isFloat(a: TypedArray): a is FloatArray {
  return a instanceof Float32Array || a instanceof Float64Array;
}

export function createNativeBackend(addon: NativeAddon): KernelBackend {
  const ts = typescriptBackend;
  const pick = <K extends keyof BackendKernels>(key: K): BackendKernels[K] =>
    (addon[key] ?? ts[key]) as BackendKernels[K];
  const gemm = pick('gemm');
  // Convolution families missing from a build run the TypeScript loops on the native GEMM.
  const onNativeGemm = completeBackend({ name: 'native', gemm });
  const maxPool = pick('maxPool2dForward');
  const maxPoolBackward = pick('maxPool2dBackward');
  const avgPool = pick('avgPool2dForward');
  const avgPoolBackward = pick('avgPool2dBackward');
  const adaptiveAvg = pick('adaptiveAvgPool2dForward');
  const adaptiveAvgBackward = pick('adaptiveAvgPool2dBackward');
  const adaptiveMax = pick('adaptiveMaxPool2dForward');
  return Object.freeze({
    name: 'native',
    getNumThreads: () => addon.getNumThreads(),
    setNumThreads: (n: number) => addon.setNumThreads(n),
    gemm,
    gemmBatched: pick('gemmBatched'),
    conv2dForward: addon.conv2dForward ?? onNativeGemm.conv2dForward,
    conv2dBackwardInput: addon.conv2dBackwardInput ?? onNativeGemm.conv2dBackwardInput,
    conv2dBackwardWeight: addon.conv2dBackwardWeight ?? onNativeGemm.conv2dBackwardWeight,
    // Pooling over integer tensors stays in TypeScript (integer division rules, int32 storage).
    maxPool2dForward: (x, g, out, indices) => (isFloat(x) ? maxPool : ts.maxPool2dForward)(x, g, out, indices),
    maxPool2dBackward: (gy, indices, planes, HW, OHW, gx) =>
      (isFloat(gy) ? maxPoolBackward : ts.maxPool2dBackward)(gy, indices, planes, HW, OHW, gx),
    avgPool2dForward: (x, g, mode, out) =>
      (isFloat(x) && !mode.integral ? avgPool : ts.avgPool2dForward)(x, g, mode, out),
    avgPool2dBackward: (gy, g, mode, gx) =>
      (isFloat(gy) && !mode.integral ? avgPoolBackward : ts.avgPool2dBackward)(gy, g, mode, gx),
    adaptiveAvgPool2dForward: (x, p, H, W, OH, OW, out) =>
      (isFloat(x) ? adaptiveAvg : ts.adaptiveAvgPool2dForward)(x, p, H, W, OH, OW, out),
    adaptiveAvgPool2dBackward: (gy, p, H, W, OH, OW, gx) =>
      (isFloat(gy) ? adaptiveAvgBackward : ts.adaptiveAvgPool2dBackward)(gy, p, H, W, OH, OW, gx),
    adaptiveMaxPool2dForward: (x, p, H, W, OH, OW, out, idx) =>
      (isFloat(x) ? adaptiveMax : ts.adaptiveMaxPool2dForward)(x, p, H, W, OH, OW, out, idx),
    binary: pick('binary'),
    unary: pick('unary'),
    copy: pick('copy'),
    cast: pick('cast'),
    fill: pick('fill'),
    sumDim: pick('sumDim'),
    extremeDim: pick('extremeDim'),
    softmax: pick('softmax'),
    softmaxBackward: pick('softmaxBackward'),
    embeddingForward: pick('embeddingForward'),
    embeddingBackward: pick('embeddingBackward'),
    bernoulliFill: pick('bernoulliFill'),
    batchNormForward: pick('batchNormForward'),
    batchNormBackward: pick('batchNormBackward'),
    layerNormForward: pick('layerNormForward'),
    layerNormBackward: pick('layerNormBackward'),
    sgdUpdate: pick('sgdUpdate'),
    adamUpdate: pick('adamUpdate'),
    adadeltaUpdate: pick('adadeltaUpdate'),
  } satisfies KernelBackend);
}
