/** Adagrad (lr decay, weight decay, initial accumulator): PyTorch 1.13's single-tensor update. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, check, type Group, type Params } from './optimizer.js';
import { KeyError } from './python.js';

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
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

/** Adagrad's per-parameter state, created for every parameter by the constructor as PyTorch does. */
export type AdagradState = { step: Tensor; sum: Tensor };

export class Adagrad extends Optimizer<AdagradHyper, AdagradState> {
  constructor(params: Params, options?: AdagradOptions);
  /** PyTorch's positional order: `new Adagrad(params, 0.01, 0)`. */
  constructor(params: Params, lr: number, lrDecay?: number, weightDecay?: number, initialAccumulatorValue?: number, eps?: number);
  constructor(params: Params, ...args: unknown[]) {
    const options = torch.compat.pythonArgs<AdagradOptions>('Adagrad', ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'], args);
    const { lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false } = options;
    check(0 <= lr, 'Invalid learning rate: ', lr);
    check(0 <= lrDecay, 'Invalid lr_decay value: ', lrDecay);
    check(0 <= weightDecay, 'Invalid weight_decay value: ', weightDecay);
    check(0 <= initialAccumulatorValue, 'Invalid initial_accumulator_value value: ', initialAccumulatorValue);
    check(0 <= eps, 'Invalid epsilon value: ', eps);
    super(params, { lr, lrDecay, eps, weightDecay, initialAccumulatorValue, foreach: null, maximize });
    // PyTorch creates the state eagerly, for every parameter.
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        this.state.set(p, { step: torch.tensor(0, { dtype: 'float32' }), sum: torch.fullLike(p, group.initialAccumulatorValue) });
      }
    }
  }

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
