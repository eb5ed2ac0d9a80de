/**
 * The public `nn.functional`: each function behind a check of the arguments whose type decides how it runs, with
 * PyTorch's TypeError (`relu(): argument 'input' (position 1) must be Tensor, not float`) instead of a JavaScript
 * error from deep inside the op, and behind Python's rule for the rest of its arguments: those PyTorch takes
 * positionally may come in its order (`F.conv2d(x, w, b, 2, 1)`, `F.dropout(x, 0.5, false)`, as code ported from
 * Python or written in JavaScript passes them) and are read into the options object the function takes. Layers
 * call the functions directly; their inputs are checked by their own code.
 */
import * as torch from '@kindling/core';
import * as raw from './index.js';
import { rejectLegacyReduction } from './util.js';

/** `tensor?+options`: an optional tensor, or the options object in its place. */
type Kind = 'tensor' | 'tensor?' | 'tensor?+options' | 'ints' | 'options';

/** A weight and an optional bias after the input: the linear and convolution functions. */
const WEIGHT_BIAS = [
  [1, 'weight', 'tensor'],
  [2, 'bias', 'tensor?'],
] as const;
/** A target tensor after the input: the losses. */
const TARGET = [[1, 'target', 'tensor']] as const;
/** A second input, then the target: the losses that compare two inputs. */
const INPUT2_TARGET = [
  [1, 'input2', 'tensor'],
  [2, 'target', 'tensor'],
] as const;
/** An options object after the input: the activations. */
const OPTIONS = [[1, 'options', 'options']] as const;

/** Per function, the kind of each positional argument that is checked (0-based; the input is 0). */
const ARGUMENTS: Partial<Record<keyof typeof raw, readonly (readonly [number, string, Kind])[]>> = {
  linear: WEIGHT_BIAS,
  bilinear: [
    [1, 'input2', 'tensor'],
    [2, 'weight', 'tensor'],
    [3, 'bias', 'tensor?'],
  ],
  conv1d: WEIGHT_BIAS,
  conv2d: WEIGHT_BIAS,
  convTranspose1d: WEIGHT_BIAS,
  convTranspose2d: WEIGHT_BIAS,
  embedding: [[1, 'weight', 'tensor']],
  embeddingBag: [[1, 'weight', 'tensor']],
  instanceNorm: [
    [1, 'running_mean', 'tensor?+options'],
    [2, 'running_var', 'tensor?'],
    [3, 'weight', 'tensor?'],
    [4, 'bias', 'tensor?'],
  ],
  batchNorm: [
    [1, 'running_mean', 'tensor?'],
    [2, 'running_var', 'tensor?'],
  ],
  layerNorm: [[1, 'normalized_shape', 'ints']],
  maxPool2d: [[1, 'kernel_size', 'ints']],
  avgPool2d: [[1, 'kernel_size', 'ints']],
  adaptiveAvgPool2d: [[1, 'output_size', 'ints']],
  adaptiveMaxPool2d: [[1, 'output_size', 'ints']],
  pad: [[1, 'pad', 'ints']],
  unfold: [[1, 'kernel_size', 'ints']],
  affineGrid: [[1, 'size', 'ints']],
  gridSample: [[1, 'grid', 'tensor']],
  fold: [
    [1, 'output_size', 'ints'],
    [2, 'kernel_size', 'ints'],
  ],
  nllLoss: TARGET,
  crossEntropy: TARGET,
  mseLoss: TARGET,
  l1Loss: TARGET,
  smoothL1Loss: TARGET,
  huberLoss: TARGET,
  binaryCrossEntropy: TARGET,
  binaryCrossEntropyWithLogits: TARGET,
  relu: OPTIONS,
  gelu: OPTIONS,
  selu: OPTIONS,
  silu: OPTIONS,
  mish: OPTIONS,
  relu6: OPTIONS,
  hardsigmoid: OPTIONS,
  hardswish: OPTIONS,
  prelu: [[1, 'weight', 'tensor']],
  cosineSimilarity: [[1, 'x2', 'tensor']],
  pairwiseDistance: [[1, 'x2', 'tensor']],
  klDiv: TARGET,
  marginRankingLoss: INPUT2_TARGET,
  hingeEmbeddingLoss: TARGET,
  cosineEmbeddingLoss: INPUT2_TARGET,
  tripletMarginLoss: [
    [1, 'positive', 'tensor'],
    [2, 'negative', 'tensor'],
  ],
  multilabelSoftMarginLoss: TARGET,
  poissonNllLoss: TARGET,
  softMarginLoss: TARGET,
  multiMarginLoss: TARGET,
  gaussianNllLoss: [
    [1, 'target', 'tensor'],
    [2, 'var', 'tensor'],
  ],
  multiHeadAttentionForward: [
    [1, 'key', 'tensor'],
    [2, 'value', 'tensor'],
    [11, 'out_proj_weight', 'tensor'],
  ],
};

/**
 * Per function, where its options object goes (the index of that argument), how many of the arguments before it
 * PyTorch requires, and PyTorch's parameters from that index on, in PyTorch's order. Every function is listed (a
 * function without an entry does not compile), so a call with more arguments than PyTorch takes fails as in Python.
 */
const PYTORCH_ORDER: Record<keyof typeof raw, readonly [number, number, readonly string[]]> = {
  relu: [1, 1, ['inplace']],
  relu_: [1, 1, []],
  leakyRelu: [2, 1, ['inplace']],
  gelu: [1, 1, []],
  sigmoid: [1, 1, []],
  tanh: [1, 1, []],
  elu: [2, 1, ['inplace']],
  selu: [1, 1, ['inplace']],
  silu: [1, 1, ['inplace']],
  softplus: [3, 1, []],
  celu: [2, 1, ['inplace']],
  mish: [1, 1, ['inplace']],
  hardtanh: [3, 1, ['inplace']],
  relu6: [1, 1, ['inplace']],
  hardsigmoid: [1, 1, ['inplace']],
  hardswish: [1, 1, ['inplace']],
  logsigmoid: [1, 1, []],
  threshold: [3, 3, ['inplace']],
  hardshrink: [2, 1, []],
  softshrink: [2, 1, []],
  tanhshrink: [1, 1, []],
  softsign: [1, 1, []],
  glu: [2, 1, []],
  softmin: [2, 1, ['_stacklevel', 'dtype']],
  prelu: [2, 2, []],
  normalize: [1, 1, ['p', 'dim', 'eps', 'out']],
  cosineSimilarity: [2, 2, ['dim', 'eps']],
  pairwiseDistance: [2, 2, ['p', 'eps', 'keepdim']],
  klDiv: [2, 2, ['sizeAverage', 'reduce', 'reduction', 'logTarget']],
  marginRankingLoss: [3, 3, ['margin', 'sizeAverage', 'reduce', 'reduction']],
  hingeEmbeddingLoss: [2, 2, ['margin', 'sizeAverage', 'reduce', 'reduction']],
  cosineEmbeddingLoss: [3, 3, ['margin', 'sizeAverage', 'reduce', 'reduction']],
  tripletMarginLoss: [3, 3, ['margin', 'p', 'eps', 'swap', 'sizeAverage', 'reduce', 'reduction']],
  multilabelSoftMarginLoss: [2, 2, ['weight', 'sizeAverage', 'reduce', 'reduction']],
  poissonNllLoss: [2, 2, ['logInput', 'full', 'sizeAverage', 'eps', 'reduce', 'reduction']],
  gaussianNllLoss: [3, 3, ['full', 'eps', 'reduction']],
  softMarginLoss: [2, 2, ['sizeAverage', 'reduce', 'reduction']],
  multiMarginLoss: [2, 2, ['p', 'margin', 'weight', 'sizeAverage', 'reduce', 'reduction']],
  multiHeadAttentionForward: [
    13,
    13,
    [
      'training',
      'keyPaddingMask',
      'needWeights',
      'attnMask',
      'useSeparateProjWeight',
      'qProjWeight',
      'kProjWeight',
      'vProjWeight',
      'staticK',
      'staticV',
      'averageAttnWeights',
    ],
  ],
  softmax: [2, 1, ['_stacklevel', 'dtype']],
  logSoftmax: [2, 1, ['_stacklevel', 'dtype']],
  linear: [3, 2, []],
  bilinear: [4, 3, []],
  conv1d: [3, 2, ['stride', 'padding', 'dilation', 'groups']],
  conv2d: [3, 2, ['stride', 'padding', 'dilation', 'groups']],
  convTranspose1d: [3, 2, ['stride', 'padding', 'outputPadding', 'groups', 'dilation']],
  convTranspose2d: [3, 2, ['stride', 'padding', 'outputPadding', 'groups', 'dilation']],
  maxPool2d: [3, 2, ['padding', 'dilation', 'ceilMode', 'returnIndices']],
  avgPool2d: [3, 2, ['padding', 'ceilMode', 'countIncludePad', 'divisorOverride']],
  adaptiveAvgPool2d: [2, 2, []],
  adaptiveMaxPool2d: [2, 2, ['returnIndices']],
  maxPool1d: [2, 2, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']],
  avgPool1d: [2, 2, ['stride', 'padding', 'ceilMode', 'countIncludePad']],
  adaptiveAvgPool1d: [2, 2, []],
  adaptiveMaxPool1d: [2, 2, ['returnIndices']],
  batchNorm: [5, 3, ['training', 'momentum', 'eps']],
  instanceNorm: [5, 1, ['useInputStats', 'momentum', 'eps']],
  localResponseNorm: [2, 2, ['alpha', 'beta', 'k']],
  layerNorm: [4, 2, ['eps']],
  groupNorm: [4, 2, ['eps']],
  dropout: [2, 1, ['training', 'inplace']],
  dropout1d: [2, 1, ['training', 'inplace']],
  dropout2d: [2, 1, ['training', 'inplace']],
  alphaDropout: [2, 1, ['training', 'inplace']],
  gumbelSoftmax: [1, 1, ['tau', 'hard', 'eps', 'dim']],
  featureAlphaDropout: [2, 1, ['training', 'inplace']],
  embedding: [2, 2, ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse']],
  embeddingBag: [
    2,
    2,
    [
      'offsets',
      'maxNorm',
      'normType',
      'scaleGradByFreq',
      'mode',
      'sparse',
      'perSampleWeights',
      'includeLastOffset',
      'paddingIdx',
    ],
  ],
  oneHot: [2, 1, []],
  nllLoss: [2, 2, ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction']],
  crossEntropy: [2, 2, ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction', 'labelSmoothing']],
  mseLoss: [2, 2, ['sizeAverage', 'reduce', 'reduction']],
  l1Loss: [2, 2, ['sizeAverage', 'reduce', 'reduction']],
  smoothL1Loss: [2, 2, ['sizeAverage', 'reduce', 'reduction', 'beta']],
  huberLoss: [2, 2, ['reduction', 'delta']],
  binaryCrossEntropy: [2, 2, ['weight', 'sizeAverage', 'reduce', 'reduction']],
  binaryCrossEntropyWithLogits: [2, 2, ['weight', 'sizeAverage', 'reduce', 'reduction', 'posWeight']],
  pad: [2, 2, ['mode', 'value']],
  flatten: [3, 1, []],
  unfold: [2, 2, ['dilation', 'padding', 'stride']],
  affineGrid: [2, 2, ['alignCorners']],
  gridSample: [2, 2, ['mode', 'paddingMode', 'alignCorners']],
  fold: [3, 3, ['dilation', 'padding', 'stride']],
  pixelShuffle: [2, 2, []],
  pixelUnshuffle: [2, 2, []],
  interpolate: [1, 1, ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor', 'antialias']],
};

/** `args` with those from `at` on read, by Python's rule, into one options object at `at`. */
function pytorchOrder(op: string, args: unknown[], order: readonly [number, number, readonly string[]]): unknown[] {
  const [at, required, names] = order;
  if (args.length <= at) return args;
  const options = torch.compat.trailingOptions<Record<string, unknown>>(op, names, args.slice(at), at, required);
  if (names.includes('reduce')) rejectLegacyReduction(op, options);
  return [...args.slice(0, at), options];
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function fail(op: string, name: string, position: number, expected: string, value: unknown): never {
  throw new torch.TorchTypeError(
    `${op}(): argument '${name}' (position ${position}) must be ${expected}, not ${torch._pyTypeName(value)}`,
  );
}

function isIntOrInts(v: unknown): boolean {
  const ints = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x);
  return ints(v) || (Array.isArray(v) && v.every(ints));
}

function checked<F extends (...args: never[]) => unknown>(key: string, f: F): F {
  const op = snake(key);
  const rules = ARGUMENTS[key as keyof typeof raw] ?? [];
  const order = PYTORCH_ORDER[key as keyof typeof raw];
  return ((...args: unknown[]) => {
    if (!(args[0] instanceof torch.Tensor)) fail(op, 'input', 1, 'Tensor', args[0]);
    for (const [i, name, kind] of rules) {
      const v = args[i];
      if (kind === 'tensor' && !(v instanceof torch.Tensor)) fail(op, name, i + 1, 'Tensor', v);
      if (kind === 'tensor?' && v !== undefined && v !== null && !(v instanceof torch.Tensor))
        fail(op, name, i + 1, 'Tensor', v);
      if (kind === 'tensor?+options' && v !== undefined && v !== null && !(v instanceof torch.Tensor)) {
        if (!torch.compat.isOptionsObject(v)) fail(op, name, i + 1, 'Tensor', v);
      }
      if (kind === 'ints' && !isIntOrInts(v)) fail(op, name, i + 1, 'an int or a tuple of ints', v);
      // A null options object is no options, as None keywords are in Python.
      if (kind === 'options' && v === null) args[i] = undefined;
    }
    return (f as unknown as (...a: unknown[]) => unknown)(...pytorchOrder(op, args, order));
  }) as unknown as F;
}

export const functional = Object.fromEntries(
  Object.entries(raw).map(([key, f]) => [
    key,
    typeof f === 'function' ? checked(key, f as (...args: never[]) => unknown) : f,
  ]),
) as typeof raw;
