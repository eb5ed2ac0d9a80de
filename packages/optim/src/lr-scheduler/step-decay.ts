/**
 * Schedules that multiply each group's learning rate by a factor at given epochs: StepLR, MultiStepLR,
 * ExponentialLR. `getLr()` is PyTorch 1.13's chainable form (computed from the groups' current rates, so other
 * changes to `lr` compose with it), `closedFormLr()` its closed form, with Python's floored `//` and `%`.
 */
import * as torch from '@kindling/core';
import type { Optimizer } from '../optimizer.js';
import { bisectRight, floorDiv, mod } from '../python.js';
import { LRScheduler, isNumber, withRequiredFirst, type SchedulerOptions } from './base.js';

/**
 * What the three share: each decay multiplies the rate by `gamma`, so the chainable form multiplies the current
 * rates by `gamma` to the number of decays at this epoch, and the closed form the initial rates by `gamma` to the
 * number of decays so far. A subclass says when the decays happen.
 */
abstract class GammaDecayLR extends LRScheduler {
  /** The factor of each decay (declared by each subclass, so that it keeps its place in the state dict). */
  abstract gamma: number;

  /** How many decays happen at `epoch` (a milestone listed twice decays twice). */
  protected abstract decaysAt(epoch: number): number;

  /** How many decays have happened by `epoch`. */
  protected abstract decaysBy(epoch: number): number;

  /** This epoch's rates, from the groups' current ones. */
  getLr(): number[] {
    this.warnIfOutsideStep();
    const count = this.decaysAt(this.lastEpoch);
    if (count === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * torch.compat.pyPow(this.gamma, count));
  }

  /** This epoch's rates, from `baseLrs`. */
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * torch.compat.pyPow(this.gamma, this.decaysBy(this.lastEpoch)));
  }
}

/** StepLR's options, by PyTorch's keyword names. */
export interface StepLROptions extends SchedulerOptions {
  /** The number of epochs between decays. */
  stepSize?: number;
  /** The factor of each decay (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` epochs.
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 0.1 });
 * const scheduler = new lrScheduler.StepLR(opt, 2, { gamma: 0.5 });
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 6; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs);
 * ```
 * ```text
 * [ 0.1, 0.1, 0.05, 0.05, 0.025, 0.025 ]
 * ```
 */
export class StepLR extends GammaDecayLR {
  /** The number of epochs between decays. */
  stepSize: number;
  /** The factor of each decay. */
  gamma: number;

  /** `new StepLR(optimizer, stepSize, { gamma, lastEpoch, verbose })`. */
  constructor(optimizer: Optimizer, stepSize: number, options?: StepLROptions);
  constructor(optimizer: Optimizer, options: StepLROptions & { stepSize: number });
  constructor(optimizer: Optimizer, stepSize: number, gamma?: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, stepSize: number | StepLROptions, ...rest: unknown[]) {
    const o = withRequiredFirst<StepLROptions, 'stepSize'>('StepLR', ['stepSize', 'gamma'], stepSize, rest, isNumber);
    super(optimizer, o.lastEpoch, o.verbose);
    this.stepSize = o.stepSize;
    this.gamma = o.gamma ?? 0.1;
    this.initialStep();
  }

  protected decaysAt(epoch: number): number {
    return epoch === 0 || mod(epoch, this.stepSize) !== 0 ? 0 : 1;
  }

  protected decaysBy(epoch: number): number {
    return floorDiv(epoch, this.stepSize);
  }
}

/** MultiStepLR's options, by PyTorch's keyword names. */
export interface MultiStepLROptions extends SchedulerOptions {
  /** The epochs at which the rate decays. */
  milestones?: readonly number[];
  /** The factor of each decay (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies the learning rate by `gamma` at each milestone (a milestone listed twice multiplies twice).
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
 * const scheduler = new lrScheduler.MultiStepLR(opt, [2, 5], { gamma: 0.1 });
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 7; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs);
 * ```
 * ```text
 * [ 1, 1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002 ]
 * ```
 */
export class MultiStepLR extends GammaDecayLR {
  /** The milestones, sorted, repeats kept (PyTorch keeps a `Counter`). */
  milestones: number[];
  /** The factor of each decay. */
  gamma: number;

  /** `new MultiStepLR(optimizer, milestones, { gamma, lastEpoch, verbose })`. */
  constructor(optimizer: Optimizer, milestones: readonly number[], options?: MultiStepLROptions);
  constructor(optimizer: Optimizer, options: MultiStepLROptions & { milestones: readonly number[] });
  constructor(
    optimizer: Optimizer,
    milestones: readonly number[],
    gamma?: number,
    lastEpoch?: number,
    verbose?: boolean,
  );
  constructor(optimizer: Optimizer, milestones: readonly number[] | MultiStepLROptions, ...rest: unknown[]) {
    const o = withRequiredFirst<MultiStepLROptions, 'milestones'>(
      'MultiStepLR',
      ['milestones', 'gamma'],
      milestones,
      rest,
      Array.isArray,
    );
    super(optimizer, o.lastEpoch, o.verbose);
    this.milestones = [...o.milestones].sort((a, b) => a - b);
    this.gamma = o.gamma ?? 0.1;
    this.initialStep();
  }

  protected decaysAt(epoch: number): number {
    return this.milestones.filter((m) => m === epoch).length;
  }

  protected decaysBy(epoch: number): number {
    return bisectRight(this.milestones, epoch);
  }
}

/** ExponentialLR's options, by PyTorch's keyword names. */
export interface ExponentialLROptions extends SchedulerOptions {
  /** The factor applied every epoch. */
  gamma?: number;
}

/**
 * Multiplies the learning rate by `gamma` every epoch.
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
 * const scheduler = new lrScheduler.ExponentialLR(opt, 0.5);
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 4; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs);
 * ```
 * ```text
 * [ 1, 0.5, 0.25, 0.125 ]
 * ```
 */
export class ExponentialLR extends GammaDecayLR {
  /** The factor applied every epoch. */
  gamma: number;

  /** `new ExponentialLR(optimizer, gamma, { lastEpoch, verbose })`. */
  constructor(optimizer: Optimizer, gamma: number, options?: ExponentialLROptions);
  constructor(optimizer: Optimizer, options: ExponentialLROptions & { gamma: number });
  constructor(optimizer: Optimizer, gamma: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, gamma: number | ExponentialLROptions, ...rest: unknown[]) {
    const o = withRequiredFirst<ExponentialLROptions, 'gamma'>('ExponentialLR', ['gamma'], gamma, rest, isNumber);
    super(optimizer, o.lastEpoch, o.verbose);
    this.gamma = o.gamma;
    this.initialStep();
  }

  protected decaysAt(epoch: number): number {
    return epoch === 0 ? 0 : 1;
  }

  protected decaysBy(epoch: number): number {
    return epoch;
  }
}
