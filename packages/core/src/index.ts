/**
 * @kindling/core — tensors and PyTorch's autograd for TypeScript.
 *
 *   import * as torch from '@kindling/core';
 *   const x = torch.ones([2, 2], { requiresGrad: true });
 *
 * @module @kindling/core
 */
import { Tensor } from './tensor.js';
import { grad, backward } from './autograd/grad.js';
import { Function, FunctionCtx } from './autograd/function.js';
import { gradcheck } from './autograd/gradcheck.js';
import { detectAnomaly, isAnomalyEnabled, setDetectAnomaly } from './autograd/anomaly.js';
import { Node } from './autograd/node.js';

export { Tensor };
export type {
  TensorLike,
  Scalar,
  Dims,
  NestedArray,
  ReduceOptions,
  VarOptions,
  BackwardOptions,
  HookHandle,
} from './tensor.js';
export type { DType, TypedArray } from './dtype.js';
export { promoteTypes, isFloatingPoint as isFloatingPointDType } from './dtype.js';
export {
  RuntimeError,
  IndexError,
  ValueError,
  TorchTypeError,
  AssertionError,
  KeyError,
  AttributeError,
  ZeroDivisionError,
  NotImplementedError,
} from './errors.js';
export { warnOnce } from './warnings.js';
export { device, cuda, isCpuDevice as _isCpuDevice } from './device.js';
export { typename, pyTypeName as _pyTypeName } from './python-types.js';
export type { ValuesIndices } from './ops/reduce.js';
export type { SortOptions, TopkOptions } from './ops/indexing.js';
export type { IndexSpec } from './ops/subscript.js';
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
  zerosLike,
  onesLike,
  emptyLike,
  fullLike,
} from './creation.js';
export { arange, linspace } from './creation-ranges.js';
export { rand, randn, randint, randperm, randLike, randnLike } from './creation-random.js';
export type { TensorOptions, RandomOptions } from './creation.js';
export type { ArangeOptions } from './creation-ranges.js';
export { Generator, manualSeed, initialSeed, seed, getRngState, setRngState, defaultGenerator } from './random.js';
export {
  noGrad,
  enableGrad,
  setGradEnabled,
  isGradEnabled,
  inferenceMode,
  isInferenceModeEnabled,
} from './autograd/grad-mode.js';
export { serialize, deserialize, deserializeMetadata, save, load, loadMetadata } from './serialize.js';
export { cloneStateDict } from './state-dict.js';
export { Size } from './size.js';
/** Python's text for values, shared by the packages that print as PyTorch does (not PyTorch API). */
export * as compat from './python-format.js';
export * as testing from './testing.js';
export { setPrintOptions, getPrintOptions } from './print.js';
export type { PrintOptions } from './print.js';
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
export * from './torch-functions.js';
export { einsum } from './ops/einsum.js';
// The one-tensor elementwise functions: ops/unary.ts is their table, every export of it one op.
export * from './ops/unary.js';
import * as UnaryOps from './ops/unary.js';
import { installUnaryMethods } from './tensor-methods/unary.js';
installUnaryMethods(UnaryOps);
export type { UnaryMethods } from './tensor-methods/unary.js';
export type { MetadataMethods } from './tensor-methods/metadata.js';
export type { AutogradMethods } from './tensor-methods/autograd.js';
export type { ArithmeticMethods } from './tensor-methods/arithmetic.js';
export type { InPlaceMethods } from './tensor-methods/in-place.js';
export type { ReductionMethods } from './tensor-methods/reductions.js';
export type { LinalgMethods } from './tensor-methods/linalg.js';
export type { ShapeMethods } from './tensor-methods/shape.js';
export type { NnMethods } from './tensor-methods/nn.js';
export type { ConversionMethods } from './tensor-methods/conversion.js';
/** The names of the one-tensor elementwise functions (`'exp'`, `'sqrt'`, ...): each is `torch.<name>` and a Tensor method. */
export type UnaryOpName = Exclude<keyof typeof UnaryOps, 'UnaryFunction'>;
export type { OutOptions } from './ops/out.js';

// ---- convolution and pooling ----
export { conv1d, conv2d } from './ops/conv.js';
export { convTranspose1d, convTranspose2d } from './ops/conv-transpose.js';
export type { ConvTranspose1dOptions, ConvTranspose2dOptions } from './ops/conv-transpose.js';
export type { Conv1dOptions, Conv2dOptions, Size2 } from './ops/conv.js';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d } from './ops/pool.js';
export type { MaxPool2dOptions, AvgPool2dOptions, AdaptiveMaxPool2dOptions, AdaptiveSize } from './ops/pool.js';

// ---- nn building blocks: the single-node ops behind nn.functional (PyTorch's torch._C._nn and friends) ----
import * as LayerOps from './ops/layer-ops.js';
import * as Activations from './ops/nn-activations.js';
import * as Upsample from './ops/upsample.js';
import * as Pad from './ops/pad.js';
import * as Rearrange from './ops/rearrange.js';
import * as Loss from './ops/loss.js';
import * as Fold from './ops/fold.js';
import * as GridSample from './ops/grid-sample.js';
import * as Trilinear from './ops/trilinear.js';
import * as MarginLoss from './ops/loss-margin.js';
import * as EmbeddingBag from './ops/embedding-bag.js';
import * as WeightNorm from './ops/weight-norm.js';
export const addmm = LayerOps.addmm;
/** `torch.norm_except_dim(v, pow, dim)`: the norm of each slice of `v` along `dim` (dim -1: of all of `v`). */
export const normExceptDim = WeightNorm.normExceptDim;
/** `torch._weight_norm(v, g, dim)`: v · g / ‖v‖, as `nn.utils.weightNorm` computes its weight. */
export const _weightNorm = WeightNorm.weightNorm;
export const constantPadNd = LayerOps.constantPadNd;
/** `torch._C._nn`: the ops nn.functional calls, each one graph node under PyTorch's name. */
export const _nn = {
  gelu: Activations.gelu,
  leakyRelu: Activations.leakyRelu,
  elu: Activations.elu,
  celu: Activations.celu,
  silu: Activations.silu,
  softplus: Activations.softplus,
  mish: Activations.mish,
  hardtanh: Activations.hardtanh,
  hardsigmoid: Activations.hardsigmoid,
  hardswish: Activations.hardswish,
  logSigmoid: Activations.logSigmoid,
  threshold: Activations.threshold,
  hardshrink: Activations.hardshrink,
  softshrink: Activations.softshrink,
  glu: Activations.glu,
  prelu: Activations.prelu,
  batchNorm: LayerOps.batchNorm,
  layerNorm: LayerOps.layerNorm,
  groupNorm: LayerOps.groupNorm,
  upsampleNearest2d: Upsample.upsampleNearest2d,
  upsampleBilinear2d: Upsample.upsampleBilinear2d,
  upsampleBicubic2d: Upsample.upsampleBicubic2d,
  upsampleNearest1d: Upsample.upsampleNearest1d,
  upsampleLinear1d: Upsample.upsampleLinear1d,
  upsampleNearestExact1d: Upsample.upsampleNearestExact1d,
  upsampleNearestExact2d: Upsample.upsampleNearestExact2d,
  padNonConstant: Pad.padNonConstant,
  pixelShuffle: Rearrange.pixelShuffle,
  pixelUnshuffle: Rearrange.pixelUnshuffle,
  im2col: Fold.im2col,
  col2im: Fold.col2im,
  affineGridGenerator: GridSample.affineGridGenerator,
  gridSampler2d: GridSample.gridSampler2d,
  bilinearProduct: Trilinear.bilinearProduct,
  embedding: LayerOps.embedding,
  embeddingBag: EmbeddingBag.embeddingBag,
  mseLoss: Loss.mseLoss,
  smoothL1Loss: Loss.smoothL1Loss,
  huberLoss: Loss.huberLoss,
  binaryCrossEntropy: Loss.binaryCrossEntropy,
  binaryCrossEntropyWithLogits: Loss.binaryCrossEntropyWithLogits,
  nllLoss: Loss.nllLoss,
  softMarginLoss: MarginLoss.softMarginLoss,
  multiMarginLoss: MarginLoss.multiMarginLoss,
};
export type { Reduction } from './ops/loss.js';
export type { BlockGeometry } from './ops/fold.js';
export type { GridSampleMode, GridSamplePadding } from './ops/grid-sample.js';
export type { EmbeddingBagMode } from './ops/embedding-bag.js';

// ---- kernel backends ----
export { typescriptBackend } from './kernels/backend.js';
export {
  availableKernelBackends,
  getKernelBackend,
  getNumThreads,
  loadWasmBackend,
  setKernelBackend,
  setNumThreads,
} from './kernels/registry.js';
export type { BackendName } from './kernels/registry.js';
export type { BackendStorage, KernelBackend } from './kernels/backend.js';
// The optimizers' fused updates (what @kindling/optim steps with; PyTorch's torch._fused_* in spirit).
export { _fusedAdadeltaUpdate_, _fusedAdamUpdate_, _fusedSgdUpdate_ } from './ops/optim-update.js';
export type { AdadeltaHyper, AdamHyper, SgdHyper } from './ops/optim-update.js';
