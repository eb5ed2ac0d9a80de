/**
 * The golden fixtures of nn.functional (tools/golden/nn_functional.py): reading them, the Kindling call for each
 * op, and the checks of values, dtypes, grad_fn names and gradients against PyTorch's.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import * as F from '../src/functional/index.js';
import {
  type Case,
  type Kwargs,
  type OpCall,
  type RunOptions,
  N,
  Ns,
  T,
  TOpt,
  buildArgs,
  runCase as runGoldenCase,
} from '../../core/test/helpers/golden-cases.js';

export type { Case };

export interface ErrorCase {
  name: string;
  op: string;
  args: Case['args'];
  kwargs: Kwargs;
  error: string;
  message: string;
}

export const fixture = JSON.parse(readFileSync(new URL('./fixtures/functional.json', import.meta.url), 'utf8')) as {
  torch: string;
  cases: Case[];
  errors: ErrorCase[];
};

/** Options in Kindling's spelling, as recorded (the fixture's kwargs are already camelCase). */
function opts<T>(kw: Kwargs): T {
  return kw as T;
}

export const OPS: Record<string, OpCall> = {
  'F.linear': (a) => F.linear(T(a[0]), T(a[1]), TOpt(a[2])),
  'F.relu': (a) => F.relu(T(a[0])),
  'F.leakyRelu': (a, kw) =>
    kw.negativeSlope === undefined ? F.leakyRelu(T(a[0])) : F.leakyRelu(T(a[0]), N(kw.negativeSlope)),
  'F.gelu': (a, kw) => F.gelu(T(a[0]), opts(kw)),
  'F.sigmoid': (a) => F.sigmoid(T(a[0])),
  'F.tanh': (a) => F.tanh(T(a[0])),
  'F.softmax': (a, kw) => F.softmax(T(a[0]), opts(kw)),
  'F.logSoftmax': (a, kw) => F.logSoftmax(T(a[0]), N(kw.dim), opts(kw)),
  'F.elu': (a, kw) => F.elu(T(a[0]), opts(kw)),
  'F.selu': (a) => F.selu(T(a[0])),
  'F.silu': (a) => F.silu(T(a[0])),
  'F.softplus': (a, kw) => F.softplus(T(a[0]), opts(kw)),
  'F.celu': (a, kw) => F.celu(T(a[0]), opts(kw)),
  'F.mish': (a) => F.mish(T(a[0])),
  'F.hardtanh': (a, kw) => F.hardtanh(T(a[0]), opts(kw)),
  'F.relu6': (a) => F.relu6(T(a[0])),
  'F.hardsigmoid': (a) => F.hardsigmoid(T(a[0])),
  'F.hardswish': (a) => F.hardswish(T(a[0])),
  'F.logsigmoid': (a) => F.logsigmoid(T(a[0])),
  'F.threshold': (a) => F.threshold(T(a[0]), N(a[1]), N(a[2])),
  'F.hardshrink': (a, kw) => F.hardshrink(T(a[0]), opts(kw)),
  'F.softshrink': (a, kw) => F.softshrink(T(a[0]), opts(kw)),
  'F.tanhshrink': (a) => F.tanhshrink(T(a[0])),
  'F.softsign': (a) => F.softsign(T(a[0])),
  'F.glu': (a, kw) => F.glu(T(a[0]), opts(kw)),
  'F.softmin': (a, kw) => F.softmin(T(a[0]), opts(kw)),
  'F.prelu': (a) => F.prelu(T(a[0]), T(a[1])),
  'F.normalize': (a, kw) => F.normalize(T(a[0]), opts(kw)),
  'F.cosineSimilarity': (a, kw) => F.cosineSimilarity(T(a[0]), T(a[1]), opts(kw)),
  'F.pairwiseDistance': (a, kw) => F.pairwiseDistance(T(a[0]), T(a[1]), opts(kw)),
  'F.klDiv': (a, kw) => F.klDiv(T(a[0]), T(a[1]), opts(kw)),
  'F.conv1d': (a, kw) => F.conv1d(T(a[0]), T(a[1]), TOpt(a[2]), opts(kw)),
  'F.convTranspose2d': (a, kw) => F.convTranspose2d(T(a[0]), T(a[1]), TOpt(a[2]), opts(kw)),
  'F.convTranspose1d': (a, kw) => F.convTranspose1d(T(a[0]), T(a[1]), TOpt(a[2]), opts(kw)),
  'F.interpolate': (a, kw) => F.interpolate(T(a[0]), opts(kw)),
  'F.maxPool1d': (a, kw) => F.maxPool1d(T(a[0]), N(a[1]), opts(kw)),
  'F.avgPool1d': (a, kw) => F.avgPool1d(T(a[0]), N(a[1]), opts(kw)),
  'F.adaptiveAvgPool1d': (a) => F.adaptiveAvgPool1d(T(a[0]), N(a[1])),
  'F.adaptiveMaxPool1d': (a, kw) => F.adaptiveMaxPool1d(T(a[0]), N(a[1]), opts(kw)),
  'F.pixelShuffle': (a) => F.pixelShuffle(T(a[0]), N(a[1])),
  'F.pixelUnshuffle': (a) => F.pixelUnshuffle(T(a[0]), N(a[1])),
  'F.groupNorm': (a, kw) => F.groupNorm(T(a[0]), N(a[1]), TOpt(a[2]), TOpt(a[3]), opts(kw)),
  'F.batchNorm': (a, kw) => {
    const [rm, rv] = [TOpt(a[1]), TOpt(a[2])];
    const out = F.batchNorm(T(a[0]), rm, rv, TOpt(a[3]), TOpt(a[4]), opts(kw));
    return rm !== null && rv !== null ? [out, rm, rv] : out;
  },
  'F.instanceNorm': (a, kw) => {
    const [rm, rv] = [TOpt(a[1]), TOpt(a[2])];
    const out = F.instanceNorm(T(a[0]), rm, rv, TOpt(a[3]), TOpt(a[4]), opts(kw));
    return rm !== null && rv !== null ? [out, rm, rv] : out;
  },
  'F.marginRankingLoss': (a, kw) => F.marginRankingLoss(T(a[0]), T(a[1]), T(a[2]), opts(kw)),
  'F.hingeEmbeddingLoss': (a, kw) => F.hingeEmbeddingLoss(T(a[0]), T(a[1]), opts(kw)),
  'F.cosineEmbeddingLoss': (a, kw) => F.cosineEmbeddingLoss(T(a[0]), T(a[1]), T(a[2]), opts(kw)),
  'F.tripletMarginLoss': (a, kw) => F.tripletMarginLoss(T(a[0]), T(a[1]), T(a[2]), opts(kw)),
  'F.multilabelSoftMarginLoss': (a, kw) =>
    F.multilabelSoftMarginLoss(T(a[0]), T(a[1]), { weight: TOpt(a[2]), ...opts<object>(kw) }),
  'F.poissonNllLoss': (a, kw) => F.poissonNllLoss(T(a[0]), T(a[1]), opts(kw)),
  'F.gaussianNllLoss': (a, kw) => F.gaussianNllLoss(T(a[0]), T(a[1]), T(a[2]), opts(kw)),
  'F.unfold': (a, kw) => F.unfold(T(a[0]), a[1] as number | number[], opts(kw)),
  'F.fold': (a, kw) => F.fold(T(a[0]), a[1] as number | number[], a[2] as number | number[], opts(kw)),
  'F.affineGrid': (a, kw) => F.affineGrid(T(a[0]), a[1] as number[], opts(kw)),
  'F.gridSample': (a, kw) => F.gridSample(T(a[0]), T(a[1]), opts(kw)),
  'F.bilinear': (a) => F.bilinear(T(a[0]), T(a[1]), T(a[2]), TOpt(a[3])),
  'F.softMarginLoss': (a, kw) => F.softMarginLoss(T(a[0]), T(a[1]), opts(kw)),
  'F.multiMarginLoss': (a, kw) => F.multiMarginLoss(T(a[0]), T(a[1]), { weight: TOpt(a[2]), ...opts<object>(kw) }),
  'F.embeddingBag': (a, kw) =>
    F.embeddingBag(T(a[0]), T(a[1]), { offsets: TOpt(a[2]), perSampleWeights: TOpt(a[3]), ...opts<object>(kw) }),
  'F.localResponseNorm': (a, kw) => F.localResponseNorm(T(a[0]), N(a[1]), opts(kw)),
  'F.layerNorm': (a, kw) => F.layerNorm(T(a[0]), Ns(a[1]), TOpt(a[2]), TOpt(a[3]), opts(kw)),
  'F.embedding': (a, kw) => {
    const out = F.embedding(T(a[0]), T(a[1]), opts(kw));
    return kw.maxNorm !== undefined ? [out, T(a[1]).detach().clone()] : out;
  },
  'F.oneHot': (a) => (a.length > 1 ? F.oneHot(T(a[0]), N(a[1])) : F.oneHot(T(a[0]))),
  'F.pad': (a, kw) => F.pad(T(a[0]), Ns(a[1]), opts(kw)),
  'F.flatten': (a) => F.flatten(T(a[0]), a.length > 1 ? N(a[1]) : 0, a.length > 2 ? N(a[2]) : -1),
  'F.crossEntropy': (a, kw) =>
    F.crossEntropy(T(a[0]), T(a[1]), { weight: TOpt(a[2]), ...opts<F.CrossEntropyOptions>(kw) }),
  'F.nllLoss': (a, kw) => F.nllLoss(T(a[0]), T(a[1]), { weight: TOpt(a[2]), ...opts<F.NllLossOptions>(kw) }),
  'F.mseLoss': (a, kw) => F.mseLoss(T(a[0]), T(a[1]), opts(kw)),
  'F.l1Loss': (a, kw) => F.l1Loss(T(a[0]), T(a[1]), opts(kw)),
  'F.smoothL1Loss': (a, kw) => F.smoothL1Loss(T(a[0]), T(a[1]), opts(kw)),
  'F.huberLoss': (a, kw) => F.huberLoss(T(a[0]), T(a[1]), opts(kw)),
  'F.binaryCrossEntropy': (a, kw) =>
    F.binaryCrossEntropy(T(a[0]), T(a[1]), { weight: TOpt(a[2]), ...opts<F.BinaryCrossEntropyOptions>(kw) }),
  'F.binaryCrossEntropyWithLogits': (a, kw) =>
    F.binaryCrossEntropyWithLogits(T(a[0]), T(a[1]), {
      weight: TOpt(a[2]),
      posWeight: TOpt(a[3]),
      ...opts<F.BinaryCrossEntropyWithLogitsOptions>(kw),
    }),
};

export const LOSS_OPS = new Set([
  'F.crossEntropy',
  'F.nllLoss',
  'F.mseLoss',
  'F.l1Loss',
  'F.smoothL1Loss',
  'F.huberLoss',
  'F.binaryCrossEntropy',
  'F.binaryCrossEntropyWithLogits',
]);

/**
 * The one node Kindling names differently from PyTorch, by design. PyTorch's cross entropy with probability targets
 * divides by a C++ integer for its mean (the Tensor-by-Scalar overload, `DivBackward1`); a TypeScript number enters
 * division as a wrapped tensor, as `x / 2` does in Python (`DivBackward0`).
 */
const NODE_DIFFERENCES: Record<string, string> = { DivBackward1: 'DivBackward0' };

/** float64 within rtol 1e-10 / atol 1e-12, float32 within 1e-5 / 1e-6, where a case gives no tolerance. */
const RUN_OPTIONS: RunOptions = {
  tolerance: (dtype) => (dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 }),
  nodeDifferences: NODE_DIFFERENCES,
};

export function runCase(c: Case): void {
  runGoldenCase(c, OPS, RUN_OPTIONS);
}

/** Runs an error case: the same Python exception type, and a message containing PyTorch's. */
export function runErrorCase(c: ErrorCase): void {
  const { built } = buildArgs(c.args);
  const op = OPS[c.op];
  if (op === undefined) throw new Error(`no Kindling call for op '${c.op}'`);
  let thrown: unknown = null;
  try {
    op(built, c.kwargs, undefined);
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'an error').toBeInstanceOf(Error);
  const err = thrown as Error;
  expect(err.message).toContain(c.message);
  expect(err.name).toBe(c.error);
}
