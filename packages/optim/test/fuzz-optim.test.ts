/**
 * Optimizers drawn at random against PyTorch 1.13 (fixtures/fuzz_optim.json, written by tools/golden/fuzz_optim.py):
 * random options, parameter shapes and groups, gradients of every kind (zeros, ties, wide ranges, infinities, NaN)
 * given directly, some dropped; parameters and gradients stored transposed or inside a larger storage; learning rates
 * changed and training resumed from a state dict between steps. Parameters after every step and the final state dict
 * equal PyTorch's bit for bit, in float32 and float64. `KINDLING_FUZZ_FIXTURE=FILE` replays another draw.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { type Value, makeTensor } from '../../core/test/helpers/golden.js';
import type { Optimizer } from '@kindling/optim';
import { type DType, type OptimizerName, type Options, createOptimizer } from './helpers/optim-fixture.js';

interface Recorded {
  values: Value[];
  shape: number[];
  /** How it is stored: contiguous, with its first and last dims swapped, or at offset 2 of a larger storage. */
  layout?: 'contiguous' | 'transposed' | 'offset';
}
type StateValue = { tensor: Recorded & { dtype: DType } } | Value | null | StateValue[];

interface FuzzCase {
  name: string;
  optimizer: OptimizerName;
  dtype: DType;
  defaults: Options;
  groups: { params: number[]; options: Options }[];
  params: Recorded[];
  steps: { resume: boolean; lr: number[] | null; grads: (Recorded | null)[]; params: Recorded[] }[];
  stateDict: { state: Record<string, Record<string, StateValue>>; param_groups: Record<string, StateValue>[] };
}

const path = process.env.KINDLING_FUZZ_FIXTURE ?? new URL('./fixtures/fuzz_optim.json', import.meta.url);
const fixture = JSON.parse(readFileSync(path, 'utf8')) as { torch: string; cases: FuzzCase[] };

const EXACT = { rtol: 0, atol: 0 };
const TOLERANCE = { float32: EXACT, float64: EXACT };

function expectValues(actual: Tensor, expected: Recorded, dtype: DType, what: string): void {
  torch.testing.assertClose(actual, makeTensor(expected.values, expected.shape, dtype), {
    ...TOLERANCE[dtype],
    equalNan: true,
    msg: (m) => `${what}: ${m}`,
  });
}

/** A recorded tensor, stored as PyTorch stored it. */
function build(r: Recorded, dtype: DType): Tensor {
  const t = makeTensor(r.values, r.shape, dtype);
  if (r.layout === 'transposed') return t.transpose(0, -1).contiguous().transpose(0, -1);
  if (r.layout === 'offset') {
    const storage = torch.full([t.numel() + 3], 7, { dtype });
    return storage.narrow(0, 2, t.numel()).view(r.shape).copy_(t).detach();
  }
  return t;
}

function isTensor(v: StateValue): v is { tensor: Recorded & { dtype: DType } } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'tensor' in v;
}

/** A state or group entry against PyTorch's: tensors by value, numbers, flags and lists as they are. */
function expectEntry(actual: unknown, expected: StateValue, what: string): void {
  if (isTensor(expected)) {
    expect(actual, what).toBeInstanceOf(torch.Tensor);
    expect((actual as Tensor).dtype, `${what} dtype`).toBe(expected.tensor.dtype);
    expectValues(actual as Tensor, expected.tensor, expected.tensor.dtype, what);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${what} is a list`).toBe(true);
    expected.forEach((e, i) => expectEntry((actual as unknown[])[i], e, `${what}[${i}]`));
  } else if (typeof expected === 'string') {
    expect(actual, what).toBe(Number(expected.replace('inf', 'Infinity').replace('nan', 'NaN')));
  } else expect(actual, what).toEqual(expected);
}

function runCase(c: FuzzCase): void {
  const params = c.params.map((p) => build(p, c.dtype).requiresGrad_());
  const newOptimizer = (): Optimizer =>
    createOptimizer(
      c.optimizer,
      c.groups.map((g) => ({ params: g.params.map((i) => params[i]), ...g.options })),
      c.defaults,
    );
  let opt = newOptimizer();
  c.steps.forEach((step, k) => {
    if (step.resume) {
      const resumed = newOptimizer();
      resumed.loadStateDict(opt.stateDict());
      opt = resumed;
    }
    step.lr?.forEach((lr, i) => (opt.paramGroups[i].lr = lr));
    params.forEach((p, i) => {
      const g = step.grads[i];
      p.grad = g === null ? null : build(g, c.dtype);
    });
    opt.step();
    params.forEach((p, i) => expectValues(p, step.params[i], c.dtype, `step ${k}, parameter ${i}`));
  });
  const sd = opt.stateDict();
  expect(Object.keys(sd.state), 'state indices').toEqual(Object.keys(c.stateDict.state));
  for (const [i, s] of Object.entries(c.stateDict.state)) {
    const ours = sd.state[Number(i)];
    expect(Object.keys(ours), `state[${i}] keys`).toEqual(Object.keys(s));
    for (const [key, v] of Object.entries(s)) expectEntry(ours[key], v, `state[${i}].${key}`);
  }
  expect(sd.param_groups.length, 'param_groups').toBe(c.stateDict.param_groups.length);
  c.stateDict.param_groups.forEach((g, i) => {
    expect(Object.keys(sd.param_groups[i]), `param_groups[${i}] keys`).toEqual(Object.keys(g));
    for (const [key, v] of Object.entries(g)) expectEntry(sd.param_groups[i][key], v, `param_groups[${i}].${key}`);
  });
}

describe(`random optimizer runs against PyTorch ${fixture.torch}`, () => {
  const byOptimizer = new Map<string, FuzzCase[]>();
  for (const c of fixture.cases) byOptimizer.set(c.optimizer, [...(byOptimizer.get(c.optimizer) ?? []), c]);
  for (const [name, cases] of byOptimizer) {
    describe(name, () => {
      for (const c of cases) it(c.name, () => runCase(c));
    });
  }
});
