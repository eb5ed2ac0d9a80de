/**
 * OneCycleLR: the 1cycle policy, per batch. The learning rate rises from `maxLr / divFactor` to `maxLr`, then falls to
 * `initialLr / finalDivFactor` (with `threePhase`, it first comes back down to the initial rate); momentum (SGD's
 * `momentum`, or the first of Adam's `betas`) moves the opposite way between `maxMomentum` and `baseMomentum`.
 * The groups carry `initialLr`, `maxLr`, `minLr`, `maxMomentum`, `baseMomentum`, as PyTorch's carry them.
 */
import * as torch from '@kindling/core';
import type { Group, Optimizer } from '../optimizer.js';
import { div, pyInt, pyStr } from '../python.js';
import { checkOptimizer, LRScheduler, required, withPositional, type SchedulerOptions } from './base.js';

type LrKey = 'initialLr' | 'maxLr' | 'minLr';
type MomentumKey = 'maxMomentum' | 'baseMomentum';

/** A phase of the cycle: it ends at `endStep` and anneals between the named group values. */
export interface SchedulePhase {
  endStep: number;
  startLr: LrKey;
  endLr: LrKey;
  startMomentum: MomentumKey;
  endMomentum: MomentumKey;
}

/** OneCycleLR's parameters in PyTorch's positional order. */
const ONE_CYCLE_POSITIONAL = [
  'maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum',
  'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase', 'lastEpoch', 'verbose',
] as const;

export interface OneCycleLROptions extends SchedulerOptions {
  maxLr?: number | readonly number[];
  totalSteps?: number | null;
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

function perGroup(name: string, optimizer: Optimizer, value: number | readonly number[]): number[] {
  const n = optimizer.paramGroups.length;
  if (!Array.isArray(value)) return new Array<number>(n).fill(value as number);
  if (value.length !== n) throw new torch.ValueError(`expected ${n} values for ${name}, got ${value.length}`);
  return [...value];
}

function positiveInteger(name: string, value: number | null | undefined): number {
  if (value === null || value === undefined) throw new torch.TorchTypeError("'<=' not supported between instances of 'NoneType' and 'int'");
  if (value <= 0 || !Number.isInteger(value)) throw new torch.ValueError(`Expected positive integer ${name}, but got ${pyInt(value)}`);
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

export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  schedulePhases: SchedulePhase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1: boolean;

  constructor(optimizer: Optimizer, maxLr: number | readonly number[], options?: OneCycleLROptions);
  constructor(optimizer: Optimizer, options: OneCycleLROptions & { maxLr: number | readonly number[] });
  constructor(optimizer: Optimizer, maxLr: number | readonly number[] | OneCycleLROptions, ...rest: unknown[]) {
    const o = withPositional<OneCycleLROptions>('OneCycleLR', ONE_CYCLE_POSITIONAL, maxLr, rest, (x) => typeof x === 'number' || Array.isArray(x));
    const maxLrValue = required('OneCycleLR', 'maxLr', o.maxLr);
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
          { endStep: pctStart * totalSteps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pctStart * totalSteps - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: totalSteps - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pctStart * totalSteps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: totalSteps - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];

    if (pctStart < 0 || pctStart > 1 || typeof pctStart !== 'number') {
      throw new torch.ValueError(`Expected float between 0 and 1 pct_start, but got ${pyStr(pctStart)}`);
    }
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new torch.ValueError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    }

    const maxLrs = perGroup('max_lr', optimizer, maxLrValue);
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((group, i) => {
        group.initialLr = maxLrs[i] / divFactor;
        group.maxLr = maxLrs[i];
        group.minLr = (group.initialLr as number) / finalDivFactor;
      });
    }

    const useBeta1 = 'betas' in optimizer.defaults;
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !useBeta1) {
        throw new torch.ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
      }
      const maxMomentums = perGroup('max_momentum', optimizer, o.maxMomentum ?? 0.95);
      const baseMomentums = perGroup('base_momentum', optimizer, o.baseMomentum ?? 0.85);
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

  getLr(): number[] {
    this.warnIfOutsideStep();
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new torch.ValueError(`Tried to step ${pyInt(stepNum + 1)} times. The specified number of total steps is ${pyInt(this.totalSteps)}`);
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
          if (this.cycleMomentum) momentum = anneal(group[phase.startMomentum] as number, group[phase.endMomentum] as number, pct);
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
