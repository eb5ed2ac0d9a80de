/** RMSprop (alpha, centered, momentum, weight decay): PyTorch 1.13's single-tensor update. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, check, type Params } from './optimizer.js';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}

type RMSpropHyper = { lr: number; alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean; maximize: boolean };

export class RMSprop extends Optimizer<RMSpropHyper> {
  constructor(params: Params, options: RMSpropOptions = {}) {
    const h: RMSpropHyper = {
      lr: options.lr ?? 1e-2,
      alpha: options.alpha ?? 0.99,
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      momentum: options.momentum ?? 0,
      centered: options.centered ?? false,
      maximize: options.maximize ?? false,
    };
    check(h.lr >= 0, `Invalid learning rate: ${h.lr}`);
    check(h.eps >= 0, `Invalid epsilon value: ${h.eps}`);
    check(h.momentum >= 0, `Invalid momentum value: ${h.momentum}`);
    check(h.weightDecay >= 0, `Invalid weight_decay value: ${h.weightDecay}`);
    check(h.alpha >= 0, `Invalid alpha value: ${h.alpha}`);
    super(params, h);
  }

  protected updateGroup(group: RMSpropHyper & { params: Tensor[] }): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const p of group.params) {
      if (p.grad === null) continue;
      let grad = maximize ? p.grad.neg() : p.grad;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = torch.tensor(0, { dtype: 'float32' });
        state.square_avg = torch.zerosLike(p);
        if (momentum > 0) state.momentum_buffer = torch.zerosLike(p);
        if (centered) state.grad_avg = torch.zerosLike(p);
      }
      (state.step as Tensor).add_(1);
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const squareAvg = (state.square_avg as Tensor).mul_(alpha).addcmul_(grad, grad, { value: 1 - alpha });
      let avg: Tensor;
      if (centered) {
        const gradAvg = (state.grad_avg as Tensor).mul_(alpha).add_(grad, { alpha: 1 - alpha });
        avg = squareAvg.addcmul(gradAvg, gradAvg, { value: -1 }).sqrt_();
      } else avg = squareAvg.sqrt();
      avg = avg.add_(eps);
      if (momentum > 0) {
        const buf = (state.momentum_buffer as Tensor).mul_(momentum).addcdiv_(grad, avg);
        p.add_(buf, { alpha: -lr });
      } else p.addcdiv_(grad, avg, { value: -lr });
    }
  }
}
