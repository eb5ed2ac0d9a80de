/** Schedulers made of schedulers: SequentialLR (one after another, switching at milestones) and ChainedScheduler (all at once). */
import * as torch from '@kindling/core';
import type { Optimizer } from '../optimizer.js';
import { bisectRight } from '../python.js';
import { fieldsToState, LRScheduler, stateToFields, type SchedulerOptions, type SchedulerStateDict } from './base.js';

/** What SequentialLR and ChainedScheduler share: the schedulers they run, saved and restored with their own state. */
abstract class SchedulerOfSchedulers extends LRScheduler {
  abstract schedulers: LRScheduler[];

  /** Its own fields, and each scheduler's state dict under `_schedulers`, as PyTorch's. */
  override stateDict(): SchedulerStateDict {
    return { ...fieldsToState(this, ['schedulers']), _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /** Restores its own fields and each scheduler's state. */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    stateToFields(this, stateDict, ['schedulers']);
    const children = (stateDict._schedulers ?? stateDict.schedulers) as SchedulerStateDict[];
    children.forEach((s, i) => this.schedulers[i].loadStateDict(s));
  }
}

/** SequentialLR's options, by PyTorch's keyword names. */
export interface SequentialLROptions extends SchedulerOptions {
  /** The schedulers, in the order they run. */
  schedulers?: readonly LRScheduler[];
  /** The epochs at which the next scheduler takes over. */
  milestones?: readonly number[];
}

/**
 * Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]` (started with `step(0)`, its closed form), and so on.
 *
 *   new SequentialLR(opt, [new LinearLR(opt, { startFactor: 0.1, totalIters: 5 }), new CosineAnnealingLR(opt, 95)], [5])
 *
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
 * const scheduler = new lrScheduler.SequentialLR(opt, [
 *   new lrScheduler.ConstantLR(opt, { factor: 0.1, totalIters: 2 }),
 *   new lrScheduler.ExponentialLR(opt, 0.5),
 * ], [2]);
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs);
 * ```
 * ```text
 * [ 0.1, 0.1, 1, 0.5, 0.25 ]
 * ```
 */
export class SequentialLR extends SchedulerOfSchedulers {
  /** The schedulers, in the order they run. */
  schedulers: LRScheduler[];
  /** The epochs at which the next scheduler takes over. */
  milestones: number[];

  /** `new SequentialLR(optimizer, schedulers, milestones, { lastEpoch, verbose })`. */
  constructor(
    optimizer: Optimizer,
    schedulers: readonly LRScheduler[],
    milestones: readonly number[],
    options?: SchedulerOptions,
  );
  constructor(
    optimizer: Optimizer,
    options: SequentialLROptions & { schedulers: readonly LRScheduler[]; milestones: readonly number[] },
  );
  constructor(
    optimizer: Optimizer,
    schedulers: readonly LRScheduler[] | SequentialLROptions,
    milestones?: readonly number[],
    options: SchedulerOptions = {},
  ) {
    const o: SequentialLROptions = Array.isArray(schedulers)
      ? { ...options, schedulers, milestones }
      : (schedulers as SequentialLROptions);
    const list = o.schedulers ?? [];
    const points = o.milestones ?? [];
    for (let i = 0; i < list.length; i++) {
      if (list[i].optimizer !== optimizer) {
        throw new torch.ValueError(
          `Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
      }
      if (list[i].optimizer !== list[0].optimizer) {
        throw new torch.ValueError(
          `Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different.`,
        );
      }
    }
    if (points.length !== list.length - 1) {
      throw new torch.ValueError(
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${list.length} and the number of milestones to be equal to ${points.length}`,
      );
    }
    super(optimizer, -1, o.verbose);
    this.schedulers = [...list];
    this.milestones = [...points];
    this.lastEpoch = (o.lastEpoch ?? -1) + 1;
    // Back to the initial rates, undo the step each scheduler took on construction, then start the first one.
    for (const group of this.groups) group.lr = group.initialLr as number;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0].initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  /** The current scheduler's rates. */
  getLr(): number[] {
    return this.schedulers[bisectRight(this.milestones, this.lastEpoch)].getLr();
  }

  /** Steps the scheduler whose turn it is (starting the next one at a milestone). */
  override step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }
}

/**
 * Steps every scheduler in `schedulers` on each `step()`, so their effects multiply.
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
 * const scheduler = new lrScheduler.ChainedScheduler([
 *   new lrScheduler.ConstantLR(opt, { factor: 0.1, totalIters: 2 }),
 *   new lrScheduler.ExponentialLR(opt, 0.5),
 * ]);
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 4; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs);
 * ```
 * ```text
 * [ 0.1, 0.05, 0.25, 0.125 ]
 * ```
 */
export class ChainedScheduler extends SchedulerOfSchedulers {
  /** The schedulers, all stepped on each `step()`. */
  schedulers: LRScheduler[];

  /** `new ChainedScheduler(schedulers)`: schedulers of one optimizer. */
  constructor(schedulers: readonly LRScheduler[]) {
    if (schedulers.length === 0) throw new torch.IndexError('list index out of range');
    for (let i = 1; i < schedulers.length; i++) {
      if (schedulers[i].optimizer !== schedulers[0].optimizer) {
        throw new torch.ValueError(
          `ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`,
        );
      }
    }
    super(schedulers[0].optimizer);
    this.schedulers = [...schedulers];
    this.lastLr = this.schedulers[this.schedulers.length - 1].optimizer.paramGroups.map((g) => g.lr);
  }

  /** The rates the schedulers last set. */
  getLr(): number[] {
    return this.groups.map((g) => g.lr);
  }

  /** Steps every scheduler, in order. */
  override step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = this.schedulers[this.schedulers.length - 1].optimizer.paramGroups.map((g) => g.lr);
  }
}
