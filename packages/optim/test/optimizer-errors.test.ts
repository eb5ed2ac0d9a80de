/**
 * Optimizer errors against PyTorch 1.13 (the `errors` of fixtures/optim.json, written by tools/golden/optim.py): each
 * situation is triggered in Kindling and must throw the same Python exception type with a message containing PyTorch's.
 * Numbers in messages are shown as Python shows floats (`-1.0`, `1e-08`), which contains PyTorch's text for an int too.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  NAdam,
  RAdam,
  RMSprop,
  SGD,
  type Params,
  Rprop,
  ASGD,
  LBFGS,
} from '@kindling/optim';
import { fixture } from './helpers/optim-fixture.js';
import { thrown } from '../../core/test/helpers/golden.js';

const leaf = (): Tensor => torch.ones([2], { requiresGrad: true });

const TRIGGERS: Record<string, () => unknown> = {
  'sgd-negative-lr': () => new SGD([leaf()], { lr: -1 }),
  'adam-negative-lr': () => new Adam([leaf()], { lr: -0.5 }),
  'sgd-negative-momentum': () => new SGD([leaf()], { lr: 0.1, momentum: -0.5 }),
  'sgd-negative-weight-decay': () => new SGD([leaf()], { lr: 0.1, weightDecay: -0.1 }),
  'sgd-nesterov-no-momentum': () => new SGD([leaf()], { lr: 0.1, nesterov: true }),
  'sgd-nesterov-dampening': () => new SGD([leaf()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
  'sgd-no-lr': () => new SGD([leaf()]),
  'adam-beta0': () => new Adam([leaf()], { betas: [1.0, 0.999] }),
  'adam-beta1': () => new Adam([leaf()], { betas: [0.9, -0.5] }),
  'adam-eps': () => new Adam([leaf()], { eps: -1e-8 }),
  'adamw-beta0': () => new AdamW([leaf()], { betas: [1.5, 0.999] }),
  'rmsprop-alpha': () => new RMSprop([leaf()], { alpha: -0.25 }),
  'rmsprop-momentum': () => new RMSprop([leaf()], { momentum: -0.5 }),
  'adagrad-lr-decay': () => new Adagrad([leaf()], { lrDecay: -0.5 }),
  'adagrad-initial-accumulator': () => new Adagrad([leaf()], { initialAccumulatorValue: -0.5 }),
  'adadelta-rho': () => new Adadelta([leaf()], { rho: 1.5 }),
  'adadelta-eps': () => new Adadelta([leaf()], { eps: -1e-6 }),
  'adamax-beta0': () => new Adamax([leaf()], { betas: [1.0, 0.999] }),
  'nadam-momentum-decay': () => new NAdam([leaf()], { momentumDecay: -0.1 }),
  'radam-eps': () => new RAdam([leaf()], { eps: -1e-8 }),
  'rprop-etas': () => new Rprop([leaf()], { etas: [1.0, 1.2] }),
  'asgd-weight-decay': () => new ASGD([leaf()], { weightDecay: -0.1 }),
  'lbfgs-groups': () => new LBFGS([{ params: [leaf()] }, { params: [leaf()] }]),
  'empty-params': () => new SGD([], { lr: 0.1 }),
  'tensor-as-params': () => new SGD(leaf() as unknown as Params, { lr: 0.1 }),
  'non-leaf': () => new SGD([leaf().mul(2)], { lr: 0.1 }),
  'not-a-tensor': () => new SGD([{ params: [leaf(), 1.5 as unknown as Tensor] }], { lr: 0.1 }),
  'duplicate-groups': () => {
    const p = leaf();
    return new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 });
  },
  'add-param-group-duplicate': () => {
    const p = leaf();
    new SGD([p], { lr: 0.1 }).addParamGroup({ params: [p], lr: 0.01 });
  },
  'state-dict-group-count': () => {
    const [a, b] = [leaf(), leaf()];
    const sd = new SGD([{ params: [a] }, { params: [b] }], { lr: 0.1 }).stateDict();
    new SGD([a, b], { lr: 0.1 }).loadStateDict(sd);
  },
  'state-dict-group-size': () => {
    const [a, b] = [leaf(), leaf()];
    const sd = new SGD([a], { lr: 0.1 }).stateDict();
    new SGD([a, b], { lr: 0.1 }).loadStateDict(sd);
  },
};

describe("optimizer errors carry PyTorch's type and message", () => {
  it('every fixture case has a trigger', () => {
    expect(Object.keys(TRIGGERS).sort()).toEqual(Object.keys(fixture.errors).sort());
  });

  it.each(Object.entries(fixture.errors))('%s', (id, expected) => {
    const err = thrown(TRIGGERS[id]);
    expect(err.message).toContain(expected.message);
    expect(err.name).toBe(expected.error);
  });

  it('numbers in messages are written as Python writes floats', () => {
    expect(thrown(() => new SGD([leaf()], { lr: -1 })).message).toBe('Invalid learning rate: -1.0');
    expect(thrown(() => new Adam([leaf()], { betas: [1, 0.999] })).message).toBe(
      'Invalid beta parameter at index 0: 1.0',
    );
    expect(thrown(() => new Adam([leaf()], { eps: -1e-5 })).message).toBe('Invalid epsilon value: -1e-05');
  });

  it('a group may give the learning rate SGD requires', () => {
    const opt = new SGD([{ params: [leaf()], lr: 0.5 }]);
    expect(opt.paramGroups[0].lr).toBe(0.5);
  });

  it('a tensor that retains its gradient may be optimized, as in PyTorch', () => {
    const t = leaf().mul(2);
    t.retainGrad();
    expect(() => new SGD([t], { lr: 0.1 })).not.toThrow();
  });
});
