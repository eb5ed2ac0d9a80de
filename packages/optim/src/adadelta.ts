/** Adadelta (rho, eps, weight decay): PyTorch 1.13's single-tensor update. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, check, type Group, type Params } from './optimizer.js';

/** Adadelta's options, by PyTorch's keyword names. */
export interface AdadeltaOptions {
  /** Scales the update (1.0 by default: Adadelta's step sizes come from its running averages). */
  lr?: number;
  /** The decay rate of the running averages (default 0.9). */
  rho?: number;
  /** Added for stability (default 1e-6). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Maximise the objective instead of minimising it (default false). */
  maximize?: boolean;
}

type AdadeltaHyper = {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
  foreach: boolean | null;
};

/**
 * Adadelta's per-parameter state: `step` (a plain number, as PyTorch 1.13's Python int), `square_avg` (the squared
 * gradients' running mean) and `acc_delta` (the squared updates').
 */
export type AdadeltaState = { step: number; square_avg: Tensor; acc_delta: Tensor };

/** Adadelta (`torch.optim.Adadelta`): step sizes from running averages of squared gradients and squared updates. */
export class Adadelta extends Optimizer<AdadeltaHyper, AdadeltaState> {
  /** `new Adadelta(params, { lr, rho, eps, weightDecay, maximize })`. */
  constructor(params: Params, options?: AdadeltaOptions);
  /** PyTorch's positional order: `new Adadelta(params, 1.0, 0.9)`. */
  constructor(params: Params, lr: number, rho?: number, eps?: number, weightDecay?: number);
  constructor(params: Params, ...args: unknown[]) {
    const options = torch.compat.pythonArgs<AdadeltaOptions>('Adadelta', ['lr', 'rho', 'eps', 'weightDecay'], args);
    const { lr = 1.0, rho = 0.9, eps = 1e-6, weightDecay = 0, maximize = false } = options;
    check(0 <= lr, 'Invalid learning rate: ', lr);
    check(0 <= rho && rho <= 1, 'Invalid rho value: ', rho);
    check(0 <= eps, 'Invalid epsilon value: ', eps);
    check(0 <= weightDecay, 'Invalid weight_decay value: ', weightDecay);
    super(params, { lr, rho, eps, weightDecay, maximize, foreach: null });
  }

  /** One step of Adadelta on one parameter group. */
  protected updateGroup(group: Group<AdadeltaHyper>): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    for (const p of group.params) {
      if (p.rawGrad === null) continue;
      const state = this.stateOf(p, () => ({ step: 0, square_avg: torch.zerosLike(p), acc_delta: torch.zerosLike(p) }));
      state.step += 1;
      if (torch._fusedAdadeltaUpdate_(p, p.rawGrad, state.square_avg, state.acc_delta, group)) continue;
      let grad = maximize ? p.rawGrad.neg() : p.rawGrad;
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const squareAvg = state.square_avg.mul_(rho).addcmul_(grad, grad, { value: 1 - rho });
      const std = squareAvg.add(eps).sqrt_();
      const accDelta = state.acc_delta;
      const delta = accDelta.add(eps).sqrt_().div_(std).mul_(grad);
      accDelta.mul_(rho).addcmul_(delta, delta, { value: 1 - rho });
      p.add_(delta, { alpha: -lr });
    }
  }
}
