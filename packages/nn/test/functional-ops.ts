/**
 * The golden fixtures of nn.functional (tools/golden/nn_functional.py): reading them, the Kindling call for each
 * op, and the checks of values, dtypes, grad_fn names and gradients against PyTorch's.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import * as torch from '@kindling/core';
import type { DType, Tensor } from '@kindling/core';
import * as F from '../src/functional/index.js';
import {
  type GoldenTensor,
  type TensorSpec,
  type Value,
  applyTransform,
  expectGolden,
  expectedNode,
  makeTensor,
  weightedBackward,
} from '../../core/test/helpers/golden.js';

type Kwargs = Record<string, number | boolean | string | null | number[]>;

type Expected = GoldenTensor;

type ArgJson = TensorSpec | number | boolean | string | null | number[];
type Built = Tensor | number | boolean | string | null | number[];

export interface Case {
  name: string;
  op: string;
  args: ArgJson[];
  kwargs: Kwargs;
  out: Expected | Expected[];
  gradFn: string | null | (string | null)[];
  w: Value[] | null | (Value[] | null)[];
  grads: ({ values: Value[]; shape: number[] } | null)[];
  tol?: Tolerance;
}

export interface ErrorCase {
  name: string;
  op: string;
  args: ArgJson[];
  kwargs: Kwargs;
  error: string;
  message: string;
}

export const fixture = JSON.parse(readFileSync(new URL('./fixtures/functional.json', import.meta.url), 'utf8')) as {
  torch: string;
  cases: Case[];
  errors: ErrorCase[];
};

function isSpec(a: ArgJson): a is TensorSpec {
  return typeof a === 'object' && a !== null && !Array.isArray(a);
}

/** Builds the arguments; `leaves` holds each tensor argument's stored leaf, in order. */
export function buildArgs(args: ArgJson[]): { built: Built[]; leaves: Tensor[] } {
  const leaves: Tensor[] = [];
  const built = args.map((a): Built => {
    if (!isSpec(a)) return a;
    const leaf = makeTensor(a.values, a.shape, a.dtype);
    if (a.requiresGrad) leaf.requiresGrad_();
    leaves.push(leaf);
    return applyTransform(leaf, a.transform);
  });
  return { built, leaves };
}

function T(x: Built): Tensor {
  if (x instanceof torch.Tensor) return x;
  throw new Error(`expected a tensor argument, got ${JSON.stringify(x)}`);
}

function TOpt(x: Built | undefined): Tensor | null {
  return x === undefined || x === null ? null : T(x);
}

function N(x: Built): number {
  if (typeof x === 'number') return x;
  throw new Error(`expected a number, got ${JSON.stringify(x)}`);
}

function Ns(x: Built): number[] {
  if (Array.isArray(x)) return x;
  throw new Error(`expected a list of numbers, got ${JSON.stringify(x)}`);
}

type Op = (a: Built[], kw: Kwargs) => Tensor | Tensor[];

/** Options in Kindling's spelling, as recorded (the fixture's kwargs are already camelCase). */
function opts<T>(kw: Kwargs): T {
  return kw as T;
}

export const OPS: Record<string, Op> = {
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

interface Tolerance {
  rtol: number;
  atol: number;
}

/** The case's tolerance where it gives one; else float64 within rtol 1e-10 / atol 1e-12, float32 within 1e-5 / 1e-6. */
const tolerance = (dtype: DType, override: Tolerance | undefined): Tolerance =>
  override ?? (dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 });

function checkTensor(t: Tensor, e: GoldenTensor, tol: Tolerance | undefined, what: string): void {
  expectGolden(t, e, tolerance(e.dtype, tol), what);
}

/**
 * The one node Kindling names differently from PyTorch, by design. PyTorch's cross entropy with probability targets
 * divides by a C++ integer for its mean (the Tensor-by-Scalar overload, `DivBackward1`); a TypeScript number enters
 * division as a wrapped tensor, as `x / 2` does in Python (`DivBackward0`).
 */
const NODE_DIFFERENCES: Record<string, string> = { DivBackward1: 'DivBackward0' };

export function runCase(c: Case): void {
  const { built, leaves } = buildArgs(c.args);
  const op = OPS[c.op];
  if (op === undefined) throw new Error(`no Kindling call for op '${c.op}'`);
  const result = op(built, c.kwargs);
  const outs = Array.isArray(result) ? result : [result];
  const multi = Array.isArray(c.out);
  const expectedOuts = Array.isArray(c.out) ? c.out : [c.out];
  expect(outs.length, 'number of outputs').toBe(expectedOuts.length);
  outs.forEach((o, i) => checkTensor(o, expectedOuts[i], c.tol, `output ${i}`));
  const names = multi ? (c.gradFn as (string | null)[]) : [c.gradFn as string | null];
  expect(
    outs.map((o) => o.gradFn?.name() ?? null),
    'gradFn',
  ).toEqual(names.map((n) => expectedNode(n, NODE_DIFFERENCES)));
  const weights = multi ? (c.w as (Value[] | null)[]) : [c.w as Value[] | null];
  weightedBackward(outs, weights);
  c.grads.forEach((g, k) => {
    if (g === null) return;
    const leaf = leaves[k];
    checkTensor(
      leaf.grad ?? torch.zerosLike(leaf),
      { values: g.values, shape: g.shape, dtype: leaf.dtype },
      c.tol,
      `grad of argument ${k}`,
    );
  });
}

/** Runs an error case: the same Python exception type, and a message containing PyTorch's. */
export function runErrorCase(c: ErrorCase): void {
  const { built } = buildArgs(c.args);
  const op = OPS[c.op];
  if (op === undefined) throw new Error(`no Kindling call for op '${c.op}'`);
  let thrown: unknown = null;
  try {
    op(built, c.kwargs);
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'an error').toBeInstanceOf(Error);
  const err = thrown as Error;
  expect(err.message).toContain(c.message);
  expect(err.name).toBe(c.error);
}
