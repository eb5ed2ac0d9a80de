/**
 * LBFGS against PyTorch 1.13 (fixtures/optim.json's `lbfgs`, written by tools/golden/optim.py): on the fixture's
 * model, each closure-driven `step()` returns PyTorch's loss and leaves PyTorch's parameters, with a fixed step or the
 * strong-Wolfe line search, long and short histories, in float64 and float32; the state and its counters under
 * PyTorch's keys; a state dict that survives serialization; PyTorch's errors.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { LBFGS, type LBFGSOptions, deserializeOptimizerState, serializeOptimizerState } from '@kindling/optim';
import { type DType, fixture, initialParams, inputs, lossOf } from './helpers/optim-fixture.js';

interface LBFGSCase {
  name: string;
  dtype: DType;
  options: LBFGSOptions;
  trained: string[];
  steps: { loss: number; params: Record<string, number[]> }[];
  stateKeys: string[];
  funcEvals: number;
  nIter: number;
  paramGroupKeys: string[];
}

const cases = (fixture as unknown as { lbfgs: LBFGSCase[] }).lbfgs;

function setup(c: LBFGSCase): { opt: LBFGS; params: Record<string, torch.Tensor>; closure: () => torch.Tensor } {
  const params = initialParams(c.dtype);
  const { x, y } = inputs(c.dtype);
  const opt = new LBFGS(
    c.trained.map((k) => params[k]),
    c.options,
  );
  const closure = (): torch.Tensor => {
    opt.zeroGrad();
    const loss = lossOf(params, x, y);
    loss.backward();
    return loss;
  };
  return { opt, params, closure };
}

describe.each(cases.map((c) => [`${c.name} ${c.dtype}`, c] as const))('%s', (_, c) => {
  it("returns PyTorch's loss and leaves PyTorch's parameters after every step", () => {
    const { opt, params, closure } = setup(c);
    const tol = c.dtype === 'float64' ? { rtol: 1e-7, atol: 1e-9 } : { rtol: 2e-3, atol: 2e-4 };
    c.steps.forEach((s, i) => {
      const loss = opt.step(closure).item();
      torch.testing.assertClose(
        torch.tensor([loss], { dtype: 'float64' }),
        torch.tensor([s.loss], { dtype: 'float64' }),
        {
          ...tol,
          msg: (m) => `loss of step ${i}: ${m}`,
        },
      );
      for (const [k, v] of Object.entries(s.params)) {
        torch.testing.assertClose(params[k].detach().reshape(-1).double(), torch.tensor(v, { dtype: 'float64' }), {
          ...tol,
          msg: (m) => `${k} after step ${i}: ${m}`,
        });
      }
    });
    const state = opt.state.get(params[c.trained[0]]) ?? {};
    expect(Object.keys(state)).toEqual(c.stateKeys);
    expect(state.func_evals).toBe(c.funcEvals);
    expect(state.n_iter).toBe(c.nIter);
    expect(Object.keys(opt.stateDict().param_groups[0])).toEqual(c.paramGroupKeys);
  });
});

describe('LBFGS', () => {
  it('saves and restores its state, lists of history included, and goes on as before', () => {
    const c = cases[0];
    const a = setup(c);
    a.opt.step(a.closure);
    const restored = setup(c);
    for (const k of c.trained) restored.params[k].detach().copy_(a.params[k].detach());
    restored.opt.loadStateDict(deserializeOptimizerState(serializeOptimizerState(a.opt.stateDict())));
    const [next, again] = [a.opt.step(a.closure).item(), restored.opt.step(restored.closure).item()];
    expect(again).toBe(next);
  });

  it('refuses what PyTorch refuses, with its messages', () => {
    const p = torch.ones(2, { requiresGrad: true });
    expect(() => (new LBFGS([p]) as unknown as { step(): void }).step()).toThrow(
      "step() missing 1 required positional argument: 'closure'",
    );
  });
});
