/**
 * ReduceLROnPlateau: multiplies the learning rate by `factor` once a metric has not improved for `patience` epochs.
 * As in PyTorch 1.13 it is not an `LRScheduler`: `step(metric)` takes the metric.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import type { Optimizer } from '../optimizer.js';
import { formatE4 } from '../python.js';
import {
  checkOptimizer,
  epochString,
  fieldsToState,
  stateToFields,
  EPOCH_DEPRECATION_WARNING,
  withPositional,
  type SchedulerStateDict,
} from './base.js';
import { perGroup } from './per-group.js';

/** `'min'`: a metric that should fall (a loss); `'max'`: one that should rise (an accuracy). */
export type PlateauMode = 'min' | 'max';
/** `'rel'`: improvement relative to the best; `'abs'`: absolute improvement. */
export type ThresholdMode = 'rel' | 'abs';

/** ReduceLROnPlateau's options, by PyTorch's keyword names. */
export interface ReduceLROnPlateauOptions {
  /** Whether the metric should fall (`'min'`, default) or rise (`'max'`). */
  mode?: PlateauMode;
  /** The factor of each reduction (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** The least change that counts as improvement (default 1e-4). */
  threshold?: number;
  /** How `threshold` is measured: `'rel'` (default) or `'abs'`. */
  thresholdMode?: ThresholdMode;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** The lowest learning rate, or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
  /** Print each reduction. */
  verbose?: boolean;
}

/**
 * Reduces the learning rate by `factor` when a metric has stopped improving for `patience` epochs (`torch.optim.lr_scheduler.ReduceLROnPlateau`).
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
 * const scheduler = new lrScheduler.ReduceLROnPlateau(opt, { patience: 1, factor: 0.5 });
 * for (const loss of [1, 0.9, 0.9, 0.9, 0.9, 0.9]) {
 *   scheduler.step(loss);
 *   console.log(loss, opt.paramGroups[0].lr);
 * }
 * ```
 * ```text
 * 1 1
 * 0.9 1
 * 0.9 1
 * 0.9 0.5
 * 0.9 0.5
 * 0.9 0.25
 * ```
 */
export class ReduceLROnPlateau {
  /** The factor of each reduction. */
  factor: number;
  /** The optimizer whose learning rates this scheduler reduces. */
  optimizer: Optimizer;
  /** The lowest learning rate of each group (`min_lrs`). */
  minLrs: number[];
  /** Epochs without improvement tolerated before reducing. */
  patience: number;
  /** Whether each reduction is printed. */
  verbose: boolean;
  /** Epochs to wait after a reduction before counting again. */
  cooldown: number;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** `'min'` or `'max'`. */
  mode: PlateauMode = 'min';
  /** The least change that counts as improvement. */
  threshold = 1e-4;
  /** `'rel'` or `'abs'`. */
  thresholdMode: ThresholdMode = 'rel';
  /** The best metric seen so far. */
  best = Infinity;
  /** Epochs since the last improvement. */
  numBadEpochs = 0;
  /** The worst value for the mode: Infinity for 'min', -Infinity for 'max'. */
  modeWorse = Infinity;
  /** Reductions smaller than this are skipped. */
  eps: number;
  /** The number of the last epoch stepped. */
  lastEpoch = 0;
  /** The rates after the last step (`_last_lr`). */
  protected lastLr: number[];

  /** `new ReduceLROnPlateau(optimizer, { mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps, verbose })`, or with `mode` first. */
  constructor(optimizer: Optimizer, mode?: PlateauMode, options?: ReduceLROnPlateauOptions);
  constructor(optimizer: Optimizer, options?: ReduceLROnPlateauOptions);
  constructor(
    optimizer: Optimizer,
    mode: PlateauMode,
    factor?: number,
    patience?: number,
    threshold?: number,
    thresholdMode?: ThresholdMode,
    cooldown?: number,
    minLr?: number | readonly number[],
    eps?: number,
    verbose?: boolean,
  );
  constructor(optimizer: Optimizer, mode?: PlateauMode | ReduceLROnPlateauOptions, ...rest: unknown[]) {
    const o = withPositional<ReduceLROnPlateauOptions>(
      'ReduceLROnPlateau',
      ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps', 'verbose'],
      mode,
      rest,
      (x) => typeof x === 'string',
      false,
    );
    const factor = o.factor ?? 0.1;
    if (factor >= 1.0) throw new torch.ValueError('Factor should be < 1.0.');
    this.factor = factor;
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    this.minLrs = perGroup(optimizer, o.minLr ?? 0, (groups, got) => `expected ${groups} min_lrs, got ${got}`);
    this.patience = o.patience ?? 10;
    this.verbose = o.verbose ?? false;
    this.cooldown = o.cooldown ?? 0;
    this.eps = o.eps ?? 1e-8;
    this.initIsBetter(o.mode ?? 'min', o.threshold ?? 1e-4, o.thresholdMode ?? 'rel');
    this.reset();
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Resets the bad-epoch and cooldown counters. */
  private reset(): void {
    this.best = this.modeWorse;
    this.cooldownCounter = 0;
    this.numBadEpochs = 0;
  }

  /** Records `metrics` (a number or a one-element tensor) for the epoch and reduces the learning rates if it is time. */
  step(metrics: number | Tensor, epoch?: number): void {
    const current = metrics instanceof torch.Tensor ? metrics.item() : Number(metrics);
    if (epoch === undefined) epoch = this.lastEpoch + 1;
    else torch.warnOnce(EPOCH_DEPRECATION_WARNING);
    this.lastEpoch = epoch;

    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;

    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr(epoch);
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rates after the last step, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  private reduceLr(epoch: number): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = Number(group.lr);
      const scaled = oldLr * this.factor;
      const newLr = this.minLrs[i] > scaled ? this.minLrs[i] : scaled; // Python's max(scaled, min_lr)
      if (oldLr - newLr > this.eps) {
        group.lr = newLr;
        if (this.verbose)
          console.log(`Epoch ${epochString(epoch)}: reducing learning rate of group ${i} to ${formatE4(newLr)}.`);
      }
    });
  }

  /** Whether a cooldown after a reduction is still running (`in_cooldown`). */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether metric `a` improves on `best` by the mode and threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min' && this.thresholdMode === 'abs') return a < best - this.threshold;
    if (this.mode === 'max' && this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  private initIsBetter(mode: string, threshold: number, thresholdMode: string): void {
    if (mode !== 'min' && mode !== 'max') throw new torch.ValueError(`mode ${mode} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs')
      throw new torch.ValueError(`threshold mode ${thresholdMode} is unknown!`);
    this.modeWorse = mode === 'min' ? Infinity : -Infinity;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
  }

  /** Every field except the optimizer, under PyTorch's keys. */
  stateDict(): SchedulerStateDict {
    // PyTorch 1.13's ReduceLROnPlateau keeps no last learning rates (Kindling's does, for getLastLr).
    return fieldsToState(this, ['lastLr']);
  }

  /** Restores the fields from a state dict made by `stateDict()` (or PyTorch's). */
  loadStateDict(stateDict: SchedulerStateDict): void {
    stateToFields(this, stateDict);
    this.initIsBetter(this.mode, this.threshold, this.thresholdMode);
  }
}
