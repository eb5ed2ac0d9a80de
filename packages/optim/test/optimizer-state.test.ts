/**
 * Optimizer behaviour around the update: parameters are updated in place, `zeroGrad`, closures, and state dicts:
 * saving after a few steps and loading into a new optimizer over new parameters continues exactly as an
 * uninterrupted run, directly and through bytes (`serializeOptimizerState`: safetensors + JSON metadata).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import {
  Adam,
  RMSprop,
  SGD,
  deserializeOptimizerState,
  lrScheduler,
  serializeOptimizerState,
  type Optimizer,
  type OptimizerStateDict,
} from '@kindling/optim';
import {
  NAMES,
  fixture,
  flat,
  initialParams,
  inputs,
  makeOptimizer,
  trainStep,
  type OptimCase,
} from './helpers/optim-fixture.js';

/** One case of each optimizer and option family, float32 and float64. */
const RESUME_CASES = fixture.cases.filter((c) =>
  [
    'sgd-mixed-groups',
    'sgd-nesterov',
    'adam-betas-eps',
    'adamw-amsgrad',
    'rmsprop-centered-momentum-wd',
    'adagrad-lr-decay',
  ].includes(c.name),
);
const SPLIT = 3;

function snapshot(params: Record<string, Tensor>): Record<string, number[]> {
  return Object.fromEntries(NAMES.map((n) => [n, flat(params[n])]));
}

function uninterrupted(c: OptimCase): Record<string, number[]>[] {
  const params = initialParams(c.dtype);
  const { x, y } = inputs(c.dtype);
  const opt = makeOptimizer(c, params);
  const out: Record<string, number[]>[] = [];
  for (let step = 0; step < fixture.steps; step++) {
    trainStep(opt, params, x, y, step);
    out.push(snapshot(params));
  }
  return out;
}

/** Steps to SPLIT, hands the state dict (through `transfer`) to a new optimizer over copies of the parameters, and goes on. */
function resumed(c: OptimCase, transfer: (sd: OptimizerStateDict) => OptimizerStateDict): Record<string, number[]>[] {
  const first = initialParams(c.dtype);
  const { x, y } = inputs(c.dtype);
  const opt = makeOptimizer(c, first);
  const out: Record<string, number[]>[] = [];
  for (let step = 0; step < SPLIT; step++) {
    trainStep(opt, first, x, y, step);
    out.push(snapshot(first));
  }
  const sd = transfer(opt.stateDict());
  const second = Object.fromEntries(
    NAMES.map((n) => [n, first[n].detach().clone().requiresGrad_(first[n].requiresGrad)]),
  );
  const next = makeOptimizer(c, second);
  next.loadStateDict(sd);
  const before = snapshot(first);
  const frozenState = [...opt.state.values()]
    .flatMap((s) => Object.values(s))
    .filter((v): v is Tensor => v instanceof torch.Tensor);
  const frozenValues = frozenState.map(flat);
  for (let step = SPLIT; step < fixture.steps; step++) {
    trainStep(next, second, x, y, step);
    out.push(snapshot(second));
  }
  // The loaded optimizer owns copies: the first run's parameters and state are untouched.
  expect(snapshot(first)).toEqual(before);
  expect(frozenState.map(flat)).toEqual(frozenValues);
  return out;
}

describe.each(RESUME_CASES.map((c) => [`${c.name} ${c.dtype}`, c] as const))('resume %s', (_, c) => {
  it(`save after step ${SPLIT}, load into a new optimizer: equals the uninterrupted run bit for bit`, () => {
    expect(resumed(c, (sd) => sd)).toEqual(uninterrupted(c));
  });

  it('through bytes (safetensors tensors + JSON metadata): the same', () => {
    const run = resumed(c, (sd) => {
      const back = deserializeOptimizerState(serializeOptimizerState(sd));
      expect(back.param_groups).toEqual(sd.param_groups);
      expect(Object.keys(back.state)).toEqual(Object.keys(sd.state));
      for (const [i, s] of Object.entries(sd.state)) {
        for (const [k, v] of Object.entries(s)) {
          const w = back.state[Number(i)][k];
          if (v instanceof torch.Tensor) {
            expect(w).toBeInstanceOf(torch.Tensor);
            expect([(w as Tensor).dtype, (w as Tensor).shape, flat(w as Tensor)]).toEqual([v.dtype, v.shape, flat(v)]);
          } else expect(w).toEqual(v);
        }
      }
      return back;
    });
    expect(run).toEqual(uninterrupted(c));
  });
});

describe('parameters are updated in place', () => {
  it.each(['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'NAdam', 'RAdam'])(
    '%s: same object, same storage, version counter moves',
    (name) => {
      const c = fixture.cases.find((k) => k.optimizer === name && k.dtype === 'float32') as OptimCase;
      const params = initialParams('float32');
      const objects = { ...params };
      const views = Object.fromEntries(NAMES.map((n) => [n, params[n].view(-1)]));
      const versions = Object.fromEntries(NAMES.map((n) => [n, params[n].version]));
      const { x, y } = inputs('float32');
      const opt = makeOptimizer(c, params);
      trainStep(opt, params, x, y, 0);
      for (const n of NAMES) {
        expect(opt.paramGroups.some((g) => g.params.includes(objects[n]))).toBe(true);
        expect(params[n]).toBe(objects[n]);
        expect(flat(views[n])).toEqual(flat(params[n]));
        expect(params[n].isLeaf).toBe(true);
        if (fixture.frozen.includes(n)) expect(params[n].version).toBe(versions[n]);
        else expect(params[n].version).toBeGreaterThan(versions[n]);
      }
      expect(params.W1.requiresGrad).toBe(true);
      expect(params.W1.gradFn).toBeNull();
    },
  );
});

describe('zeroGrad and step', () => {
  function setup(): { p: Tensor; opt: SGD } {
    const p = torch.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    return { p, opt: new SGD([p], { lr: 0.1 }) };
  }

  it('zeroGrad() sets gradients to null; zeroGrad({ setToNone: false }) zeroes them in place', () => {
    const { p, opt } = setup();
    p.mul(p).sum().backward();
    const g = p.grad as Tensor;
    opt.zeroGrad({ setToNone: false });
    expect(p.grad).toBe(g);
    expect(flat(g)).toEqual([0, 0]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
  });

  it('step(closure) re-evaluates the loss with grad mode on and returns it', () => {
    const { p, opt } = setup();
    const loss = torch.noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = p.mul(p).sum();
        l.backward();
        return l;
      }),
    );
    expect(loss?.item()).toBe(5);
    expect(flat(p)).toEqual([Math.fround(1 - Math.fround(0.1) * 2), Math.fround(2 - Math.fround(0.1) * 4)]);
  });

  it('a parameter without a gradient is skipped and gets no state', () => {
    const a = torch.ones([2], { requiresGrad: true });
    const b = torch.ones([2], { requiresGrad: true });
    const opt = new Adam([a, b], { lr: 0.1 });
    a.sum().backward();
    opt.step();
    expect(flat(b)).toEqual([1, 1]);
    expect(opt.state.has(b)).toBe(false);
    expect(Object.keys(opt.stateDict().state)).toEqual(['0']);
  });

  it('SGD without momentum keeps a null momentum_buffer, as PyTorch does', () => {
    const { p, opt } = setup();
    p.sum().backward();
    opt.step();
    expect(opt.stateDict().state).toEqual({ 0: { momentum_buffer: null } });
  });
});

describe('state dict keys', () => {
  it("groups' camelCase options appear under PyTorch's names, and load back", () => {
    const a = torch.ones([2], { requiresGrad: true });
    const opt: Optimizer = new SGD([{ params: [a], weightDecay: 0.5 }], { lr: 0.1 });
    new lrScheduler.StepLR(opt, 10);
    const sd = opt.stateDict();
    expect(sd.param_groups[0]).toEqual({
      weight_decay: 0.5,
      lr: 0.1,
      momentum: 0,
      dampening: 0,
      nesterov: false,
      maximize: false,
      foreach: null,
      differentiable: false,
      initial_lr: 0.1,
      params: [0],
    });
    const other = new SGD([torch.ones([2], { requiresGrad: true })], { lr: 0.9 });
    other.loadStateDict(sd);
    expect(other.paramGroups[0]).toMatchObject({ weightDecay: 0.5, lr: 0.1, initialLr: 0.1 });
    expect(other.paramGroups[0]).not.toHaveProperty('weight_decay');
  });

  it('a loaded group replaces the options of the group it loads into (lr changed by a scheduler included)', () => {
    const a = torch.ones([2], { requiresGrad: true });
    const opt = new Adam([a], { lr: 0.1, betas: [0.8, 0.9] });
    opt.paramGroups[0].lr = 0.0123;
    const other = new Adam([torch.ones([2], { requiresGrad: true })], { lr: 0.5, amsgrad: true });
    other.paramGroups[0].initialLr = 0.5;
    other.loadStateDict(opt.stateDict());
    expect(other.paramGroups[0].lr).toBe(0.0123);
    expect(other.paramGroups[0].betas).toEqual([0.8, 0.9]);
    expect(other.paramGroups[0].amsgrad).toBe(false);
    expect(other.paramGroups[0]).not.toHaveProperty('initialLr');
  });

  it('floating state follows the parameter dtype on load, except step', () => {
    const a = torch.ones([2], { dtype: 'float32', requiresGrad: true });
    const opt = new Adam([a]);
    a.sum().backward();
    opt.step();
    const b = torch.ones([2], { dtype: 'float64', requiresGrad: true });
    const other = new Adam([b]);
    other.loadStateDict(opt.stateDict());
    const s = other.state.get(b) as Record<string, Tensor>;
    expect([s.exp_avg.dtype, s.exp_avg_sq.dtype, s.step.dtype]).toEqual(['float64', 'float64', 'float32']);
  });
});

describe('serializeOptimizerState', () => {
  it('keeps non-finite options and plain-number state; tensors are safetensors entries named state.<index>.<key>', () => {
    const a = torch.ones([2], { requiresGrad: true });
    const opt = new SGD([{ params: [a], maxNorm: Infinity, floor: -Infinity, note: 'head' }], {
      lr: 0.1,
      momentum: 0.9,
    });
    a.sum().backward();
    opt.step();
    const bytes = serializeOptimizerState(opt.stateDict());
    const back = deserializeOptimizerState(bytes);
    expect(back.param_groups[0]).toMatchObject({ maxNorm: Infinity, floor: -Infinity, note: 'head', lr: 0.1 });
    expect(Object.keys(torch.deserialize(bytes))).toEqual(['state.0.momentum_buffer']);
  });

  it('refuses safetensors bytes that hold no optimizer state', () => {
    const bytes = torch.serialize({ w: torch.ones([2]) });
    expect(() => deserializeOptimizerState(bytes)).toThrow(/not an optimizer state dict/);
  });
});

describe('typed state', () => {
  it("raises PyTorch's KeyError when a loaded state lacks an entry the update needs", () => {
    // PyTorch 1.13: RMSprop loaded from a momentum-free run, then given momentum -> KeyError('momentum_buffer').
    const p = torch.ones([3]).requiresGrad_();
    p.grad = torch.ones([3]);
    const a = new RMSprop([p], { lr: 0.1 });
    a.step();
    const q = torch.ones([3]).requiresGrad_();
    q.grad = torch.ones([3]);
    const b = new RMSprop([q], { lr: 0.1 });
    b.loadStateDict(a.stateDict());
    b.paramGroups[0].momentum = 0.9;
    const before = b.state.get(q)!.square_avg.clone();
    expect(() => b.step()).toThrow(new torch.KeyError("'momentum_buffer'"));
    // Nothing moved: PyTorch looks the buffers up before it updates anything.
    expect(b.state.get(q)?.step).toBe(1);
    torch.testing.assertClose(b.state.get(q)!.square_avg, before, { rtol: 0, atol: 0 });
    expect(q.tolist()).toEqual([1, 1, 1]);
  });

  it("raises KeyError for Adam's amsgrad buffer before the step count moves", () => {
    const p = torch.ones([3]).requiresGrad_();
    p.grad = torch.ones([3]);
    const a = new Adam([p], { lr: 0.1 });
    a.step();
    const q = torch.ones([3]).requiresGrad_();
    q.grad = torch.ones([3]);
    const b = new Adam([q], { lr: 0.1 });
    b.loadStateDict(a.stateDict());
    b.paramGroups[0].amsgrad = true;
    expect(() => b.step()).toThrow(new torch.KeyError("'max_exp_avg_sq'"));
    expect(b.state.get(q)?.step.item()).toBe(1);
  });
});
