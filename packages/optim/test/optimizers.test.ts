/**
 * The optimizers against PyTorch 1.13 (fixtures/optim.json, written by tools/golden/optim.py): SGD, Adam, AdamW,
 * RMSprop, Adagrad and Adadelta under every option, two parameter groups with different options, a gradient dropped in some
 * steps and a frozen parameter, in float32 and float64.
 *
 * Two runs per case:
 * - training: Kindling computes the loss and gradients itself and steps; parameters are compared with PyTorch's after
 *   every step: float32 within 1e-5 relative, float64 within 1e-10, each with an absolute floor (1e-7, 1e-13) for
 *   elements that pass near zero. Kindling's matmul and reduction gradients can differ from PyTorch's in the last
 *   bit, so this run is close rather than equal; the trajectories that are bit for bit equal are counted.
 * - update rule: each step is given PyTorch's own gradient for that step, so only the optimizer's arithmetic is
 *   compared: parameters after every step and the final state equal PyTorch's bit for bit, in float32 and float64
 *   (`add(alpha)`, `addcmul` and `lerp` are fused multiply-adds, and `beta ** step` is C's pow, as in PyTorch).
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import type { OptimizerStateDict } from '@kindling/optim';
import {
  NAMES,
  compare,
  fixture,
  flat,
  forcedStep,
  initialParams,
  inputs,
  makeOptimizer,
  trainStep,
  type EncodedValue,
  type OptimCase,
} from './helpers/optim-fixture.js';

const TOL = { float32: { rtol: 1e-5, atol: 1e-7 }, float64: { rtol: 1e-10, atol: 1e-13 } };
const EXACT = { rtol: 0, atol: 0 };
/** The update rule's tolerance: bit for bit. */
const RULE_TOL = { float32: EXACT, float64: EXACT };
const exactTraining: Record<string, string[]> = { float32: [], float64: [] };
const exactForced: Record<string, string[]> = { float32: [], float64: [] };

afterAll(() => {
  for (const dtype of ['float32', 'float64'] as const) {
    const total = fixture.cases.filter((c) => c.dtype === dtype).length;
    console.log(
      `${dtype}: ${exactTraining[dtype].length}/${total} training trajectories bit for bit equal to PyTorch's; ` +
        `${exactForced[dtype].length}/${total} with PyTorch's gradients`,
    );
  }
});

function expectParams(
  c: OptimCase,
  params: Record<string, Tensor>,
  step: number,
  tol: { rtol: number; atol: number },
): boolean {
  let exact = true;
  for (const name of NAMES) {
    const r = compare(flat(params[name]), c.steps[step].params[name], tol.rtol, tol.atol);
    expect(r.bad, `${c.name} ${c.dtype} step ${step} ${name}`).toEqual([]);
    exact &&= r.exact;
  }
  return exact;
}

function isTensorValue(
  v: EncodedValue,
): v is { tensor: { values: number[]; shape: number[]; dtype: 'float32' | 'float64' } } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'tensor' in v;
}

/** Our state dict has PyTorch's structure: the same indices, state keys, group keys (in order) and option values. */
function expectStructure(c: OptimCase, sd: OptimizerStateDict): void {
  const expected = c.stateDict;
  expect(Object.keys(sd.state)).toEqual(Object.keys(expected.state));
  for (const [i, s] of Object.entries(expected.state)) {
    const ours = sd.state[Number(i)];
    expect(Object.keys(ours), `state[${i}] keys`).toEqual(Object.keys(s));
    for (const [k, v] of Object.entries(s)) {
      const o = ours[k];
      if (isTensorValue(v)) {
        expect(o).toBeInstanceOf(torch.Tensor);
        expect((o as Tensor).shape, `state[${i}].${k} shape`).toEqual(v.tensor.shape);
        expect((o as Tensor).dtype, `state[${i}].${k} dtype`).toBe(v.tensor.dtype);
      } else expect(o, `state[${i}].${k}`).toEqual(v);
    }
  }
  expect(sd.param_groups.length).toBe(expected.param_groups.length);
  sd.param_groups.forEach((g, i) => {
    expect(Object.keys(g), `param_groups[${i}] keys`).toEqual(Object.keys(expected.param_groups[i]));
    expect(g).toEqual(expected.param_groups[i]);
  });
}

/** The state's values equal PyTorch's within `tol`. */
function expectStateValues(c: OptimCase, sd: OptimizerStateDict, tol: { rtol: number; atol: number }): void {
  for (const [i, s] of Object.entries(c.stateDict.state)) {
    for (const [k, v] of Object.entries(s)) {
      if (!isTensorValue(v)) continue;
      const r = compare(flat(sd.state[Number(i)][k] as Tensor), v.tensor.values, tol.rtol, tol.atol);
      expect(r.bad, `${c.name} ${c.dtype} state[${i}].${k}`).toEqual([]);
    }
  }
}

describe.each(fixture.cases.map((c) => [`${c.name} ${c.dtype}`, c] as const))('%s', (_, c) => {
  it('training: close to PyTorch after every step; the frozen parameter never moves', () => {
    const params = initialParams(c.dtype);
    const { x, y } = inputs(c.dtype);
    const opt = makeOptimizer(c, params);
    let exact = true;
    for (let step = 0; step < fixture.steps; step++) {
      const loss = trainStep(opt, params, x, y, step);
      expect(Math.abs(loss - c.steps[step].loss)).toBeLessThanOrEqual(TOL[c.dtype].rtol * Math.abs(c.steps[step].loss));
      exact = expectParams(c, params, step, TOL[c.dtype]) && exact;
      for (const name of fixture.frozen) {
        expect(params[name].grad).toBeNull();
        expect(flat(params[name])).toEqual(
          fixture.initial[name].map((v) => (c.dtype === 'float32' ? Math.fround(v) : v)),
        );
      }
    }
    if (exact) exactTraining[c.dtype].push(c.name);
    expectStructure(c, opt.stateDict());
  });

  it("update rule: with PyTorch's gradients, parameters and state equal PyTorch's bit for bit", () => {
    const params = initialParams(c.dtype);
    const opt = makeOptimizer(c, params);
    let exact = true;
    for (let step = 0; step < fixture.steps; step++) {
      forcedStep(c, opt, params, step);
      exact = expectParams(c, params, step, RULE_TOL[c.dtype]) && exact;
    }
    if (exact) exactForced[c.dtype].push(c.name);
    const sd = opt.stateDict();
    expectStructure(c, sd);
    expectStateValues(c, sd, RULE_TOL[c.dtype]);
  });
});
