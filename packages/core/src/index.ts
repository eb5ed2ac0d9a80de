/**
 * @kindling/core — tensors and PyTorch's autograd for TypeScript.
 *
 *   import * as torch from '@kindling/core';
 *   const x = torch.ones([2, 2], { requiresGrad: true });
 */
import { Tensor, type TensorLike } from './tensor.js';
import * as E from './ops/elementwise.js';
import * as N from './ops/activation.js';
import * as L from './ops/linalg.js';
import { cat, stack } from './ops/join.js';
import { grad, backward } from './autograd/grad.js';
import { Function, FunctionCtx } from './autograd/function.js';
import { gradcheck } from './autograd/gradcheck.js';
import { detectAnomaly, isAnomalyEnabled, setDetectAnomaly } from './autograd/anomaly.js';
import { Node } from './autograd/node.js';

export { Tensor };
export type { TensorLike, Scalar, Dims, NestedArray, ReduceOptions, VarOptions, BackwardOptions, HookHandle } from './tensor.js';
export type { DType, TypedArray } from './dtype.js';
export { promoteTypes, isFloatingPoint as isFloatingPointDType } from './dtype.js';
export { RuntimeError, IndexError, ValueError, TorchTypeError, AssertionError } from './errors.js';
export { warnOnce } from './warnings.js';
export { typename, pyTypeName as _pyTypeName } from './python-types.js';
export type { ValuesIndices } from './ops/reduce.js';
import type { ValuesIndices } from './ops/reduce.js';
import type { ReduceOptions } from './tensor-types.js';
export type { IndexSpec } from './ops/view.js';
export { Node } from './autograd/node.js';
export type { TensorHook } from './autograd/node.js';

export const float32 = 'float32' as const;
export const float = 'float32' as const;
export const float64 = 'float64' as const;
export const double = 'float64' as const;
export const int32 = 'int32' as const;
export const int = 'int32' as const;
export const int64 = 'int64' as const;
export const long = 'int64' as const;
export const bool = 'bool' as const;

export {
  tensor,
  fromArray,
  zeros,
  ones,
  full,
  empty,
  eye,
  arange,
  linspace,
  rand,
  randn,
  randint,
  randperm,
  zerosLike,
  onesLike,
  emptyLike,
  fullLike,
  randLike,
  randnLike,
} from './creation.js';
export type { TensorOptions, RandomOptions } from './creation.js';
export { Generator, manualSeed, initialSeed, seed, getRngState, setRngState, defaultGenerator } from './random.js';
export { noGrad, enableGrad, setGradEnabled, isGradEnabled, inferenceMode, isInferenceModeEnabled } from './autograd/grad-mode.js';
export { serialize, deserialize, deserializeMetadata, save, load, loadMetadata } from './serialize.js';
export { cloneStateDict } from './state-dict.js';
export { Size } from './size.js';
/** Python's text for values, shared by the packages that print as PyTorch does (not PyTorch API). */
export * as compat from './python-format.js';
export * as testing from './testing.js';
export { setPrintOptions, getPrintOptions } from './print.js';
export type { PrintOptions } from './print.js';
export { cat, stack };
export { readInto } from './read-into.js';

export const autograd = {
  grad,
  backward,
  Function,
  FunctionCtx,
  gradcheck,
  detectAnomaly,
  setDetectAnomaly,
  isAnomalyEnabled,
  Node,
};
export { Function, FunctionCtx, gradcheck };

// ---- torch.fn(tensor, ...) forms of the Tensor methods ----
type Method<K extends keyof Tensor> = Tensor[K] extends (...args: infer A) => infer R ? (t: Tensor, ...args: A) => R : never;
function fn<K extends keyof Tensor>(name: K): Method<K> {
  return ((t: Tensor, ...args: unknown[]) => (t[name] as (...a: unknown[]) => unknown).apply(t, args)) as Method<K>;
}

export const add = (a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor => E.add(a, b, options);
export const sub = (a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor => E.sub(a, b, options);
export const mul = (a: TensorLike, b: TensorLike): Tensor => E.mul(a, b);
export const div = (a: TensorLike, b: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor => E.div(a, b, options);
export const pow = (a: TensorLike, b: TensorLike): Tensor => E.pow(a, b);
export const rsub = E.rsub;
export const maximum = (a: TensorLike, b: TensorLike): Tensor => E.maximum(a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => E.minimum(a, b);
export const where = (condition: Tensor, a: TensorLike, b: TensorLike): Tensor => E.where(condition, a, b);
export const eq = (a: TensorLike, b: TensorLike): Tensor => E.compare('eq', a, b);
export const equal = E.equal;
export const ne = (a: TensorLike, b: TensorLike): Tensor => E.compare('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => E.compare('lt', a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => E.compare('le', a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => E.compare('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => E.compare('ge', a, b);
export const logicalAnd = E.logicalAnd;
export const logicalOr = E.logicalOr;
export const matmul = L.matmul;
export const mm = L.mm;
export const bmm = L.bmm;
export const dot = L.dot;
export const mv = L.mv;
export const relu = N.relu;
export const sigmoid = N.sigmoid;
export const tanh = N.tanh;
export const softmax = N.softmax;
export const logSoftmax = N.logSoftmax;
export const neg = fn('neg');
export const abs = fn('abs');
export const exp = fn('exp');
export const log = fn('log');
export const log1p = fn('log1p');
export const sqrt = fn('sqrt');
export const rsqrt = fn('rsqrt');
export const square = fn('square');
export const reciprocal = fn('reciprocal');
export const sin = fn('sin');
export const cos = fn('cos');
export const erf = fn('erf');
export const sign = fn('sign');
export const floor = fn('floor');
export const ceil = fn('ceil');
export const round = fn('round');
export const clamp = fn('clamp');
export const clip = fn('clip');
export const isnan = fn('isnan');
export const isfinite = fn('isfinite');
export const logicalNot = fn('logicalNot');
export const sum = fn('sum');
export const mean = fn('mean');
export const prod = fn('prod');
export const std = fn('std');
export const logsumexp = fn('logsumexp');
export const amax = fn('amax');
export const amin = fn('amin');
export const argmax = fn('argmax');
export const argmin = fn('argmin');
export const any = fn('any');
export const all = fn('all');
export const cumsum = fn('cumsum');
export const t = fn('t');
export const reshape = fn('reshape');
export const flatten = fn('flatten');
export const unflatten = fn('unflatten');
export const unsqueeze = fn('unsqueeze');
export const squeeze = fn('squeeze');
export const transpose = fn('transpose');
export const permute = fn('permute');
export const narrow = fn('narrow');
export const select = fn('select');
export const chunk = fn('chunk');
export const split = fn('split');
export const unbind = fn('unbind');
export const flip = fn('flip');
export const gather = fn('gather');
export const scatter = fn('scatter');
export const scatterAdd = fn('scatterAdd');
export const indexSelect = fn('indexSelect');
export const maskedFill = fn('maskedFill');
export const maskedSelect = fn('maskedSelect');
export const topk = fn('topk');
export const sort = fn('sort');
export const argsort = fn('argsort');
export const clone = fn('clone');
export const detach = fn('detach');
export const numel = (x: Tensor): number => x.numel();
/** `torch.max`/`torch.min` with Tensor.max's overloads (the generic form would keep only the last one). */
interface MaxMin {
  (t: Tensor): Tensor;
  (t: Tensor, dim: number | ReduceOptions, options?: ReduceOptions | boolean): ValuesIndices;
  (t: Tensor, other: Tensor): Tensor;
}
export const norm = fn('norm');
export type { NormOptions, NormOrder } from './ops/vector-norm.js';
export const max = fn('max') as MaxMin;
export const min = fn('min') as MaxMin;
/** `torch.var` (named `var_` because `var` is a reserved word; also exported as `variance`). */
export const var_ = fn('var');
export const variance = var_;
export { var_ as var };
export const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;

// ---- convolution and pooling ----
export { conv2d } from './ops/conv.js';
export type { Conv2dOptions, Size2 } from './ops/conv.js';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d } from './ops/pool.js';
export type { MaxPool2dOptions, AvgPool2dOptions, AdaptiveMaxPool2dOptions, AdaptiveSize } from './ops/pool.js';

// ---- nn building blocks: the single-node ops behind nn.functional (PyTorch's torch._C._nn and friends) ----
import * as NNX from './ops/nn-extra.js';
import * as NNL from './ops/nn-extra-loss.js';
export const addmm = NNX.addmm;
export const constantPadNd = NNX.constantPadNd;
/** `torch._C._nn`: the ops nn.functional calls, each one graph node under PyTorch's name. */
export const _nn = {
  gelu: NNX.gelu,
  leakyRelu: NNX.leakyRelu,
  elu: NNX.elu,
  silu: NNX.silu,
  softplus: NNX.softplus,
  batchNorm: NNX.batchNorm,
  layerNorm: NNX.layerNorm,
  embedding: NNX.embedding,
  mseLoss: NNL.mseLoss,
  smoothL1Loss: NNL.smoothL1Loss,
  huberLoss: NNL.huberLoss,
  binaryCrossEntropy: NNL.binaryCrossEntropy,
  binaryCrossEntropyWithLogits: NNL.binaryCrossEntropyWithLogits,
  nllLoss: NNL.nllLoss,
};
export type { Reduction } from './ops/nn-extra-loss.js';

// ---- kernel backends ----
export { typescriptBackend } from './kernels/backend.js';
export { availableKernelBackends, getKernelBackend, getNumThreads, loadWasmBackend, setKernelBackend, setNumThreads } from './kernels/registry.js';
export type { BackendName } from './kernels/registry.js';
export type { KernelBackend } from './kernels/backend.js';
// The optimizers' fused updates (what @kindling/optim steps with; PyTorch's torch._fused_* in spirit).
export { _fusedAdamUpdate_, _fusedSgdUpdate_ } from './ops/optim-update.js';
export type { AdamHyper, SgdHyper } from './ops/optim-update.js';
