/** Adagrad (lr decay, weight decay, initial accumulator): PyTorch 1.13's single-tensor update. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, check, type Group, type Params } from './optimizer.js';
import { KeyError } from './python.js';

/** Adagrad's options, by PyTorch's keyword names. */
export interface AdagradOptions {
  /** The learning rate (default 1e-2). */
  lr?: number;
  /** The learning-rate decay per step (default 0). */
  lrDecay?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /**
   * The starting value of the squared-gradient sum (default 0). As in PyTorch, the constructor's value starts every
   * parameter's sum; a parameter group's own value is recorded in the group but not used.
   */
  initialAccumulatorValue?: number;
  /** Added to the denominator for stability (default 1e-10). */
  eps?: number;
  /** Maximise the objective instead of minimising it (default false). */
  maximize?: boolean;
}

type AdagradHyper = {
  lr: number;
  lrDecay: number;
  eps: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  foreach: boolean | null;
  maximize: boolean;
};

/**
 * Adagrad's per-parameter state, created for every parameter by the constructor as PyTorch does: `step` and `sum`
 * (the sum of squared gradients).
 */
export type AdagradState = { step: Tensor; sum: Tensor };

/**
 * Adagrad (`torch.optim.Adagrad`): steps scaled by the sum of all past squared gradients.
 *
 * @example
 * ```ts
 * import { Adagrad } from '@kindling/optim';
 *
 * const w = torch.tensor([1, -1], { requiresGrad: true });
 * const opt = new Adagrad([w], { lr: 0.1 });
 * w.pow(2).sum().backward();
 * opt.step();
 * console.log(w);
 * ```
 * ```text
 * tensor([ 0.9000, -0.9000], requires_grad=True)
 * ```
 */
export class Adagrad extends Optimizer<AdagradHyper, AdagradState> {
  /** `new Adagrad(params, { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize })`. */
  constructor(params: Params, options?: AdagradOptions);
  /** PyTorch's positional order: `new Adagrad(params, 0.01, 0)`. */
  constructor(
    params: Params,
    lr: number,
    lrDecay?: number,
    weightDecay?: number,
    initialAccumulatorValue?: number,
    eps?: number,
  );
  constructor(params: Params, ...args: unknown[]) {
    const options = torch.compat.pythonArgs<AdagradOptions>(
      'Adagrad',
      ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'],
      args,
    );
    const {
      lr = 1e-2,
      lrDecay = 0,
      weightDecay = 0,
      initialAccumulatorValue = 0,
      eps = 1e-10,
      maximize = false,
    } = options;
    check(0 <= lr, 'Invalid learning rate: ', lr);
    check(0 <= lrDecay, 'Invalid lr_decay value: ', lrDecay);
    check(0 <= weightDecay, 'Invalid weight_decay value: ', weightDecay);
    check(0 <= initialAccumulatorValue, 'Invalid initial_accumulator_value value: ', initialAccumulatorValue);
    check(0 <= eps, 'Invalid epsilon value: ', eps);
    super(params, { lr, lrDecay, eps, weightDecay, initialAccumulatorValue, foreach: null, maximize });
    // PyTorch creates the state eagerly, for every parameter, from the constructor's initial value: a group's own
    // `initialAccumulatorValue` is kept in the group but starts no sum.
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        this.state.set(p, {
          step: torch.tensor(0, { dtype: 'float32' }),
          sum: torch.fullLike(p, initialAccumulatorValue),
        });
      }
    }
  }

  /** One step of Adagrad on one parameter group. */
  protected updateGroup(group: Group<AdagradHyper>): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    for (const p of group.params) {
      if (p.rawGrad === null) continue;
      const state = this.state.get(p);
      // As in PyTorch, only the constructor creates Adagrad's state: a group added later has none.
      if (!(state?.sum instanceof torch.Tensor) || !(state.step instanceof torch.Tensor)) throw new KeyError('sum');
      const stepT = state.step.add_(1);
      const step = stepT.item();
      let grad = maximize ? p.rawGrad.neg() : p.rawGrad;
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const clr = lr / (1 + (step - 1) * lrDecay);
      const sum = state.sum.addcmul_(grad, grad, { value: 1 });
      const std = sum.sqrt().add_(eps);
      p.addcdiv_(grad, std, { value: -clr });
    }
  }
}
