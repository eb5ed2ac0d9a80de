/**
 * CosineAnnealingWarmRestarts (SGDR): cosine annealing from each group's initial rate to `etaMin` over `T0` epochs,
 * then again from the top over `T0 * TMult` epochs, and so on. Its `step(epoch)` takes fractional epochs (a step per
 * batch: `scheduler.step(epoch + i / iters)`) and is not deprecated, as in PyTorch 1.13.
 */
import * as torch from '@kindling/core';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, isNumber, withRequiredFirst, type SchedulerOptions } from './base.js';

/** CosineAnnealingWarmRestarts's options, by PyTorch's keyword names. */
export interface CosineAnnealingWarmRestartsOptions extends SchedulerOptions {
  /** PyTorch's `T_0`: the epochs until the first restart (a positive integer). */
  T0?: number;
  /** PyTorch's `T_mult`: each period is this many times the last (an integer, default 1). */
  TMult?: number;
  /** The lowest learning rate (`eta_min`, default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing with warm restarts: the rate falls along a half cosine from each group's initial rate to
 * `etaMin` over `T0` epochs, jumps back, and falls again over `T0 * TMult` epochs, then `T0 * TMult²`, ...
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
 * const scheduler = new lrScheduler.CosineAnnealingWarmRestarts(opt, 2, { TMult: 2 });
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 7; epoch++) {
 *   lrs.push(Number(scheduler.getLastLr()[0].toFixed(4)));
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs.join(' '));
 * ```
 * ```text
 * 1 0.5 1 0.8536 0.5 0.1464 1
 * ```
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** The first period (`T_0`). */
  T0: number;
  /** The current period (`T_i`). */
  Ti: number;
  /** The growth of the period at each restart (`T_mult`). */
  TMult: number;
  /** The lowest learning rate (`eta_min`). */
  etaMin: number;
  /** The epochs since the last restart (`T_cur`), fractional when stepped with fractional epochs. */
  TCur: number;

  /** `new CosineAnnealingWarmRestarts(optimizer, T0, { TMult, etaMin, lastEpoch, verbose })`. */
  constructor(optimizer: Optimizer, T0: number, options?: CosineAnnealingWarmRestartsOptions);
  constructor(optimizer: Optimizer, options: CosineAnnealingWarmRestartsOptions & { T0: number });
  constructor(optimizer: Optimizer, T0: number, TMult?: number, etaMin?: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, T0: number | CosineAnnealingWarmRestartsOptions, ...rest: unknown[]) {
    const o = withRequiredFirst<CosineAnnealingWarmRestartsOptions, 'T0'>(
      'CosineAnnealingWarmRestarts',
      ['T0', 'TMult', 'etaMin'],
      T0,
      rest,
      isNumber,
      'T_0',
    );
    const t0 = o.T0;
    const tMult = o.TMult ?? 1;
    if (t0 <= 0 || !Number.isInteger(t0)) throw new torch.ValueError(`Expected positive integer T_0, but got ${t0}`);
    if (tMult < 1 || !Number.isInteger(tMult))
      throw new torch.ValueError(`Expected integer T_mult >= 1, but got ${tMult}`);
    const lastEpoch = o.lastEpoch ?? -1;
    super(optimizer, lastEpoch, o.verbose);
    this.T0 = t0;
    this.Ti = t0;
    this.TMult = tMult;
    this.etaMin = o.etaMin ?? 0;
    this.TCur = lastEpoch;
    this.initialStep();
  }

  /** This epoch's rates: the point `TCur / Ti` along the current half cosine. */
  getLr(): number[] {
    this.warnIfOutsideStep();
    const { etaMin, TCur, Ti } = this;
    return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * TCur) / Ti))) / 2);
  }

  /**
   * Moves on one epoch, or to `epoch` (which may be fractional: a step per batch), restarting when a period ends,
   * and writes the rates into the groups. Unlike the other schedulers, `step(epoch)` is not deprecated here.
   */
  override step(epoch?: number): void {
    let e = epoch ?? (this.lastEpoch < 0 ? 0 : undefined);
    if (e === undefined) {
      e = this.lastEpoch + 1;
      this.TCur += 1;
      if (this.TCur >= this.Ti) {
        this.TCur -= this.Ti;
        this.Ti *= this.TMult;
      }
    } else this.jumpTo(e);
    this.lastEpoch = Math.floor(e);
    this.applyLr(() => this.getLr(), e);
  }

  /** The period and the position in it at `epoch`, from the start of the schedule. */
  private jumpTo(epoch: number): void {
    if (epoch < 0) throw new torch.ValueError(`Expected non-negative epoch, but got ${epoch}`);
    if (epoch >= this.T0) {
      if (this.TMult === 1) this.TCur = epoch % this.T0;
      else {
        const n = Math.trunc(Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
        this.TCur = epoch - (this.T0 * (torch.compat.pyPow(this.TMult, n) - 1)) / (this.TMult - 1);
        this.Ti = this.T0 * torch.compat.pyPow(this.TMult, n);
      }
    } else {
      this.Ti = this.T0;
      this.TCur = epoch;
    }
  }
}
