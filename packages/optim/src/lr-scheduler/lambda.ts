/** LambdaLR and MultiplicativeLR: learning rates from user functions of the epoch, one function or one per group. */
import type { Optimizer } from '../optimizer.js';
import {
  copyPlain,
  fieldsToState,
  LRScheduler,
  stateToFields,
  withRequiredFirst,
  type SchedulerOptions,
  type SchedulerStateDict,
} from './base.js';
import { perGroup } from './per-group.js';

/** A factor as a function of the epoch. Own enumerable properties of the function are saved in state dicts. */
export type LrLambda = (epoch: number) => number;

/** LambdaLR's and MultiplicativeLR's options, by PyTorch's keyword names. */
export interface LambdaLROptions extends SchedulerOptions {
  /** The factor as a function of the epoch, or one function per parameter group. */
  lrLambda?: LrLambda | readonly LrLambda[];
}

const isLambda = (x: unknown): boolean => typeof x === 'function' || Array.isArray(x);

/** What LambdaLR and MultiplicativeLR share: one factor function per group, saved in state dicts as far as it can be. */
abstract class LambdaScheduler extends LRScheduler {
  /** One factor function per parameter group (`lr_lambdas`). */
  lrLambdas: LrLambda[] = [];

  /** `new LambdaLR(optimizer, lrLambda, { lastEpoch, verbose })`, and the same for MultiplicativeLR. */
  constructor(optimizer: Optimizer, lrLambda: LrLambda | readonly LrLambda[], options?: LambdaLROptions);
  constructor(optimizer: Optimizer, options: LambdaLROptions & { lrLambda: LrLambda | readonly LrLambda[] });
  constructor(optimizer: Optimizer, lrLambda: LrLambda | readonly LrLambda[], lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, lrLambda: LrLambda | readonly LrLambda[] | LambdaLROptions, ...rest: unknown[]) {
    const cls = new.target.name;
    const o = withRequiredFirst<LambdaLROptions, 'lrLambda'>(cls, ['lrLambda'], lrLambda, rest, isLambda);
    const fns = perGroup(optimizer, o.lrLambda, (n, got) => `Expected ${n} lr_lambdas, but got ${got}`);
    super(optimizer, o.lastEpoch, o.verbose);
    this.lrLambdas = fns;
    this.initialStep();
  }

  /** Every field but the optimizer; of each lambda, its own properties (PyTorch saves a callable object's `__dict__`), or null. */
  override stateDict(): SchedulerStateDict {
    const out = fieldsToState(this, ['lrLambdas']);
    out.lr_lambdas = this.lrLambdas.map((fn) => (Object.keys(fn).length > 0 ? copyPlain({ ...fn }) : null));
    return out;
  }

  /** Restores the fields and, into each function, the properties saved of it. */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    stateToFields(this, stateDict, ['lrLambdas']);
    const saved = stateDict.lr_lambdas ?? stateDict.lrLambdas;
    if (Array.isArray(saved))
      saved.forEach((fields: unknown, i) => fields !== null && Object.assign(this.lrLambdas[i], copyPlain(fields)));
  }
}

/**
 * Sets each group's learning rate to its initial rate times `lrLambda(epoch)`.
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
 * const scheduler = new lrScheduler.LambdaLR(opt, (epoch) => 1 / (epoch + 1));
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 4; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs);
 * ```
 * ```text
 * [ 1, 0.5, 0.3333333333333333, 0.25 ]
 * ```
 */
export class LambdaLR extends LambdaScheduler {
  /** This epoch's rates: each group's initial rate times its factor. */
  getLr(): number[] {
    this.warnIfOutsideStep();
    return this.baseLrs.map((lr, i) => lr * this.lrLambdas[i](this.lastEpoch));
  }
}

/**
 * Multiplies each group's learning rate by `lrLambda(epoch)` every epoch after the first.
 *
 * @example
 * ```ts
 * import { SGD, lrScheduler } from '@kindling/optim';
 *
 * const opt = new SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
 * const scheduler = new lrScheduler.MultiplicativeLR(opt, () => 0.9);
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 4; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   opt.step();
 *   scheduler.step();
 * }
 * console.log(lrs);
 * ```
 * ```text
 * [ 1, 0.9, 0.81, 0.7290000000000001 ]
 * ```
 */
export class MultiplicativeLR extends LambdaScheduler {
  /** This epoch's rates: each group's current rate times its factor. */
  getLr(): number[] {
    this.warnIfOutsideStep();
    if (this.lastEpoch > 0) return this.groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
    return this.groups.map((g) => g.lr);
  }
}
