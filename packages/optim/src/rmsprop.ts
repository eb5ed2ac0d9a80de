/** RMSprop (alpha, centered, momentum, weight decay): PyTorch 1.13's single-tensor update. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Optimizer, check, required, type Group, type Params } from './optimizer.js';

/** RMSprop's options, by PyTorch's keyword names. */
export interface RMSpropOptions {
  /** The learning rate (default 1e-2). */
  lr?: number;
  /** The smoothing constant of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** The momentum factor (default 0). */
  momentum?: number;
  /** Normalise by the gradient's estimated variance instead of its second moment (default false). */
  centered?: boolean;
  /** Maximise the objective instead of minimising it (default false). */
  maximize?: boolean;
}

type RMSpropHyper = {
  lr: number;
  momentum: number;
  alpha: number;
  eps: number;
  centered: boolean;
  weightDecay: number;
  foreach: boolean | null;
  maximize: boolean;
  differentiable: boolean;
};

/**
 * RMSprop's per-parameter state: `step` (a plain number, as PyTorch 1.13's Python int), `square_avg` (the squared
 * gradients' running mean), `momentum_buffer` with momentum and `grad_avg` (the gradients' running mean) when centered.
 */
export type RMSpropState = { step: number; square_avg: Tensor; momentum_buffer?: Tensor; grad_avg?: Tensor };

/**
 * RMSprop (`torch.optim.RMSprop`): steps scaled by a running average of squared gradients.
 *
 * @example
 * ```ts
 * import { RMSprop } from '@kindling/optim';
 *
 * const w = torch.tensor([1, -1], { requiresGrad: true });
 * const opt = new RMSprop([w], { lr: 0.01 });
 * w.pow(2).sum().backward();
 * opt.step();
 * console.log(w);
 * ```
 * ```text
 * tensor([ 0.9000, -0.9000], requires_grad=True)
 * ```
 */
export class RMSprop extends Optimizer<RMSpropHyper, RMSpropState> {
  /** `new RMSprop(params, { lr, alpha, eps, weightDecay, momentum, centered, maximize })`. */
  constructor(params: Params, options?: RMSpropOptions);
  /** PyTorch's positional order: `new RMSprop(params, 0.01, 0.99)`. */
  constructor(
    params: Params,
    lr: number,
    alpha?: number,
    eps?: number,
    weightDecay?: number,
    momentum?: number,
    centered?: boolean,
  );
  constructor(params: Params, ...args: unknown[]) {
    const options = torch.compat.pythonArgs<RMSpropOptions>(
      'RMSprop',
      ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered'],
      args,
    );
    const {
      lr = 1e-2,
      alpha = 0.99,
      eps = 1e-8,
      weightDecay = 0,
      momentum = 0,
      centered = false,
      maximize = false,
    } = options;
    check(0 <= lr, 'Invalid learning rate: ', lr);
    check(0 <= eps, 'Invalid epsilon value: ', eps);
    check(0 <= momentum, 'Invalid momentum value: ', momentum);
    check(0 <= weightDecay, 'Invalid weight_decay value: ', weightDecay);
    check(0 <= alpha, 'Invalid alpha value: ', alpha);
    super(params, { lr, momentum, alpha, eps, centered, weightDecay, foreach: null, maximize, differentiable: false });
  }

  /** One step of RMSprop on one parameter group. */
  protected updateGroup(group: Group<RMSpropHyper>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const p of group.params) {
      if (p.rawGrad === null) continue;
      let grad = maximize ? p.rawGrad.neg() : p.rawGrad;
      const state = this.stateOf(p, () => ({
        step: 0,
        square_avg: torch.zerosLike(p),
        ...(momentum > 0 ? { momentum_buffer: torch.zerosLike(p) } : {}),
        ...(centered ? { grad_avg: torch.zerosLike(p) } : {}),
      }));
      // As PyTorch, a loaded state that lacks a buffer fails before anything is updated.
      const buf = momentum > 0 ? required(state.momentum_buffer, 'momentum_buffer') : null;
      const gradAvg = centered ? required(state.grad_avg, 'grad_avg') : null;
      state.step += 1;
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const squareAvg = state.square_avg.mul_(alpha).addcmul_(grad, grad, { value: 1 - alpha });
      let avg: Tensor;
      if (gradAvg !== null) {
        gradAvg.mul_(alpha).add_(grad, { alpha: 1 - alpha });
        avg = squareAvg.addcmul(gradAvg, gradAvg, { value: -1 }).sqrt_();
      } else avg = squareAvg.sqrt();
      avg = avg.add_(eps);
      if (buf !== null) {
        buf.mul_(momentum).addcdiv_(grad, avg);
        p.add_(buf, { alpha: -lr });
      } else p.addcdiv_(grad, avg, { value: -lr });
    }
  }
}
