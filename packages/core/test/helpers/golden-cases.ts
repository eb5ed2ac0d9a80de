/**
 * Replaying a golden case (the format is described in tools/golden/golden.py): building its arguments, calling the
 * op with Kindling's spelling from a caller's table, and checking outputs, grad_fn names and gradients against
 * PyTorch's. Core's and nn's fixtures all run through `runCase`.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import * as torch from '@kindling/core';
import type { DType, Tensor } from '@kindling/core';
import {
  type GoldenTensor,
  type TensorSpec,
  type Value,
  applyTransform,
  expectGolden,
  expectedNode,
  makeTensor,
  weightedBackward,
  weightedLoss,
} from './golden.js';

/** A non-tensor argument or keyword value as a fixture writes it. */
export type Json = number | boolean | string | null | (number | null)[];
export type Kwargs = Record<string, Json>;
/** An argument as the op receives it: tensors built, everything else as written. */
export type Built = Tensor | Tensor[] | Json;
export type OpResult = Tensor | Tensor[] | torch.ValuesIndices;
/** The Kindling call for one op: PyTorch's positional arguments, kwargs under Kindling's option names. */
export type OpCall = (args: Built[], kwargs: Kwargs, call: string | undefined) => OpResult;

export interface Tolerance {
  rtol: number;
  atol: number;
}

type ArgJson = TensorSpec | { list: TensorSpec[] } | Json;

export interface Case {
  name: string;
  op: string;
  args: ArgJson[];
  kwargs: Kwargs;
  call?: string;
  out: GoldenTensor | GoldenTensor[];
  gradFn: string | null | (string | null)[];
  w: Value[] | null | (Value[] | null)[];
  grads: (GoldenTensor | null)[];
  /** Second-order cases: the weights of the gradients' weighted sum, and that sum's gradients (golden.py). */
  v?: (Value[] | null)[];
  grads2?: (GoldenTensor | null)[];
  tol?: Tolerance;
}

export function T(x: Built): Tensor {
  if (x instanceof torch.Tensor) return x;
  throw new Error(`expected a tensor argument, got ${JSON.stringify(x)}`);
}

/** An optional tensor argument: absent or null is null. */
export function TOpt(x: Built | undefined): Tensor | null {
  return x === undefined || x === null ? null : T(x);
}

export function N(x: Built): number {
  if (typeof x === 'number') return x;
  throw new Error(`expected a number, got ${JSON.stringify(x)}`);
}

export function Ns(x: Built): number[] {
  if (Array.isArray(x) && x.every((v): v is number => typeof v === 'number')) return x;
  throw new Error(`expected a list of numbers, got ${JSON.stringify(x)}`);
}

function isSpec(a: ArgJson): a is TensorSpec {
  return typeof a === 'object' && a !== null && !Array.isArray(a) && 'values' in a;
}

/** Builds the op's arguments; `leaves` lists every tensor argument's stored leaf, in order. */
export function buildArgs(args: ArgJson[]): { built: Built[]; leaves: Tensor[] } {
  const leaves: Tensor[] = [];
  const one = (spec: TensorSpec): Tensor => {
    const leaf = makeTensor(spec.values, spec.shape, spec.dtype);
    if (spec.requiresGrad) leaf.requiresGrad_();
    leaves.push(leaf);
    return applyTransform(leaf, spec.transform);
  };
  const built = args.map((a): Built => {
    if (isSpec(a)) return one(a);
    if (typeof a === 'object' && a !== null && !Array.isArray(a)) return a.list.map(one);
    return a;
  });
  return { built, leaves };
}

function outputs(r: OpResult): Tensor[] {
  if (r instanceof torch.Tensor) return [r];
  if (Array.isArray(r)) return r;
  return [r.values, r.indices];
}

export interface RunOptions {
  /** The tolerance for a case that gives none; float64 within 1e-12 and float32 within rtol 1e-5 / atol 1e-6. */
  tolerance?: (dtype: DType) => Tolerance;
  /** PyTorch's node names that Kindling records under another name by design. */
  nodeDifferences?: Record<string, string>;
}

const defaultTolerance = (dtype: DType): Tolerance =>
  dtype === 'float64' ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };

/** Runs case `c` with the Kindling call `ops[c.op]`. */
export function runCase(c: Case, ops: Readonly<Record<string, OpCall>>, options: RunOptions = {}): void {
  const { tolerance = defaultTolerance, nodeDifferences = {} } = options;
  const check = (t: Tensor, e: GoldenTensor, what: string): void =>
    expectGolden(t, e, c.tol ?? tolerance(e.dtype), what);
  const { built, leaves } = buildArgs(c.args);
  const op = ops[c.op];
  if (op === undefined) throw new Error(`no Kindling call for op '${c.op}'`);
  const outs = outputs(op(built, c.kwargs, c.call));
  const multi = Array.isArray(c.out);
  const expectedOuts = Array.isArray(c.out) ? c.out : [c.out];
  expect(outs.length, 'number of outputs').toBe(expectedOuts.length);
  outs.forEach((o, i) => check(o, expectedOuts[i], `output ${i}`));
  const names = multi ? (c.gradFn as (string | null)[]) : [c.gradFn as string | null];
  expect(
    outs.map((o) => o.gradFn?.name() ?? null),
    'gradFn',
  ).toEqual(names.map((n) => expectedNode(n, nodeDifferences)));
  const weights = multi ? (c.w as (Value[] | null)[]) : [c.w as Value[] | null];
  if (c.v !== undefined && c.grads2 !== undefined) return secondOrder(c, c.v, c.grads2, outs, weights, leaves, check);
  weightedBackward(outs, weights);
  c.grads.forEach((g, k) => {
    if (g === null) return;
    const leaf = leaves[k];
    check(leaf.grad ?? torch.zerosLike(leaf), g, `grad of argument ${k}`);
  });
}

/** The gradients taken with createGraph, then the gradients of their weighted sum (second derivatives). */
function secondOrder(
  c: Case,
  v: (Value[] | null)[],
  grads2: (GoldenTensor | null)[],
  outs: Tensor[],
  weights: (Value[] | null)[],
  leaves: Tensor[],
  check: (t: Tensor, e: GoldenTensor, what: string) => void,
): void {
  const loss = weightedLoss(outs, weights);
  const wanted = leaves.filter((_, k) => c.grads[k] !== null);
  const found =
    loss === null
      ? wanted.map(() => null)
      : torch.autograd.grad(loss, wanted, { createGraph: true, allowUnused: true });
  let next = 0;
  const firsts = leaves.map((_, k) => (c.grads[k] === null ? null : found[next++]));
  c.grads.forEach((g, k) => {
    if (g !== null) check(firsts[k] ?? torch.zerosLike(leaves[k]), g, `grad of argument ${k}`);
  });
  weightedLoss(
    firsts.map((g) => (g !== null && g.requiresGrad ? g : null)),
    v,
  )?.backward();
  grads2.forEach((g, k) => {
    if (g !== null) check(leaves[k].grad ?? torch.zerosLike(leaves[k]), g, `second-order grad of argument ${k}`);
  });
}

/** A fixture file of golden cases. */
export function readCases(url: URL | string): { torch: string; cases: Case[] } {
  return JSON.parse(readFileSync(url, 'utf8')) as { torch: string; cases: Case[] };
}

/** The cases grouped by op, in the order they first appear. */
export function byOp(cases: readonly Case[]): Map<string, Case[]> {
  const groups = new Map<string, Case[]>();
  for (const c of cases) groups.set(c.op, [...(groups.get(c.op) ?? []), c]);
  return groups;
}
