/** Adagrad (lr decay, weight decay, initial accumulator): PyTorch 1.13's single-tensor update. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, check, type Params } from './optimizer.js';

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
}

type AdagradHyper = { lr: number; lrDecay: number; weightDecay: number; initialAccumulatorValue: number; eps: number; maximize: boolean };

export class Adagrad extends Optimizer<AdagradHyper> {
  constructor(params: Params, options: AdagradOptions = {}) {
    const h: AdagradHyper = {
      lr: options.lr ?? 1e-2,
      lrDecay: options.lrDecay ?? 0,
      weightDecay: options.weightDecay ?? 0,
      initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
      eps: options.eps ?? 1e-10,
      maximize: options.maximize ?? false,
    };
    check(h.lr >= 0, `Invalid learning rate: ${h.lr}`);
    check(h.lrDecay >= 0, `Invalid lr_decay value: ${h.lrDecay}`);
    check(h.weightDecay >= 0, `Invalid weight_decay value: ${h.weightDecay}`);
    check(h.initialAccumulatorValue >= 0, `Invalid initial_accumulator_value value: ${h.initialAccumulatorValue}`);
    check(h.eps >= 0, `Invalid epsilon value: ${h.eps}`);
    super(params, h);
    // PyTorch creates the state eagerly.
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const state = this.stateOf(p);
        state.step = torch.tensor(0, { dtype: 'float32' });
        state.sum = torch.fullLike(p, group.initialAccumulatorValue);
      }
    }
  }

  protected updateGroup(group: AdagradHyper & { params: Tensor[] }): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    for (const p of group.params) {
      if (p.grad === null) continue;
      const state = this.stateOf(p);
      const stepT = (state.step as Tensor).add_(1);
      const step = stepT.item();
      let grad = maximize ? p.grad.neg() : p.grad;
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const clr = lr / (1 + (step - 1) * lrDecay);
      const sum = (state.sum as Tensor).addcmul_(grad, grad, { value: 1 });
      const std = sum.sqrt().add_(eps);
      p.addcdiv_(grad, std, { value: -clr });
    }
  }
}
