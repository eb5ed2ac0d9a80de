/**
 * OneCycleLR: the 1cycle policy, per batch. The learning rate rises from `maxLr / divFactor` to `maxLr`, then falls to
 * `initialLr / finalDivFactor` (with `threePhase`, it first comes back down to the initial rate); momentum (SGD's
 * `momentum`, or the first of Adam's `betas`) moves the opposite way between `maxMomentum` and `baseMomentum`.
 * The groups carry `initialLr`, `maxLr`, `minLr`, `maxMomentum`, `baseMomentum`, as PyTorch's carry them.
 */
import * as torch from '@kindling/core';
import type { Group, Optimizer } from '../optimizer.js';
import { div, pyInt, pyStr } from '../python.js';
import { checkOptimizer, isNumberOrList, LRScheduler, withRequiredFirst, type SchedulerOptions } from './base.js';
import { perGroup } from './per-group.js';

type LrKey = 'initialLr' | 'maxLr' | 'minLr';
type MomentumKey = 'maxMomentum' | 'baseMomentum';

/** A phase of the cycle: it ends at `endStep` and anneals between the named group values. */
export interface SchedulePhase {
  /** The step at which the phase ends. */
  endStep: number;
  /** The group value the learning rate starts the phase at. */
  startLr: LrKey;
  /** The group value the learning rate ends the phase at. */
  endLr: LrKey;
  /** The group value the momentum starts the phase at. */
  startMomentum: MomentumKey;
  /** The group value the momentum ends the phase at. */
  endMomentum: MomentumKey;
}

/** OneCycleLR's own parameters in PyTorch's positional order (`lastEpoch` and `verbose` follow). */
const ONE_CYCLE_POSITIONAL = [
  'maxLr',
  'totalSteps',
  'epochs',
  'stepsPerEpoch',
  'pctStart',
  'annealStrategy',
  'cycleMomentum',
  'baseMomentum',
  'maxMomentum',
  'divFactor',
  'finalDivFactor',
  'threePhase',
] as const;

/** OneCycleLR's options, by PyTorch's keyword names. */
export interface OneCycleLROptions extends SchedulerOptions {
  /** The peak learning rate, or one per group. */
  maxLr?: number | readonly number[];
  /** The length of the cycle in steps (or give `epochs` and `stepsPerEpoch`). */
  totalSteps?: number | null;
  /** The number of epochs, with `stepsPerEpoch`, when `totalSteps` is not given. */
  epochs?: number | null;
  /** The number of steps per epoch, with `epochs`. */
  stepsPerEpoch?: number | null;
  /** The fraction of the cycle spent increasing the rate (default 0.3). */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Whether momentum cycles inversely to the rate (default true). */
  cycleMomentum?: boolean;
  /** The lowest momentum (default 0.85), or one per group. */
  baseMomentum?: number | readonly number[];
  /** The highest momentum (default 0.95), or one per group. */
  maxMomentum?: number | readonly number[];
  /** The initial rate is `maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** The final rate is the initial rate / `finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Whether a third phase anneals to the final rate after a symmetric warm-up and cool-down (default false). */
  threePhase?: boolean;
}

function positiveInteger(name: string, value: number | null | undefined): number {
  if (value === null || value === undefined)
    throw new torch.TorchTypeError("'<=' not supported between instances of 'NoneType' and 'int'");
  if (value <= 0 || !Number.isInteger(value))
    throw new torch.ValueError(`Expected positive integer ${name}, but got ${pyInt(value)}`);
  return value;
}

/** Cosine anneal from `start` to `end` as pct goes from 0 to 1. */
function annealingCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2.0) * cosOut;
}

/** Linear anneal from `start` to `end` as pct goes from 0 to 1. */
function annealingLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}

/**
 * The 1cycle policy (`torch.optim.lr_scheduler.OneCycleLR`): the rate rises from `maxLr / divFactor` to `maxLr`, then anneals far below the start, stepped once per batch; momentum cycles the other way.
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const scheduler = new lrScheduler.OneCycleLR(opt, 1, { totalSteps: 5, annealStrategy: 'linear' });
 * const lrs: number[] = [];
 * for (let step = 0; step < 5; step++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs);
 * ```
 * ```text
 * [
 *   0.04,
 *   0.8571434285714286,
 *   0.5714302857142857,
 *   0.2857171428571429,
 *   0.000004000000000004
 * ]
 * ```
 */
export class OneCycleLR extends LRScheduler {
  /** The length of the cycle in steps. */
  totalSteps: number;
  /** The phases of the cycle (`_schedule_phases`). */
  schedulePhases: SchedulePhase[];
  /** How each phase anneals. */
  annealStrategy: 'cos' | 'linear';
  /** Whether momentum cycles. */
  cycleMomentum: boolean;
  /** Whether the momentum is Adam's first beta (`use_beta1`). */
  useBeta1: boolean;

  /** `new OneCycleLR(optimizer, maxLr, { totalSteps, epochs, stepsPerEpoch, pctStart, ... })`. */
  constructor(optimizer: Optimizer, maxLr: number | readonly number[], options?: OneCycleLROptions);
  constructor(optimizer: Optimizer, options: OneCycleLROptions & { maxLr: number | readonly number[] });
  constructor(optimizer: Optimizer, maxLr: number | readonly number[] | OneCycleLROptions, ...rest: unknown[]) {
    const o = withRequiredFirst<OneCycleLROptions, 'maxLr'>(
      'OneCycleLR',
      ONE_CYCLE_POSITIONAL,
      maxLr,
      rest,
      isNumberOrList,
    );
    const { pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true, divFactor = 25, finalDivFactor = 1e4 } = o;
    const lastEpoch = o.lastEpoch ?? -1;
    checkOptimizer(optimizer);

    let totalSteps: number;
    if (o.totalSteps == null && o.epochs == null && o.stepsPerEpoch == null) {
      throw new torch.ValueError('You must define either total_steps OR (epochs AND steps_per_epoch)');
    } else if (o.totalSteps != null) {
      totalSteps = positiveInteger('total_steps', o.totalSteps);
    } else {
      totalSteps = positiveInteger('epochs', o.epochs) * positiveInteger('steps_per_epoch', o.stepsPerEpoch);
    }

    const phases: SchedulePhase[] = o.threePhase
      ? [
          {
            endStep: pctStart * totalSteps - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: 2 * pctStart * totalSteps - 2,
            startLr: 'maxLr',
            endLr: 'initialLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
          {
            endStep: totalSteps - 1,
            startLr: 'initialLr',
            endLr: 'minLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'maxMomentum',
          },
        ]
      : [
          {
            endStep: pctStart * totalSteps - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: totalSteps - 1,
            startLr: 'maxLr',
            endLr: 'minLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
        ];

    if (pctStart < 0 || pctStart > 1 || typeof pctStart !== 'number') {
      throw new torch.ValueError(`Expected float between 0 and 1 pct_start, but got ${pyStr(pctStart)}`);
    }
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new torch.ValueError(
        `anneal_strategy must by one of 'cos' or 'linear', instead got ${String(annealStrategy)}`,
      );
    }

    const maxLrs = perGroup(optimizer, o.maxLr, (n, got) => `expected ${n} values for max_lr, got ${got}`);
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((group, i) => {
        group.initialLr = maxLrs[i] / divFactor;
        group.maxLr = maxLrs[i];
        group.minLr = group.initialLr / finalDivFactor;
      });
    }

    const useBeta1 = 'betas' in optimizer.defaults;
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !useBeta1) {
        throw new torch.ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
      }
      const maxMomentums = perGroup(
        optimizer,
        o.maxMomentum ?? 0.95,
        (n, got) => `expected ${n} values for max_momentum, got ${got}`,
      );
      const baseMomentums = perGroup(
        optimizer,
        o.baseMomentum ?? 0.85,
        (n, got) => `expected ${n} values for base_momentum, got ${got}`,
      );
      if (lastEpoch === -1) {
        optimizer.paramGroups.forEach((group, i) => {
          setMomentum(group, useBeta1, maxMomentums[i]);
          group.maxMomentum = maxMomentums[i];
          group.baseMomentum = baseMomentums[i];
        });
      }
    }

    super(optimizer, lastEpoch, o.verbose);
    this.totalSteps = totalSteps;
    this.schedulePhases = phases;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.initialStep();
  }

  /** This step's rates (and, when cycling, it writes this step's momentum). */
  getLr(): number[] {
    this.warnIfOutsideStep();
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new torch.ValueError(
        `Tried to step ${pyInt(stepNum + 1)} times. The specified number of total steps is ${pyInt(this.totalSteps)}`,
      );
    }
    const anneal = this.annealStrategy === 'cos' ? annealingCos : annealingLinear;
    const phases = this.schedulePhases;
    return this.groups.map((group) => {
      let startStep = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === phases.length - 1) {
          const pct = div(stepNum - startStep, endStep - startStep);
          lr = anneal(group[phase.startLr] as number, group[phase.endLr] as number, pct);
          if (this.cycleMomentum)
            momentum = anneal(group[phase.startMomentum] as number, group[phase.endMomentum] as number, pct);
          break;
        }
        startStep = phase.endStep;
      }
      if (this.cycleMomentum) setMomentum(group, this.useBeta1, momentum);
      return lr;
    });
  }
}

/** Writes the cycled momentum: SGD's `momentum`, or the first of Adam's `betas`. */
function setMomentum(group: Group, useBeta1: boolean, value: number): void {
  if (useBeta1) group.betas = [value, ...(group.betas as readonly number[]).slice(1)];
  else group.momentum = value;
}
