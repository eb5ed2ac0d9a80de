/**
 * Replaying a golden case (the format is described in tools/golden/golden.py): building its arguments, calling the
 * op with Kindling's spelling, and checking outputs, grad_fn names and gradients against PyTorch's.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import * as torch from '@kindling/core';
import type { DType, Tensor } from '@kindling/core';
import { type Built, type Kwargs, type OpResult, OPS } from '../golden-ops-table.js';
import {
  type GoldenTensor,
  type TensorSpec,
  type Value,
  applyTransform,
  expectGolden,
  expectedNode,
  makeTensor,
  weightedBackward,
} from './golden.js';

type Expected = GoldenTensor;

interface Tolerance {
  rtol: number;
  atol: number;
}

type ArgJson = TensorSpec | { list: TensorSpec[] } | number | boolean | string | null | number[];

export interface Case {
  name: string;
  op: string;
  args: ArgJson[];
  kwargs: Kwargs;
  call?: string;
  out: Expected | Expected[];
  gradFn: string | null | (string | null)[];
  w: Value[] | null | (Value[] | null)[];
  grads: (Expected | null)[];
  tol?: Tolerance;
}

function isSpec(a: ArgJson): a is TensorSpec {
  return typeof a === 'object' && a !== null && !Array.isArray(a) && 'values' in a;
}

/** Builds the op's arguments; `leaves` lists every tensor argument's stored leaf, in order. */
function buildArgs(args: ArgJson[]): { built: Built[]; leaves: Tensor[] } {
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

/** The case's tolerance where it gives one; else float64 within 1e-12 and float32 within rtol 1e-5 / atol 1e-6. */
function tolerance(dtype: DType, override: Tolerance | undefined): Tolerance {
  if (override !== undefined) return override;
  return dtype === 'float64' ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
}

function checkTensor(t: Tensor, e: GoldenTensor, tol: Tolerance | undefined, what: string): void {
  expectGolden(t, e, tolerance(e.dtype, tol), what);
}

export function runCase(c: Case): void {
  const { built, leaves } = buildArgs(c.args);
  const op = OPS[c.op];
  if (op === undefined) throw new Error(`no Kindling call for op '${c.op}'`);
  const result = op(built, c.kwargs, c.call);
  const outs = outputs(result);
  const multi = Array.isArray(c.out);
  const expectedOuts = Array.isArray(c.out) ? c.out : [c.out];
  expect(outs.length, 'number of outputs').toBe(expectedOuts.length);
  outs.forEach((o, i) => checkTensor(o, expectedOuts[i], c.tol, `output ${i}`));
  const names = multi ? (c.gradFn as (string | null)[]) : [c.gradFn as string | null];
  expect(
    outs.map((o) => o.gradFn?.name() ?? null),
    'gradFn',
  ).toEqual(names.map((n) => expectedNode(n)));
  const weights = multi ? (c.w as (Value[] | null)[]) : [c.w as Value[] | null];
  weightedBackward(outs, weights);
  c.grads.forEach((g, k) => {
    if (g === null) return;
    const leaf = leaves[k];
    const grad = leaf.grad ?? torch.zerosLike(leaf);
    checkTensor(grad, g, c.tol, `grad of argument ${k}`);
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
