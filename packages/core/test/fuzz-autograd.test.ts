/**
 * Small autograd programs drawn at random against PyTorch 1.13 (fixtures/fuzz_autograd.json, written by
 * tools/golden/fuzz_autograd.py): chains of ops on leaves, views, in-place ops on results and on views of them,
 * detach, and one or two backward passes. Kindling raises where PyTorch raised, with its exception and message (a
 * modified saved tensor, an in-place op on a leaf or a view of one, a freed graph), or gives its gradients.
 * `KINDLING_FUZZ_FIXTURE=FILE` replays another draw.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { type Value, makeTensor } from './helpers/golden.js';

type Arg = { ref: number } | number;

interface Program {
  name: string;
  shape: number[];
  leaves: Value[][];
  steps: { op: string; args: Arg[] }[];
  backward: { ref: number; retain: boolean }[];
  error?: { step: number; type: string; message: string };
  grads?: (Value[] | null)[];
}

const path = process.env.KINDLING_FUZZ_FIXTURE ?? new URL('./fixtures/fuzz_autograd.json', import.meta.url);
const fixture = JSON.parse(readFileSync(path, 'utf8')) as { torch: string; cases: Program[] };

const T = (a: Tensor | number): Tensor => a as Tensor;
const N = (a: Tensor | number): number => a as number;

/** Each op of tools/golden/fuzz_autograd.py's OPS, called with Kindling's spelling. */
const OPS: Record<string, (...a: (Tensor | number)[]) => Tensor> = {
  exp: (a) => T(a).exp(),
  sigmoid: (a) => T(a).sigmoid(),
  tanh: (a) => T(a).tanh(),
  relu: (a) => T(a).relu(),
  sin: (a) => T(a).sin(),
  sqrt: (a) => T(a).sqrt(),
  log: (a) => T(a).log(),
  pow: (a, p) => T(a).pow(N(p)),
  mulScalar: (a, s) => T(a).mul(N(s)),
  addScalar: (a, s) => T(a).add(N(s)),
  clone: (a) => T(a).clone(),
  detach: (a) => T(a).detach(),
  sum: (a) => T(a).sum(),
  add: (a, b) => T(a).add(T(b)),
  sub: (a, b) => T(a).sub(T(b)),
  mul: (a, b) => T(a).mul(T(b)),
  div: (a, b) => T(a).div(T(b)),
  transpose: (a) => (T(a).ndim > 0 ? T(a).transpose(0, -1) : T(a).view([])),
  flatten: (a) => T(a).view(-1),
  select: (a) => (T(a).ndim > 0 ? T(a).select(0, 0) : T(a).view([])),
  narrow: (a) => (T(a).ndim > 0 ? T(a).narrow(-1, 0, 1) : T(a).view([])),
  add_: (a, s) => T(a).add_(N(s)),
  mul_: (a, s) => T(a).mul_(N(s)),
  exp_: (a) => T(a).exp_(),
  sigmoid_: (a) => T(a).sigmoid_(),
  zero_: (a) => T(a).zero_(),
  addTensor_: (a, b) => T(a).add_(T(b)),
  mulTensor_: (a, b) => T(a).mul_(T(b)),
  relu_: (a) => T(a).relu_(),
  tanh_: (a) => T(a).tanh_(),
  clamp_: (a) => T(a).clamp_(0.7, 1.2),
  unbind: (a) => (T(a).ndim > 0 ? T(a).unbind(0)[0] : T(a).view([])),
  split: (a) => (T(a).ndim > 0 ? T(a).split(1)[0] : T(a).view([])),
  expand: (a) => T(a).expand([2, ...T(a).shape]),
  unsqueeze: (a) => T(a).unsqueeze(0),
  noGradAdd_: (a, s) => torch.noGrad(() => T(a).add_(N(s))),
};

function runProgram(p: Program): void {
  const tensors = p.leaves.map((v) => makeTensor(v, p.shape, 'float64').requiresGrad_());
  let at = 0;
  let error: Error | null = null;
  try {
    for (const step of p.steps) {
      const call = OPS[step.op];
      if (call === undefined) throw new Error(`no Kindling call for '${step.op}'`);
      tensors.push(call(...step.args.map((a) => (typeof a === 'number' ? a : tensors[a.ref]))));
      at++;
    }
    for (const pass of p.backward) {
      tensors[pass.ref].sum().backward({ retainGraph: pass.retain });
      at++;
    }
  } catch (e) {
    error = e as Error;
  }
  if (p.error !== undefined) {
    // Where an in-place op wrote into a view, PyTorch names the view's AsStridedBackward0 while that node is alive
    // and the saving node once it is freed (autograd/node.ts's SavedTensor): the node is left out of the comparison.
    const alive = /, which is output \d+ of AsStridedBackward0,/;
    const drop = (m: string): string =>
      alive.test(p.error?.message ?? '') ? m.replace(/, which is output \d+ of [\w:]+,/, '') : m;
    expect(drop(error?.message ?? ''), `PyTorch raised at step ${p.error.step}`).toContain(drop(p.error.message));
    expect(error?.name).toBe(p.error.type);
    expect(at, 'the step that raised').toBe(p.error.step);
    return;
  }
  if (error !== null) throw error;
  (p.grads ?? []).forEach((g, k) => {
    const grad = tensors[k].grad;
    if (g === null) expect(grad, `grad of leaf ${k}`).toBeNull();
    else
      torch.testing.assertClose(grad as Tensor, makeTensor(g, p.shape, 'float64'), {
        equalNan: true,
        msg: (m) => `grad of leaf ${k}: ${m}`,
      });
  });
}

describe(`random autograd programs against PyTorch ${fixture.torch}`, () => {
  for (const p of fixture.cases) it(p.name, () => runProgram(p));
});
