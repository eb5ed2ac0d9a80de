/**
 * CyclicLR: the cyclical learning-rate policy, per batch. The rate climbs from `baseLr` to `maxLr` over `stepSizeUp`
 * steps and comes back over `stepSizeDown`, the amplitude kept (`'triangular'`), halved each cycle
 * (`'triangular2'`) or decayed by `gamma` a step (`'exp_range'`); momentum moves the opposite way.
 */
import * as torch from '@kindling/core';
import type { Optimizer } from '../optimizer.js';
import { div } from '../python.js';
import {
  LRScheduler,
  checkOptimizer,
  isNumberOrList,
  required,
  withPositional,
  type SchedulerOptions,
} from './base.js';
import { perGroup } from './per-group.js';

/** CyclicLR's options, by PyTorch's keyword names. */
export interface CyclicLROptions extends SchedulerOptions {
  /** The lower bound of the cycle, or one per group (it replaces the groups' rates). */
  baseLr?: number | readonly number[];
  /** The upper bound of the cycle, or one per group (reached only when the amplitude is not scaled down). */
  maxLr?: number | readonly number[];
  /** Steps from `baseLr` up to `maxLr` (default 2000). */
  stepSizeUp?: number;
  /** Steps back down (default `stepSizeUp`). */
  stepSizeDown?: number | null;
  /** `'triangular'` (default), `'triangular2'` (the amplitude halved each cycle) or `'exp_range'` (times `gamma ** step`). */
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** `'exp_range'`'s decay per step (default 1). */
  gamma?: number;
  /** A custom amplitude scaling, of the cycle number or of the step (`scaleMode`); replaces `mode`'s. */
  scaleFn?: ((x: number) => number) | null;
  /** What `scaleFn` takes: `'cycle'` (default) or `'iterations'`. */
  scaleMode?: 'cycle' | 'iterations';
  /** Whether the optimizer's `momentum` cycles inversely to the rate (default true). */
  cycleMomentum?: boolean;
  /** The momentum at the peak rate (default 0.8), or one per group. */
  baseMomentum?: number | readonly number[];
  /** The momentum at the lowest rate (default 0.9), or one per group. */
  maxMomentum?: number | readonly number[];
}

/** CyclicLR's parameters after the optimizer, in PyTorch's positional order. */
const CYCLIC_POSITIONAL = [
  'baseLr',
  'maxLr',
  'stepSizeUp',
  'stepSizeDown',
  'mode',
  'gamma',
  'scaleFn',
  'scaleMode',
  'cycleMomentum',
  'baseMomentum',
  'maxMomentum',
  'lastEpoch',
  'verbose',
] as const;

const MODES = ['triangular', 'triangular2', 'exp_range'];

/**
 * The cyclical learning rate (`torch.optim.lr_scheduler.CyclicLR`), stepped once per batch.
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const scheduler = new lrScheduler.CyclicLR(opt, 0.01, 0.05, { stepSizeUp: 2, mode: 'triangular2' });
 * const lrs: number[] = [];
 * for (let step = 0; step < 9; step++) {
 *   lrs.push(Number(scheduler.getLastLr()[0].toFixed(4)));
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs.join(' '));
 * ```
 * ```text
 * 0.01 0.03 0.05 0.03 0.01 0.02 0.03 0.02 0.01
 * ```
 */
export class CyclicLR extends LRScheduler {
  /** Each group's upper bound. */
  maxLrs: number[];
  /** The steps of one cycle, up and down. */
  totalSize: number;
  /** The fraction of the cycle spent going up. */
  stepRatio: number;
  /** The amplitude policy. */
  mode: 'triangular' | 'triangular2' | 'exp_range';
  /** `'exp_range'`'s decay per step. */
  gamma: number;
  /** What the amplitude scaling takes: the cycle number or the step. */
  scaleMode: 'cycle' | 'iterations';
  /** Whether momentum cycles. */
  cycleMomentum: boolean;
  /** Each group's momentum at the peak rate, when momentum cycles. */
  baseMomentums?: number[];
  /** Each group's momentum at the lowest rate, when momentum cycles. */
  maxMomentums?: number[];
  /** The custom scaling, kept out of the state dict as PyTorch 2 does (a function is not state). */
  readonly #scaleFn: ((x: number) => number) | null;

  /** `new CyclicLR(optimizer, baseLr, maxLr, { stepSizeUp, stepSizeDown, mode, gamma, scaleFn, ... })`. */
  constructor(
    optimizer: Optimizer,
    baseLr: number | readonly number[],
    maxLr: number | readonly number[],
    options?: CyclicLROptions,
  );
  constructor(optimizer: Optimizer, baseLr: number | readonly number[], options: CyclicLROptions);
  constructor(optimizer: Optimizer, options: CyclicLROptions & { baseLr: number | readonly number[] });
  constructor(optimizer: Optimizer, baseLr: number | readonly number[] | CyclicLROptions, ...rest: unknown[]) {
    const o = withPositional<CyclicLROptions>('CyclicLR', CYCLIC_POSITIONAL, baseLr, rest, isNumberOrList);
    checkOptimizer(optimizer);
    const lastEpoch = o.lastEpoch ?? -1;
    const baseLrs = perGroup(
      optimizer,
      required('CyclicLR', 'base_lr', o.baseLr),
      (n, got) => `expected ${n} values for base_lr, got ${got}`,
    );
    if (lastEpoch === -1) optimizer.paramGroups.forEach((group, i) => (group.lr = baseLrs[i]));
    const maxLrs = perGroup(
      optimizer,
      required('CyclicLR', 'max_lr', o.maxLr),
      (n, got) => `expected ${n} values for max_lr, got ${got}`,
    );
    const up = o.stepSizeUp ?? 2000;
    const down = o.stepSizeDown ?? up;
    const mode = o.mode ?? 'triangular';
    const scaleFn = o.scaleFn ?? null;
    if (!MODES.includes(mode) && scaleFn === null) throw new torch.ValueError('mode is invalid and scale_fn is None');
    const cycleMomentum = o.cycleMomentum ?? true;
    let momentums: [number[], number[]] | null = null;
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults))
        throw new torch.ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
      const base = perGroup(
        optimizer,
        o.baseMomentum ?? 0.8,
        (n, got) => `expected ${n} values for base_momentum, got ${got}`,
      );
      if (lastEpoch === -1) optimizer.paramGroups.forEach((group, i) => (group.momentum = base[i]));
      momentums = [
        optimizer.paramGroups.map((group) => group.momentum as number),
        perGroup(optimizer, o.maxMomentum ?? 0.9, (n, got) => `expected ${n} values for max_momentum, got ${got}`),
      ];
    }
    super(optimizer, lastEpoch, o.verbose);
    this.maxLrs = maxLrs;
    this.totalSize = up + down;
    this.stepRatio = div(up, this.totalSize);
    this.mode = mode;
    this.gamma = o.gamma ?? 1;
    this.#scaleFn = scaleFn;
    this.scaleMode = scaleFn === null ? (mode === 'exp_range' ? 'iterations' : 'cycle') : (o.scaleMode ?? 'cycle');
    this.cycleMomentum = cycleMomentum;
    if (momentums !== null) [this.baseMomentums, this.maxMomentums] = momentums;
    this.initialStep();
    // As PyTorch: the first step ran from the groups' initial rates; the schedule goes on from `baseLr`.
    this.baseLrs = baseLrs;
  }

  /** The amplitude's scale at `x` (the cycle number, or the step with `'exp_range'` or `scaleMode: 'iterations'`). */
  scaleFn(x: number): number {
    if (this.#scaleFn !== null) return this.#scaleFn(x);
    if (this.mode === 'triangular2') return 1 / torch.compat.pyPow(2.0, x - 1);
    if (this.mode === 'exp_range') return torch.compat.pyPow(this.gamma, x);
    return 1.0;
  }

  /** This step's rates (and, when cycling, it writes this step's momentum into the groups). */
  getLr(): number[] {
    this.warnIfOutsideStep();
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? div(x, this.stepRatio) : div(x - 1, this.stepRatio - 1);
    const scale = this.scaleFn(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i] - base) * scaleFactor * scale);
    if (this.cycleMomentum && this.baseMomentums && this.maxMomentums) {
      const maxMomentums = this.maxMomentums;
      const momentums = this.baseMomentums.map(
        (base, i) => maxMomentums[i] - (maxMomentums[i] - base) * scaleFactor * scale,
      );
      this.groups.forEach((group, i) => {
        if (i < momentums.length) group.momentum = momentums[i];
      });
    }
    return lrs;
  }
}
