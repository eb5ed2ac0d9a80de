/**
 * The optimizer fixture (tools/golden/optim.py → fixtures/optim.json) and the model it was made with, rebuilt in
 * Kindling: the same initial weights, input, target and loss, and each case's optimizer with its parameter groups.
 */
import { readFileSync } from 'node:fs';
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import {
  Adadelta,
  Adagrad,
  Adamax,
  NAdam,
  RAdam,
  Adam,
  AdamW,
  RMSprop,
  SGD,
  type AdadeltaOptions,
  type AdagradOptions,
  type AdamaxOptions,
  type AdamVariantOptions,
  type NAdamOptions,
  type AdamOptions,
  type Optimizer,
  type ParamGroupInput,
  type RMSpropOptions,
  Rprop,
  type RpropOptions,
  ASGD,
  type ASGDOptions,
  type SGDOptions,
} from '@kindling/optim';

export type DType = 'float32' | 'float64';
export type Options = Record<string, number | boolean | number[]>;
type Values = Record<string, number[]>;

export interface EncodedTensor {
  tensor: { values: number[]; shape: number[]; dtype: DType };
}
export type EncodedValue = EncodedTensor | number | boolean | null | number[];

export interface OptimCase {
  name: string;
  optimizer:
    | 'SGD'
    | 'Adam'
    | 'AdamW'
    | 'RMSprop'
    | 'Adagrad'
    | 'Adadelta'
    | 'Adamax'
    | 'NAdam'
    | 'RAdam'
    | 'Rprop'
    | 'ASGD';
  dtype: DType;
  defaults: Options;
  groups: { params: string[]; options: Options }[];
  steps: { loss: number; grads: Record<string, number[] | null>; params: Values }[];
  stateDict: { state: Record<string, Record<string, EncodedValue>>; param_groups: Record<string, EncodedValue>[] };
}

export interface ErrorCase {
  python: string;
  error: string;
  message: string;
}

export interface OptimFixture {
  steps: number;
  shapes: Record<string, number[]>;
  frozen: string[];
  skip: Record<string, string[]>;
  initial: Values;
  x: number[];
  y: number[];
  cases: OptimCase[];
  errors: Record<string, ErrorCase>;
}

export const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/optim.json', import.meta.url), 'utf8'),
) as OptimFixture;

export const NAMES = Object.keys(fixture.shapes);

export function makeTensor(values: number[], shape: number[], dtype: DType): Tensor {
  return torch.tensor(values, { dtype }).reshape(shape);
}

/** Fresh parameters at the fixture's initial values (the frozen ones with requiresGrad false). */
export function initialParams(dtype: DType): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const name of NAMES) {
    out[name] = makeTensor(fixture.initial[name], fixture.shapes[name], dtype).requiresGrad_(
      !fixture.frozen.includes(name),
    );
  }
  return out;
}

export function inputs(dtype: DType): { x: Tensor; y: Tensor } {
  return { x: makeTensor(fixture.x, [5, 3], dtype), y: makeTensor(fixture.y, [5, 2], dtype) };
}

/** h = tanh(x W1ᵀ + b1); out = (h W2ᵀ + b2) · scale; mean squared error against y. */
export function lossOf(p: Record<string, Tensor>, x: Tensor, y: Tensor): Tensor {
  const h = x.matmul(p.W1.t()).add(p.b1).tanh();
  const out = h.matmul(p.W2.t()).add(p.b2).mul(p.scale);
  return out.sub(y).pow(2).mean();
}

export type OptimizerName = OptimCase['optimizer'];

/** `new <name>(groups, defaults)` for each optimizer of the fixtures. */
export function createOptimizer(name: OptimizerName, groups: ParamGroupInput[], defaults: Options): Optimizer {
  switch (name) {
    case 'SGD':
      return new SGD(groups, defaults as SGDOptions);
    case 'Adam':
      return new Adam(groups, defaults as AdamOptions);
    case 'AdamW':
      return new AdamW(groups, defaults as AdamOptions);
    case 'RMSprop':
      return new RMSprop(groups, defaults as RMSpropOptions);
    case 'Adagrad':
      return new Adagrad(groups, defaults as AdagradOptions);
    case 'Adadelta':
      return new Adadelta(groups, defaults as AdadeltaOptions);
    case 'Adamax':
      return new Adamax(groups, defaults as AdamaxOptions);
    case 'NAdam':
      return new NAdam(groups, defaults as NAdamOptions);
    case 'RAdam':
      return new RAdam(groups, defaults as AdamVariantOptions);
    case 'Rprop':
      return new Rprop(groups, defaults as RpropOptions);
    case 'ASGD':
      return new ASGD(groups, defaults as ASGDOptions);
  }
}

export function makeOptimizer(c: OptimCase, params: Record<string, Tensor>): Optimizer {
  const groups: ParamGroupInput[] = c.groups.map((g) => ({ params: g.params.map((n) => params[n]), ...g.options }));
  return createOptimizer(c.optimizer, groups, c.defaults);
}

/** One training step as the fixture took it: fresh gradients, the SKIP list's dropped, then `opt.step()`. */
export function trainStep(opt: Optimizer, params: Record<string, Tensor>, x: Tensor, y: Tensor, step: number): number {
  opt.zeroGrad({ setToNone: true });
  const loss = lossOf(params, x, y);
  loss.backward();
  for (const name of fixture.skip[String(step)] ?? []) params[name].grad = null;
  opt.step();
  return loss.item();
}

/** A step with PyTorch's own gradients for this step (so only the update rule is compared). */
export function forcedStep(c: OptimCase, opt: Optimizer, params: Record<string, Tensor>, step: number): void {
  for (const name of NAMES) {
    const g = c.steps[step].grads[name];
    params[name].grad = g === null ? null : makeTensor(g, fixture.shapes[name], c.dtype);
  }
  opt.step();
}

export function flat(t: Tensor): number[] {
  return Array.from(t.toArray() as ArrayLike<number>);
}

/**
 * Elements farther from PyTorch's value than `rtol` relative (or `atol` absolute, a floor for elements that pass
 * near zero), and whether all are bit for bit equal.
 */
export function compare(
  actual: number[],
  expected: number[],
  rtol: number,
  atol = 0,
): { bad: string[]; exact: boolean } {
  const bad: string[] = [];
  let exact = actual.length === expected.length;
  expected.forEach((e, i) => {
    const a = actual[i];
    if (!Object.is(a, e)) exact = false;
    if (!(Math.abs(a - e) <= Math.max(rtol * Math.abs(e), atol))) bad.push(`[${i}] ${a} vs ${e}`);
  });
  return { bad, exact };
}
