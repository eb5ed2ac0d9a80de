/**
 * Schedules that move each group's learning rate along a curve over a fixed number of epochs: ConstantLR, LinearLR,
 * PolynomialLR, CosineAnnealingLR. Each `getLr()` is PyTorch 1.13's chainable form (computed from the groups'
 * current rates, so other changes to `lr` compose with it), each `closedFormLr()` its closed form; arithmetic
 * follows PyTorch's expressions term for term.
 */
import * as torch from '@kindling/core';
import type { Optimizer } from '../optimizer.js';
import { div, mod } from '../python.js';
import { LRScheduler, isNumber, schedulerOptions, withRequiredFirst, type SchedulerOptions } from './base.js';

/** PyTorch's check that a multiplicative factor lies in [0, 1]; `which` names the factor in the message. */
function checkFactor(which: 'Constant' | 'Starting' | 'Ending', factor: number): void {
  if (factor > 1.0 || factor < 0)
    throw new torch.ValueError(`${which} multiplicative factor expected to be between 0 and 1.`);
}

/** ConstantLR's options, by PyTorch's keyword names. */
export interface ConstantLROptions extends SchedulerOptions {
  /** The factor applied until `totalIters` (default 1/3). */
  factor?: number;
  /** The number of epochs the factor applies (default 5). */
  totalIters?: number;
}

/**
 * Multiplies the learning rate by `factor` until epoch `totalIters`.
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 0.1 });
 * const scheduler = new lrScheduler.ConstantLR(opt, { factor: 0.5, totalIters: 3 });
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs);
 * ```
 * ```text
 * [ 0.05, 0.05, 0.05, 0.1, 0.1 ]
 * ```
 */
export class ConstantLR extends LRScheduler {
  /** The factor applied until `totalIters`. */
  factor: number;
  /** The number of epochs the factor applies. */
  totalIters: number;

  /** `new ConstantLR(optimizer, { factor, totalIters, lastEpoch, verbose })`. */
  constructor(optimizer: Optimizer, options?: ConstantLROptions);
  constructor(optimizer: Optimizer, factor: number, totalIters?: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const options = schedulerOptions<ConstantLROptions>('ConstantLR', ['factor', 'totalIters'], args);
    const { factor = 1.0 / 3, totalIters = 5 } = options;
    checkFactor('Constant', factor);
    super(optimizer, options.lastEpoch, options.verbose);
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  /** This epoch's rates, from the groups' current ones. */
  getLr(): number[] {
    this.warnIfOutsideStep();
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch > this.totalIters || this.lastEpoch !== this.totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * div(1.0, this.factor));
  }

  /** This epoch's rates, from `baseLrs`. */
  protected override closedFormLr(): number[] {
    const reached = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((lr) => lr * (this.factor + reached * (1 - this.factor)));
  }
}

/** LinearLR's options, by PyTorch's keyword names. */
export interface LinearLROptions extends SchedulerOptions {
  /** The factor at the first epoch (default 1/3). */
  startFactor?: number;
  /** The factor from `totalIters` on (default 1). */
  endFactor?: number;
  /** The number of epochs of the ramp (default 5). */
  totalIters?: number;
}

/**
 * Moves the multiplicative factor linearly from `startFactor` to `endFactor` over `totalIters` epochs.
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
 * const scheduler = new lrScheduler.LinearLR(opt, { startFactor: 0.25, totalIters: 3 });
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs);
 * ```
 * ```text
 * [ 0.25, 0.5, 0.75, 1, 1 ]
 * ```
 */
export class LinearLR extends LRScheduler {
  /** The factor at the first epoch. */
  startFactor: number;
  /** The factor from `totalIters` on. */
  endFactor: number;
  /** The number of epochs of the ramp. */
  totalIters: number;

  /** `new LinearLR(optimizer, { startFactor, endFactor, totalIters, lastEpoch, verbose })`. */
  constructor(optimizer: Optimizer, options?: LinearLROptions);
  constructor(
    optimizer: Optimizer,
    startFactor: number,
    endFactor?: number,
    totalIters?: number,
    lastEpoch?: number,
    verbose?: boolean,
  );
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const options = schedulerOptions<LinearLROptions>('LinearLR', ['startFactor', 'endFactor', 'totalIters'], args);
    const { startFactor = 1.0 / 3, endFactor = 1.0, totalIters = 5 } = options;
    checkFactor('Starting', startFactor);
    checkFactor('Ending', endFactor);
    super(optimizer, options.lastEpoch, options.verbose);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  /** This epoch's rates, from the groups' current ones. */
  getLr(): number[] {
    this.warnIfOutsideStep();
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch } = this;
    if (lastEpoch === 0) return this.groups.map((g) => g.lr * s);
    if (lastEpoch > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + div(e - s, n * s + (lastEpoch - 1) * (e - s))));
  }

  /** This epoch's rates, from `baseLrs`. */
  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((lr) => lr * (s + div((e - s) * Math.min(n, this.lastEpoch), n)));
  }
}

/** PolynomialLR's options, by PyTorch's keyword names. */
export interface PolynomialLROptions extends SchedulerOptions {
  /** The number of epochs until the rate reaches zero (default 5). */
  totalIters?: number;
  /** The degree of the polynomial (default 1). */
  power?: number;
}

/**
 * Decays the learning rate to zero over `totalIters` epochs as a polynomial of degree `power`.
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
 * const scheduler = new lrScheduler.PolynomialLR(opt, { totalIters: 4, power: 1 });
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 6; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs);
 * ```
 * ```text
 * [ 1, 0.75, 0.5, 0.25, 0, 0 ]
 * ```
 */
export class PolynomialLR extends LRScheduler {
  /** The number of epochs until the rate reaches zero. */
  totalIters: number;
  /** The degree of the polynomial. */
  power: number;

  /** `new PolynomialLR(optimizer, { totalIters, power, lastEpoch, verbose })`. */
  constructor(optimizer: Optimizer, options?: PolynomialLROptions);
  constructor(optimizer: Optimizer, totalIters: number, power?: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const options = schedulerOptions<PolynomialLROptions>('PolynomialLR', ['totalIters', 'power'], args);
    super(optimizer, options.lastEpoch, options.verbose);
    this.totalIters = options.totalIters ?? 5;
    this.power = options.power ?? 1.0;
    this.initialStep();
  }

  /** This epoch's rates, from the groups' current ones. */
  getLr(): number[] {
    this.warnIfOutsideStep();
    const { totalIters: n, lastEpoch: e } = this;
    if (e === 0 || e > n) return this.groups.map((g) => g.lr);
    const decay = torch.compat.pyPow(div(1.0 - div(e, n), 1.0 - div(e - 1, n)), this.power);
    return this.groups.map((g) => g.lr * decay);
  }

  /** This epoch's rates, from `baseLrs`. */
  protected override closedFormLr(): number[] {
    const n = this.totalIters;
    return this.baseLrs.map((lr) => lr * torch.compat.pyPow(1.0 - div(Math.min(n, this.lastEpoch), n), this.power));
  }
}

/** CosineAnnealingLR's options, by PyTorch's keyword names. */
export interface CosineAnnealingLROptions extends SchedulerOptions {
  /** PyTorch's `T_max`: the number of epochs of a half cosine. */
  TMax?: number;
  /** The lowest learning rate (`eta_min`, default 0). */
  etaMin?: number;
}

/**
 * Anneals from each group's initial rate to `etaMin` along a half cosine of `TMax` epochs (then back up, and so on).
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
 * const scheduler = new lrScheduler.CosineAnnealingLR(opt, 4);
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs);
 * ```
 * ```text
 * [ 1, 0.8535533905932737, 0.5, 0.14644660940672627, 0 ]
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** The number of epochs of a half cosine (`T_max`). */
  TMax: number;
  /** The lowest learning rate (`eta_min`). */
  etaMin: number;

  /** `new CosineAnnealingLR(optimizer, TMax, { etaMin, lastEpoch, verbose })`. */
  constructor(optimizer: Optimizer, TMax: number, options?: CosineAnnealingLROptions);
  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions & { TMax: number });
  constructor(optimizer: Optimizer, TMax: number, etaMin?: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, TMax: number | CosineAnnealingLROptions, ...rest: unknown[]) {
    const o = withRequiredFirst<CosineAnnealingLROptions, 'TMax'>(
      'CosineAnnealingLR',
      ['TMax', 'etaMin'],
      TMax,
      rest,
      isNumber,
    );
    super(optimizer, o.lastEpoch, o.verbose);
    this.TMax = o.TMax;
    this.etaMin = o.etaMin ?? 0;
    this.initialStep();
  }

  /** This epoch's rates, from the groups' current ones. */
  getLr(): number[] {
    this.warnIfOutsideStep();
    const { TMax: T, etaMin, lastEpoch: e } = this;
    if (e === 0) return this.groups.map((g) => g.lr);
    // PyTorch's first step after resuming is the closed form's expression (`e * pi` for `pi * e`: the same float).
    if (this.stepCount === 1 && e > 0) return this.closedFormLr();
    if (mod(e - 1 - T, 2 * T) === 0) {
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(div(Math.PI, T)))) / 2);
    }
    return this.groups.map(
      (g) => div(1 + Math.cos(div(Math.PI * e, T)), 1 + Math.cos(div(Math.PI * (e - 1), T))) * (g.lr - etaMin) + etaMin,
    );
  }

  /** This epoch's rates, from `baseLrs`. */
  protected override closedFormLr(): number[] {
    const { TMax: T, etaMin, lastEpoch: e } = this;
    return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos(div(Math.PI * e, T)))) / 2);
  }
}
