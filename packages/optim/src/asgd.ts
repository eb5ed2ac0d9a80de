/** ASGD: PyTorch 1.13's single-tensor update, operation for operation. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, check, type Group, type Params } from './optimizer.js';

/** ASGD's options, by PyTorch's keyword names. */
export interface ASGDOptions {
  /** The learning rate (default 1e-2). */
  lr?: number;
  /** The decay term (default 1e-4). */
  lambd?: number;
  /** The power of the learning rate's decay (default 0.75). */
  alpha?: number;
  /** The step from which the average starts (default 1e6). */
  t0?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Maximise the objective instead of minimising it (default false). */
  maximize?: boolean;
}

type ASGDHyper = {
  lr: number;
  lambd: number;
  alpha: number;
  t0: number;
  weightDecay: number;
  foreach: boolean | null;
  maximize: boolean;
};

/** ASGD's per-parameter state, 0-d float32 tensors as PyTorch's: `step`, `eta`, `mu`, and the average `ax`. */
export type ASGDState = { step: Tensor; eta: Tensor; mu: Tensor; ax: Tensor };

/**
 * Averaged stochastic gradient descent (`torch.optim.ASGD`): SGD with a decaying rate that also keeps `ax`, the
 * running average of the parameters from step `t0` on.
 */
export class ASGD extends Optimizer<ASGDHyper, ASGDState> {
  /** `new ASGD(params, { lr, lambd, alpha, t0, weightDecay, maximize })`. */
  constructor(params: Params, options?: ASGDOptions);
  /** PyTorch's positional order: `new ASGD(params, 0.01, 1e-4, 0.75, 1e6, 0)`. */
  constructor(params: Params, lr: number, lambd?: number, alpha?: number, t0?: number, weightDecay?: number);
  constructor(params: Params, ...args: unknown[]) {
    const options = torch.compat.pythonArgs<ASGDOptions>('ASGD', ['lr', 'lambd', 'alpha', 't0', 'weightDecay'], args);
    const { lr = 1e-2, lambd = 1e-4, alpha = 0.75, t0 = 1e6, weightDecay = 0, maximize = false } = options;
    check(0 <= lr, 'Invalid learning rate: ', lr);
    check(0 <= weightDecay, 'Invalid weight_decay value: ', weightDecay);
    super(params, { lr, lambd, alpha, t0, weightDecay, foreach: null, maximize });
  }

  /** One step of ASGD on one parameter group. */
  protected updateGroup(group: Group<ASGDHyper>): void {
    const { lr, lambd, alpha, t0, weightDecay, maximize } = group;
    for (const p of group.params) {
      if (p.rawGrad === null) continue;
      const state = this.stateOf(p, () => ({
        step: torch.tensor(0, { dtype: 'float32' }),
        eta: torch.tensor(lr, { dtype: 'float32' }),
        mu: torch.tensor(1, { dtype: 'float32' }),
        ax: torch.zerosLike(p),
      }));
      const step = state.step.add_(1).item();
      let grad = maximize ? p.rawGrad.neg() : p.rawGrad;
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const eta = state.eta.item();
      p.mul_(1 - lambd * eta);
      p.add_(grad, { alpha: -eta });
      if (state.mu.item() !== 1) state.ax.add_(p.sub(state.ax).mul(state.mu));
      else state.ax.copy_(p);
      // PyTorch copies in a new default-dtype (float32) tensor: the value is rounded to float32 even where a
      // float64 parameter's loaded state holds float64 eta and mu.
      state.eta.fill_(Math.fround(lr / Math.pow(1 + lambd * lr * step, alpha)));
      state.mu.fill_(Math.fround(1 / Math.max(1, step - t0)));
    }
  }
}
