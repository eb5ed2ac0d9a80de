/**
 * Scheduler behaviour beyond the sequences: state dicts (saving mid-schedule and loading into a fresh optimizer and
 * scheduler continues PyTorch's sequence), the two ways of passing arguments, PyTorch's warnings and verbose output,
 * user-defined schedulers, and the exports.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from '@kindling/core';
import * as optim from '@kindling/optim';
import { SGD, lrScheduler, type Optimizer } from '@kindling/optim';
import {
  fixture,
  makeOptimizer,
  momenta,
  setup,
  stepAll,
  stepCount,
  type ScheduleCase,
} from './helpers/scheduler-fixture.js';

const S = lrScheduler;

afterEach(() => {
  vi.restoreAllMocks();
});

// First in the file: like Python's default filter, each warning is shown once per process.
describe("PyTorch's warnings and verbose output", () => {
  it('no warning in the right order', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const opt = makeOptimizer({ kind: 'SGD', lrs: [0.1] });
    const s = new S.StepLR(opt, 2);
    opt.step();
    s.step();
    expect(warn).not.toHaveBeenCalled();
  });

  it('warns once when the scheduler steps before the optimizer ever did', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const s = new S.ExponentialLR(makeOptimizer({ kind: 'SGD', lrs: [0.1] }), 0.9);
    s.step();
    expect(
      warn.mock.calls.some(([m]) =>
        String(m).includes('Detected call of `lr_scheduler.step()` before `optimizer.step()`'),
      ),
    ).toBe(true);
  });

  it("getLr() outside step() points to getLastLr() and doesn't change the groups", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const opt = makeOptimizer({ kind: 'SGD', lrs: [0.1] });
    const s = new S.CosineAnnealingLR(opt, 10);
    opt.paramGroups[0].lr = 0.05;
    expect(s.getLr()).toEqual([0.05]);
    expect(opt.paramGroups[0].lr).toBe(0.05);
    expect(s.getLastLr()).toEqual([0.1]);
    expect(warn.mock.calls.some(([m]) => String(m).includes('please use `getLastLr()`'))).toBe(true);
  });

  it("verbose prints as PyTorch ('{:.4e}', ties to even)", () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const opt = makeOptimizer({ kind: 'SGD', lrs: [1.03125, 2.5e-7] });
    const s = new S.ExponentialLR(opt, 1.0, { verbose: true });
    s.step(5);
    expect(log.mock.calls.map(([m]) => m as unknown)).toEqual([
      'Adjusting learning rate of group 0 to 1.0312e+00.',
      'Adjusting learning rate of group 1 to 2.5000e-07.',
      'Epoch 00005: adjusting learning rate of group 0 to 1.0312e+00.',
      'Epoch 00005: adjusting learning rate of group 1 to 2.5000e-07.',
    ]);
  });
});

const RESUMED = [
  'StepLR',
  'MultiStepLR repeated milestone',
  'LinearLR warmup',
  'CosineAnnealingLR past TMax',
  'LambdaLR per group',
  'OneCycleLR three phase',
  'OneCycleLR Adam betas epochs',
  'SequentialLR three',
  'ChainedScheduler warmup and steps',
  'two schedulers on one optimizer: LinearLR + CosineAnnealingLR',
  'ReduceLROnPlateau min abs cooldown min_lr',
  'ReduceLROnPlateau max rel',
];

describe.each(RESUMED.map((name) => [name, fixture.cases.find((c) => c.name === name) as ScheduleCase] as const))(
  'state dicts: %s',
  (_, c) => {
    it('saved at step 40 (through JSON) and loaded into a new optimizer and scheduler, the sequence goes on as PyTorch', () => {
      const first = setup(c);
      for (let i = 0; i < 40; i++) stepAll(c, first.opt, first.schedulers, i);
      const saved = JSON.parse(
        JSON.stringify({ opt: first.opt.stateDict(), schedulers: first.schedulers.map((s) => s.stateDict()) }),
      ) as { opt: optim.OptimizerStateDict; schedulers: lrScheduler.SchedulerStateDict[] };
      for (const sd of saved.schedulers) expect(sd).not.toHaveProperty('optimizer');

      const second = setup(c);
      second.opt.loadStateDict(saved.opt);
      second.schedulers.forEach((s, i) => s.loadStateDict(saved.schedulers[i]));
      expect(second.opt.paramGroups.map((g) => g.lr)).toEqual(c.lrs[40]);
      for (let i = 40; i < stepCount(c); i++) {
        stepAll(c, second.opt, second.schedulers, i);
        const lrs = second.opt.paramGroups.map((g) => g.lr);
        lrs.forEach((lr, j) =>
          expect(Math.abs(lr - c.lrs[i + 1][j])).toBeLessThanOrEqual(1e-12 * Math.abs(c.lrs[i + 1][j])),
        );
        momenta(second.opt).forEach((m, j) => {
          const e = c.momenta[i + 1][j];
          if (e === null || m === null) expect(m).toBe(e);
          else expect(Math.abs(m - e)).toBeLessThanOrEqual(1e-12 * Math.abs(e));
        });
      }
    });
  },
);

describe('arguments', () => {
  it('positional where PyTorch users pass them positionally, or all in the options object', () => {
    const a = makeOptimizer({ kind: 'SGD', lrs: [0.1] });
    const b = makeOptimizer({ kind: 'SGD', lrs: [0.1] });
    const x = new S.StepLR(a, 3, { gamma: 0.5 });
    const y = new S.StepLR(b, { stepSize: 3, gamma: 0.5 });
    for (let i = 0; i < 10; i++) {
      a.step();
      b.step();
      x.step();
      y.step();
    }
    expect(x.getLastLr()).toEqual(y.getLastLr());
    expect([x.stepSize, x.gamma]).toEqual([3, 0.5]);
  });

  it('lambdas are saved as null, callable objects as their own fields', () => {
    const opt = makeOptimizer({ kind: 'SGD', lrs: [0.1, 0.2] });
    const scaled = Object.assign((e: number) => scaled.rate ** e, { rate: 0.5 });
    const s = new S.LambdaLR(opt, [(e) => 1 / (e + 1), scaled]);
    const sd = s.stateDict();
    expect(sd.lr_lambdas).toEqual([null, { rate: 0.5 }]);
    scaled.rate = 0.9;
    s.loadStateDict(sd);
    expect(scaled.rate).toBe(0.5);
  });

  it("state dicts have PyTorch 1.13's keys in its order, and load back (OneCycleLR's phases in PyTorch's names)", () => {
    const opt = makeOptimizer({ kind: 'SGD', lrs: [0.1] });
    const keys = (sd: object) => Object.keys(sd);
    const common = ['base_lrs', 'last_epoch', 'verbose', '_step_count', '_get_lr_called_within_step', '_last_lr'];
    expect(keys(new S.StepLR(opt, 3, { gamma: 0.5 }).stateDict())).toEqual(['step_size', 'gamma', ...common]);
    expect(keys(new S.CosineAnnealingLR(opt, 10, { etaMin: 0.01 }).stateDict())).toEqual([
      'T_max',
      'eta_min',
      ...common,
    ]);
    // PyTorch 1.13's CosineAnnealingWarmRestarts.step() replaces the base step, so its _step_count stays 0.
    const warm = new S.CosineAnnealingWarmRestarts(opt, 2, { TMult: 2 });
    for (let i = 0; i < 7; i++) warm.step();
    expect(warm.stateDict()).toEqual({
      T_0: 2,
      T_i: 8,
      T_mult: 2,
      eta_min: 0,
      T_cur: 1,
      base_lrs: [0.1],
      last_epoch: 7,
      verbose: false,
      _step_count: 0,
      _get_lr_called_within_step: false,
      _last_lr: [0.09619397662556434],
    });
    expect(keys(new S.ReduceLROnPlateau(opt).stateDict()).sort()).toEqual(
      [
        'factor',
        'min_lrs',
        'patience',
        'verbose',
        'cooldown',
        'cooldown_counter',
        'mode',
        'threshold',
        'threshold_mode',
        'best',
        'num_bad_epochs',
        'mode_worse',
        'eps',
        'last_epoch',
      ].sort(),
    );
    const oneCycle = new S.OneCycleLR(opt, 0.1, { totalSteps: 10 });
    const sd = oneCycle.stateDict();
    // PyTorch 1.13 saves anneal_func (a bound method) where Kindling saves the strategy's name.
    expect(keys(sd)).toEqual([
      'total_steps',
      '_schedule_phases',
      'anneal_strategy',
      'cycle_momentum',
      'use_beta1',
      ...common,
    ]);
    expect(sd._schedule_phases).toEqual([
      {
        end_step: 2,
        start_lr: 'initial_lr',
        end_lr: 'max_lr',
        start_momentum: 'max_momentum',
        end_momentum: 'base_momentum',
      },
      {
        end_step: 9,
        start_lr: 'max_lr',
        end_lr: 'min_lr',
        start_momentum: 'base_momentum',
        end_momentum: 'max_momentum',
      },
    ]);
    for (let i = 0; i < 4; i++) {
      opt.step();
      oneCycle.step();
    }
    const resumed = new S.OneCycleLR(makeOptimizer({ kind: 'SGD', lrs: [0.1] }), 0.1, { totalSteps: 10 });
    resumed.loadStateDict(oneCycle.stateDict());
    expect(resumed.stateDict()).toEqual(oneCycle.stateDict());
    expect(resumed.getLastLr()).toEqual(oneCycle.getLastLr());
    const sequential = new S.SequentialLR(opt, {
      schedulers: [new S.ConstantLR(opt, { factor: 0.5, totalIters: 2 }), new S.ExponentialLR(opt, 0.9)],
      milestones: [2],
    });
    expect(Object.keys(sequential.stateDict())).toContain('_schedulers');
  });

  it('ReduceLROnPlateau takes a number or a one-element tensor', () => {
    const opt = makeOptimizer({ kind: 'SGD', lrs: [0.1] });
    const s = new S.ReduceLROnPlateau(opt, 'min', { patience: 0 });
    s.step(torch.tensor(1.0));
    s.step(torch.tensor([2.0]));
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.01, 15);
    expect(s.getLastLr()).toEqual([opt.paramGroups[0].lr]);
  });
});

describe('user-defined schedulers', () => {
  class WarmupLR extends S.LRScheduler {
    constructor(
      optimizer: Optimizer,
      readonly warmup: number,
    ) {
      super(optimizer);
      this.initialStep();
    }

    override getLr(): number[] {
      return this.baseLrs.map((lr) => lr * Math.min(1, (this.lastEpoch + 1) / this.warmup));
    }
  }

  it('set fields, then initialStep(); getLr() drives step()', () => {
    const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 1 });
    const s = new WarmupLR(opt, 4);
    const lrs = [opt.paramGroups[0].lr];
    for (let i = 0; i < 5; i++) {
      opt.step();
      s.step();
      lrs.push(opt.paramGroups[0].lr);
    }
    expect(lrs).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
    expect(opt.paramGroups[0].initialLr).toBe(1);
  });
});

describe('exports', () => {
  it('each scheduler under lrScheduler and as a named export', () => {
    const names = [
      'LRScheduler',
      'StepLR',
      'MultiStepLR',
      'ConstantLR',
      'LinearLR',
      'ExponentialLR',
      'PolynomialLR',
      'CosineAnnealingLR',
      'LambdaLR',
      'MultiplicativeLR',
      'OneCycleLR',
      'SequentialLR',
      'ChainedScheduler',
      'ReduceLROnPlateau',
    ] as const;
    for (const n of names) {
      expect(typeof lrScheduler[n]).toBe('function');
      expect(optim[n]).toBe(lrScheduler[n]);
    }
  });
});
